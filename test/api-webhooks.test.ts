/**
 * POST /webhooks/:platform/:shopId end to end (inject): Shopify, WooCommerce and Douyin pushes built
 * from the platforms' documented payloads (the adapters' fixtures), signed the platforms' way, land
 * in the order pool; what is unsigned, unknown or unreadable is refused as the design says, and an
 * unreadable push is kept for a replay.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SHOP_PUSH_RETRY } from '../engine/runtime/shops.ts'
import { createHash, createHmac, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LightMyRequestResponse } from 'fastify'
import { createHarness, type Harness } from './harness.ts'
import { fixture, num, ordersOf, withChanges } from '../connectors/platforms/fixtures/fixtures.ts'
import { platformAdapters } from '../connectors/platforms/index.ts'
import * as shopify from '../connectors/platforms/shopify.ts'
import * as woocommerce from '../connectors/platforms/woocommerce.ts'
import * as douyin from '../connectors/platforms/douyin.ts'
import { PlatformApiError, type PlatformApi } from '../connectors/platforms/platform-api.ts'
import type { PlatformName } from '../connectors/platforms/adapter.ts'
import { parseInstant } from '../schemas/date-time.ts'

const SHOPIFY = { shopDomain: 'example-store.myshopify.com', accessToken: 'shpat_example_access_token_0001', webhookSecret: 'shopify-webhook-secret-0001' }
const WOO = { siteUrl: 'https://shop.example.com', consumerKey: 'ck_example_consumer_key_0001', consumerSecret: 'cs_example_consumer_secret_0001', webhookSecret: 'wc-webhook-secret-0001' }
const DOUYIN = { appKey: '7000000000000000000', appSecret: 'douyin-app-secret-0001', shopId: '1234567' }
const SECRETS = [SHOPIFY.accessToken, SHOPIFY.webhookSecret, WOO.consumerKey, WOO.consumerSecret, WOO.webhookSecret, DOUYIN.appSecret]

const hmac = (secret: string, body: string) => createHmac('sha256', secret).update(Buffer.from(body)).digest('base64')
const md5 = (text: string) => createHash('md5').update(text).digest('hex')

/** The order a Douyin message names (its p_id as a 19-digit JSON number, as Douyin sends it). */
const douyinMessage = (msgId = '7000000000000000001') =>
  `[{"tag":"101","msg_id":"${msgId}","data":"{\\"p_id\\":6931234567890123456,\\"s_ids\\":[6931234567890123457],\\"shop_id\\":1234567,\\"order_status\\":2,\\"pay_time\\":1795140951}"}]`

/** A fake open API of Douyin answering order.orderDetail with the fixture; `fail` throws first. */
function fakeDouyinApi(fail: Error[] = []): PlatformApi & { fetched: string[] } {
  const fetched: string[] = []
  return {
    platform: 'douyin', fetched,
    async fetchOrder(call, platformOrderId) {
      fetched.push(platformOrderId)
      expect(call.credentials).toMatchObject({ appKey: DOUYIN.appKey })
      const error = fail.shift()
      if (error) throw error
      return withChanges(fixture('douyin'), { '/data/shop_order_detail/order_id': platformOrderId })
    },
    async listChangedOrders() { return { orders: [] } },
    async shipNotice() {},
    async updateStock() {},
  }
}

describe('platform webhooks', () => {
  let h: Harness
  let douyinApi: ReturnType<typeof fakeDouyinApi>
  const answers: string[] = []
  const shopIds: Record<string, string> = {}

  const call = async (method: string, url: string, body?: unknown) => {
    const res = await h.api(method, url, body)
    answers.push(res.body)
    return res
  }
  const push = async (platform: string, shopId: string, body: string, headers: Record<string, string>): Promise<LightMyRequestResponse> => {
    const res = await h.app.inject({ method: 'POST', url: `/webhooks/${platform}/${shopId}`, payload: body, headers: { 'content-type': 'application/json', ...headers } })
    answers.push(res.body)
    return res
  }
  const shopifyPush = (body: string, deliveryId: string = randomUUID(), shopId = shopIds.shopify) =>
    push('shopify', shopId, body, { 'x-shopify-hmac-sha256': hmac(SHOPIFY.webhookSecret, body), 'x-shopify-topic': 'orders/updated', 'x-shopify-webhook-id': deliveryId, 'x-shopify-shop-domain': SHOPIFY.shopDomain })
  const wooPush = (body: string, deliveryId: string = randomUUID(), contentType = 'application/json') =>
    push('woocommerce', shopIds.woocommerce, body, { 'content-type': contentType, 'x-wc-webhook-signature': hmac(WOO.webhookSecret, body), 'x-wc-webhook-topic': 'order.updated', 'x-wc-webhook-delivery-id': deliveryId })
  const douyinPush = (body: string) => push('douyin', shopIds.douyin, body, { 'app-id': DOUYIN.appKey, 'event-sign': md5(DOUYIN.appKey + body + DOUYIN.appSecret) })

  const poolOrder = async (platform: PlatformName, platformOrderId: string) => {
    const list = await call('GET', `/api/orders?platform=${platform}&limit=500`)
    const item = (list.json().items as Array<{ id: string; platformOrderId: string }>).find((o) => o.platformOrderId === platformOrderId)
    if (!item) return undefined
    return (await call('GET', `/api/orders/${item.id}`)).json() as { order: Record<string, unknown>; history: Array<{ kind: string; toStatus: string; source: string; origin: unknown }> }
  }
  /** The pool's order matches what the adapter reads from the payload: every field, times as instants. */
  const expectPooled = async (platform: PlatformName, payload: string, normalize: (body: string) => ReturnType<typeof shopify.normalize>) => {
    const [expected] = ordersOf(normalize, payload)
    const stored = await poolOrder(platform, expected.platformOrderId)
    expect(stored).toBeDefined()
    const { raw: _raw, createdAt, updatedAt, payment, ...fields } = expected
    expect(stored!.order).toMatchObject(fields)
    expect(parseInstant(stored!.order.createdAt as string)).toBe(parseInstant(createdAt))
    expect(parseInstant(stored!.order.updatedAt as string)).toBe(parseInstant(updatedAt))
    if (payment) expect(stored!.order.payment).toMatchObject({ ...payment, ...(payment.paidAt ? { paidAt: expect.any(String) } : {}) })
    return stored!
  }

  beforeEach(async () => {
    douyinApi = fakeDouyinApi()
    h = await createHarness({ start: '2026-11-22T00:00:00Z', app: { platformApi: (p) => (p === 'douyin' ? douyinApi : undefined) } })
    for (const [platform, credentials] of [['shopify', SHOPIFY], ['woocommerce', WOO], ['douyin', DOUYIN]] as const) {
      const res = await call('POST', '/api/shops', { platform, name: `${platform} 旗舰店`, credentials })
      expect(res.statusCode).toBe(201)
      shopIds[platform] = res.json().id
    }
  })
  afterEach(async () => {
    // No answer of any test carried a credential.
    for (const body of answers) for (const secret of SECRETS) expect(body).not.toContain(secret)
    answers.length = 0
    vi.restoreAllMocks()
    await h.close()
  })

  describe('Shopify', () => {
    const body = fixture('shopify')

    it('puts a signed orders/updated push in the pool as the order it means, after answering', async () => {
      const res = await shopifyPush(body)
      expect(res.statusCode).toBe(200)
      expect(res.json()).toMatchObject({ received: true, duplicate: false, ping: false })
      expect(await poolOrder('shopify', '5940139491234')).toBeUndefined()
      await h.app.shops.drain()
      const stored = await expectPooled('shopify', body, shopify.normalize)
      expect(stored.history).toEqual([expect.objectContaining({
        kind: 'created', toStatus: 'paid', source: `shop:${shopIds.shopify}:push`,
        origin: { kind: 'shop', shopId: shopIds.shopify, via: 'push', shopName: 'shopify 旗舰店', platform: 'shopify' },
      })])
    })

    it('refuses a tampered body with 401 and keeps nothing of it', async () => {
      const signature = hmac(SHOPIFY.webhookSecret, body)
      const tampered = body.replace('"118.00"', '"1.00"')
      const res = await push('shopify', shopIds.shopify, tampered, { 'x-shopify-hmac-sha256': signature, 'x-shopify-webhook-id': randomUUID() })
      expect(res.statusCode).toBe(401)
      expect(res.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized', details: [{ pointer: '/', reason: 'the x-shopify-hmac-sha256 signature does not match the body' }] })
      expect((await call('GET', `/api/shops/${shopIds.shopify}/pushes`)).json().items).toEqual([])
      expect((await call('GET', `/api/shops/${shopIds.shopify}`)).json().health).toMatchObject({ rejectedPushes: 1, lastPushAt: null })
    })

    it('refuses a push without a signature with 401', async () => {
      const res = await push('shopify', shopIds.shopify, body, { 'x-shopify-webhook-id': randomUUID() })
      expect(res.statusCode).toBe(401)
      expect(res.json().message).toContain('x-shopify-hmac-sha256 header is missing')
      await h.app.shops.drain()
      expect(await poolOrder('shopify', '5940139491234')).toBeUndefined()
    })

    it('takes the same delivery twice as one push: one order, one change in its history', async () => {
      const id = randomUUID()
      expect((await shopifyPush(body, id)).json()).toMatchObject({ duplicate: false })
      expect((await shopifyPush(body, id)).json()).toMatchObject({ duplicate: true })
      expect((await call('GET', '/metrics')).body).toContain('ordo_shop_pushes_total{platform="shopify",outcome="duplicate"} 1')
      // Another topic with the same order body (orders/paid after orders/create) is another push, and still one change.
      expect((await shopifyPush(body)).statusCode).toBe(200)
      await h.app.shops.drain()
      expect((await call('GET', `/api/shops/${shopIds.shopify}/pushes`)).json().items).toHaveLength(2)
      const stored = await poolOrder('shopify', '5940139491234')
      expect(stored!.history).toHaveLength(1)
    })

    it('keeps the status when an older update arrives after a newer one', async () => {
      const shipped = withChanges(body, { '/fulfillment_status': 'fulfilled', '/updated_at': '2026-11-21T10:00:00-05:00' })
      expect((await shopifyPush(shipped)).statusCode).toBe(200)
      await h.app.shops.drain()
      expect((await shopifyPush(body)).statusCode).toBe(200)
      await h.app.shops.drain()
      const stored = await poolOrder('shopify', '5940139491234')
      expect(stored!.order.status).toBe('shipped')
      expect(stored!.history.map((e) => e.toStatus).filter(Boolean)).not.toContain('paid')
    })

    it('keeps every digit of a 19-digit id sent as a JSON number', async () => {
      const big = withChanges(body, { '/id': num('5940139491234567891') })
      expect(big).toContain('"id":5940139491234567891,')
      expect((await shopifyPush(big)).statusCode).toBe(200)
      await h.app.shops.drain()
      const stored = await poolOrder('shopify', '5940139491234567891')
      expect(stored?.order.platformOrderId).toBe('5940139491234567891')
      const [kept] = (await call('GET', `/api/shops/${shopIds.shopify}/pushes`)).json().items
      expect(kept.body).toBe(big)
    })

    it('answers 400 naming what it cannot read, keeps the body, and a replay after the adapter is fixed ingests it', async () => {
      // The adapter as it was before the fix: it could not read a paid order's financial_status.
      const broken = vi.spyOn(platformAdapters.shopify, 'readPush').mockReturnValue({ ok: false, details: [{ pointer: '/financial_status', reason: 'is "paid", not a Shopify financial status Ordo knows' }] })
      const res = await shopifyPush(body)
      expect(res.statusCode).toBe(400)
      expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', details: [{ pointer: '/financial_status', reason: expect.stringContaining('not a Shopify financial status') }] })
      const [kept] = (await call('GET', `/api/shops/${shopIds.shopify}/pushes`)).json().items
      expect(kept).toMatchObject({ status: 'unreadable', kind: 'push', body, error: expect.stringContaining('/financial_status') })
      expect(kept.headers).toMatchObject({ 'x-shopify-topic': 'orders/updated' })
      expect(kept.headers['x-shopify-hmac-sha256']).toBeUndefined()
      await h.app.shops.drain()
      expect(await poolOrder('shopify', '5940139491234')).toBeUndefined()

      broken.mockRestore()
      const replay = await call('POST', `/api/shops/${shopIds.shopify}/pushes/${kept.id}/replay`)
      expect(replay.statusCode).toBe(200)
      expect(replay.json()).toMatchObject({ outcome: 'processed', push: { id: kept.id, status: 'processed', error: null }, results: [{ platformOrderId: '5940139491234', outcome: 'created' }] })
      await expectPooled('shopify', body, shopify.normalize)
      const history = (await poolOrder('shopify', '5940139491234'))!.history
      expect(history[0].source).toBe(`shop:${shopIds.shopify}:replay`)
    })

    it('keeps a push the adapter throws on, and tries it again later, not at once', async () => {
      const bug = vi.spyOn(platformAdapters.shopify, 'readPush').mockImplementation(() => { throw new Error('adapter bug') })
      expect((await shopifyPush(body)).statusCode).toBe(200)
      await h.app.shops.drain()
      expect(bug).toHaveBeenCalledTimes(2)
      let [row] = (await call('GET', `/api/shops/${shopIds.shopify}/pushes`)).json().items
      expect(row).toMatchObject({ status: 'received', attempts: 1, error: 'could not process: adapter bug' })
      expect(Date.parse(row.nextTryAt)).toBeGreaterThan(h.clock.now())
      bug.mockRestore()
      h.clock.advance('PT1M')
      await h.app.shops.drain()
      ;[row] = (await call('GET', `/api/shops/${shopIds.shopify}/pushes`)).json().items
      expect(row).toMatchObject({ status: 'processed', attempts: 2, error: null })
    })

    it('gives a push up after its last try, failed and kept for a replay, instead of trying it forever', async () => {
      const bug = vi.spyOn(platformAdapters.shopify, 'readPush').mockImplementation(() => { throw new Error('adapter bug') })
      expect((await shopifyPush(body)).statusCode).toBe(200)
      for (let i = 0; i < SHOP_PUSH_RETRY.maxAttempts + 2; i++) {
        await h.app.shops.drain()
        h.clock.advance('PT2H')
      }
      bug.mockRestore()
      const [row] = (await call('GET', `/api/shops/${shopIds.shopify}/pushes`)).json().items
      expect(row).toMatchObject({ status: 'failed', attempts: SHOP_PUSH_RETRY.maxAttempts, nextTryAt: null })
      expect(row.error).toMatch(/^gave up after 12 tries: could not process: adapter bug/)
      const replay = await call('POST', `/api/shops/${shopIds.shopify}/pushes/${row.id}/replay`)
      expect(replay.json()).toMatchObject({ outcome: 'processed' })
    })

    it('keeps a body that is not JSON as unreadable, with a 400 naming the body', async () => {
      const res = await shopifyPush('{"id": 59401394912')
      expect(res.statusCode).toBe(400)
      expect(res.json().details[0].pointer).toBe('/')
      expect((await call('GET', `/api/shops/${shopIds.shopify}/pushes`)).json().items[0]).toMatchObject({ status: 'unreadable', body: '{"id": 59401394912' })
    })

    it('answers 404 for an unknown shop, another platform\'s shop, a disabled shop and a platform without HTTP pushes', async () => {
      expect((await shopifyPush(body, randomUUID(), 'shop_nobody')).statusCode).toBe(404)
      expect((await push('woocommerce', shopIds.shopify, body, { 'x-wc-webhook-signature': hmac(SHOPIFY.webhookSecret, body) })).statusCode).toBe(404)
      expect((await push('taobao', shopIds.shopify, body, {})).statusCode).toBe(404)
      expect((await push('nowhere', shopIds.shopify, body, {})).statusCode).toBe(404)
      expect((await call('PATCH', `/api/shops/${shopIds.shopify}`, { enabled: false })).statusCode).toBe(200)
      const disabled = await shopifyPush(body)
      expect(disabled.statusCode).toBe(404)
      expect(disabled.json()).toMatchObject({ statusCode: 404, error: 'Not Found' })
      expect((await call('PATCH', `/api/shops/${shopIds.shopify}`, { enabled: true })).statusCode).toBe(200)
      expect((await shopifyPush(body)).statusCode).toBe(200)
    })

    it('refuses a body over 1 MiB with 413', async () => {
      const huge = JSON.stringify({ padding: 'x'.repeat(1024 * 1024) })
      const res = await shopifyPush(huge)
      expect(res.statusCode).toBe(413)
      expect(res.json()).toMatchObject({ statusCode: 413, details: [{ pointer: '/' }] })
    })

    it('needs no bearer token, while the API beside it still does', async () => {
      expect((await shopifyPush(body)).statusCode).toBe(200)
      expect((await h.api('GET', '/api/shops', undefined, null)).statusCode).toBe(401)
      expect((await h.api('GET', `/api/shops/${shopIds.shopify}/pushes`, undefined, null)).statusCode).toBe(401)
      expect((await h.app.inject({ method: 'POST', url: '/webhooks' })).statusCode).toBe(404)
    })
  })

  describe('WooCommerce', () => {
    const body = fixture('woocommerce')

    it('puts a signed order.updated push in the pool as the order it means', async () => {
      expect((await wooPush(body)).statusCode).toBe(200)
      await h.app.shops.drain()
      await expectPooled('woocommerce', body, woocommerce.normalize)
    })

    it('answers the ping WooCommerce sends when a webhook is saved, and ingests nothing', async () => {
      const res = await wooPush('webhook_id=42', randomUUID(), 'application/x-www-form-urlencoded')
      expect(res.statusCode).toBe(200)
      expect(res.json()).toMatchObject({ ping: true })
      await h.app.shops.drain()
      expect((await call('GET', '/api/orders?platform=woocommerce')).json().items).toEqual([])
      expect((await call('GET', `/api/shops/${shopIds.woocommerce}/pushes`)).json().items[0]).toMatchObject({ status: 'ignored' })
    })

    it('refuses a tampered body and a missing signature with 401', async () => {
      const signature = hmac(WOO.webhookSecret, body)
      expect((await push('woocommerce', shopIds.woocommerce, body.replace('"processing"', '"completed"'), { 'x-wc-webhook-signature': signature })).statusCode).toBe(401)
      expect((await push('woocommerce', shopIds.woocommerce, body, {})).statusCode).toBe(401)
      expect((await call('GET', `/api/shops/${shopIds.woocommerce}/pushes`)).json().items).toEqual([])
    })

    it('takes a redelivery (same X-WC-Webhook-Delivery-ID) once', async () => {
      const id = '9b2c1f-example'
      expect((await wooPush(body, id)).json().duplicate).toBe(false)
      expect((await wooPush(body, id)).json().duplicate).toBe(true)
      await h.app.shops.drain()
      const stored = await poolOrder('woocommerce', '7215')
      expect(stored!.history).toHaveLength(1)
    })

    it('keeps the status when an older update arrives after a newer one', async () => {
      const completed = withChanges(body, { '/status': 'completed', '/date_modified_gmt': '2026-11-21T09:00:00', '/date_modified': '2026-11-21T10:00:00' })
      await wooPush(completed)
      await h.app.shops.drain()
      await wooPush(body)
      await h.app.shops.drain()
      expect((await poolOrder('woocommerce', '7215'))!.order.status).toBe('completed')
    })
  })

  describe('Douyin', () => {
    it('fetches the order a signed message names and puts it in the pool, its 19-digit id whole', async () => {
      const res = await douyinPush(douyinMessage())
      expect(res.statusCode).toBe(200)
      await h.app.shops.drain()
      expect(douyinApi.fetched).toEqual(['6931234567890123456'])
      const detail = withChanges(fixture('douyin'), { '/data/shop_order_detail/order_id': '6931234567890123456' })
      await expectPooled('douyin', detail, douyin.normalize)
      expect((await call('GET', `/api/shops/${shopIds.douyin}/pushes`)).json().items[0]).toMatchObject({ status: 'processed', attempts: 1 })
    })

    it('refuses a wrong event-sign, a missing one and another app\'s with 401', async () => {
      const body = douyinMessage()
      expect((await push('douyin', shopIds.douyin, body, { 'app-id': DOUYIN.appKey, 'event-sign': md5(DOUYIN.appKey + body + 'wrong') })).statusCode).toBe(401)
      expect((await push('douyin', shopIds.douyin, body, { 'app-id': DOUYIN.appKey })).statusCode).toBe(401)
      expect((await push('douyin', shopIds.douyin, body, { 'app-id': 'another-app', 'event-sign': md5('another-app' + body + DOUYIN.appSecret) })).statusCode).toBe(401)
      expect((await call('GET', `/api/shops/${shopIds.douyin}`)).json().health.rejectedPushes).toBe(3)
      expect((await call('GET', '/metrics')).body).toContain('ordo_shop_pushes_total{platform="douyin",outcome="refused"} 3')
    })

    it('takes the same message twice (no delivery id: the body\'s sha256) once', async () => {
      expect((await douyinPush(douyinMessage())).json().duplicate).toBe(false)
      expect((await douyinPush(douyinMessage())).json().duplicate).toBe(true)
      await h.app.shops.drain()
      expect(douyinApi.fetched).toHaveLength(1)
      expect((await poolOrder('douyin', '6931234567890123456'))!.history).toHaveLength(1)
    })

    it('tries a failing detail fetch again with backoff, and records the error on the push and the shop', async () => {
      douyinApi = fakeDouyinApi([new PlatformApiError('unavailable', '50000', 'service busy'), new PlatformApiError('throttled', '429', 'too many calls', 60_000)])
      expect((await douyinPush(douyinMessage())).statusCode).toBe(200)
      await h.app.shops.drain()
      let [row] = (await call('GET', `/api/shops/${shopIds.douyin}/pushes`)).json().items
      expect(row).toMatchObject({ status: 'received', attempts: 1, error: expect.stringContaining('unavailable (50000) service busy') })
      expect(Date.parse(row.nextTryAt)).toBeGreaterThan(h.clock.now())
      const shop = (await call('GET', `/api/shops/${shopIds.douyin}`)).json()
      expect(shop.health).toMatchObject({ pendingPushes: 1, errors: 1, lastError: { message: expect.stringContaining('service busy') } })
      // Not due yet: nothing is fetched.
      await h.app.shops.drain()
      expect(douyinApi.fetched).toHaveLength(1)
      h.clock.advance('PT10S')
      await h.app.shops.drain()
      ;[row] = (await call('GET', `/api/shops/${shopIds.douyin}/pushes`)).json().items
      // Throttled: the platform's retry-after outweighs the backoff.
      expect(row).toMatchObject({ status: 'received', attempts: 2 })
      expect(Date.parse(row.nextTryAt)).toBeGreaterThanOrEqual(h.clock.now() + 60_000)
      h.clock.advance('PT1M')
      await h.app.shops.drain()
      ;[row] = (await call('GET', `/api/shops/${shopIds.douyin}/pushes`)).json().items
      expect(row).toMatchObject({ status: 'processed', attempts: 3, error: null })
      expect(await poolOrder('douyin', '6931234567890123456')).toBeDefined()
    })

    it('marks a push failed when the platform says the order does not exist', async () => {
      douyinApi = fakeDouyinApi([new PlatformApiError('not-found', '40004', '订单不存在')])
      await douyinPush(douyinMessage())
      await h.app.shops.drain()
      const [row] = (await call('GET', `/api/shops/${shopIds.douyin}/pushes`)).json().items
      expect(row).toMatchObject({ status: 'failed', error: expect.stringContaining('not-found (40004)') })
    })
  })

  describe('long-connection messages and details brought by others', () => {
    it('keeps refs from a channel durably, then fetches and ingests them', async () => {
      await h.app.shops.acceptRefs(shopIds.douyin, [{ platformOrderId: '6931234567890123456', event: '101' }])
      const [row] = (await call('GET', `/api/shops/${shopIds.douyin}/pushes`)).json().items
      expect(row).toMatchObject({ kind: 'message', status: 'received' })
      await h.app.shops.drain()
      const stored = await poolOrder('douyin', '6931234567890123456')
      expect(stored!.history[0].source).toBe(`shop:${shopIds.douyin}:message`)
      expect((await call('GET', `/api/shops/${shopIds.douyin}`)).json().health.lastMessageAt).toBe(new Date(h.clock.now()).toISOString())
    })

    it('refuses refs for a shop that does not exist', async () => {
      await expect(h.app.shops.acceptRefs('shop_nobody', [{ platformOrderId: '1', event: 'x' }])).rejects.toThrow('shop_nobody')
    })

    it('ingests readable details and records the unreadable ones against the shop', async () => {
      const detail = fixture('douyin')
      const results = await h.app.shops.ingestDetails(shopIds.douyin, [detail, '{"code":40004,"msg":"参数错误","data":{}}'], 'pull')
      expect(results).toEqual([expect.objectContaining({ platformOrderId: '6931234567890123456', outcome: 'created' })])
      const health = (await call('GET', `/api/shops/${shopIds.douyin}`)).json().health
      expect(health).toMatchObject({ events: 2, errors: 1, errorRate: 0.5, lastError: { message: expect.stringContaining('1 of 2 order details could not be read') } })
    })
  })
})

describe('pushes across a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-webhook-restart-'))
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('processes on the next start a push that was answered but not yet processed', async () => {
    const dbPath = join(dir, 'ordo.db')
    const first = await createHarness({ dbPath, start: '2026-11-22T00:00:00Z' })
    const shop = await first.api('POST', '/api/shops', { platform: 'shopify', name: 'Example', credentials: SHOPIFY })
    const body = fixture('shopify')
    const res = await first.app.inject({ method: 'POST', url: `/webhooks/shopify/${shop.json().id}`, payload: body, headers: { 'content-type': 'application/json', 'x-shopify-hmac-sha256': hmac(SHOPIFY.webhookSecret, body) } })
    expect(res.statusCode).toBe(200)
    await first.close()

    const second = await createHarness({ dbPath, start: '2026-11-22T00:00:00Z' })
    try {
      await second.app.shops.drain()
      const list = (await second.api('GET', '/api/orders?platform=shopify')).json().items
      expect(list.map((o: { platformOrderId: string }) => o.platformOrderId)).toEqual(['5940139491234'])
    } finally {
      await second.close()
    }
  })
})
