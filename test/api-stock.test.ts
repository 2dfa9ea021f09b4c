/** /api/stock over HTTP, and the inventory nodes in a published flow run by the engine. */
import { afterEach, describe, expect, it } from 'vitest'
import { createHarness, sampleOrder, type Harness } from './harness.ts'
import { startStockSync } from '../engine/runtime/stock-sync.ts'
import type { ShopDirectory } from '../engine/runtime/shop-directory.ts'
import type { PlatformApi, StockLevel } from '../connectors/platforms/platform-api.ts'

describe('/api/stock', () => {
  let h: Harness
  afterEach(async () => { await h.close() })

  it('sets a SKU\'s on hand, listings and allocations (admin) and answers its levels, each shop\'s sellable level and the ledger', async () => {
    h = await createHarness()
    const put = await h.api('PUT', '/api/stock/CUP-500-WHT', {
      onHand: 120,
      listings: [{ shopId: 'shop_tb', platformSkuId: '4988001' }, { shopId: 'shop_dy' }, { shopId: 'shop_shopify', platformSkuId: '44120001' }],
      allocations: [{ shopId: 'shop_dy', sharePercent: 25 }, { shopId: 'shop_shopify', cap: 10 }],
    })
    expect(put.statusCode).toBe(200)
    const sku = put.json()
    expect(sku).toMatchObject({ sku: 'CUP-500-WHT', onHand: 120, reserved: 0, available: 120, updatedAt: '2026-11-20T02:00:00.000Z' })
    expect(sku.allocations).toEqual([{ shopId: 'shop_dy', cap: null, sharePercent: 25 }, { shopId: 'shop_shopify', cap: 10, sharePercent: null }])
    expect(sku.listings.map((l: { shopId: string; sellable: number; platformSkuId: string | null }) => [l.shopId, l.platformSkuId, l.sellable])).toEqual([
      ['shop_dy', null, 30], ['shop_shopify', '44120001', 10], ['shop_tb', '4988001', 120],
    ])
    expect(sku.listings[0].push).toMatchObject({ status: 'pending', quantity: 30, attempts: 0, queuedAt: '2026-11-20T02:00:00.000Z', pushedAt: null })
    expect(sku.ledger).toEqual([{
      id: expect.any(Number), kind: 'adjustment', onHandDelta: 120, reservedDelta: 0, onHandAfter: 120, reservedAfter: 0, orderId: null, runId: null,
      idempotencyKey: expect.stringMatching(/^api:/), source: 'api:test admin', at: '2026-11-20T02:00:00.000Z',
    }])

    // A count alone keeps the listings and their allocations.
    h.clock.advance('PT1H')
    const counted = (await h.api('PUT', '/api/stock/CUP-500-WHT', { onHand: 100 })).json()
    expect(counted).toMatchObject({ onHand: 100, available: 100, allocations: sku.allocations })
    expect(counted.ledger.map((r: { kind: string; onHandDelta: number }) => [r.kind, r.onHandDelta])).toEqual([['adjustment', -20], ['adjustment', 120]])
    // Allocations alone keep the listings.
    const reallocated = (await h.api('PUT', '/api/stock/CUP-500-WHT', { allocations: [{ shopId: 'shop_tb', cap: 5 }] })).json()
    expect(reallocated.listings.map((l: { shopId: string; sellable: number }) => [l.shopId, l.sellable])).toEqual([['shop_dy', 100], ['shop_shopify', 100], ['shop_tb', 5]])

    const operator = await h.tokenFor('operator')
    const read = await h.api('GET', '/api/stock/CUP-500-WHT', undefined, operator)
    expect(read.statusCode).toBe(200)
    expect(read.json()).toEqual(reallocated)
    expect((await h.api('GET', '/api/audit?limit=10')).json().items.filter((a: { action: string }) => a.action.startsWith('stock.')).map((a: { action: string; target: string }) => [a.action, a.target]))
      .toEqual([['stock.update', 'CUP-500-WHT'], ['stock.update', 'CUP-500-WHT'], ['stock.create', 'CUP-500-WHT']])
  })

  it('lists SKUs by code a page at a time, to operators', async () => {
    h = await createHarness()
    for (const sku of ['TEA-02', 'CUP-500', 'TEA-01']) expect((await h.api('PUT', `/api/stock/${sku}`, { onHand: 3 })).statusCode).toBe(200)
    const operator = await h.tokenFor('operator')
    const first = await h.api('GET', '/api/stock?limit=2', undefined, operator)
    expect(first.statusCode).toBe(200)
    expect(first.json().items).toEqual([
      { sku: 'CUP-500', onHand: 3, reserved: 0, available: 3, updatedAt: '2026-11-20T02:00:00.000Z' },
      { sku: 'TEA-01', onHand: 3, reserved: 0, available: 3, updatedAt: '2026-11-20T02:00:00.000Z' },
    ])
    const second = await h.api('GET', `/api/stock?limit=2&cursor=${first.json().nextCursor}`, undefined, operator)
    expect(second.json()).toEqual({ items: [expect.objectContaining({ sku: 'TEA-02' })], nextCursor: null })
    // A merchant's code with a space inside, as an order item may carry it.
    expect((await h.api('PUT', '/api/stock/GIFT%20BOX%20L', { onHand: 2 })).json()).toMatchObject({ sku: 'GIFT BOX L', onHand: 2 })
    expect((await h.api('GET', '/api/stock/GIFT%20BOX%20L', undefined, operator)).statusCode).toBe(200)
  })

  it('lets operators read and only admins write; nobody without a token', async () => {
    h = await createHarness()
    await h.api('PUT', '/api/stock/A', { onHand: 1 })
    const operator = await h.tokenFor('operator')
    const approver = await h.tokenFor('approver')
    const designer = await h.tokenFor('designer')
    expect((await h.api('PUT', '/api/stock/A', { onHand: 5 }, operator)).statusCode).toBe(403)
    expect((await h.api('GET', '/api/stock', undefined, approver)).statusCode).toBe(403)
    expect((await h.api('GET', '/api/stock/A', undefined, designer)).statusCode).toBe(403)
    expect((await h.api('GET', '/api/stock', undefined, null)).statusCode).toBe(401)
    expect((await h.api('PUT', '/api/stock/A', { onHand: 5 }, null)).statusCode).toBe(401)
    expect((await h.api('GET', '/api/stock/A')).json().onHand).toBe(1)
  })

  it('refuses bad input with 400 naming each field, and answers 404 for a SKU it does not know', async () => {
    h = await createHarness()
    const pointers = async (body: unknown, url = '/api/stock/A') => {
      const res = await h.api('PUT', url, body)
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
      expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) })
      return res.json().details.map((d: { pointer: string }) => d.pointer).sort()
    }
    expect(await pointers({ onHand: -1 })).toEqual(['/onHand'])
    expect(await pointers({ onHand: '5' })).toEqual(['/onHand'])
    expect(await pointers({ onHand: 1.5 })).toEqual(['/onHand'])
    expect(await pointers({ onHand: 5, extra: true })).toEqual(['/extra'])
    expect(await pointers({})).toEqual(['/'])
    expect(await pointers({ listings: [{ shopId: '' }], allocations: [{ shopId: 'x', sharePercent: 101 }] })).toEqual(['/allocations/0/sharePercent', '/listings/0/shopId'])
    expect(await pointers({ listings: [{ shopId: 'shop_tb' }, { shopId: 'shop_tb' }], allocations: [{ shopId: 'shop_jd', cap: 3 }] })).toEqual(['/allocations/0/shopId', '/listings/1/shopId'])
    const path = await h.api('PUT', '/api/stock/CUP-500%20', { onHand: 1 })
    expect(path.statusCode).toBe(400)
    expect(path.json().details).toEqual([expect.objectContaining({ pointer: '/sku', in: 'params' })])
    expect((await h.api('GET', '/api/stock?limit=0')).json().details).toEqual([expect.objectContaining({ pointer: '/limit' })])
    expect((await h.api('GET', '/api/stock?cursor=bogus')).statusCode).toBe(400)
    const missing = await h.api('GET', '/api/stock/NOPE')
    expect(missing.statusCode).toBe(404)
    expect(missing.json().message).toContain('NOPE')
    // Nothing refused was written.
    expect((await h.api('GET', '/api/stock')).json().items).toEqual([])
  })
})

describe('inventory nodes in a published flow', () => {
  let h: Harness
  afterEach(async () => { await h.close() })

  it('reserves once when the call is repeated after a crash: the repeat finds the reservation its key made', async () => {
    h = await createHarness()
    await h.api('PUT', '/api/stock/CUP-500-WHT', { onHand: 5 })
    await h.api('POST', '/api/workflows', {
      id: 'reserve-stock', name: '预占库存', nodes: [
        { id: 'start', type: 'trigger.order-event', position: { x: 0, y: 0 }, config: { events: ['created'] } },
        { id: 'reserve', type: 'inventory.reserve', position: { x: 0, y: 120 }, config: {} },
      ], edges: [{ id: 'e1', source: 'start', target: 'reserve' }],
    })
    await h.api('POST', '/api/workflows/reserve-stock/publish')
    const [{ id: orderId }] = (await h.api('POST', '/api/orders', sampleOrder({ items: [{ sku: 'CUP-500-WHT', title: '保温杯', quantity: 2, unitPrice: 12900 }] }))).json().results
    const [run] = (await h.api('GET', `/api/runs?orderId=${orderId}`)).json().items
    expect(run.status).toBe('waiting')
    // A process that made the call and died before recording its result left this behind.
    await h.engine.store.reserveStock({ idempotencyKey: `${run.id}:reserve:1`, orderId, runId: run.id, source: `run:${run.id}:reserve`, lines: [{ sku: 'CUP-500-WHT', quantity: 2 }] }, h.clock.now())
    await h.engine.tick()
    const done = (await h.api('GET', `/api/runs/${run.id}`)).json()
    expect(done.status).toBe('completed')
    expect(done.steps.at(-1)).toMatchObject({ nodeId: 'reserve', output: { reserved: [{ sku: 'CUP-500-WHT', quantity: 2 }] } })
    const stock = (await h.api('GET', '/api/stock/CUP-500-WHT')).json()
    expect(stock).toMatchObject({ reserved: 2, available: 3 })
    expect(stock.ledger.filter((r: { kind: string }) => r.kind === 'reservation')).toHaveLength(1)
  })

  it('reserves a new order\'s items, routes an order short of stock along insufficient, releases a cancelled one, and the shops hear each level', async () => {
    h = await createHarness()
    const sent: Array<{ shopId: string; level: StockLevel }> = []
    const shops: ShopDirectory = {
      list: async () => [], get: async (id) => ({ id, platform: 'taobao', name: id, createdAt: 0, enabled: true }),
      credentials: async () => ({}), ingestDetails: async () => [], recordHealth: () => {},
    }
    const taobao: PlatformApi = {
      platform: 'taobao', fetchOrder: async () => '', listChangedOrders: async () => ({ orders: [] }), shipNotice: async () => {},
      updateStock: async (call, level) => { sent.push({ shopId: call.shopId, level }) },
    }
    const sync = startStockSync({ store: h.engine.store, clock: h.clock, shops, platformApi: () => taobao, timers: false })
    try {
      await h.api('PUT', '/api/stock/CUP-500-WHT', { onHand: 3, listings: [{ shopId: 'shop_tb', platformSkuId: '4988001' }] })
      const flow = (id: string, events: string[], filter: unknown, nodes: Array<{ id: string; type: string; config: Record<string, unknown> }>, edges: Array<[string, string, string?]>) => ({
        id, name: id, nodes: [{ id: 'start', type: 'trigger.order-event', position: { x: 0, y: 0 }, config: { events, filter } }, ...nodes.map((n, i) => ({ ...n, position: { x: 0, y: 120 * (i + 1) } }))],
        edges: edges.map(([source, target, sourceHandle], i) => ({ id: `e${i}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) })),
      })
      const created = await h.api('POST', '/api/workflows', flow('reserve-stock', ['created'], { '==': [{ var: 'order.status' }, 'paid'] }, [
        { id: 'reserve', type: 'inventory.reserve', config: { markException: true } },
        { id: 'reserved', type: 'order.tag', config: { add: ['stock-reserved'] } },
        { id: 'short', type: 'order.tag', config: { add: ['out-of-stock'] } },
      ], [['start', 'reserve'], ['reserve', 'reserved', 'ok'], ['reserve', 'short', 'insufficient']]))
      expect(created.statusCode, created.body).toBe(201)
      expect((await h.api('POST', '/api/workflows/reserve-stock/publish')).statusCode).toBe(201)
      const cancel = await h.api('POST', '/api/workflows', flow('release-stock', ['status_changed'], { '==': [{ var: 'order.status' }, 'cancelled'] }, [
        { id: 'release', type: 'inventory.release', config: {} },
      ], [['start', 'release']]))
      expect(cancel.statusCode, cancel.body).toBe(201)
      expect((await h.api('POST', '/api/workflows/release-stock/publish')).statusCode).toBe(201)

      const first = sampleOrder({ platformOrderId: 'DY-1', items: [{ sku: 'CUP-500-WHT', title: '保温杯', quantity: 2, unitPrice: 12900 }] })
      const second = sampleOrder({ platformOrderId: 'DY-2', items: [{ sku: 'CUP-500-WHT', title: '保温杯', quantity: 2, unitPrice: 12900 }] })
      const ids = (await h.api('POST', '/api/orders', [first, second])).json().results.map((r: { id: string }) => r.id)
      await h.engine.tick()
      const tags = async (id: string) => (await h.api('GET', `/api/orders/${id}`)).json().order.tags
      expect(await tags(ids[0])).toEqual(['stock-reserved'])
      expect(await tags(ids[1])).toEqual(['out-of-stock'])
      expect((await h.api('GET', `/api/orders/${ids[1]}`)).json().order.exception).toEqual({ type: 'stock', reason: 'short of stock: CUP-500-WHT (2 wanted, 1 available)' })
      expect((await h.api('GET', `/api/orders/${ids[0]}`)).json().order.exception).toBeNull()
      let stock = (await h.api('GET', '/api/stock/CUP-500-WHT')).json()
      expect(stock).toMatchObject({ onHand: 3, reserved: 2, available: 1 })
      expect(stock.ledger[0]).toMatchObject({ kind: 'reservation', reservedDelta: 2, orderId: ids[0], runId: expect.any(String), idempotencyKey: expect.stringMatching(/:reserve:1$/) })
      await sync.pushDue()
      expect(sent.at(-1)).toEqual({ shopId: 'shop_tb', level: { sku: 'CUP-500-WHT', platformSkuId: '4988001', quantity: 1 } })

      await h.api('POST', '/api/orders', { ...first, status: 'cancelled', updatedAt: '2026-11-20T10:30:00+08:00' })
      await h.engine.tick()
      stock = (await h.api('GET', '/api/stock/CUP-500-WHT')).json()
      expect(stock).toMatchObject({ onHand: 3, reserved: 0, available: 3 })
      expect(stock.ledger[0]).toMatchObject({ kind: 'release', reservedDelta: -2, orderId: ids[0] })
      await sync.pushDue()
      expect(sent.at(-1)!.level.quantity).toBe(3)
    } finally {
      await sync.stop()
    }
  })
})
