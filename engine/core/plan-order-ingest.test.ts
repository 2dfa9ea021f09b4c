import { describe, expect, it } from 'vitest'
import type { OrderInput } from '../../schemas/generated/order-input.ts'
import { orderInputSchema, orderSchema } from '../../schemas/index.ts'
import type { StoredOrder } from '../store/store.ts'
import { INSTANT_FIELDS, planOrderIngest, type IngestContext } from './plan-order-ingest.ts'

const ctx: IngestContext = {
  now: Date.parse('2025-01-01T12:00:00Z'), source: 'api', workflows: [],
  newOrderId: () => 'ord_1', newRunId: () => 'run_1',
}

function orderInput(overrides: Partial<OrderInput> = {}): OrderInput {
  return {
    platform: 'douyin', platformOrderId: '6920000000000000001', status: 'paid', totalAmount: 150000, currency: 'CNY',
    items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 150000 }],
    payment: { channel: 'douyin_pay', status: 'paid', paidAt: '2025-01-01T18:00:00+08:00' },
    createdAt: '2025-01-01T17:59:00+08:00', updatedAt: '2025-01-01T18:00:00+08:00',
    ...overrides,
  }
}

function stored(input: OrderInput): StoredOrder {
  const plan = planOrderIngest(null, input, undefined, ctx)
  return { order: plan.order!, revision: 1 }
}

describe('planOrderIngest', () => {
  it('counts an order that only changed the notation of its timestamps as unchanged', () => {
    const existing = stored(orderInput())
    for (const notation of [
      { createdAt: '2025-01-01T09:59:00Z', updatedAt: '2025-01-01T10:00:00Z', paidAt: '2025-01-01T10:00:00Z' },
      { createdAt: '2025-01-01T09:59:00.000Z', updatedAt: '2025-01-01T10:00:00.000Z', paidAt: '2025-01-01T10:00:00.000Z' },
      { createdAt: '2025-01-01 04:59:00-05:00', updatedAt: '2025-01-01t10:00:00z', paidAt: '2025-01-01T18:00:00+08' },
    ]) {
      const plan = planOrderIngest(existing, orderInput({ createdAt: notation.createdAt, updatedAt: notation.updatedAt,
        payment: { channel: 'douyin_pay', status: 'paid', paidAt: notation.paidAt } }), undefined, ctx)
      expect(plan.outcome, JSON.stringify(notation)).toBe('unchanged')
      expect(plan.events).toEqual([])
    }
  })

  it('counts a timestamp that moved to another instant as a change, whatever its notation', () => {
    const existing = stored(orderInput())
    const plan = planOrderIngest(existing, orderInput({ updatedAt: '2025-01-01T10:00:01Z', payment: { channel: 'douyin_pay', status: 'paid', paidAt: '2025-01-01T10:00:00.001Z' } }), undefined, ctx)
    expect(plan.outcome).toBe('updated')
    expect(plan.events[0].detail).toEqual({ changed: ['payment', 'updatedAt'] })
  })

  it('compares the payment apart from its paidAt as before: another channel is a change', () => {
    const existing = stored(orderInput())
    const plan = planOrderIngest(existing, orderInput({ payment: { channel: 'alipay', status: 'paid', paidAt: '2025-01-01T10:00:00Z' } }), undefined, ctx)
    expect(plan.outcome).toBe('updated')
    expect(plan.events[0].detail).toEqual({ changed: ['payment'] })
  })

  it('counts the same content with its keys in another order as unchanged', () => {
    const existing = stored(orderInput())
    const reordered = orderInput({ payment: { paidAt: '2025-01-01T10:00:00Z', status: 'paid', channel: 'douyin_pay' }, items: [{ unitPrice: 150000, quantity: 1, sku: 'SKU-1' }] })
    expect(planOrderIngest(existing, reordered, undefined, ctx).outcome).toBe('unchanged')
  })

  it('ignores an event with the same instant as stale only when it is older, not when it is the same', () => {
    const existing = stored(orderInput())
    const same = planOrderIngest(existing, orderInput({ updatedAt: '2025-01-01T10:00:00Z', status: 'shipped' }), undefined, ctx)
    expect(same.outcome).toBe('updated')
    const older = planOrderIngest(existing, orderInput({ updatedAt: '2025-01-01T17:59:59+08:00', status: 'shipped' }), undefined, ctx)
    expect(older.events.map((e) => e.kind)).toEqual(['stale_ignored'])
  })

  it('puts the holds a platform reports on a new order', () => {
    const plan = planOrderIngest(null, orderInput({ holds: [{ pool: 'risk', reason: 'platform risk control', at: '2025-01-01T10:00:00Z' }] }), undefined, ctx)
    expect(plan.order?.holds).toEqual([{ pool: 'risk', reason: 'platform risk control', at: '2025-01-01T10:00:00Z' }])
  })

  it('adds a pool the platform newly holds and keeps the holds already on the order, lifting none', () => {
    const existing = stored(orderInput({ holds: [{ pool: 'risk', at: '2025-01-01T10:00:00Z' }] }))
    const later = { updatedAt: '2025-01-01T10:05:00Z' }
    const frozen = planOrderIngest(existing, orderInput({ ...later, holds: [{ pool: 'risk', reason: 'again', at: '2025-01-01T10:05:00Z' }, { pool: 'frozen', at: '2025-01-01T10:05:00Z' }] }), undefined, ctx)
    expect(frozen.order?.holds).toEqual([{ pool: 'risk', at: '2025-01-01T10:00:00Z' }, { pool: 'frozen', at: '2025-01-01T10:05:00Z' }])
    expect(frozen.events[0].detail).toEqual({ changed: ['updatedAt', 'holds'] })
    const cleared = planOrderIngest(existing, orderInput({ ...later, holds: [] }), undefined, ctx)
    expect(cleared.order?.holds).toEqual([{ pool: 'risk', at: '2025-01-01T10:00:00Z' }])
    expect(cleared.events[0].detail).toEqual({ changed: ['updatedAt'] })
  })

  it('lists every date-time field of an order input among the fields compared as instants', () => {
    // Walk order-input.schema.json (following its $refs into order.schema.json) for format date-time.
    const definitions = orderSchema.definitions as Record<string, Record<string, unknown>>
    const resolve = (node: Record<string, unknown>): Record<string, unknown> => {
      const ref = node.$ref as string | undefined
      return ref ? resolve(definitions[ref.split('/').pop()!]) : node
    }
    const found: string[] = []
    const walk = (node: Record<string, unknown>, pointer: string) => {
      const n = resolve(node)
      if (n.format === 'date-time') found.push(pointer)
      for (const [key, child] of Object.entries((n.properties ?? {}) as Record<string, Record<string, unknown>>)) walk(child, `${pointer}/${key}`)
      if (n.items) walk(n.items as Record<string, unknown>, `${pointer}/*`)
    }
    walk(orderInputSchema as unknown as Record<string, unknown>, '')
    expect(found.sort()).toEqual([...INSTANT_FIELDS].sort())
  })
})
