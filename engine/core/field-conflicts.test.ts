import { describe, expect, it } from 'vitest'
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'
import { fieldWritesOf, findFieldConflicts, triggerEventsOf } from './field-conflicts.ts'

type Node = WorkflowDefinition['nodes'][number]

function flow(id: string, events: string[] | 'manual', ...nodes: Node[]): WorkflowDefinition {
  const trigger: Node = events === 'manual'
    ? { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} }
    : { id: 'start', type: 'trigger.order-event', position: { x: 0, y: 0 }, config: { events } }
  return { id, name: `flow ${id}`, nodes: [trigger, ...nodes], edges: [] }
}
const assign = (id: string, team: string, name?: string): Node => ({ id, type: 'order.assign', position: { x: 0, y: 0 }, config: { team }, ...(name ? { name } : {}) })
const hold = (id: string, pool: string, release = false): Node => ({ id, type: 'order.hold', position: { x: 0, y: 0 }, config: { pool, ...(release ? { release } : {}) } })
const tag = (id: string, add: string[]): Node => ({ id, type: 'order.tag', position: { x: 0, y: 0 }, config: { add } })
const status = (id: string, to: string): Node => ({ id, type: 'order.update-status', position: { x: 0, y: 0 }, config: { status: to } })

describe('field conflicts between flows', () => {
  it('reads the fields a flow writes from its node types and configs', () => {
    const def = flow('a', ['created'], assign('assign', 'vip-service', '分配 VIP 客服'), status('ship', 'shipped'), hold('hold', 'risk'), tag('tag', ['vip']))
    expect(fieldWritesOf(def)).toEqual([
      { field: 'assignedTeam', value: 'vip-service', nodeId: 'assign', nodeName: '分配 VIP 客服' },
      { field: 'status', value: 'shipped', nodeId: 'ship' },
      { field: 'holds', pool: 'risk', value: 'hold', nodeId: 'hold' },
    ])
    expect(triggerEventsOf(def)).toEqual(['created'])
    expect(triggerEventsOf(flow('m', 'manual'))).toEqual([])
  })

  it('names the other flow when both set the team on the same event', () => {
    const mine = flow('night', ['created'], assign('assign-night', 'night-shift', '分配夜班客服'))
    const theirs = flow('vip', ['created', 'updated'], assign('assign-vip', 'vip-service', '分配 VIP 客服'))
    expect(findFieldConflicts(mine, [theirs])).toEqual([{
      field: 'assignedTeam', event: 'created', otherWorkflowId: 'vip', otherWorkflowName: 'flow vip',
      nodeId: 'assign-night', nodeName: '分配夜班客服', otherNodeId: 'assign-vip', otherNodeName: '分配 VIP 客服',
      value: 'night-shift', otherValue: 'vip-service',
    }])
  })

  it('sees no conflict on different events, for the same team, for tags, or with itself', () => {
    const mine = flow('a', ['created'], assign('assign', 'vip-service'), tag('tag', ['vip']))
    expect(findFieldConflicts(mine, [flow('b', ['status_changed'], assign('assign', 'refund-desk'))])).toEqual([])
    expect(findFieldConflicts(mine, [flow('c', ['created'], assign('assign', 'vip-service'))])).toEqual([])
    expect(findFieldConflicts(mine, [flow('d', ['created'], tag('tag', ['other']))])).toEqual([])
    expect(findFieldConflicts(mine, [flow('a', ['created'], assign('assign', 'someone-else'))])).toEqual([])
    expect(findFieldConflicts(flow('m', 'manual', assign('assign', 'x')), [flow('e', ['created'], assign('assign', 'y'))])).toEqual([])
  })

  it('tells a hold from a release of the same pool, and leaves other pools alone', () => {
    const mine = flow('a', ['updated'], hold('hold', 'address-check'))
    expect(findFieldConflicts(mine, [flow('b', ['updated'], hold('hold', 'address-check'))])).toEqual([])
    expect(findFieldConflicts(mine, [flow('c', ['updated'], hold('hold', 'risk', true))])).toEqual([])
    expect(findFieldConflicts(mine, [flow('d', ['updated'], hold('free', 'address-check', true))])).toMatchObject([
      { field: 'holds', pool: 'address-check', event: 'updated', otherWorkflowId: 'd', value: 'hold', otherValue: 'release' },
    ])
  })

  it('reads a draft that does not pass the schema yet without throwing', () => {
    expect(findFieldConflicts({ id: 'x', nodes: [null, { type: 'order.assign' }, { id: 'start', type: 'trigger.order-event', config: { events: 'created' } }] }, [])).toEqual([])
    expect(findFieldConflicts(null, [])).toEqual([])
  })
})
