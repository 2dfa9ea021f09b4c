/**
 * Each platform's client against the simulator, which checks every signature with the shop's
 * credentials: an order fetched normalizes to what the platform holds, a window of changes pages
 * through to the end, a ship notice and a stock level arrive in the platform's terms, and the
 * platform's refusals (throttle, expired session, a bad signature) come back as their kinds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PlatformName } from '../adapter.ts'
import { platformAdapters } from '../index.ts'
import { PlatformApiError, type ShopCall } from '../platform-api.ts'
import { PLATFORM_CARRIERS } from '../carriers.ts'
import { createPerformSession } from '../../sdk/perform-runtime.ts'
import { startSimulator, type Simulator } from '../../simulator/simulator.ts'
import { CATALOG, orderTotal } from '../../simulator/sim-orders.ts'
import { platformApi, platformApis } from './index.ts'
import { createHash, createHmac } from 'node:crypto'
import { taobaoSign } from './taobao.ts'
import { jdSign } from './jd.ts'
import { pinduoduoSign } from './pinduoduo.ts'
import { douyinSign } from './douyin.ts'

const NOW = Date.parse('2026-11-20T02:00:00Z')
const now = () => NOW
let sim: Simulator

beforeAll(async () => {
  sim = await startSimulator({ now, seed: 7 })
})
afterAll(async () => {
  await sim.stop()
})

function shopCall(credentials: Record<string, string>): ShopCall<unknown> {
  const session = createPerformSession<unknown>({
    node: { id: 'node', type: 'test' }, runId: 'run', workflowId: 'wf', config: {}, order: null, variables: {}, idempotencyKey: 'run:node:1', attempt: 1,
    signal: new AbortController().signal, deadline: NOW + 30_000, now, secrets: { get: async () => '' }, log: { info() {}, warn() {}, error() {} },
  })
  return { shopId: 'shop-1', credentials, http: session.ctx.http, now }
}

async function refusal(promise: Promise<unknown>): Promise<PlatformApiError> {
  const err = await promise.then(() => undefined, (e: unknown) => e)
  if (!(err instanceof PlatformApiError)) throw new Error(`expected a PlatformApiError, got ${String(err)}`)
  return err
}

/** What a call signed with the wrong secret (or, for the REST platforms, the wrong token) is refused as. */
const BAD_SIGNATURE: Record<PlatformName, { credential: string; kind: string; code: string }> = {
  taobao: { credential: 'appSecret', kind: 'invalid', code: '25' },
  jd: { credential: 'appSecret', kind: 'invalid', code: '9' },
  pinduoduo: { credential: 'clientSecret', kind: 'invalid', code: '10017' },
  douyin: { credential: 'appSecret', kind: 'invalid', code: 'isv.signature-invalid' },
  shopify: { credential: 'accessToken', kind: 'session-expired', code: 'http-401' },
  woocommerce: { credential: 'consumerSecret', kind: 'session-expired', code: 'http-401' },
}

/** The status the adapter reads from an order the seller shipped (WooCommerce has no shipped state: the shop completes it). */
const SHIPPED: Record<PlatformName, string> = { taobao: 'shipped', jd: 'shipped', pinduoduo: 'shipped', douyin: 'shipped', shopify: 'shipped', woocommerce: 'completed' }

describe.each(Object.keys(platformApis) as PlatformName[])('the %s client', (platform) => {
  const api = platformApi(platform)!
  const call = () => shopCall(sim.shops()[platform]!)

  it('fetches an order whose detail the adapter normalizes to the order the platform holds', async () => {
    const placed = sim.createOrder({ platform, sku: 'KETTLE-1.7L-WHT', quantity: 2, at: NOW - 60_000 })
    const detail = await api.fetchOrder(call(), placed.platformOrderId)
    const read = platformAdapters[platform].normalize(detail)
    if (!read.ok) throw new Error(JSON.stringify(read.details))
    const [order] = read.orders
    expect(order).toMatchObject({
      platform, platformOrderId: placed.platformOrderId, status: 'paid', totalAmount: orderTotal(placed), currency: placed.currency,
      items: [{ sku: 'KETTLE-1.7L-WHT', quantity: 2, unitPrice: CATALOG[1]!.price[placed.currency] }],
    })
    expect(Date.parse(order!.createdAt)).toBe(NOW - 60_000)
  })

  it('answers not-found for an order the platform does not have', async () => {
    const err = await refusal(api.fetchOrder(call(), platform === 'pinduoduo' ? '261120-000000000000000' : '100000000000000001'))
    expect(['not-found', 'invalid']).toContain(err.kind)
  })

  it('pages through every order changed in a window, oldest change first', async () => {
    const from = NOW - 10 * 24 * 3600_000
    const to = from + 3600_000
    const perPage = platform === 'shopify' ? 250 : 100
    const placed = Array.from({ length: perPage + 3 }, (_, i) => sim.createOrder({ platform, at: from + 1000 + i * 1000 }).platformOrderId)
    sim.createOrder({ platform, at: to + 5000 }) // outside the window
    const seen: Array<{ id: string; at: number }> = []
    let page: string | undefined
    let pages = 0
    do {
      const answer = await api.listChangedOrders(call(), { from, to, ...(page ? { page } : {}) })
      seen.push(...answer.orders.map((o) => ({ id: o.platformOrderId, at: o.modifiedAt })))
      if (answer.orders.some((o) => o.detail !== undefined)) {
        for (const o of answer.orders) expect(platformAdapters[platform].normalize(o.detail!).ok).toBe(true)
      }
      page = answer.nextPage
      pages += 1
    } while (page && pages < 10)
    expect(pages).toBe(2)
    expect(seen.map((s) => s.id)).toEqual(placed)
    expect(seen.map((s) => s.at)).toEqual([...seen.map((s) => s.at)].sort((a, b) => a - b))
  })

  it("tells the platform about a shipment in the platform's carrier code, and the order reads as shipped", async () => {
    const placed = sim.createOrder({ platform, sku: 'CUP-500-WHT', quantity: 1, at: NOW - 30_000 })
    await api.shipNotice(call(), { platformOrderId: placed.platformOrderId, carrier: 'sf', trackingNumber: 'SF1234567890123' })
    expect(sim.shipNotices().at(-1)).toMatchObject({ platform, platformOrderId: placed.platformOrderId, carrierCode: PLATFORM_CARRIERS[platform].sf, trackingNumber: 'SF1234567890123' })
    const read = platformAdapters[platform].normalize(await api.fetchOrder(call(), placed.platformOrderId))
    expect(read.ok && read.orders[0]!.status).toBe(SHIPPED[platform])
  })

  it('refuses a carrier the platform has no code for without calling it', async () => {
    const before = sim.shipNotices().length
    const err = await refusal(api.shipNotice(call(), { platformOrderId: '1', carrier: 'pigeon', trackingNumber: 'X1' }))
    expect(err.kind).toBe('invalid')
    expect(sim.shipNotices()).toHaveLength(before)
  })

  it("sets a SKU's stock, found by the merchant's SKU code", async () => {
    await api.updateStock(call(), { sku: 'TEA-LONGJING-250G', quantity: 17 })
    expect(sim.stockUpdates().at(-1)).toMatchObject({ platform, sku: 'TEA-LONGJING-250G', quantity: 17 })
    expect(sim.stock(platform, 'TEA-LONGJING-250G')).toBe(17)
  })

  it('reads a throttled answer as throttled, with the wait before the next try', async () => {
    sim.failNext(platform, 'throttled')
    const err = await refusal(api.fetchOrder(call(), sim.orders(platform)[0]!.platformOrderId))
    expect(err.kind).toBe('throttled')
    expect(err.retryAfterMs).toBeGreaterThan(0)
  })

  it('reads a failing platform as unavailable', async () => {
    sim.failNext(platform, 'error')
    const err = await refusal(api.updateStock(call(), { sku: 'CUP-500-WHT', quantity: 3 }))
    expect(err.kind).toBe('unavailable')
  })

  it('reads an expired session as session-expired', async () => {
    sim.expireSession(platform)
    try {
      const err = await refusal(api.listChangedOrders(call(), { from: NOW - 3600_000, to: NOW }))
      expect(err.kind).toBe('session-expired')
    } finally {
      sim.expireSession(platform, false)
    }
  })

  it('is refused by the platform when it signs with the wrong secret', async () => {
    const bad = BAD_SIGNATURE[platform]
    const credentials = { ...sim.shops()[platform]!, [bad.credential]: 'not-the-shops-secret' }
    const updates = sim.stockUpdates().length
    const err = await refusal(api.updateStock(shopCall(credentials), { sku: 'CUP-500-WHT', quantity: 5 }))
    expect({ kind: err.kind, code: err.code }).toEqual({ kind: bad.kind, code: bad.code })
    expect(sim.stockUpdates()).toHaveLength(updates)
  })
})

describe('platformApi', () => {
  it('names a client for each platform and none for anything else', () => {
    expect(platformApi('taobao')?.platform).toBe('taobao')
    expect(platformApi('manual')).toBeUndefined()
    expect(platformApi('__proto__')).toBeUndefined()
  })
})

describe('the Douyin client', () => {
  /** A shop call whose HTTP client counts the calls of each Douyin method by its path. */
  function countingCall(credentials: Record<string, string>, at: () => number) {
    const calls: string[] = []
    const inner = shopCall(credentials)
    const call: ShopCall<unknown> = {
      ...inner, now: at,
      http: { request: (r) => { calls.push(new URL(r.url).pathname); return inner.http.request(r) } },
    }
    return { call, calls }
  }

  it('asks for an access token once while it is good, and again when it nearly expires or the credentials change', async () => {
    const api = platformApi('douyin')!
    const credentials = sim.shops().douyin!
    const orderId = sim.createOrder({ platform: 'douyin', at: NOW - 60_000 }).platformOrderId
    let at = NOW
    const { call, calls } = countingCall(credentials, () => at)
    await api.fetchOrder(call, orderId)
    await api.fetchOrder(call, orderId)
    expect(calls.filter((p) => p.endsWith('/token/create'))).toHaveLength(1)
    // The simulator's tokens last a week: five minutes before one ends, the client asks for a new one.
    at = NOW + 7 * 24 * 3600_000 - 5 * 60_000
    await api.fetchOrder(call, orderId)
    expect(calls.filter((p) => p.endsWith('/token/create'))).toHaveLength(2)
    const rekeyed = countingCall({ ...credentials, appSecret: `${credentials.appSecret}x` }, () => at)
    // Another secret is not the cached token's: it asks (and the simulator refuses its signature).
    await refusal(api.fetchOrder(rekeyed.call, orderId))
    expect(rekeyed.calls).toEqual([expect.stringMatching(/\/token\/create$/)])
  })
})

describe('the Shopify client', () => {
  it('sets a level with the 64-bit inventory item and location ids written digit for digit', async () => {
    const sent: Array<{ url: string; body?: string }> = []
    const answer = (text: string) => ({ status: 200, ok: true, headers: {}, text, json: () => JSON.parse(text) })
    const call: ShopCall<unknown> = {
      shopId: 'shop-1', now,
      credentials: { shopDomain: 'example-store.myshopify.com', accessToken: 'shpat_test_token_0001', webhookSecret: 'whs' },
      http: {
        request: async (r) => {
          sent.push({ url: r.url, ...(typeof r.body === 'string' ? { body: r.body } : {}) })
          if (r.url.includes('/variants/')) return answer('{"variant":{"id":1,"inventory_item_id":9223372036854775807}}')
          if (r.url.includes('/inventory_levels.json')) return answer('{"inventory_levels":[{"location_id":9007199254740993,"available":4}]}')
          return answer('{"inventory_level":{}}')
        },
      },
    }
    await platformApi('shopify')!.updateStock(call, { sku: 'CUP-500-WHT', platformSkuId: '44610569208001', quantity: 7 })
    expect(sent.at(-1)).toEqual({
      url: 'https://example-store.myshopify.com/admin/api/2024-10/inventory_levels/set.json',
      body: '{"location_id":9007199254740993,"inventory_item_id":9223372036854775807,"available":7}',
    })
  })
})

describe('request signatures, as each platform documents them', () => {
  // Expected values are built here from each formula written out by hand, not by the clients' own code.
  const md5Upper = (text: string) => createHash('md5').update(text, 'utf8').digest('hex').toUpperCase()

  it('Taobao TOP: upper-hex HMAC-SHA256 of the name/value pairs sorted by name, keyed by the app secret', () => {
    const params = { method: 'taobao.trade.fullinfo.get', app_key: '12345678', timestamp: '2026-11-20 10:00:00', sign_method: 'hmac-sha256', tid: '3921847562019384756', sign: 'ignored' }
    const text = 'app_key12345678methodtaobao.trade.fullinfo.getsign_methodhmac-sha256tid3921847562019384756timestamp2026-11-20 10:00:00'
    expect(taobaoSign(params, 'tb-secret')).toBe(createHmac('sha256', 'tb-secret').update(text).digest('hex').toUpperCase())
  })

  it('JD JOS and Pinduoduo: upper-hex MD5 of secret + sorted name/value pairs + secret', () => {
    const jd = { method: 'jingdong.pop.order.get', app_key: 'jd-key', timestamp: '2026-11-20 10:00:00', v: '2.0', '360buy_param_json': '{"order_id":"1"}' }
    expect(jdSign(jd, 'jd-secret')).toBe(md5Upper('jd-secret360buy_param_json{"order_id":"1"}app_keyjd-keymethodjingdong.pop.order.gettimestamp2026-11-20 10:00:00v2.0jd-secret'))
    const pdd = { type: 'pdd.order.information.get', client_id: 'pdd-id', timestamp: '1795000000', data_type: 'JSON', order_sn: '261120-01' }
    expect(pinduoduoSign(pdd, 'pdd-secret')).toBe(md5Upper('pdd-secretclient_idpdd-iddata_typeJSONorder_sn261120-01timestamp1795000000typepdd.order.information.getpdd-secret'))
  })

  it('Douyin: hex HMAC-SHA256, keyed by the app secret, of secret + app_key…method…param_json…timestamp…v… + secret', () => {
    const p = { appKey: 'dy-key', appSecret: 'dy-secret', method: 'order.orderDetail', paramJson: '{"shop_order_id":"6919"}', timestamp: '2026-11-20 10:00:00', v: '2' }
    const text = 'dy-secretapp_keydy-keymethodorder.orderDetailparam_json{"shop_order_id":"6919"}timestamp2026-11-20 10:00:00v2dy-secret'
    expect(douyinSign(p)).toBe(createHmac('sha256', 'dy-secret').update(text).digest('hex'))
  })
})
