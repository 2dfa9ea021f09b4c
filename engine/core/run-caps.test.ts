import { describe, expect, it } from 'vitest'
import { advance, MAX_LIVE_TOKENS, MAX_STEPS_WITHOUT_WAIT, nextReadyToken, startRun } from './advance.ts'
import { prepareWorkflow } from './prepare-workflow.ts'
import { validateWorkflow } from './validate-workflow.ts'
import { makeOrder } from '../../test/support/orders.ts'
import { edges, node, testRegistry, workflow } from '../../test/support/workflows.ts'
import type { RunState } from './run-state.ts'

const now = Date.UTC(2026, 11, 1, 8)

/** `diamonds` parallel splits in a chain, each split's two branches both feeding the next split (no join). */
function chainedDiamonds(diamonds: number) {
  const nodes = [node('start', 'trigger.manual')]
  const specs: string[] = []
  let previous = ['start']
  for (let i = 1; i <= diamonds; i++) {
    nodes.push(node(`split-${i}`, 'flow.parallel'), node(`a-${i}`, 'rule.set', { variables: { a: i } }), node(`b-${i}`, 'rule.set', { variables: { b: i } }))
    for (const p of previous) specs.push(`${p}>split-${i}`)
    specs.push(`split-${i}>a-${i}`, `split-${i}>b-${i}`)
    previous = [`a-${i}`, `b-${i}`]
  }
  return workflow(nodes, edges(...specs))
}

function stepToRest(def: ReturnType<typeof chainedDiamonds>, limit = 50_000): RunState {
  const prepared = prepareWorkflow(def, testRegistry)
  let state = startRun(prepared, { runId: 'r1', orderId: 'ord_1', now })
  const order = makeOrder()
  for (let i = 0; nextReadyToken(state); i++) {
    if (i === limit) throw new Error('run did not stop')
    state = advance(prepared, state, { kind: 'step' }, now, order).state
  }
  return state
}

describe('the limits of one run', () => {
  it(`parks a run whose parallel splits multiply its branches past ${MAX_LIVE_TOKENS}`, () => {
    // 91 nodes: about 3·2^30 steps per order without the cap.
    const def = chainedDiamonds(30)
    expect(def.nodes).toHaveLength(91)
    const state = stepToRest(def)
    expect(state.status).toBe('failed')
    expect(state.incident?.error).toMatch(/more than 1,000 branches at once/)
    expect(state.tokens.length).toBeLessThanOrEqual(2 * MAX_LIVE_TOKENS + 2)
  })

  it(`parks a run that has taken ${MAX_STEPS_WITHOUT_WAIT} steps since it last waited, and a retry allows as many again`, () => {
    const prepared = prepareWorkflow(workflow([node('start', 'trigger.manual'), node('set', 'rule.set', { variables: { x: 1 } })], edges('start>set')), testRegistry)
    const tired = { ...startRun(prepared, { runId: 'r1', orderId: null, now }), stepsSinceWake: MAX_STEPS_WITHOUT_WAIT }
    const parked = advance(prepared, tired, { kind: 'step' }, now, null).state
    expect(parked.status).toBe('failed')
    expect(parked.incident?.error).toMatch(/10,000 steps without waiting/)
    let retried = advance(prepared, parked, { kind: 'retry' }, now, null).state
    while (nextReadyToken(retried)) retried = advance(prepared, retried, { kind: 'step' }, now, null).state
    expect(retried.status).toBe('completed')
  })

  it('counts steps from the run\'s last wake-up, so a long-lived run is not stopped by its history', () => {
    const prepared = prepareWorkflow(workflow([node('start', 'trigger.manual'), node('set', 'rule.set', { variables: { x: 1 } })], edges('start>set')), testRegistry)
    const state = startRun(prepared, { runId: 'r1', orderId: null, now })
    expect(state.stepsSinceWake).toBe(0)
    expect(advance(prepared, state, { kind: 'step' }, now, null).state.stepsSinceWake).toBe(1)
  })
})

describe('fan-out warnings at validation', () => {
  it('warns at the node where chained splits without joins pass 64 branches, once', () => {
    const result = validateWorkflow(chainedDiamonds(30), testRegistry)
    expect(result.valid).toBe(true)
    expect(result.warnings).toHaveLength(1)
    expect(result.warnings[0]).toMatchObject({ nodeId: 'split-8', pointer: '/nodes/22' })
    expect(result.warnings[0].reason).toMatch(/up to 128 branches of one run can reach this node.*flow\.join/)
  })

  it('does not warn for a condition whose two branches meet again, however many in a row', () => {
    const nodes = [node('start', 'trigger.manual')]
    const specs: string[] = []
    let previous = 'start'
    for (let i = 1; i <= 20; i++) {
      nodes.push(node(`if-${i}`, 'rule.condition', { rule: { '>': [{ var: 'order.totalAmount' }, i] } }), node(`yes-${i}`, 'order.tag', { add: [`y${i}`] }), node(`meet-${i}`, 'rule.set', { variables: { i } }))
      specs.push(`${previous}>if-${i}`, `if-${i}:true>yes-${i}`, `if-${i}:false>meet-${i}`, `yes-${i}>meet-${i}`)
      previous = `meet-${i}`
    }
    expect(validateWorkflow(workflow(nodes, edges(...specs)), testRegistry).warnings).toEqual([])
  })

  it('does not warn when a join brings the branches together after each split', () => {
    const nodes = [node('start', 'trigger.manual')]
    const specs: string[] = []
    let previous = 'start'
    for (let i = 1; i <= 20; i++) {
      nodes.push(node(`split-${i}`, 'flow.parallel'), node(`a-${i}`, 'rule.set', { variables: { a: i } }), node(`b-${i}`, 'rule.set', { variables: { b: i } }), node(`join-${i}`, 'flow.join'))
      specs.push(`${previous}>split-${i}`, `split-${i}>a-${i}`, `split-${i}>b-${i}`, `a-${i}>join-${i}`, `b-${i}>join-${i}`)
      previous = `join-${i}`
    }
    expect(validateWorkflow(workflow(nodes, edges(...specs)), testRegistry).warnings).toEqual([])
  })
})
