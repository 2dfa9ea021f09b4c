import { describe, expect, it } from 'vitest'
import { InvalidWorkflowError, edgesFrom, prepareWorkflow } from './prepare-workflow.ts'
import { edges, node, testRegistry, workflow } from '../../test/support/workflows.ts'

const trigger = node('start', 'trigger.manual')

describe('prepareWorkflow', () => {
  const def = workflow([
    trigger,
    node('c', 'rule.condition', { rule: { '==': [{ var: 'order.presale' }, true] } }, { retry: { maxAttempts: 3, initialInterval: 'PT30S' } }),
    node('a', 'order.tag', { add: ['a'] }),
    node('b', 'order.tag', { add: ['b'] }),
    node('j', 'flow.join'),
  ], edges('start>c', 'c:true>a', 'c:false>b', 'c:true>j', 'a>j', 'b>j'), { threshold: 5 })

  it('indexes edges by node and port, resolving an omitted handle to the single port', () => {
    const prepared = prepareWorkflow(def, testRegistry)
    expect(edgesFrom(prepared, 'c', 'true').map((e) => e.id)).toEqual(['e1', 'e3'])
    expect(edgesFrom(prepared, 'c', 'false').map((e) => e.id)).toEqual(['e2'])
    expect(edgesFrom(prepared, 'c', 'error')).toEqual([])
    expect(edgesFrom(prepared, 'start', 'out')[0]).toMatchObject({ id: 'e0', sourceHandle: 'out' })
  })

  it('lists the incoming edges of each node and finds the trigger', () => {
    const prepared = prepareWorkflow(def, testRegistry)
    expect(prepared.nodes.get('j')?.incomingEdgeIds).toEqual(['e3', 'e4', 'e5'])
    expect(prepared.triggerNodeId).toBe('start')
    expect(prepared.variables).toEqual({ threshold: 5 })
  })

  it('compiles rules once and applies config defaults through prepare', () => {
    const prepared = prepareWorkflow(def, testRegistry)
    const condition = prepared.nodes.get('c')?.config as { rule: (d: unknown) => unknown }
    expect(condition.rule({ order: { presale: true } })).toBe(true)
    expect(prepared.nodes.get('j')?.config).toEqual({ mode: 'all' })
  })

  it('parses each node retry policy to milliseconds', () => {
    const prepared = prepareWorkflow(def, testRegistry)
    expect(prepared.nodes.get('c')?.retry).toMatchObject({ maxAttempts: 3, initialIntervalMs: 30_000 })
    expect(prepared.nodes.get('a')?.retry.maxAttempts).toBe(1)
  })

  it('knows ports, the default port and the error port of each node', () => {
    const prepared = prepareWorkflow(def, testRegistry)
    expect(prepared.nodes.get('c')).toMatchObject({ ports: ['true', 'false', 'error'], defaultPort: null, errorPort: 'error' })
    expect(prepared.nodes.get('a')).toMatchObject({ ports: ['out'], defaultPort: 'out', errorPort: null })
  })

  it('throws an InvalidWorkflowError listing the graph errors', () => {
    const bad = workflow([trigger, node('x', 'no.such')], edges('start>x'))
    expect(() => prepareWorkflow(bad, testRegistry)).toThrow(InvalidWorkflowError)
    try {
      prepareWorkflow(bad, testRegistry)
    } catch (error) {
      expect((error as InvalidWorkflowError).errors).toEqual([{ nodeId: 'x', pointer: '/nodes/1/type', reason: 'unknown node type "no.such"' }])
    }
  })
})
