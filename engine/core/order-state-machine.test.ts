import { describe, expect, it } from 'vitest'
import { ORDER_STATUSES, canMoveStatus, isTerminalStatus, nextStatuses, statusRank } from './order-state-machine.ts'
import orderSchema from '../../schemas/order.schema.json' with { type: 'json' }

describe('order state machine', () => {
  it('knows exactly the statuses of the order schema', () => {
    const schemaStatuses = (orderSchema.definitions as Record<string, { enum?: string[] }>).status.enum
    expect([...ORDER_STATUSES].sort()).toEqual([...(schemaStatuses ?? [])].sort())
  })

  it('lets a pending order be paid or cancelled', () => {
    expect(canMoveStatus('pending_payment', 'paid')).toBe(true)
    expect(canMoveStatus('pending_payment', 'cancelled')).toBe(true)
    expect(canMoveStatus('pending_payment', 'shipped')).toBe(false)
  })

  it('ships a paid order partially or in full', () => {
    expect(canMoveStatus('paid', 'partially_shipped')).toBe(true)
    expect(canMoveStatus('paid', 'shipped')).toBe(true)
    expect(canMoveStatus('partially_shipped', 'shipped')).toBe(true)
  })

  it('never moves a shipped order back to paid', () => {
    expect(canMoveStatus('shipped', 'paid')).toBe(false)
    expect(canMoveStatus('delivered', 'shipped')).toBe(false)
  })

  it('cannot cancel an order once it has shipped', () => {
    expect(canMoveStatus('paid', 'cancelled')).toBe(true)
    expect(canMoveStatus('partially_shipped', 'cancelled')).toBe(false)
    expect(canMoveStatus('shipped', 'cancelled')).toBe(false)
  })

  it('starts a refund from any paid state and ends it refunded or back where it was', () => {
    for (const from of ['paid', 'partially_shipped', 'shipped', 'delivered', 'completed'] as const) {
      expect(canMoveStatus(from, 'refunding')).toBe(true)
      expect(canMoveStatus('refunding', from)).toBe(true)
    }
    expect(canMoveStatus('refunding', 'refunded')).toBe(true)
    expect(canMoveStatus('pending_payment', 'refunding')).toBe(false)
  })

  it('treats refunded and cancelled as terminal', () => {
    for (const to of ORDER_STATUSES) {
      expect(canMoveStatus('refunded', to)).toBe(false)
      expect(canMoveStatus('cancelled', to)).toBe(false)
    }
    expect(isTerminalStatus('refunded')).toBe(true)
    expect(isTerminalStatus('cancelled')).toBe(true)
    expect(isTerminalStatus('delivered')).toBe(false)
  })

  it('does not count staying in a status as a move', () => {
    for (const s of ORDER_STATUSES) expect(canMoveStatus(s, s)).toBe(false)
  })

  it('ranks every forward move of the shipping path higher than where it came from', () => {
    for (const from of ORDER_STATUSES) {
      for (const to of nextStatuses(from)) {
        if (from !== 'refunding') expect(statusRank[to]).toBeGreaterThan(statusRank[from])
      }
    }
  })

  it('ranks a late paid event below the shipped order it would overwrite', () => {
    expect(statusRank.paid).toBeLessThan(statusRank.shipped)
    expect(statusRank.paid).toBeLessThan(statusRank.cancelled)
  })
})
