/** The inventory nodes against the real SQLite store, through their run → perform → resume path. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openSqliteStore, type SqliteStore } from '../../engine/store/sqlite/sqlite-store.ts'
import { createPerformSession } from '../sdk/perform-runtime.ts'
import type { NodeContext, NodeModule, NodeResult, ResumeEvent } from '../sdk/define-node.ts'
import { sampleOrder } from '../sdk/testing.ts'
import type { Order } from '../../schemas/generated/order.ts'
import reserve from './inventory.reserve.node.ts'
import release from './inventory.release.node.ts'
import sync from './inventory.sync.node.ts'

const T0 = Date.parse('2026-11-20T02:00:00Z')
const ADMIN = { idempotencyKey: 'api:setup', orderId: null, runId: null, source: 'api:test admin' }

/** Runs a node once the way the engine performs a built-in: run, perform with the store, resume. */
async function step<C>(module: NodeModule<C, C>, store: SqliteStore, o: { config: C; order: Order | null; runId: string; nodeId?: string; visit?: number; attempt?: number }): Promise<NodeResult> {
  const nodeId = o.nodeId ?? 'stock'
  const key = `${o.runId}:${nodeId}:${o.visit ?? 1}`
  const ctx: NodeContext<C> = {
    config: o.config, node: { id: nodeId, type: module.manifest.type }, runId: o.runId, input: null, order: o.order, variables: {},
    now: T0, attempt: o.attempt ?? 1, idempotencyKey: key, startedBy: null,
  }
  const ran = module.run(ctx)
  if (!('wait' in ran) || !ran.wait.activity) return ran
  const request = JSON.parse(JSON.stringify(ran.wait.activity.request)) as never
  const session = createPerformSession<C>({
    node: ctx.node, runId: o.runId, workflowId: 'wf', config: o.config, order: o.order, variables: {}, idempotencyKey: key, attempt: o.attempt ?? 1,
    signal: new AbortController().signal, deadline: T0 + 10_000, now: () => T0, secrets: { get: async () => { throw new Error('no secrets') } },
    log: { info() {}, warn() {}, error() {} },
  })
  let event: Extract<ResumeEvent, { kind: 'activity-result' }>
  try {
    const response = await module.perform!(request, { ...session.ctx, store } as never)
    event = { kind: 'activity-result', ok: true, response: JSON.parse(JSON.stringify(response)) }
  } catch (err) {
    event = { kind: 'activity-result', ok: false, error: (err as Error).message }
  }
  return module.resume!({ ...ctx, waiting: { state: undefined, since: T0 } }, event)
}

const portOf = (r: NodeResult) => ('next' in r ? r.next.port : 'fail' in r ? 'error' : 'waiting')
const outputOf = (r: NodeResult) => ('next' in r ? r.next.output : undefined) as Record<string, unknown>

function orderOf(i: number, items: Array<{ sku: string; quantity: number }>): Order {
  return sampleOrder({ id: `ord_${i}`, platformOrderId: String(6931000000000000000n + BigInt(i)), items: items.map((it) => ({ ...it, title: it.sku, unitPrice: 100 })) })
}

describe('inventory.reserve', () => {
  let store: SqliteStore
  beforeEach(() => { store = openSqliteStore({ path: ':memory:' }) })
  afterEach(async () => { await store.close() })

  it('reserves exactly the 100 units in stock when 1,000 orders ask for one at once; the other 900 go to insufficient and the ledger adds up', async () => {
    await store.putStock('CUP-500', { onHand: 100 }, ADMIN, T0)
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) =>
      step(reserve, store, { config: {}, order: orderOf(i, [{ sku: 'CUP-500', quantity: 1 }]), runId: `run_${i}` })))
    const ports = results.map(portOf)
    expect(ports.filter((p) => p === 'ok')).toHaveLength(100)
    expect(ports.filter((p) => p === 'insufficient')).toHaveLength(900)
    expect(outputOf(results[ports.indexOf('insufficient')])).toEqual({ short: [{ sku: 'CUP-500', requested: 1, available: 0 }] })
    const item = await store.getStock('CUP-500')
    expect(item).toMatchObject({ onHand: 100, reserved: 100, available: 0 })
    const ledger = await store.stockLedger('CUP-500', 500)
    const reservations = ledger.items.filter((r) => r.kind === 'reservation')
    expect(reservations).toHaveLength(100)
    expect(ledger.nextCursor).toBeNull()
    const all = ledger.items
    expect(all.reduce((n, r) => n + r.reservedDelta, 0)).toBe(item!.reserved)
    expect(all.reduce((n, r) => n + r.onHandDelta, 0)).toBe(item!.onHand)
    // Each reservation names the order and run that made it, under that step's key.
    const reservedOrders = results.flatMap((r, i) => (portOf(r) === 'ok' ? [`ord_${i}`] : [])).sort()
    expect(reservations.map((r) => r.orderId).sort()).toEqual(reservedOrders)
    expect(reservations.every((r) => r.idempotencyKey === `${r.runId}:stock:1` && r.source === `run:${r.runId}:stock`)).toBe(true)
  })

  it('reserves all of an order\'s lines or none, naming every short SKU', async () => {
    await store.putStock('A', { onHand: 5 }, ADMIN, T0)
    await store.putStock('B', { onHand: 1 }, ADMIN, T0)
    const order = orderOf(1, [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 2 }, { sku: 'NEVER-STOCKED', quantity: 1 }])
    const short = await step(reserve, store, { config: {}, order, runId: 'run_1' })
    expect(portOf(short)).toBe('insufficient')
    expect(outputOf(short)).toEqual({ short: [{ sku: 'B', requested: 2, available: 1 }, { sku: 'NEVER-STOCKED', requested: 1, available: 0 }] })
    expect(await store.getStock('A')).toMatchObject({ reserved: 0, available: 5 })
    expect((await store.stockLedger('A', 10)).items.map((r) => r.kind)).toEqual(['adjustment'])

    const fits = await step(reserve, store, { config: {}, order: orderOf(2, [{ sku: 'A', quantity: 2 }, { sku: 'A', quantity: 1 }, { sku: 'B', quantity: 1 }]), runId: 'run_2' })
    expect(portOf(fits)).toBe('ok')
    expect(outputOf(fits)).toEqual({ reserved: [{ sku: 'A', quantity: 3 }, { sku: 'B', quantity: 1 }] })
    expect(await store.getStock('A')).toMatchObject({ reserved: 3, available: 2 })
  })

  it('gives an order short of stock a stock exception naming the short SKUs when configured to', async () => {
    await store.putStock('A', { onHand: 1 }, ADMIN, T0)
    const order = orderOf(1, [{ sku: 'A', quantity: 3 }])
    const flagged = await step(reserve, store, { config: { markException: true }, order, runId: 'run_1' })
    expect(flagged).toEqual({ next: { port: 'insufficient', output: { short: [{ sku: 'A', requested: 3, available: 1 }] }, orderPatch: { exception: { type: 'stock', reason: 'short of stock: A (3 wanted, 1 available)' } } } })
    const plain = await step(reserve, store, { config: {}, order, runId: 'run_2' })
    expect(plain).toEqual({ next: { port: 'insufficient', output: { short: [{ sku: 'A', requested: 3, available: 1 }] } } })
  })

  it('reserves nothing more when the same step is tried again (a retry, or a repeat after a crash)', async () => {
    await store.putStock('A', { onHand: 10 }, ADMIN, T0)
    const order = orderOf(1, [{ sku: 'A', quantity: 4 }])
    const first = await step(reserve, store, { config: {}, order, runId: 'run_1' })
    const again = await step(reserve, store, { config: {}, order, runId: 'run_1', attempt: 2 })
    expect([portOf(first), portOf(again)]).toEqual(['ok', 'ok'])
    expect(outputOf(again)).toEqual({ reserved: [{ sku: 'A', quantity: 4 }] })
    expect(await store.getStock('A')).toMatchObject({ reserved: 4, available: 6 })
    expect((await store.stockLedger('A', 10)).items.filter((r) => r.kind === 'reservation')).toHaveLength(1)
    // A new visit of the node (a loop) is a new reservation.
    await step(reserve, store, { config: {}, order, runId: 'run_1', visit: 2 })
    expect(await store.getStock('A')).toMatchObject({ reserved: 8 })
  })

  it('reserves a configured SKU and quantity without an order, and refuses a quantity without a SKU', async () => {
    await store.putStock('GIFT-BOX', { onHand: 3 }, ADMIN, T0)
    expect(portOf(await step(reserve, store, { config: { sku: 'GIFT-BOX', quantity: 2 }, order: null, runId: 'run_1' }))).toBe('ok')
    expect(await store.getStock('GIFT-BOX')).toMatchObject({ reserved: 2 })
    const noOrder = await step(reserve, store, { config: {}, order: null, runId: 'run_2' })
    expect(noOrder).toEqual({ fail: { error: expect.stringContaining('needs an order or a SKU'), retryable: false } })
    expect(portOf(await step(reserve, store, { config: { quantity: 2 }, order: orderOf(3, [{ sku: 'GIFT-BOX', quantity: 1 }]), runId: 'run_3' }))).toBe('error')
  })

  it('fails to its error port when it is performed without Ordo\'s store', async () => {
    const ran = reserve.run({ config: {}, node: { id: 'n', type: 'inventory.reserve' }, runId: 'r', input: null, order: orderOf(1, [{ sku: 'A', quantity: 1 }]), variables: {}, now: T0, attempt: 1, idempotencyKey: 'r:n:1', startedBy: null })
    const request = 'wait' in ran ? ran.wait.activity?.request : undefined
    const session = createPerformSession({ node: { id: 'n', type: 'inventory.reserve' }, runId: 'r', workflowId: 'wf', config: {}, order: null, variables: {}, idempotencyKey: 'r:n:1', attempt: 1, signal: new AbortController().signal, deadline: T0 + 1000, now: () => T0, secrets: { get: async () => '' }, log: { info() {}, warn() {}, error() {} } })
    await expect(reserve.perform!(request as never, session.ctx as never)).rejects.toThrow(/only Ordo's engine can perform it/)
  })
})

describe('inventory.release', () => {
  let store: SqliteStore
  beforeEach(() => { store = openSqliteStore({ path: ':memory:' }) })
  afterEach(async () => { await store.close() })

  it('gives a cancelled order\'s stock back to available, once however often it runs', async () => {
    await store.putStock('A', { onHand: 10 }, ADMIN, T0)
    await store.putStock('B', { onHand: 10 }, ADMIN, T0)
    const order = orderOf(1, [{ sku: 'A', quantity: 3 }, { sku: 'B', quantity: 1 }])
    await step(reserve, store, { config: {}, order, runId: 'run_1', nodeId: 'hold' })
    const released = await step(release, store, { config: {}, order, runId: 'run_2', nodeId: 'cancel' })
    expect(portOf(released)).toBe('ok')
    expect(outputOf(released)).toEqual({ released: [{ sku: 'A', quantity: 3 }, { sku: 'B', quantity: 1 }] })
    expect(await store.getStock('A')).toMatchObject({ onHand: 10, reserved: 0, available: 10 })
    const twice = await step(release, store, { config: {}, order, runId: 'run_2', nodeId: 'cancel', attempt: 2 })
    expect(outputOf(twice)).toEqual({ released: [] })
    expect(await store.getStock('A')).toMatchObject({ reserved: 0, available: 10 })
    expect((await store.stockLedger('A', 10)).items.map((r) => [r.kind, r.reservedDelta, r.orderId])).toEqual([['release', -3, 'ord_1'], ['reservation', 3, 'ord_1'], ['adjustment', 0, null]])
  })

  it('takes a shipped order\'s units out of on hand, one SKU when configured, leaving available as it was', async () => {
    await store.putStock('A', { onHand: 10 }, ADMIN, T0)
    await store.putStock('B', { onHand: 10 }, ADMIN, T0)
    const order = orderOf(1, [{ sku: 'A', quantity: 3 }, { sku: 'B', quantity: 2 }])
    await step(reserve, store, { config: {}, order, runId: 'run_1' })
    const sold = await step(release, store, { config: { sku: 'A', shipped: true }, order, runId: 'run_1', nodeId: 'ship' })
    expect(outputOf(sold)).toEqual({ sold: [{ sku: 'A', quantity: 3 }] })
    expect(await store.getStock('A')).toMatchObject({ onHand: 7, reserved: 0, available: 7 })
    expect(await store.getStock('B')).toMatchObject({ onHand: 10, reserved: 2, available: 8 })
    expect((await store.stockLedger('A', 1)).items[0]).toMatchObject({ kind: 'sale', onHandDelta: -3, reservedDelta: -3, onHandAfter: 7, reservedAfter: 0 })
  })
})

describe('inventory.sync', () => {
  let store: SqliteStore
  beforeEach(() => { store = openSqliteStore({ path: ':memory:' }) })
  afterEach(async () => { await store.close() })

  it('queues the order\'s SKUs\' sellable levels for every listing shop, changed or not', async () => {
    await store.putStock('A', { onHand: 10, listings: [{ shopId: 'shop_tb', platformSkuId: '5001' }, { shopId: 'shop_dy', cap: 4 }] }, ADMIN, T0)
    const done = await step(sync, store, { config: {}, order: orderOf(1, [{ sku: 'A', quantity: 1 }]), runId: 'run_1' })
    expect(portOf(done)).toBe('ok')
    expect(outputOf(done)).toEqual({ queued: [{ shopId: 'shop_dy', sku: 'A', quantity: 4 }, { shopId: 'shop_tb', sku: 'A', quantity: 10 }] })
  })
})
