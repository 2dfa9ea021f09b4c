import { describe, expect, it } from 'vitest'
import { makeOrder } from '../../test/support/orders.ts'
import orderAssign from './order.assign.node.ts'
import orderHold from './order.hold.node.ts'
import orderTag from './order.tag.node.ts'
import orderUpdateStatus from './order.update-status.node.ts'
import { runNodeNext } from '../../test/support/node-context.ts'

describe('order.update-status', () => {
  it('asks for a legal move', () => {
    expect(runNodeNext(orderUpdateStatus, { status: 'shipped' }, { order: makeOrder({ status: 'paid' }) })).toEqual({
      output: { from: 'paid', to: 'shipped', changed: true }, orderPatch: { status: 'shipped' },
    })
  })

  it('does nothing when the order is already in that status', () => {
    expect(runNodeNext(orderUpdateStatus, { status: 'paid' }, { order: makeOrder({ status: 'paid' }) }).orderPatch).toBeUndefined()
  })

  it('throws for an illegal move so the run takes its error path', () => {
    expect(() => runNodeNext(orderUpdateStatus, { status: 'pending_payment' }, { order: makeOrder({ status: 'shipped' }) }))
      .toThrow('cannot move order from shipped to pending_payment')
  })

  it('throws when the run has no order', () => {
    expect(() => runNodeNext(orderUpdateStatus, { status: 'paid' }, { order: null })).toThrow('order.update-status needs an order, but run r1 has none')
  })
})

describe('order.tag', () => {
  it('adds and removes only what changes', () => {
    const result = runNodeNext(orderTag, { add: ['vip', 'old'], remove: ['new-buyer'] }, { order: makeOrder({ tags: ['old', 'new-buyer'] }) })
    expect(result).toEqual({ output: { added: ['vip'], removed: ['new-buyer'] }, orderPatch: { addTags: ['vip'], removeTags: ['new-buyer'] } })
  })

  it('asks for no patch when the tags are already right', () => {
    expect(runNodeNext(orderTag, { add: ['vip'] }, { order: makeOrder({ tags: ['vip'] }) }).orderPatch).toBeUndefined()
  })
})

describe('order.hold', () => {
  it('holds the order in a pool with a reason', () => {
    expect(runNodeNext(orderHold, { pool: 'risk', reason: '新买家大额订单' }).orderPatch).toEqual({ addHold: { pool: 'risk', reason: '新买家大额订单' } })
  })

  it('does not hold twice in the same pool', () => {
    const order = makeOrder({ holds: [{ pool: 'risk', at: '2025-01-01T00:00:00.000Z' }] })
    expect(runNodeNext(orderHold, { pool: 'risk' }, { order }).orderPatch).toBeUndefined()
  })

  it('releases a hold, and releasing a free pool changes nothing', () => {
    const order = makeOrder({ holds: [{ pool: 'presale', at: '2025-01-01T00:00:00.000Z' }] })
    expect(runNodeNext(orderHold, { pool: 'presale', release: true }, { order }).orderPatch).toEqual({ releaseHold: 'presale' })
    expect(runNodeNext(orderHold, { pool: 'risk', release: true }, { order }).orderPatch).toBeUndefined()
  })
})

describe('order.assign', () => {
  it('assigns the team unless it already has the order', () => {
    expect(runNodeNext(orderAssign, { team: 'vip-service' }).orderPatch).toEqual({ assignedTeam: 'vip-service' })
    expect(runNodeNext(orderAssign, { team: 'vip-service' }, { order: makeOrder({ assignedTeam: 'vip-service' }) }).orderPatch).toBeUndefined()
  })
})
