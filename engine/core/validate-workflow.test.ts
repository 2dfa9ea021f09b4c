import { describe, expect, it } from 'vitest'
import { validators } from '../../schemas/index.ts'
import type { Edge, Node } from '../../schemas/generated/workflow.ts'
import { edges, node, testRegistry, workflow } from '../../test/support/workflows.ts'
import { validateWorkflow, type WorkflowError } from './validate-workflow.ts'

const trigger = node('start', 'trigger.order-event', { events: ['created'] })

function check(nodes: Node[], edgeList: Edge[]): WorkflowError[] {
  const def = workflow(nodes, edgeList)
  expect(validators.workflow(def), 'fixture must pass the workflow schema').toBe(true)
  return validateWorkflow(def, testRegistry).errors
}

describe('validateWorkflow', () => {
  it('accepts a small valid workflow', () => {
    const def = workflow([trigger, node('tag', 'order.tag', { add: ['x'] })], edges('start>tag'))
    expect(validateWorkflow(def, testRegistry)).toEqual({ valid: true, errors: [], warnings: [] })
  })

  it('reports a duplicate node id at the second node', () => {
    expect(check([trigger, node('a', 'flow.parallel'), node('a', 'flow.parallel')], edges('start>a'))).toEqual([
      { nodeId: 'a', pointer: '/nodes/2/id', reason: 'duplicates the id of node 1' },
    ])
  })

  it('reports a duplicate edge id', () => {
    const list: Edge[] = [{ id: 'x', source: 'start', target: 'a' }, { id: 'x', source: 'a', target: 'b' }]
    expect(check([trigger, node('a', 'flow.parallel'), node('b', 'flow.parallel')], list)).toEqual([
      { nodeId: 'a', pointer: '/edges/1/id', reason: 'duplicates the id of edge 0' },
    ])
  })

  it('reports an unknown node type', () => {
    expect(check([trigger, node('a', 'notify.pigeon')], edges('start>a'))).toEqual([
      { nodeId: 'a', pointer: '/nodes/1/type', reason: 'unknown node type "notify.pigeon"' },
    ])
  })

  it('points into the config for a config that fails the node schema', () => {
    const errors = check([trigger, node('h', 'order.hold', { reason: 'x', colour: 'red' })], edges('start>h'))
    expect(errors).toEqual(expect.arrayContaining([
      { nodeId: 'h', pointer: '/nodes/1/config/pool', reason: 'is required' },
      { nodeId: 'h', pointer: '/nodes/1/config/colour', reason: 'is not a known field' },
    ]))
  })

  it('treats a missing config as empty', () => {
    expect(check([trigger, node('s', 'order.update-status')], edges('start>s'))).toEqual([
      { nodeId: 's', pointer: '/nodes/1/config/status', reason: 'is required' },
    ])
  })

  it('points at the rule when a rule uses an unknown operator', () => {
    expect(check([trigger, node('c', 'rule.condition', { rule: { '>>': [1, 2] } })], edges('start>c'))).toEqual([
      { nodeId: 'c', pointer: '/nodes/1/config/rule', reason: 'unknown operator ">>" in rule' },
    ])
  })

  it('points at the case when a switch case rule is bad or its port is reserved', () => {
    const bad = node('s', 'rule.switch', { cases: [{ port: 'a', rule: true }, { port: 'b', rule: { nope: [] } }] })
    expect(check([trigger, bad], edges('start>s'))[0]).toEqual({ nodeId: 's', pointer: '/nodes/1/config/cases/1/rule', reason: 'unknown operator "nope" in rule' })
    const reserved = node('s', 'rule.switch', { cases: [{ port: 'default', rule: true }] })
    expect(check([trigger, reserved], edges('start>s'))[0]).toEqual({ nodeId: 's', pointer: '/nodes/1/config/cases/0/port', reason: 'port name "default" is reserved' })
  })

  it('reports an edge from or to a node that does not exist', () => {
    const list: Edge[] = [{ id: 'e0', source: 'start', target: 'ghost' }, { id: 'e1', source: 'phantom', target: 'start' }]
    expect(check([trigger], list)).toEqual([
      { nodeId: 'start', pointer: '/edges/0/target', reason: 'no node has the id "ghost"' },
      { nodeId: null, pointer: '/edges/1/source', reason: 'no node has the id "phantom"' },
      { nodeId: 'start', pointer: '/edges/1/target', reason: 'node start is a trigger and takes no incoming edge' },
    ])
  })

  it('reports an edge back into the trigger once, not also as a cycle', () => {
    expect(check([trigger, node('a', 'flow.parallel')], edges('start>a', 'a>start'))).toEqual([
      { nodeId: 'start', pointer: '/edges/1/target', reason: 'node start is a trigger and takes no incoming edge' },
    ])
  })

  it('reports a sourceHandle that is not a port of the source node', () => {
    const errors = check([trigger, node('c', 'rule.condition', { rule: true }), node('t', 'order.tag', { add: ['x'] })], edges('start>c', 'c:maybe>t'))
    expect(errors).toEqual([{ nodeId: 'c', pointer: '/edges/1/sourceHandle', reason: 'node c has no port "maybe"; its ports are true, false, error' }])
  })

  it('requires a sourceHandle when the source node has several ports', () => {
    const errors = check([trigger, node('c', 'rule.condition', { rule: true }), node('t', 'order.tag', { add: ['x'] })], edges('start>c', 'c>t'))
    expect(errors).toEqual([{ nodeId: 'c', pointer: '/edges/1/sourceHandle', reason: 'is required: node c has several ports (true, false)' }])
  })

  it('accepts switch case ports as sourceHandles', () => {
    const sw = node('s', 'rule.switch', { cases: [{ port: 'vip', rule: true }] })
    expect(check([trigger, sw, node('t', 'order.tag', { add: ['x'] })], edges('start>s', 's:vip>t', 's:default>t'))).toEqual([])
  })

  it('reports an edge leaving a node without output ports', () => {
    expect(check([trigger, node('end', 'flow.end'), node('t', 'order.tag', { add: ['x'] })], edges('start>end', 'end>t'))).toEqual([
      { nodeId: 'end', pointer: '/edges/1/sourceHandle', reason: 'node end has no output port' },
    ])
  })

  it('reports a node the trigger cannot reach', () => {
    expect(check([trigger, node('t', 'order.tag', { add: ['x'] }), node('lost', 'flow.end')], edges('start>t'))).toEqual([
      { nodeId: 'lost', pointer: '/nodes/2', reason: 'is not reachable from the trigger start' },
    ])
  })

  it('reports a cycle without a waiting node, at its first node', () => {
    const errors = check([
      trigger,
      node('a', 'rule.set', { variables: {} }),
      node('b', 'rule.condition', { rule: true }),
    ], edges('start>a', 'a>b', 'b:true>a'))
    expect(errors).toEqual([{ nodeId: 'a', pointer: '/nodes/1', reason: expect.stringMatching(/is in a cycle \(.*a.*b.*\) with no node that waits/) }])
  })

  it('accepts a cycle through a node that waits', () => {
    expect(check([
      trigger,
      node('a', 'rule.set', { variables: {} }),
      node('b', 'rule.condition', { rule: true }),
      node('w', 'test.pause'),
    ], edges('start>a', 'a>b', 'b:true>w', 'w>a'))).toEqual([])
  })

  it('reports a workflow without a trigger', () => {
    expect(check([node('t', 'order.tag', { add: ['x'] })], [])).toEqual([
      { nodeId: null, pointer: '/nodes', reason: 'has no trigger node; a workflow needs exactly one' },
    ])
  })

  it('reports a second trigger at its type', () => {
    expect(check([trigger, node('again', 'trigger.manual')], [])).toEqual([
      { nodeId: 'again', pointer: '/nodes/1/type', reason: 'is a second trigger (node start is one); a workflow has exactly one' },
    ])
  })

  it('lists several problems at once', () => {
    const errors = check([trigger, node('x', 'nope.nope'), node('c', 'rule.condition', {})], edges('start>x'))
    expect(errors.map((e) => e.pointer)).toEqual(['/nodes/1/type', '/nodes/2/config/rule', '/nodes/2'])
  })
})
