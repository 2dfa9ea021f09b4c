import { describe, expect, it } from 'vitest'
import flowEnd from './flow.end.node.ts'
import flowJoin from './flow.join.node.ts'
import flowParallel from './flow.parallel.node.ts'
import triggerManual from './trigger.manual.node.ts'
import triggerOrderEvent from './trigger.order-event.node.ts'
import { compileRule } from '../core/json-logic.ts'
import { runNodeNext } from '../../test/support/node-context.ts'

describe('flow and trigger nodes', () => {
  it('flow.end ends the run with its outcome', () => {
    expect(runNodeNext(flowEnd, { outcome: 'approved' })).toEqual({ output: { outcome: 'approved' }, endRun: true })
    expect(runNodeNext(flowEnd, {})).toEqual({ output: { outcome: null }, endRun: true })
  })

  it('flow.join defaults to waiting for all branches and outputs what arrived', () => {
    expect(flowJoin.prepare?.({}, { compileRule })).toEqual({ mode: 'all' })
    expect(runNodeNext(flowJoin, { mode: 'any' }, { input: { e1: 1 } }).output).toEqual({ e1: 1 })
  })

  it('flow.parallel passes its input to every branch', () => {
    expect(runNodeNext(flowParallel, {}, { input: { x: 1 } })).toEqual({ output: { x: 1 } })
  })

  it('triggers pass the start input on', () => {
    const input = { event: { kind: 'created', fromStatus: null, toStatus: 'paid' } }
    expect(runNodeNext(triggerOrderEvent, { events: ['created'] }, { input }).output).toEqual(input)
    expect(runNodeNext(triggerManual, {}, { input: { by: 'ops' } }).output).toEqual({ by: 'ops' })
  })

  it('trigger.order-event compiles its filter once, or none', () => {
    const prepared = triggerOrderEvent.prepare?.({ events: ['created'], filter: { '==': [1, 1] } }, { compileRule })
    expect(prepared?.filter?.({})).toBe(true)
    expect(triggerOrderEvent.prepare?.({ events: ['updated'] }, { compileRule })).toEqual({ events: ['updated'], filter: null })
  })
})
