import { describe, expect, it } from 'vitest'
import { patchOrder } from './order-patch.ts'
import { makeOrder } from '../../test/support/orders.ts'
import { validators } from '../../schemas/index.ts'

const now = Date.UTC(2025, 0, 2, 8, 30)
const nowIso = '2025-01-02T08:30:00.000Z'

describe('patchOrder', () => {
  it('moves the status along a legal move and reports it', () => {
    const order = makeOrder({ status: 'paid' })
    const out = patchOrder(order, { status: 'shipped' }, now)
    expect(out.order.status).toBe('shipped')
    expect(out.fromStatus).toBe('paid')
    expect(out.toStatus).toBe('shipped')
    expect(out.changed).toEqual(['status'])
    // updatedAt stays the platform's: a platform update stamped before `now` must not look stale.
    expect(out.order.updatedAt).toBe(order.updatedAt)
  })

  it('refuses an illegal status move, naming it', () => {
    expect(() => patchOrder(makeOrder({ status: 'shipped' }), { status: 'paid' }, now)).toThrow('from shipped to paid')
  })

  it('changes nothing, not even updatedAt, when the status is already the target', () => {
    const order = makeOrder({ status: 'paid' })
    const out = patchOrder(order, { status: 'paid' }, now)
    expect(out.changed).toEqual([])
    expect(out.order).toBe(order)
  })

  it('treats tags as a set and keeps their order', () => {
    const order = makeOrder({ tags: ['a', 'b', 'c'] })
    const out = patchOrder(order, { addTags: ['d', 'a', 'd'], removeTags: ['b'] }, now)
    expect(out.order.tags).toEqual(['a', 'c', 'd'])
    expect(out.changed).toEqual(['tags'])
  })

  it('is idempotent: applying the same patch twice changes nothing the second time', () => {
    const patch = { addTags: ['vip'], assignedTeam: 'vip-service', addHold: { pool: 'risk', reason: 'new buyer' } }
    const first = patchOrder(makeOrder(), patch, now)
    const second = patchOrder(first.order, patch, now + 1000)
    expect(first.changed).toEqual(['tags', 'assignedTeam', 'holds'])
    expect(second.changed).toEqual([])
    expect(second.order).toBe(first.order)
  })

  it('adds a hold stamped with now unless the pool is already held', () => {
    const out = patchOrder(makeOrder(), { addHold: { pool: 'presale', reason: '预售' } }, now)
    expect(out.order.holds).toEqual([{ pool: 'presale', reason: '预售', at: nowIso }])
    const again = patchOrder(out.order, { addHold: { pool: 'presale', reason: 'other' } }, now + 5)
    expect(again.order.holds).toEqual([{ pool: 'presale', reason: '预售', at: nowIso }])
  })

  it('releases a hold by pool', () => {
    const order = makeOrder({ holds: [{ pool: 'risk', at: nowIso }, { pool: 'frozen', at: nowIso }] })
    const out = patchOrder(order, { releaseHold: 'risk' }, now)
    expect(out.order.holds).toEqual([{ pool: 'frozen', at: nowIso }])
    expect(patchOrder(out.order, { releaseHold: 'risk' }, now).changed).toEqual([])
  })

  it('sets and clears the assignment, the exception and the health score', () => {
    const set = patchOrder(makeOrder(), {
      assignedTeam: 'cs',
      exception: { type: 'address', reason: 'no street' },
      healthScore: { score: 40, band: 'risky', facts: [{ fact: 'new-buyer', weight: -30 }] },
    }, now)
    expect(set.changed).toEqual(['assignedTeam', 'exception', 'healthScore'])
    const cleared = patchOrder(set.order, { assignedTeam: null, exception: null, healthScore: null }, now)
    expect(cleared.order.assignedTeam).toBeNull()
    expect(cleared.order.exception).toBeNull()
    expect(cleared.order.healthScore).toBeNull()
  })

  it('does not count an equal exception with reordered keys as a change', () => {
    const order = makeOrder({ exception: { type: 'stock', reason: 'oversold' } })
    expect(patchOrder(order, { exception: { reason: 'oversold', type: 'stock' } }, now).changed).toEqual([])
  })

  it('never mutates the order it was given', () => {
    const order = makeOrder({ tags: ['a'] })
    const frozen = JSON.stringify(order)
    patchOrder(order, { addTags: ['b'], status: 'shipped', addHold: { pool: 'risk' } }, now)
    expect(JSON.stringify(order)).toBe(frozen)
  })

  it('produces an order that still passes the order schema', () => {
    const out = patchOrder(makeOrder(), { addTags: ['vip'], addHold: { pool: 'risk' }, status: 'refunding' }, now)
    expect(validators.order(out.order)).toBe(true)
  })
})
