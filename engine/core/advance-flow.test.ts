import { describe, expect, it } from 'vitest'
import { advance, startRun } from './advance.ts'
import { prepareWorkflow } from './prepare-workflow.ts'
import { makeOrder } from '../../test/support/orders.ts'
import { edges, node, runUntilRest, stepsOf, testRegistry, workflow } from '../../test/support/workflows.ts'

const now = Date.UTC(2025, 2, 1, 12)
const trigger = node('start', 'trigger.manual')

describe('parallel branches and joins', () => {
  const branches = (mode: 'all' | 'any') => prepareWorkflow(workflow([
    trigger,
    node('split', 'flow.parallel'),
    node('a', 'rule.set', { variables: { a: 1 } }),
    node('b1', 'rule.set', { variables: { b: 1 } }),
    node('b2', 'rule.set', { variables: { b: 2 } }),
    node('join', 'flow.join', { mode }),
    node('done', 'order.tag', { add: ['joined'] }),
  ], edges('start>split', 'split>a', 'split>b1', 'b1>b2', 'a>join', 'b2>join', 'join>done')), testRegistry)

  it('waits at a join until every branch arrives', () => {
    const prepared = branches('all')
    let state = startRun(prepared, { runId: 'r1', orderId: 'ord_1', now })
    const order = makeOrder()
    for (let i = 0; i < 3; i++) state = advance(prepared, state, { kind: 'step' }, now, order).state // start, split, a
    expect(state.joins).toEqual({ join: { e4: { a: 1 } } })
    expect(state.tokens.map((t) => t.nodeId)).toEqual(['b1'])
    const trace = runUntilRest(prepared, state, now, order)
    const join = stepsOf(trace.effects).find((s) => s.nodeId === 'join')
    expect(join?.input).toEqual({ e4: { a: 1 }, e5: { b: 2 } })
    expect(join?.output).toEqual({ e4: { a: 1 }, e5: { b: 2 } })
    expect(stepsOf(trace.effects).filter((s) => s.nodeId === 'done')).toHaveLength(1)
    expect(trace.state).toMatchObject({ status: 'completed', joins: {}, visits: { join: 1, done: 1 } })
  })

  it('goes on once at an any-join with the first branch and drops the later one', () => {
    const prepared = branches('any')
    const trace = runUntilRest(prepared, startRun(prepared, { runId: 'r1', orderId: 'ord_1', now }), now, makeOrder())
    const joins = stepsOf(trace.effects).filter((s) => s.nodeId === 'join')
    expect(joins).toHaveLength(1)
    expect(joins[0].input).toEqual({ e4: { a: 1 } })
    expect(stepsOf(trace.effects).filter((s) => s.nodeId === 'done')).toHaveLength(1)
    expect(trace.state.status).toBe('completed')
    expect(trace.state.joins).toEqual({})
  })

  it('runs every branch of a parallel split', () => {
    const prepared = branches('all')
    const trace = runUntilRest(prepared, startRun(prepared, { runId: 'r1', orderId: 'ord_1', now }), now, makeOrder())
    expect(trace.state.variables).toEqual({ a: 1, b: 2 })
  })
})

describe('flow.end', () => {
  it('ends the whole run at flow.end', () => {
    const prepared = prepareWorkflow(workflow([
      trigger,
      node('split', 'flow.parallel'),
      node('slow', 'test.flaky', undefined, { retry: { maxAttempts: 5 } }),
      node('stop', 'flow.end', { outcome: 'short-circuit' }),
    ], edges('start>split', 'split>slow', 'split>stop')), testRegistry)
    const trace = runUntilRest(prepared, startRun(prepared, { runId: 'r1', orderId: null, now }), now, null)
    expect(stepsOf(trace.effects).at(-1)).toMatchObject({ nodeId: 'stop', output: { outcome: 'short-circuit' }, port: null })
    // slow failed its first attempt before stop ran, so its retry timer must be cancelled
    expect(trace.effects).toContainEqual({ kind: 'cancel-timer', timerId: 'r1:slow:1:retry:1' })
    expect(trace.state).toMatchObject({ status: 'completed', tokens: [], finishedAt: now })
  })

  it('ignores a retry timer that fires after the run ended', () => {
    const prepared = prepareWorkflow(workflow([trigger, node('stop', 'flow.end')], edges('start>stop')), testRegistry)
    const trace = runUntilRest(prepared, startRun(prepared, { runId: 'r1', orderId: null, now }), now, null)
    expect(advance(prepared, trace.state, { kind: 'timer', timerId: 'r1:slow:1:retry:1' }, now, null).state).toBe(trace.state)
  })
})

describe('run status', () => {
  it('is waiting while every token waits on a timer and running again when one fires', () => {
    const prepared = prepareWorkflow(workflow([trigger, node('call', 'test.flaky', undefined, { retry: { maxAttempts: 2, initialInterval: 'PT5S' } })],
      edges('start>call'), { succeedOnAttempt: 2 }), testRegistry)
    const waiting = runUntilRest(prepared, startRun(prepared, { runId: 'r1', orderId: null, now }), now, null)
    expect(waiting.state.status).toBe('waiting')
    const fired = advance(prepared, waiting.state, { kind: 'timer', timerId: 'r1:call:1:retry:1' }, now + 5000, null)
    expect(fired.state.status).toBe('running')
    expect(fired.state.tokens[0]).toMatchObject({ status: 'ready', attempt: 2 })
    expect(fired.state.tokens[0].timerId).toBeUndefined()
  })

  it('routes a switch to the first matching case, else to default', () => {
    const prepared = prepareWorkflow(workflow([
      trigger,
      node('route', 'rule.switch', { cases: [
        { port: 'big', rule: { '>': [{ var: 'order.totalAmount' }, 100000] } },
        { port: 'douyin', rule: { '==': [{ var: 'order.platform' }, 'douyin'] } },
      ] }),
      node('big', 'order.tag', { add: ['big'] }),
      node('dy', 'order.tag', { add: ['dy'] }),
      node('other', 'order.tag', { add: ['other'] }),
    ], edges('start>route', 'route:big>big', 'route:douyin>dy', 'route:default>other')), testRegistry)
    const run = (totalAmount: number, platform: 'douyin' | 'jd') =>
      runUntilRest(prepared, startRun(prepared, { runId: 'r1', orderId: 'ord_1', now }), now, makeOrder({ totalAmount, platform })).order?.tags
    expect(run(200000, 'douyin')).toEqual(['big'])
    expect(run(100, 'douyin')).toEqual(['dy'])
    expect(run(100, 'jd')).toEqual(['other'])
  })
})
