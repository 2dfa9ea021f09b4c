/** The stock sync worker against the real store, a fake platform client and a local HTTP server. */
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.ts'
import { ManualClock } from './clocks.ts'
import { startStockSync, STOCK_SYNC_CONNECTOR, type StockSync } from './stock-sync.ts'
import type { ShopDirectory, ShopRecord } from './shop-directory.ts'
import { PlatformApiError, type PlatformApi, type ShopCall, type StockLevel } from '../../connectors/platforms/platform-api.ts'
import type { PlatformName } from '../../connectors/platforms/adapter.ts'
import { startTestServer, type TestServer } from '../../connectors/sdk/testing.ts'
import { createMetrics } from './metrics.ts'

const ACCESS_TOKEN = 'tb-session-7f3a9c2e51'
const ADMIN = { idempotencyKey: 'api:1', orderId: null, runId: null, source: 'api:test admin' }
const cause = (n: number) => ({ idempotencyKey: `run_${n}:hold:1`, orderId: `ord_${n}`, runId: `run_${n}`, source: `run:run_${n}:hold` })

const SHOPS: ShopRecord[] = [
  { id: 'shop_tb', platform: 'taobao', name: '淘宝旗舰店', createdAt: 0, enabled: true },
  { id: 'shop_dy', platform: 'douyin', name: '抖音小店', createdAt: 0, enabled: true },
  { id: 'shop_off', platform: 'jd', name: '京东（停用）', createdAt: 0, enabled: false },
]

function directory(apiBaseUrl: string): ShopDirectory {
  return {
    list: async () => SHOPS,
    get: async (id) => SHOPS.find((s) => s.id === id),
    credentials: async () => ({ appKey: 'app-key-1', appSecret: 'app-secret-1', sessionKey: ACCESS_TOKEN, apiBaseUrl }),
    ingestDetails: async () => { throw new Error('stock sync ingests no orders') },
    recordHealth: () => {},
  }
}

/** A platform client that posts the level to the test server, or throws what `refuse` says. */
function fakeApi(platform: PlatformName, sent: Array<{ platform: string; shopId: string; level: StockLevel }>, refuse: () => Error | null = () => null): PlatformApi<Record<string, string>> {
  return {
    platform,
    fetchOrder: async () => { throw new Error('not used') },
    listChangedOrders: async () => { throw new Error('not used') },
    shipNotice: async () => { throw new Error('not used') },
    async updateStock(call: ShopCall<Record<string, string>>, level: StockLevel) {
      const refusal = refuse()
      if (refusal) throw refusal
      const res = await call.http.request({ url: `${call.credentials.apiBaseUrl}/${platform}/stock`, headers: { 'x-session': call.credentials.sessionKey! }, json: level })
      if (!res.ok) throw new PlatformApiError('unavailable', String(res.status), `HTTP ${res.status}`)
      sent.push({ platform, shopId: call.shopId, level })
    },
  }
}

describe('stock sync', () => {
  let store: SqliteStore
  let sync: StockSync | undefined
  let server: TestServer
  const dirs: string[] = []
  afterEach(async () => {
    await sync?.stop()
    sync = undefined
    await store.close()
    await server.close()
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  it('sets a SKU sold out on Douyin to 0 on Taobao within a second: the worker wakes on the change, and the call is in the integration log', async () => {
    server = await startTestServer()
    store = openSqliteStore({ path: ':memory:' })
    const clock = new ManualClock('2026-11-20T02:00:00Z')
    const sent: Array<{ platform: string; shopId: string; level: StockLevel }> = []
    let soldOut: () => void = () => {}
    const taobaoAtZero = new Promise<void>((resolve) => { soldOut = resolve })
    const apis = new Map<PlatformName, PlatformApi>(['taobao', 'douyin'].map((p) => [p as PlatformName, fakeApi(p as PlatformName, sent) as PlatformApi]))
    const taobao = apis.get('taobao')!
    apis.set('taobao', { ...taobao, async updateStock(call, level) { await taobao.updateStock(call, level); if (level.quantity === 0) soldOut() } })
    await store.putStock('CUP-500', { onHand: 1, listings: [{ shopId: 'shop_tb', platformSkuId: '4988001' }, { shopId: 'shop_dy' }] }, ADMIN, clock.now())
    sync = startStockSync({ store, clock, shops: directory(server.url), platformApi: (p) => apis.get(p), timers: false })
    await sync.pushDue()
    expect(sent.map((s) => [s.shopId, s.level.quantity]).sort()).toEqual([['shop_dy', 1], ['shop_tb', 1]])

    // The last unit sells on Douyin: nobody calls the worker, the commit wakes it.
    const started = performance.now()
    await store.reserveStock({ ...cause(1), lines: [{ sku: 'CUP-500', quantity: 1 }] }, clock.now())
    await Promise.race([taobaoAtZero, new Promise((_, reject) => setTimeout(() => reject(new Error('Taobao was not told within a second')), 1000))])
    expect(performance.now() - started).toBeLessThan(1000)
    await sync.pushDue()
    expect(sent.slice(2).map((s) => [s.shopId, s.level]).sort()).toEqual([
      ['shop_dy', { sku: 'CUP-500', quantity: 0 }], ['shop_tb', { sku: 'CUP-500', platformSkuId: '4988001', quantity: 0 }],
    ])
    expect(server.requests.at(-1)!.headers['x-session']).toBe(ACCESS_TOKEN)

    const log = await store.integrationLog({ connector: STOCK_SYNC_CONNECTOR, limit: 10 })
    expect(log.items).toHaveLength(4)
    expect(log.items[0]).toMatchObject({ connector: 'inventory.sync', method: 'POST', statusCode: 200, errorClass: null, attempt: 1 })
    expect(log.items.map((r) => r.endpoint).sort()).toEqual([`${server.url}/douyin/stock`, `${server.url}/douyin/stock`, `${server.url}/taobao/stock`, `${server.url}/taobao/stock`])
    expect(log.items.map((r) => r.idempotencyKey)).toContain('stock:shop_tb:CUP-500:2')
    expect((await store.getStock('CUP-500'))!.listings.map((l) => [l.shopId, l.push?.status, l.push?.pushedQuantity])).toEqual([['shop_dy', 'pushed', 0], ['shop_tb', 'pushed', 0]])
  })

  it('sends only the latest level of a burst of changes, one call per shop', async () => {
    server = await startTestServer()
    store = openSqliteStore({ path: ':memory:' })
    const clock = new ManualClock('2026-11-20T02:00:00Z')
    const sent: Array<{ platform: string; shopId: string; level: StockLevel }> = []
    await store.putStock('A', { onHand: 50, listings: [{ shopId: 'shop_tb', cap: 20 }, { shopId: 'shop_dy', sharePercent: 50 }] }, ADMIN, clock.now())
    for (let n = 1; n <= 40; n++) await store.reserveStock({ ...cause(n), lines: [{ sku: 'A', quantity: 1 }] }, clock.now())
    sync = startStockSync({ store, clock, shops: directory(server.url), platformApi: (p) => fakeApi(p, sent) as PlatformApi, timers: false })
    await sync.pushDue()
    expect(sent.map((s) => [s.shopId, s.level.quantity]).sort()).toEqual([['shop_dy', 5], ['shop_tb', 10]])
  })

  it('tries a failed push again with backoff from its row, after the store is reopened', async () => {
    server = await startTestServer()
    const dir = mkdtempSync(join(tmpdir(), 'ordo-stock-sync-'))
    dirs.push(dir)
    const path = join(dir, 'ordo.db')
    store = openSqliteStore({ path })
    const clock = new ManualClock('2026-11-20T02:00:00Z')
    const sent: Array<{ platform: string; shopId: string; level: StockLevel }> = []
    await store.putStock('A', { onHand: 7, listings: [{ shopId: 'shop_tb' }] }, ADMIN, clock.now())
    sync = startStockSync({ store, clock, shops: directory(server.url), timers: false, platformApi: (p) => fakeApi(p, sent, () => new PlatformApiError('unavailable', '520', 'the platform is down')) as PlatformApi })
    await sync.pushDue()
    const [failedTry] = (await store.integrationLog({ connector: STOCK_SYNC_CONNECTOR, limit: 10 })).items
    expect(failedTry).toMatchObject({ endpoint: 'taobao:updateStock', errorClass: '5xx', error: 'the platform is down', attempt: 1 })
    const pending = (await store.getStock('A'))!.listings[0]!.push!
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, lastError: 'the platform is down' })
    expect(pending.nextTryAt).toBeGreaterThan(clock.now())
    await sync.stop()
    await store.close()

    store = openSqliteStore({ path })
    sync = startStockSync({ store, clock, shops: directory(server.url), timers: false, platformApi: (p) => fakeApi(p, sent) as PlatformApi })
    await sync.pushDue()
    expect(sent).toEqual([]) // not due yet
    clock.advance(pending.nextTryAt - clock.now())
    await sync.pushDue()
    expect(sent.map((s) => [s.shopId, s.level.quantity])).toEqual([['shop_tb', 7]])
    expect((await store.getStock('A'))!.listings[0]!.push).toMatchObject({ status: 'pushed', attempts: 2, pushedQuantity: 7, lastError: null })
    expect((await store.integrationLog({ connector: STOCK_SYNC_CONNECTOR, limit: 10 })).items.map((r) => [r.attempt, r.errorClass])).toEqual([[2, null], [1, '5xx']])
  })

  it('waits as long as a throttled platform asks, keeps the session out of the log, and gives up on a refusal until the level changes', async () => {
    server = await startTestServer()
    store = openSqliteStore({ path: ':memory:' })
    const clock = new ManualClock('2026-11-20T02:00:00Z')
    const sent: Array<{ platform: string; shopId: string; level: StockLevel }> = []
    let refusal: Error | null = new PlatformApiError('throttled', '7', `too many calls for session ${ACCESS_TOKEN}`, 90_000)
    await store.putStock('A', { onHand: 3, listings: [{ shopId: 'shop_tb' }, { shopId: 'shop_off' }] }, ADMIN, clock.now())
    const metrics = createMetrics()
    sync = startStockSync({ store, clock, shops: directory(server.url), timers: false, metrics, platformApi: (p) => fakeApi(p, sent, () => refusal) as PlatformApi })
    await sync.pushDue()
    expect(await metrics.registry.getSingleMetricAsString('ordo_outside_calls_total')).toContain('ordo_outside_calls_total{connector="inventory.sync",outcome="4xx"} 2')
    const listings = (await store.getStock('A'))!.listings
    expect(listings.find((l) => l.shopId === 'shop_tb')!.push).toMatchObject({ status: 'pending', nextTryAt: clock.now() + 90_000, lastError: 'too many calls for session [secret:sessionKey]' })
    expect(listings.find((l) => l.shopId === 'shop_off')!.push).toMatchObject({ status: 'failed', lastError: 'shop shop_off is disabled: it takes no pushes' })
    expect(JSON.stringify(await store.integrationLog({ connector: STOCK_SYNC_CONNECTOR, limit: 10 }))).not.toContain(ACCESS_TOKEN)

    refusal = new PlatformApiError('invalid', '15', 'sku_id does not belong to the item')
    clock.advance(90_000)
    await sync.pushDue()
    expect((await store.getStock('A'))!.listings.find((l) => l.shopId === 'shop_tb')!.push).toMatchObject({ status: 'failed', attempts: 2 })
    clock.advance(3_600_000)
    await sync.pushDue()
    expect(sent).toEqual([])
    // The next change queues the level again.
    refusal = null
    await store.reserveStock({ ...cause(1), lines: [{ sku: 'A', quantity: 1 }] }, clock.now())
    await sync.pushDue()
    expect(sent.map((s) => [s.shopId, s.level.quantity])).toEqual([['shop_tb', 2]])
  })
})
