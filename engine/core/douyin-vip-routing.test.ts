import { describe, expect, it } from 'vitest'
import example from '../../examples/douyin-vip-routing.workflow.json' with { type: 'json' }
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'
import { toErrorDetails, validators } from '../../schemas/index.ts'
import { startRun } from './advance.ts'
import { matchTriggers } from './match-triggers.ts'
import { prepareWorkflow } from './prepare-workflow.ts'
import { makeOrder } from '../../test/support/orders.ts'
import { runUntilRest, stepsOf, testRegistry } from '../../test/support/workflows.ts'
import { validateWorkflow } from './validate-workflow.ts'

const definition = example as WorkflowDefinition
const now = Date.UTC(2025, 5, 18, 2)
const created = { kind: 'created', fromStatus: null, toStatus: 'paid' } as const

function route(order: ReturnType<typeof makeOrder>) {
  const prepared = prepareWorkflow({ ...definition, version: 1 }, testRegistry)
  const state = startRun(prepared, { runId: 'run_1', orderId: order.id, now, input: { event: created } })
  return runUntilRest(prepared, state, now, order)
}

describe('example: douyin-vip-routing', () => {
  it('passes the workflow schema and graph validation', () => {
    const schemaValid = validators.workflow(definition)
    expect(toErrorDetails(validators.workflow.errors)).toEqual([])
    expect(schemaValid).toBe(true)
    expect(validateWorkflow(definition, testRegistry)).toEqual({ valid: true, errors: [], warnings: [] })
  })

  it('starts on order creation only', () => {
    const prepared = prepareWorkflow(definition, testRegistry)
    expect(matchTriggers(prepared, created, makeOrder())).toBe(true)
    expect(matchTriggers(prepared, { kind: 'status_changed', fromStatus: 'paid', toStatus: 'shipped' }, makeOrder())).toBe(false)
  })

  it('tags a large Douyin CNY order vip and assigns it to the VIP service team', () => {
    const trace = route(makeOrder({ platform: 'douyin', totalAmount: 150000, currency: 'CNY' }))
    expect(trace.order?.tags).toEqual(['vip'])
    expect(trace.order?.assignedTeam).toBe('vip-service')
    expect(trace.state.status).toBe('completed')
    expect(stepsOf(trace.effects).map((s) => `${s.nodeId}:${s.port}`)).toEqual([
      'start:out', 'split:out', 'vip-check:true', 'presale-check:false', 'tag-vip:out', 'assign-vip:out',
    ])
  })

  it('leaves an order of exactly 1,000.00 CNY, another currency or another platform alone', () => {
    for (const order of [
      makeOrder({ totalAmount: 100000 }),
      makeOrder({ currency: 'USD' }),
      makeOrder({ platform: 'taobao' }),
    ]) {
      const trace = route(order)
      expect(trace.order?.tags).toEqual([])
      expect(trace.order?.assignedTeam).toBeNull()
      expect(trace.effects.some((e) => e.kind === 'patch-order')).toBe(false)
    }
  })

  it('tags a presale order special-fulfillment whatever its platform', () => {
    const trace = route(makeOrder({ platform: 'jd', presale: true }))
    expect(trace.order?.tags).toEqual(['special-fulfillment'])
  })

  it('does both for a large presale Douyin order', () => {
    const trace = route(makeOrder({ presale: true, totalAmount: 990000 }))
    expect([...(trace.order?.tags ?? [])].sort()).toEqual(['special-fulfillment', 'vip'])
    expect(trace.order?.assignedTeam).toBe('vip-service')
    expect(validators.order(trace.order)).toBe(true)
  })
})
