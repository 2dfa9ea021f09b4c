/**
 * /api/shops: admins add, change and delete shops; operators read them with their health and work
 * their pushes. Credentials are checked per platform, sealed at rest, and never come back: not in
 * an answer, the audit log, the server's log or the database file in the clear.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHmac, randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHarness, type Harness } from './harness.ts'
import { fixture } from '../connectors/platforms/fixtures/fixtures.ts'

const SHOPIFY = { shopDomain: 'example-store.myshopify.com', accessToken: 'shpat_example_access_token_0002', webhookSecret: 'shopify-webhook-secret-0002' }
const NEW_SECRET = 'shopify-webhook-secret-rotated-0003'
const SECRETS = [SHOPIFY.accessToken, SHOPIFY.webhookSecret, NEW_SECRET]

describe('/api/shops', () => {
  let h: Harness
  let dir: string
  const logLines: string[] = []
  const answers: string[] = []
  const call = async (method: string, url: string, body?: unknown, token?: string) => {
    const res = await h.api(method, url, body, token)
    answers.push(res.body)
    return res
  }
  const signedPush = (shopId: string, secret: string, body = fixture('shopify')) =>
    h.app.inject({
      method: 'POST', url: `/webhooks/shopify/${shopId}`, payload: body,
      headers: { 'content-type': 'application/json', 'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'), 'x-shopify-webhook-id': randomUUID() },
    })

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ordo-shops-'))
    h = await createHarness({
      dbPath: join(dir, 'ordo.db'), start: '2026-11-22T00:00:00Z',
      app: { logger: { level: 'trace', stream: { write: (line: string) => { logLines.push(line) } } } },
    })
  })
  afterEach(async () => {
    await h.close()
    for (const text of [...answers, ...logLines]) for (const secret of SECRETS) expect(text).not.toContain(secret)
    // Sealed at rest: the database files hold no credential in the clear.
    for (const file of readdirSync(dir)) {
      const bytes = readFileSync(join(dir, file)).toString('latin1')
      for (const secret of SECRETS) expect(bytes.includes(secret), `${file} holds a credential`).toBe(false)
    }
    answers.length = 0
    logLines.length = 0
    rmSync(dir, { recursive: true, force: true })
  })

  it('names the shops whose credentials a changed secret key cannot open', async () => {
    const id = (await call('POST', '/api/shops', { platform: 'shopify', name: 'Example Store 美国站', credentials: SHOPIFY })).json().id
    expect(await h.app.shops.unreadableCredentials()).toEqual([])
    await h.close()
    h = await createHarness({ dbPath: join(dir, 'ordo.db'), start: '2026-11-22T00:00:00Z', engine: { secretKey: Buffer.alloc(32, 7) } })
    expect(await h.app.shops.unreadableCredentials()).toEqual([{ id, name: 'Example Store 美国站' }])
  })

  it('adds a shop and answers 201 with its id, platform, name and creation time only', async () => {
    const res = await call('POST', '/api/shops', { platform: 'shopify', name: 'Example Store 美国站', credentials: SHOPIFY })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toEqual({ id: expect.stringMatching(/^shop_/), platform: 'shopify', name: 'Example Store 美国站', createdAt: '2026-11-22T00:00:00.000Z' })
    const shop = (await call('GET', `/api/shops/${res.json().id}`)).json()
    expect(shop).toEqual({
      id: res.json().id, platform: 'shopify', name: 'Example Store 美国站', enabled: true, createdAt: '2026-11-22T00:00:00.000Z', updatedAt: '2026-11-22T00:00:00.000Z',
      health: { lastPushAt: null, lastMessageAt: null, lastPullAt: null, lastError: null, lagMs: null, windowMs: 3_600_000, events: 0, errors: 0, errorRate: 0, rejectedPushes: 0, pendingPushes: 0 },
    })
    expect(await h.app.shops.credentials(res.json().id)).toEqual(SHOPIFY)
  })

  it('takes each platform\'s own credential keys, and apiBaseUrl and channelUrl beside them', async () => {
    const shops = [
      { platform: 'woocommerce', credentials: { siteUrl: 'https://shop.example.com', consumerKey: 'ck_1', consumerSecret: 'cs_1', webhookSecret: 'wh_1' } },
      { platform: 'douyin', credentials: { appKey: '7000', appSecret: 'dy-secret', shopId: '1234567', apiBaseUrl: 'http://127.0.0.1:4010' } },
      { platform: 'taobao', credentials: { appKey: '12345678', appSecret: 'tb-secret', sessionKey: '6100a', channelUrl: 'ws://127.0.0.1:4011/tmc' } },
      { platform: 'jd', credentials: { appKey: 'jd-key', appSecret: 'jd-secret', accessToken: 'jd-token' } },
      { platform: 'pinduoduo', credentials: { clientId: 'pdd-id', clientSecret: 'pdd-secret', accessToken: 'pdd-token' } },
    ]
    for (const shop of shops) expect((await call('POST', '/api/shops', { name: shop.platform, ...shop })).statusCode, shop.platform).toBe(201)
    const list = (await call('GET', '/api/shops')).json().items
    expect(list.map((s: { platform: string }) => s.platform)).toEqual(shops.map((s) => s.platform))
    for (const shop of shops) for (const value of Object.values(shop.credentials)) expect(JSON.stringify(list)).not.toContain(`"${value}"`)
  })

  it('refuses unknown, missing and mistyped credentials by JSON pointer', async () => {
    const res = await call('POST', '/api/shops', { platform: 'shopify', name: 'x', credentials: { shopDomain: 'a.myshopify.com', accessToken: 'shpat_x', consumerKey: 'ck' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().details).toEqual(expect.arrayContaining([
      { pointer: '/credentials/consumerKey', reason: 'is not a known field' },
      { pointer: '/credentials/webhookSecret', reason: 'is required' },
    ]))
    const typed = await call('POST', '/api/shops', { platform: 'douyin', name: 'x', credentials: { appKey: 7000, appSecret: 's', shopId: '1' } })
    expect(typed.statusCode).toBe(400)
    expect(typed.json().details).toContainEqual({ pointer: '/credentials/appKey', reason: 'must be string' })
    const url = await call('POST', '/api/shops', { platform: 'jd', name: 'x', credentials: { appKey: 'k', appSecret: 's', accessToken: 't', apiBaseUrl: 'ftp://x' } })
    expect(url.json().details).toContainEqual({ pointer: '/credentials/apiBaseUrl', reason: expect.stringContaining('must match pattern') })
    const platform = await call('POST', '/api/shops', { platform: 'manual', name: 'x', credentials: {} })
    expect(platform.statusCode).toBe(400)
    expect(platform.json().details[0].pointer).toBe('/platform')
    expect((await call('POST', '/api/shops', { platform: 'jd', name: 'x', credentials: { appKey: 'k', appSecret: 's', accessToken: 't' }, extra: 1 })).json().details)
      .toContainEqual({ pointer: '/extra', reason: 'is not a known field' })
  })

  it('renames, disables and re-enables a shop, and replaces its credentials so only the new webhook secret signs', async () => {
    const { id } = (await call('POST', '/api/shops', { platform: 'shopify', name: 'Old name', credentials: SHOPIFY })).json()
    h.clock.advance('PT1M')
    const renamed = await call('PATCH', `/api/shops/${id}`, { name: 'New name' })
    expect(renamed.json()).toMatchObject({ name: 'New name', enabled: true, updatedAt: '2026-11-22T00:01:00.000Z' })
    expect((await call('PATCH', `/api/shops/${id}`, { enabled: false })).json()).toMatchObject({ enabled: false })
    expect((await h.app.shops.get(id))?.enabled).toBe(false)
    expect((await call('PATCH', `/api/shops/${id}`, { enabled: true })).json()).toMatchObject({ enabled: true })

    expect((await signedPush(id, SHOPIFY.webhookSecret)).statusCode).toBe(200)
    const replaced = await call('PATCH', `/api/shops/${id}`, { credentials: { ...SHOPIFY, webhookSecret: NEW_SECRET } })
    expect(replaced.statusCode).toBe(200)
    expect((await signedPush(id, SHOPIFY.webhookSecret)).statusCode).toBe(401)
    expect((await signedPush(id, NEW_SECRET)).statusCode).toBe(200)

    const wrong = await call('PATCH', `/api/shops/${id}`, { credentials: { appKey: 'k', appSecret: 's', shopId: '1' } })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json().details).toContainEqual({ pointer: '/credentials/appKey', reason: 'is not a known field' })
    expect((await call('PATCH', `/api/shops/${id}`, {})).statusCode).toBe(400)
    expect((await call('PATCH', '/api/shops/shop_nobody', { name: 'x' })).statusCode).toBe(404)

    const audit = (await call('GET', '/api/audit')).json().items.filter((e: { action: string }) => e.action.startsWith('shop.'))
    expect(audit.map((e: { action: string }) => e.action)).toEqual(['shop.update', 'shop.update', 'shop.update', 'shop.update', 'shop.create'])
    expect(audit[0].detail).toMatchObject({ credentials: 'replaced' })
  })

  it('deletes a shop: it is gone from the list and takes no more pushes', async () => {
    const { id } = (await call('POST', '/api/shops', { platform: 'shopify', name: 'Gone', credentials: SHOPIFY })).json()
    const res = await call('DELETE', `/api/shops/${id}`)
    expect(res.statusCode).toBe(204)
    expect((await call('GET', '/api/shops')).json().items).toEqual([])
    expect((await call('GET', `/api/shops/${id}`)).statusCode).toBe(404)
    expect((await call('DELETE', `/api/shops/${id}`)).statusCode).toBe(404)
    expect((await signedPush(id, SHOPIFY.webhookSecret)).statusCode).toBe(404)
  })

  it('lets operators read shops and work pushes, and only admins change them', async () => {
    const { id } = (await call('POST', '/api/shops', { platform: 'shopify', name: 'Roles', credentials: SHOPIFY })).json()
    const operator = await h.tokenFor('operator')
    const designer = await h.tokenFor('designer')
    expect((await call('GET', '/api/shops', undefined, operator)).statusCode).toBe(200)
    expect((await call('GET', `/api/shops/${id}`, undefined, operator)).statusCode).toBe(200)
    expect((await call('GET', `/api/shops/${id}/pushes`, undefined, operator)).statusCode).toBe(200)
    expect((await call('POST', '/api/shops', { platform: 'shopify', name: 'x', credentials: SHOPIFY }, operator)).statusCode).toBe(403)
    expect((await call('PATCH', `/api/shops/${id}`, { name: 'x' }, operator)).statusCode).toBe(403)
    expect((await call('DELETE', `/api/shops/${id}`, undefined, operator)).statusCode).toBe(403)
    expect((await call('GET', '/api/shops', undefined, designer)).statusCode).toBe(403)
    expect((await h.api('GET', '/api/shops', undefined, null)).statusCode).toBe(401)
  })

  it('lists a shop\'s pushes newest first, a page at a time, and shows their health', async () => {
    const { id } = (await call('POST', '/api/shops', { platform: 'shopify', name: 'Pages', credentials: SHOPIFY })).json()
    for (let i = 0; i < 3; i++) {
      h.clock.advance('PT1S')
      expect((await signedPush(id, SHOPIFY.webhookSecret)).statusCode).toBe(200)
    }
    const first = (await call('GET', `/api/shops/${id}/pushes?limit=2`)).json()
    expect(first.items.map((p: { receivedAt: string }) => p.receivedAt)).toEqual(['2026-11-22T00:00:03.000Z', '2026-11-22T00:00:02.000Z'])
    expect(first.items[0]).toMatchObject({ status: 'received', kind: 'push', processedAt: null, attempts: 0, body: fixture('shopify') })
    const second = (await call('GET', `/api/shops/${id}/pushes?limit=2&cursor=${first.nextCursor}`)).json()
    expect(second.items.map((p: { receivedAt: string }) => p.receivedAt)).toEqual(['2026-11-22T00:00:01.000Z'])
    expect(second.nextCursor).toBeNull()
    expect((await call('GET', `/api/shops/${id}`)).json().health).toMatchObject({ lastPushAt: '2026-11-22T00:00:03.000Z', pendingPushes: 3 })

    await h.app.shops.drain()
    const health = (await call('GET', `/api/shops/${id}`)).json().health
    expect(health).toMatchObject({ pendingPushes: 0, events: 3, errors: 0, errorRate: 0 })
    expect((await call('GET', `/api/shops/${id}/pushes?limit=1`)).json().items[0]).toMatchObject({ status: 'processed', attempts: 1, processedAt: '2026-11-22T00:00:03.000Z' })
    expect((await call('POST', `/api/shops/${id}/pushes/999999/replay`)).statusCode).toBe(404)
    expect((await call('POST', `/api/shops/${id}/pushes/abc/replay`)).statusCode).toBe(400)
  })

  it('prunes processed pushes past the retention, and keeps the unreadable ones for a replay', async () => {
    const { id } = (await call('POST', '/api/shops', { platform: 'shopify', name: 'Prune', credentials: SHOPIFY })).json()
    expect((await signedPush(id, SHOPIFY.webhookSecret)).statusCode).toBe(200)
    expect((await signedPush(id, SHOPIFY.webhookSecret, '{"id": 1')).statusCode).toBe(400)
    await h.app.shops.drain()
    h.clock.advance('P31D')
    expect((await signedPush(id, SHOPIFY.webhookSecret)).statusCode).toBe(200)
    await h.app.shops.drain()
    await h.engine.store.prune(h.clock.now() - 30 * 86_400_000)
    const left = (await call('GET', `/api/shops/${id}/pushes`)).json().items
    expect(left.map((p: { status: string; receivedAt: string }) => [p.status, p.receivedAt])).toEqual([
      ['processed', '2026-12-23T00:00:00.000Z'],
      ['unreadable', '2026-11-22T00:00:00.000Z'],
    ])
  })

  it('logs a refused push without its body', async () => {
    const { id } = (await call('POST', '/api/shops', { platform: 'shopify', name: 'Logs', credentials: SHOPIFY })).json()
    expect((await signedPush(id, 'not-the-secret')).statusCode).toBe(401)
    const refused = logLines.filter((l) => l.includes('push refused'))
    expect(refused).toHaveLength(1)
    expect(refused[0]).not.toContain('buyer@example.com')
  })
})
