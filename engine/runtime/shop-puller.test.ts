/**
 * Pulling shops' orders against platforms whose orders change while they are listed, with the real
 * engine and store: after the polls every change is in the pool once, none missed, none doubled.
 * Time moves on a manual clock; nothing sleeps.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts'
import type { Store } from '../store/store.ts'
import { createRegistry } from '../core/registry.ts'
import { builtinNodeTypes } from './node-catalog.ts'
import { OrderEngine } from './order-engine.ts'
import { ManualClock } from './clocks.ts'
import { DEFAULT_FIRST_LOOK_BACK_MS, DEFAULT_PULL_OVERLAP_MS, DEFAULT_PULL_SETTLE_MS, PULL_BACKOFF_BASE_MS, ShopPuller, ShopPullRefused, splitWindow, type ShopPullerOptions } from './shop-puller.ts'
import { PlatformApiError } from '../../connectors/platforms/platform-api.ts'
import { FakePlatform, FakeShopDirectory, type PddShipping } from '../../test/support/fake-shops.ts'
import { startTestServer } from '../../connectors/sdk/testing.ts'
import type { PlatformApi } from '../../connectors/platforms/platform-api.ts'

const T0 = Date.parse('2026-11-21T00:00:00Z')
const S = 1000
const MIN = 60 * S

describe('the shop puller', () => {
  let store: Store
  let engine: OrderEngine
  let clock: ManualClock
  let directory: FakeShopDirectory
  let pdd: FakePlatform
  let shopify: FakePlatform

  beforeEach(async () => {
    clock = new ManualClock(T0)
    store = openSqliteStore({ path: ':memory:' })
    engine = new OrderEngine({ store, registry: createRegistry(builtinNodeTypes), clock })
    await engine.start()
    directory = new FakeShopDirectory(engine)
    pdd = new FakePlatform('pinduoduo')
    shopify = new FakePlatform('shopify')
  })
  afterEach(async () => {
    await engine.stop()
    await store.close()
  })

  const puller = (o: Partial<ShopPullerOptions> = {}) => new ShopPuller({
    store, directory, clock, platformApi: (p) => (p === 'pinduoduo' ? pdd : p === 'shopify' ? shopify : undefined), ...o,
  })
  const orderOf = async (platform: 'pinduoduo' | 'shopify', platformOrderId: string) => {
    const page = await store.listOrders({ platform, limit: 200 })
    return page.items.find((o) => o.platformOrderId === platformOrderId)
  }
  const historyOf = async (platform: 'pinduoduo' | 'shopify', platformOrderId: string) => {
    const order = await orderOf(platform, platformOrderId)
    return order ? (await store.orderHistory(order.id)).map((e) => `${e.kind}:${e.toStatus}`) : []
  }
  const STATUS: Record<PddShipping, string> = { 1: 'paid', 2: 'shipped', 3: 'delivered' }

  it('takes in every change made between polls, between pages and while a page is read, each once', async () => {
    directory.add('pdd-1', 'pinduoduo')
    // Six orders over the day before; P3 and P4 lie in the overlap the second poll lists again.
    pdd.put('261121-01', T0 - 20 * 3600 * S, 1)
    pdd.put('261121-02', T0 - 5 * 3600 * S, 1)
    pdd.put('261121-03', T0 - 90 * S, 1)
    pdd.put('261121-04', T0 - 60 * S, 1)
    pdd.put('261121-05', T0 - 30 * MIN, 1)
    pdd.put('261121-06', T0 - 3600 * S, 1)
    const p = puller()

    const first = await p.pullNow('pdd-1')
    expect(first).toMatchObject({ orders: 6, changed: 6, window: { from: new Date(T0 - DEFAULT_FIRST_LOOK_BACK_MS).toISOString(), to: new Date(T0 - DEFAULT_PULL_SETTLE_MS).toISOString() } })

    // Between polls: P1 ships, and P5 is changed exactly at the end of the next poll's window.
    clock.set(T0 + 60 * S)
    const secondEnd = clock.now() - DEFAULT_PULL_SETTLE_MS
    pdd.put('261121-01', T0 + 20 * S, 2)
    pdd.put('261121-05', secondEnd, 2)
    // While the second poll reads its first page, P3 ships: it leaves the window, so the orders behind
    // it move up a place and the offset page after it skips one. Before that page, P6 ships.
    const secondFrom = T0 - DEFAULT_PULL_SETTLE_MS - DEFAULT_PULL_OVERLAP_MS
    pdd.afterList = (call) => {
      if (call.from === secondFrom && call.page === undefined && !pdd.changes.has('261121-03')) pdd.put('261121-03', clock.now(), 2)
    }
    pdd.onList = (call) => {
      if (call.from === secondFrom && call.page !== undefined && !pdd.changes.has('261121-06')) pdd.put('261121-06', clock.now(), 2)
    }
    const second = await p.pullNow('pdd-1')
    expect(second.window).toEqual({ from: new Date(secondFrom).toISOString(), to: new Date(secondEnd).toISOString() })
    // The first walk skipped P1 (it moved up into the page already read): the window was walked again.
    expect(pdd.listCalls.filter((c) => c.from === secondFrom && c.page === undefined).length).toBeGreaterThan(1)
    expect((await orderOf('pinduoduo', '261121-01'))?.status).toBe('shipped')
    pdd.onList = null
    pdd.afterList = null

    clock.set(T0 + 120 * S)
    await p.pullNow('pdd-1')
    clock.set(T0 + 150 * S)
    pdd.put('261121-01', clock.now(), 3)
    clock.set(T0 + 180 * S)
    await p.pullNow('pdd-1')
    clock.set(T0 + 240 * S)
    await p.pullNow('pdd-1')

    for (const o of pdd.orders.values()) {
      expect((await orderOf('pinduoduo', o.id))?.status, o.id).toBe(STATUS[o.shipping])
      // One history entry per real change: created, then one status change per change on the platform.
      const history = await historyOf('pinduoduo', o.id)
      expect(history[0], o.id).toBe('created:paid')
      expect(history.length - 1, o.id).toBe(pdd.changes.get(o.id) ?? 0)
      expect(history.every((h) => h.startsWith('created') || h.startsWith('status_changed')), `${o.id}: ${history.join(', ')}`).toBe(true)
    }
    expect(await historyOf('pinduoduo', '261121-01')).toEqual(['created:paid', 'status_changed:shipped', 'status_changed:delivered'])
    expect(directory.unreadable).toEqual([])
  })

  it('pulls from the saved cursor less the overlap after a restart', async () => {
    directory.add('pdd-1', 'pinduoduo')
    await puller().pullNow('pdd-1')
    expect(await store.shopPullCursor('pdd-1')).toBe(T0 - DEFAULT_PULL_SETTLE_MS)
    clock.advance(5 * MIN)
    const again = await puller().pullNow('pdd-1')
    expect(again.window.from).toBe(new Date(T0 - DEFAULT_PULL_SETTLE_MS - DEFAULT_PULL_OVERLAP_MS).toISOString())
  })

  it('does not ask again for the details of a change it took in when the overlap lists it again', async () => {
    directory.add('pdd-1', 'pinduoduo')
    pdd.put('261121-01', T0 - MIN, 1)
    const p = puller()
    await p.pullNow('pdd-1')
    clock.advance(MIN)
    expect(await p.pullNow('pdd-1')).toMatchObject({ orders: 0 })
    expect(pdd.fetched).toEqual(['261121-01'])
    // A restarted process knows nothing of it and asks again: at least once, and the engine takes it once.
    await puller().pullNow('pdd-1')
    expect(pdd.fetched).toEqual(['261121-01', '261121-01'])
    expect(await historyOf('pinduoduo', '261121-01')).toEqual(['created:paid'])
  })

  it('lets a slow shop hold back only itself', async () => {
    directory.add('pdd-slow', 'pinduoduo')
    directory.add('pdd-1', 'pinduoduo')
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => { release = resolve })
    const list = pdd.listChangedOrders.bind(pdd)
    pdd.listChangedOrders = async (call, window) => {
      if (call.shopId === 'pdd-slow') await held
      return list(call, window)
    }
    const p = puller()
    const first = p.pullDue()
    await expect.poll(() => pdd.listCalls.filter((c) => c.shopId === 'pdd-1').length).toBeGreaterThan(0)
    await expect.poll(() => directory.healthOf('pdd-1').length).toBe(1)
    clock.advance(MIN)
    await p.pullDue()
    expect(directory.healthOf('pdd-1')).toEqual([{ kind: 'pull-ok' }, { kind: 'pull-ok' }])
    expect(directory.healthOf('pdd-slow')).toEqual([])
    release()
    await first
    expect(directory.healthOf('pdd-slow')).toEqual([{ kind: 'pull-ok' }])
    expect(pdd.listCalls.filter((c) => c.shopId === 'pdd-slow' && c.page === undefined)).toHaveLength(48)
  })

  it('lists a long window in pieces no longer than the platform allows, and moves the cursor after each', async () => {
    directory.add('pdd-1', 'pinduoduo')
    await puller().pullNow('pdd-1')
    const firstWalk = pdd.listCalls.filter((c) => c.page === undefined)
    expect(firstWalk).toHaveLength(Math.ceil((DEFAULT_FIRST_LOOK_BACK_MS - DEFAULT_PULL_SETTLE_MS) / (30 * MIN)))
    for (const [i, c] of firstWalk.entries()) {
      expect(c.to - c.from).toBeLessThanOrEqual(30 * MIN)
      if (i > 0) expect(c.from).toBe(firstWalk[i - 1]!.to)
    }
    expect(splitWindow(0, 10, 4)).toEqual([{ from: 0, to: 4 }, { from: 4, to: 8 }, { from: 8, to: 10 }])
    expect(splitWindow(5, 5, 4)).toEqual([])
  })

  it('takes whole orders from a listing that carries them, without asking for details', async () => {
    directory.add('shopify-1', 'shopify', { shopDomain: 'demo.myshopify.com', accessToken: 'shpat-token-1' })
    shopify.put('5940139491001', T0 - 2 * 3600 * S, 1)
    shopify.put('5940139491002', T0 - 3600 * S, 1)
    shopify.put('5940139491003', T0 - 30 * MIN, 2)
    const summary = await puller().pullNow('shopify-1')
    expect(summary).toMatchObject({ orders: 3, changed: 3, pages: 2 + 2 })
    expect(shopify.fetched).toEqual([])
    expect((await orderOf('shopify', '5940139491003'))?.status).toBe('shipped')
  })

  it('backs off when the platform throttles, for as long as it says, then pulls', async () => {
    directory.add('pdd-1', 'pinduoduo')
    pdd.put('261121-01', T0 - MIN, 1)
    pdd.refuse(new PlatformApiError('throttled', '70031', '调用过于频繁', 30 * S))
    const p = puller()
    await p.pullDue()
    expect(directory.healthOf('pdd-1')).toEqual([{ kind: 'pull-error', code: '70031' }])
    expect(await orderOf('pinduoduo', '261121-01')).toBeUndefined()
    const calls = pdd.listCalls.length
    clock.advance(29 * S)
    await p.pullDue()
    expect(pdd.listCalls.length).toBe(calls)
    clock.advance(1 * S)
    await p.pullDue()
    expect((await orderOf('pinduoduo', '261121-01'))?.status).toBe('paid')
    expect(directory.healthOf('pdd-1').at(-1)).toEqual({ kind: 'pull-ok' })
    // Then the usual interval.
    const after = pdd.listCalls.length
    clock.advance(59 * S)
    await p.pullDue()
    expect(pdd.listCalls.length).toBe(after)
    clock.advance(1 * S)
    await p.pullDue()
    expect(pdd.listCalls.length).toBeGreaterThan(after)
  })

  it('backs off exponentially while the platform is unavailable', async () => {
    directory.add('pdd-1', 'pinduoduo')
    pdd.refuse(new PlatformApiError('unavailable', '50001', '服务暂不可用'), new PlatformApiError('unavailable', '50001', '服务暂不可用'))
    const p = puller()
    await p.pullDue()
    clock.advance(PULL_BACKOFF_BASE_MS)
    await p.pullDue()
    expect(pdd.listCalls).toHaveLength(2)
    clock.advance(2 * PULL_BACKOFF_BASE_MS - 1)
    await p.pullDue()
    expect(pdd.listCalls).toHaveLength(2)
    clock.advance(1)
    await p.pullDue()
    expect(directory.healthOf('pdd-1').map((h) => h.kind)).toEqual(['pull-error', 'pull-error', 'pull-ok'])
  })

  it('stops pulling a shop whose session expired, says so in its health, and starts again once its credentials change', async () => {
    directory.add('pdd-1', 'pinduoduo', { clientId: 'c', clientSecret: 's3cret-value', accessToken: 'expired' })
    pdd.put('261121-01', T0 - MIN, 1)
    const p = puller()
    await p.pullDue()
    expect(directory.healthOf('pdd-1')).toEqual([{ kind: 'pull-error', code: '10019' }])
    const calls = pdd.listCalls.length
    for (let i = 0; i < 5; i++) {
      clock.advance(MIN)
      await p.pullDue()
    }
    expect(pdd.listCalls.length).toBe(calls)
    expect(directory.healthOf('pdd-1')).toHaveLength(1)

    directory.shops.get('pdd-1')!.credentials.accessToken = 'token-2'
    clock.advance(MIN)
    await p.pullDue()
    expect((await orderOf('pinduoduo', '261121-01'))?.status).toBe('paid')
    expect(directory.healthOf('pdd-1').at(-1)).toEqual({ kind: 'pull-ok' })
  })

  it('keeps the shop\'s secrets out of what a refusal records', async () => {
    directory.add('pdd-1', 'pinduoduo', { clientId: 'c', clientSecret: 's3cret-value', accessToken: 'token-1' })
    pdd.refuse(new PlatformApiError('invalid', '10000', 'bad sign for client_secret s3cret-value'))
    await expect(puller().pullNow('pdd-1')).rejects.toThrow('bad sign for client_secret [secret:clientSecret]')
    expect(JSON.stringify(directory.health)).not.toContain('s3cret-value')
  })

  it('logs the calls of a pull in the integration log, without the shop\'s secrets', async () => {
    const server = await startTestServer((req) => (req.url.includes('/orders') ? { json: { orders: [] } } : { status: 500 }))
    try {
      // A client that puts the access token in the path, as some gateways want it.
      const api: PlatformApi<Record<string, string>> = {
        platform: 'pinduoduo',
        async fetchOrder() { throw new PlatformApiError('not-found', '404', 'none') },
        async listChangedOrders(call, window) {
          const res = await call.http.request({ url: `${server.url}/shops/${call.credentials.accessToken}/orders?from=${window.from}` })
          if (!res.ok) throw new PlatformApiError('unavailable', String(res.status), `HTTP ${res.status}`)
          return { orders: [] }
        },
        async shipNotice() {}, async updateStock() {},
      }
      directory.add('pdd-1', 'pinduoduo', { clientId: 'c', clientSecret: 's3cret-value', accessToken: 'tok-9f8e7d' })
      await puller({ platformApi: () => api, firstLookBackMs: 45 * MIN }).pullNow('pdd-1')
      const logged = (await store.integrationLog({ connector: 'platform.pull-orders', limit: 10 })).items
      expect(logged).toHaveLength(2)
      expect(logged[0]).toMatchObject({ endpoint: `${server.url}/shops/[secret:accessToken]/orders`, method: 'GET', statusCode: 200, idempotencyKey: `pull:pdd-1:${T0}` })
      expect(JSON.stringify(logged)).not.toContain('tok-9f8e7d')
    } finally {
      await server.close()
    }
  })

  it('repeats the window after a crash between ingest and the cursor save, and takes nothing in twice', async () => {
    directory.add('pdd-1', 'pinduoduo')
    pdd.put('261121-01', T0 - 3600 * S, 1)
    pdd.put('261121-02', T0 - MIN, 2)
    const end = T0 - DEFAULT_PULL_SETTLE_MS
    // The process dies once the last window's orders are in, before its cursor is saved.
    const dying: ShopPullerOptions['store'] = {
      shopPullCursor: (id) => store.shopPullCursor(id),
      appendIntegrationLog: (entries) => store.appendIntegrationLog(entries),
      saveShopPullCursor: async (id, at, now) => {
        if (at === end) throw new Error('the process died')
        return store.saveShopPullCursor(id, at, now)
      },
    }
    await expect(puller({ store: dying }).pullNow('pdd-1')).rejects.toThrow('the process died')
    expect((await orderOf('pinduoduo', '261121-02'))?.status).toBe('shipped')
    const crashed = pdd.listCalls.filter((c) => c.page === undefined).at(-1)!
    expect(crashed.to).toBe(end)
    expect(await store.shopPullCursor('pdd-1')).toBe(crashed.from)

    // The restarted process lists that window again.
    pdd.listCalls.length = 0
    const again = await puller().pullNow('pdd-1')
    expect(again.window).toEqual({ from: new Date(crashed.from - DEFAULT_PULL_OVERLAP_MS).toISOString(), to: new Date(end).toISOString() })
    expect(again).toMatchObject({ orders: 1, changed: 0 })
    expect(await historyOf('pinduoduo', '261121-01')).toEqual(['created:paid'])
    expect(await historyOf('pinduoduo', '261121-02')).toEqual(['created:shipped'])
    expect(await store.shopPullCursor('pdd-1')).toBe(end)
  })

  it('re-pulls named orders now, naming those the platform does not know', async () => {
    directory.add('pdd-1', 'pinduoduo')
    pdd.put('261121-01', T0 - 3600 * S, 1)
    const p = puller()
    await p.pullNow('pdd-1')
    clock.advance(MIN)
    pdd.put('261121-01', clock.now() - 5 * S, 2)
    expect(await p.repull('pdd-1', ['261121-01', '261121-99'])).toEqual({ shopId: 'pdd-1', orders: 1, changed: 1, notFound: ['261121-99'] })
    expect((await orderOf('pinduoduo', '261121-01'))?.status).toBe('shipped')
  })

  it('keeps a shop\'s pulls on time when a re-pull of one order is refused', async () => {
    directory.add('pdd-1', 'pinduoduo')
    pdd.put('261121-01', T0 - MIN, 1)
    const p = puller()
    await p.pullDue()
    const calls = pdd.listCalls.length
    // The status-sync recheck re-pulls many orders: several refused in a row.
    for (let i = 0; i < 6; i++) {
      pdd.refuse(new PlatformApiError('invalid', '10000', '订单不属于该店铺'))
      await expect(p.repull('pdd-1', [`261121-7${i}`])).rejects.toMatchObject({ kind: 'invalid' })
    }
    expect(directory.healthOf('pdd-1').at(-1)).toEqual({ kind: 'pull-error', code: '10000' })
    clock.advance(60 * S)
    await p.pullDue()
    expect(pdd.listCalls.length).toBeGreaterThan(calls)
  })

  it('asks the next shop of the platform for an order the first one refuses', async () => {
    directory.add('pdd-1', 'pinduoduo')
    directory.add('pdd-2', 'pinduoduo')
    pdd.put('261121-01', T0 - MIN, 1)
    pdd.refuse(new PlatformApiError('invalid', '10000', '订单不属于该店铺'))
    expect(await puller().repullOrder('pinduoduo', '261121-01')).toMatchObject({ shopId: 'pdd-2', orders: 1, notFound: [] })
  })

  it('pulls only enabled shops of platforms it has a client for, and refuses to pull others by hand', async () => {
    directory.add('pdd-1', 'pinduoduo')
    directory.shops.get(directory.add('pdd-off', 'pinduoduo').id)!.enabled = false
    directory.add('jd-1', 'jd')
    await puller().pullDue()
    expect(new Set(pdd.listCalls.map((c) => c.shopId))).toEqual(new Set(['pdd-1']))
    await expect(puller().pullNow('pdd-off')).rejects.toBeInstanceOf(ShopPullRefused)
    await expect(puller().pullNow('jd-1')).rejects.toThrow(/no jd API client/)
    await expect(puller().pullNow('nope')).rejects.toThrow(/no shop has the id nope/)
  })

  it('runs on its own once started, and stops', async () => {
    directory.add('pdd-1', 'pinduoduo')
    pdd.put('261121-01', T0 - MIN, 1)
    const p = puller({ loopMs: 5 })
    p.start()
    await expect.poll(async () => (await orderOf('pinduoduo', '261121-01'))?.status).toBe('paid')
    await p.stop()
    // A stopped puller takes no more work.
    const calls = pdd.listCalls.length
    clock.advance(10 * MIN)
    await p.pullDue()
    expect(pdd.listCalls.length).toBe(calls)
  })
})
