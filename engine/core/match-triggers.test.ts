import { describe, expect, it } from 'vitest'
import { matchTriggers } from './match-triggers.ts'
import { prepareWorkflow } from './prepare-workflow.ts'
import { makeOrder } from '../../test/support/orders.ts'
import { edges, node, testRegistry, workflow } from '../../test/support/workflows.ts'

function withTrigger(config: Record<string, unknown>, type = 'trigger.order-event') {
  return prepareWorkflow(workflow([node('start', type, config), node('end', 'flow.end')], edges('start>end')), testRegistry)
}

const created = { kind: 'created', fromStatus: null, toStatus: 'paid' } as const
const shipped = { kind: 'status_changed', fromStatus: 'paid', toStatus: 'shipped' } as const

describe('matchTriggers', () => {
  it('matches the event kinds the trigger lists', () => {
    const prepared = withTrigger({ events: ['created', 'updated'] })
    expect(matchTriggers(prepared, created, makeOrder())).toBe(true)
    expect(matchTriggers(prepared, { ...created, kind: 'updated' }, makeOrder())).toBe(true)
    expect(matchTriggers(prepared, shipped, makeOrder())).toBe(false)
  })

  it('applies the filter to the order and the event', () => {
    const prepared = withTrigger({
      events: ['status_changed'],
      filter: { and: [{ '==': [{ var: 'event.toStatus' }, 'shipped'] }, { '==': [{ var: 'order.platform' }, 'jd'] }] },
    })
    expect(matchTriggers(prepared, shipped, makeOrder({ platform: 'jd' }))).toBe(true)
    expect(matchTriggers(prepared, shipped, makeOrder({ platform: 'douyin' }))).toBe(false)
    expect(matchTriggers(prepared, { ...shipped, toStatus: 'delivered' }, makeOrder({ platform: 'jd' }))).toBe(false)
  })

  it('does not match, and does not throw, when the filter fails on an order', () => {
    const prepared = withTrigger({ events: ['created'], filter: { '>': [{ '/': [100, { var: 'order.items.0.quantity' }] }, 1] } })
    expect(matchTriggers(prepared, created, makeOrder({ items: [{ sku: 'A', quantity: 0, unitPrice: 1 }] }))).toBe(false)
    expect(matchTriggers(prepared, created, makeOrder())).toBe(true)
  })

  it('treats an empty-array filter result as false, like JsonLogic', () => {
    const prepared = withTrigger({ events: ['created'], filter: { var: 'order.tags' } })
    expect(matchTriggers(prepared, created, makeOrder({ tags: [] }))).toBe(false)
    expect(matchTriggers(prepared, created, makeOrder({ tags: ['x'] }))).toBe(true)
  })

  it('never starts a manually triggered workflow on an order event', () => {
    expect(matchTriggers(withTrigger({}, 'trigger.manual'), created, makeOrder())).toBe(false)
  })
})
