import { describe, expect, it } from 'vitest'
import { safePatchOrder } from './safe-patch-order.ts'
import { makeOrder } from '../../test/support/orders.ts'

describe('safePatchOrder', () => {
  it('drops a status move the order has outgrown since the node ran, and keeps the rest of the patch', () => {
    const out = safePatchOrder(makeOrder({ status: 'cancelled' }), { status: 'shipped', addTags: ['checked'] }, 0)
    expect(out.order.status).toBe('cancelled')
    expect(out.order.tags).toContain('checked')
    expect(out.changed).toEqual(['tags', 'status_conflict'])
  })
})
