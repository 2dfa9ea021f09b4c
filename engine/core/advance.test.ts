import { describe, expect, it } from 'vitest'
import { advance, nextReadyToken, startRun } from './advance.ts'
import { prepareWorkflow } from './prepare-workflow.ts'
import { makeOrder } from '../../test/support/orders.ts'
import { edges, node, runUntilRest, stepsOf, testRegistry, workflow } from '../../test/support/workflows.ts'

const now = Date.UTC(2025, 2, 1, 12)
const trigger = node('start', 'trigger.manual')

function prepare(nodes: Parameters<typeof workflow>[0], edgeList: Parameters<typeof workflow>[1], variables?: Record<string, unknown>) {
  return prepareWorkflow(workflow([trigger, ...nodes], edgeList, variables), testRegistry)
}

describe('startRun', () => {
  it('puts one ready token on the trigger at visit 1', () => {
    const prepared = prepare([node('end', 'flow.end')], edges('start>end'), { a: 1 })
    const state = startRun(prepared, { runId: 'r1', orderId: 'ord_1', variables: { b: 2 }, now, input: { x: 1 } })
    expect(state.status).toBe('running')
    expect(state.tokens).toEqual([{ id: 't1', nodeId: 'start', visit: 1, attempt: 1, status: 'ready', input: { x: 1 }, viaEdge: null }])
    expect(state.visits).toEqual({ start: 1 })
    expect(state.variables).toEqual({ a: 1, b: 2 })
    expect(state.workflowId).toBe('test-flow')
    expect(state.version).toBe(1)
  })
})

describe('advance', () => {
  it('executes one node per step and records it', () => {
    const prepared = prepare([node('tag', 'order.tag', { add: ['vip'] })], edges('start>tag'))
    const state = startRun(prepared, { runId: 'r1', orderId: 'ord_1', now, input: { go: true } })
    const first = advance(prepared, state, { kind: 'step' }, now, makeOrder())
    expect(stepsOf(first.effects)).toEqual([{
      id: 'r1:start:1:1', runId: 'r1', nodeId: 'start', nodeType: 'trigger.manual', visit: 1, attempt: 1,
      idempotencyKey: 'r1:start:1', status: 'completed', port: 'out', input: { go: true }, output: { go: true },
      error: null, startedAt: now, finishedAt: now,
    }])
    expect(first.state.tokens).toEqual([{ id: 't2', nodeId: 'tag', visit: 1, attempt: 1, status: 'ready', input: { go: true }, viaEdge: 'e0' }])
    const second = advance(prepared, first.state, { kind: 'step' }, now + 5, makeOrder())
    expect(second.effects[1]).toEqual({
      kind: 'patch-order', orderId: 'ord_1', patch: { addTags: ['vip'] }, source: 'run:r1:tag:1', idempotencyKey: 'r1:tag:1',
    })
    expect(second.state.status).toBe('completed')
    expect(second.state.finishedAt).toBe(now + 5)
    expect(nextReadyToken(second.state)).toBeNull()
  })

  it('never mutates the state or order it is given', () => {
    const prepared = prepare([node('tag', 'order.tag', { add: ['vip'] })], edges('start>tag'))
    const state = startRun(prepared, { runId: 'r1', orderId: 'ord_1', now })
    const order = makeOrder()
    const before = JSON.stringify({ state, order })
    const out = advance(prepared, state, { kind: 'step' }, now, order)
    advance(prepared, out.state, { kind: 'step' }, now, order)
    expect(JSON.stringify({ state, order })).toBe(before)
  })

  it('returns the very same state for an event that does not apply', () => {
    const prepared = prepare([node('end', 'flow.end')], edges('start>end'))
    const state = startRun(prepared, { runId: 'r1', orderId: null, now })
    // A stale timer is still removed, so it cannot fire again, and changes nothing else.
    expect(advance(prepared, state, { kind: 'timer', timerId: 'nope' }, now, null)).toEqual({ state, effects: [{ kind: 'cancel-timer', timerId: 'nope' }] })
    expect(advance(prepared, state, { kind: 'timer', timerId: 'nope' }, now, null).state).toBe(state)
    expect(advance(prepared, state, { kind: 'retry' }, now, null).state).toBe(state)
    expect(advance(prepared, state, { kind: 'signal', name: 'go', data: null }, now, null)).toEqual({ state, effects: [] })
  })

  it('keeps the same idempotency key across retries of one visit', () => {
    const prepared = prepare([node('call', 'test.flaky', undefined, { retry: { maxAttempts: 3, initialInterval: 'PT2S' } })], edges('start>call'), { succeedOnAttempt: 3 })
    let trace = runUntilRest(prepared, startRun(prepared, { runId: 'r1', orderId: null, now }), now, null)
    expect(trace.state.status).toBe('waiting')
    expect(trace.effects).toContainEqual({ kind: 'schedule-timer', timer: { id: 'r1:call:1:retry:1', runId: 'r1', tokenId: 't2', dueAt: now + 2000, purpose: 'retry' } })
    trace = runUntilRest(prepared, trace.state, now + 2000, null, { kind: 'timer', timerId: 'r1:call:1:retry:1' })
    expect(trace.effects).toContainEqual(expect.objectContaining({ kind: 'schedule-timer', timer: expect.objectContaining({ id: 'r1:call:1:retry:2', dueAt: now + 2000 + 4000 }) }))
    trace = runUntilRest(prepared, trace.state, now + 6000, null, { kind: 'timer', timerId: 'r1:call:1:retry:2' })
    const calls = stepsOf(trace.effects)
    expect(calls.map((s) => [s.id, s.status])).toEqual([['r1:call:1:3', 'completed']])
    expect(calls[0].output).toEqual({ attempt: 3, key: 'r1:call:1' })
    expect(trace.state.status).toBe('completed')
  })

  it('records each failed attempt as retrying with its error', () => {
    const prepared = prepare([node('call', 'test.flaky', undefined, { retry: { maxAttempts: 2 } })], edges('start>call'), { succeedOnAttempt: 2 })
    const trace = runUntilRest(prepared, startRun(prepared, { runId: 'r1', orderId: null, now }), now, null)
    const failed = stepsOf(trace.effects).find((s) => s.nodeId === 'call')
    expect(failed).toMatchObject({ status: 'retrying', attempt: 1, error: 'attempt 1 failed', port: null })
    expect(trace.state.tokens[0]).toMatchObject({ status: 'retry-wait', attempt: 2, timerId: 'r1:call:1:retry:1' })
  })

  it('gives a loop a new idempotency key', () => {
    const prepared = prepare([
      node('count', 'rule.set', { variables: { n: { '+': [{ var: 'vars.n' }, 1] } } }),
      node('more', 'rule.condition', { rule: { '<': [{ var: 'vars.n' }, 3] } }),
      node('pause', 'test.pause'),
      node('tag', 'order.tag', { add: ['looped'] }),
    ], edges('start>count', 'count>more', 'more:true>pause', 'pause>count', 'more:false>tag'), { n: 0 })
    let trace = runUntilRest(prepared, startRun(prepared, { runId: 'r1', orderId: 'ord_1', now }), now, makeOrder())
    const effects = [...trace.effects]
    // Each lap waits at the pause for its signal; a cycle through a wait is legal.
    while (trace.state.status === 'waiting') {
      trace = runUntilRest(prepared, trace.state, now, trace.order, { kind: 'signal', name: 'go', data: null })
      effects.push(...trace.effects)
    }
    trace = { ...trace, effects }
    const keys = stepsOf(trace.effects).filter((s) => s.nodeId === 'count' && s.status === 'completed').map((s) => s.idempotencyKey)
    expect(keys).toEqual(['r1:count:1', 'r1:count:2', 'r1:count:3'])
    expect(trace.state.variables.n).toBe(3)
    expect(trace.state.visits).toMatchObject({ count: 3, more: 3, pause: 2, tag: 1 })
    expect(trace.order?.tags).toEqual(['looped'])
  })

  it('parks the run as an incident when retries run out and no error edge exists', () => {
    const prepared = prepare([node('call', 'test.flaky'), node('after', 'flow.end')], edges('start>call', 'call>after'))
    const trace = runUntilRest(prepared, startRun(prepared, { runId: 'r1', orderId: null, now }), now, null)
    expect(trace.state.status).toBe('failed')
    expect(trace.state.incident).toEqual({ nodeId: 'call', tokenId: 't2', error: 'attempt 1 failed', at: now })
    expect(trace.state.tokens).toEqual([expect.objectContaining({ id: 't2', status: 'failed' })])
    expect(stepsOf(trace.effects).at(-1)).toMatchObject({ nodeId: 'call', status: 'failed', error: 'attempt 1 failed' })
    expect(nextReadyToken(trace.state)).toBeNull()
  })

  it('follows the error edge after the last attempt', () => {
    const prepared = prepare([
      node('call', 'test.flaky', undefined, { retry: { maxAttempts: 2 } }),
      node('ok', 'order.tag', { add: ['ok'] }),
      node('hold', 'order.hold', { pool: 'exception', reason: 'call failed' }),
    ], edges('start>call', 'call>ok', 'call:error>hold'))
    let trace = runUntilRest(prepared, startRun(prepared, { runId: 'r1', orderId: 'ord_1', now }), now, makeOrder())
    trace = runUntilRest(prepared, trace.state, now + 1000, trace.order, { kind: 'timer', timerId: 'r1:call:1:retry:1' })
    const steps = stepsOf(trace.effects)
    expect(steps[0]).toMatchObject({ nodeId: 'call', attempt: 2, status: 'failed', port: 'error', error: 'attempt 2 failed' })
    expect(steps[1]).toMatchObject({ nodeId: 'hold', input: { error: 'attempt 2 failed' }, status: 'completed' })
    expect(trace.state.status).toBe('completed')
    expect(trace.state.incident).toBeNull()
    expect(trace.order?.holds).toEqual([{ pool: 'exception', reason: 'call failed', at: new Date(now + 1000).toISOString() }])
  })

  it('retries from the failed step with edited variables', () => {
    const prepared = prepare([
      node('check', 'rule.condition', { rule: { '>': [{ '/': [{ var: 'order.totalAmount' }, { var: 'vars.divisor' }] }, 100] } }),
      node('big', 'order.tag', { add: ['big'] }),
    ], edges('start>check', 'check:true>big'), { divisor: 0 })
    const failed = runUntilRest(prepared, startRun(prepared, { runId: 'r1', orderId: 'ord_1', now }), now, makeOrder())
    expect(failed.state.status).toBe('failed')
    expect(failed.state.incident?.error).toMatch(/division by zero/)
    const retried = runUntilRest(prepared, failed.state, now + 60_000, failed.order, { kind: 'retry', variables: { divisor: 100 } })
    const check = stepsOf(retried.effects)[0]
    expect(check).toMatchObject({ nodeId: 'check', attempt: 2, idempotencyKey: 'r1:check:1', status: 'completed', port: 'true' })
    expect(retried.state.status).toBe('completed')
    expect(retried.state.variables.divisor).toBe(100)
    expect(retried.order?.tags).toEqual(['big'])
  })

  it('takes the run to its error path when a rule divides by zero', () => {
    const prepared = prepare([
      node('check', 'rule.condition', { rule: { '>': [{ '/': [{ var: 'order.totalAmount' }, { var: 'vars.perItem' }] }, 10] } }),
      node('flag', 'order.hold', { pool: 'exception' }),
    ], edges('start>check', 'check:error>flag'), { perItem: 0 })
    const trace = runUntilRest(prepared, startRun(prepared, { runId: 'r1', orderId: 'ord_1', now }), now, makeOrder())
    const flag = stepsOf(trace.effects).find((s) => s.nodeId === 'flag')
    expect(flag?.input).toEqual({ error: expect.stringMatching(/division by zero/) })
    expect(trace.state.status).toBe('completed')
  })

  it('fails the step when an order node runs in a run without an order', () => {
    const prepared = prepare([node('tag', 'order.tag', { add: ['x'] })], edges('start>tag'))
    const trace = runUntilRest(prepared, startRun(prepared, { runId: 'r1', orderId: null, now }), now, null)
    expect(trace.state.incident?.error).toMatch(/needs an order/)
  })

  it('turns a thrown non-Error into a readable step error', () => {
    const prepared = prepare([node('boom', 'test.throw-value')], edges('start>boom'))
    const trace = runUntilRest(prepared, startRun(prepared, { runId: 'r1', orderId: null, now }), now, null)
    expect(trace.state.incident?.error).toBe('node threw connector exploded')
  })

  it('fails an illegal status move so the error edge handles it', () => {
    const prepared = prepare([
      node('pay', 'order.update-status', { status: 'paid' }),
      node('tell', 'order.tag', { add: ['status-conflict'] }),
    ], edges('start>pay', 'pay:error>tell'))
    const trace = runUntilRest(prepared, startRun(prepared, { runId: 'r1', orderId: 'ord_1', now }), now, makeOrder({ status: 'shipped' }))
    expect(stepsOf(trace.effects).find((s) => s.nodeId === 'pay')?.error).toBe('cannot move order from shipped to paid')
    expect(trace.order?.status).toBe('shipped')
    expect(trace.order?.tags).toEqual(['status-conflict'])
  })

  it('cancels a waiting run: drops its tokens and cancels their timers', () => {
    const prepared = prepare([node('call', 'test.flaky', undefined, { retry: { maxAttempts: 5 } })], edges('start>call'))
    const waiting = runUntilRest(prepared, startRun(prepared, { runId: 'r1', orderId: null, now }), now, null)
    const out = advance(prepared, waiting.state, { kind: 'cancel' }, now + 10, null)
    expect(out.effects).toEqual([{ kind: 'cancel-timer', timerId: 'r1:call:1:retry:1' }])
    expect(out.state).toMatchObject({ status: 'cancelled', tokens: [], finishedAt: now + 10 })
    expect(advance(prepared, out.state, { kind: 'step' }, now + 20, null).state).toBe(out.state)
  })

  it('does not step a failed run until an operator retries it', () => {
    const prepared = prepare([node('call', 'test.flaky')], edges('start>call'))
    const failed = runUntilRest(prepared, startRun(prepared, { runId: 'r1', orderId: null, now }), now, null)
    expect(advance(prepared, failed.state, { kind: 'step' }, now, null).state).toBe(failed.state)
  })
})
