/**
 * Steps a run as far as it goes now: the loop the executor, inline execution at ingest and the dry
 * run share. It threads the order through the steps, so a step sees what the steps before it changed.
 */
import { performance } from 'node:perf_hooks'
import type { Order } from '../../schemas/generated/order.ts'
import type { Effect } from '../core/effects.ts'
import type { RunState } from '../core/run-state.ts'
import type { PreparedWorkflow } from '../core/prepare-workflow.ts'
import { advance, nextReadyToken } from '../core/advance.ts'
import { safePatchOrder } from './safe-patch-order.ts'

/** Step transitions a run may take in one go before others get their turn. */
export const STEPS_PER_TURN = 64

/** Where stepping stopped: the new state, the effects to commit, the order as the steps left it. */
export interface SteppedRun {
  state: RunState
  effects: Effect[]
  order: Order | null
  /** true when the turn limit cut the run off while it still had work */
  more: boolean
}

/** How far one turn may go: at most `maxSteps` steps, and none begun after `until` (performance.now() ms). */
export interface TurnLimits {
  maxSteps?: number
  until?: number
}

/**
 * Executes ready tokens until the run blocks (waits, fails, ends), `maxSteps` ran or the time is up.
 * The time limit keeps one run's turn from holding the event loop; a step already begun finishes
 * (a rule's own budget bounds it), so a turn always ends within about one step of `until`.
 */
export function runSteps(prepared: PreparedWorkflow, state: RunState, order: Order | null, now: number, limits: TurnLimits = {}, orderChangedBy: string | null = null): SteppedRun {
  const maxSteps = limits.maxSteps ?? STEPS_PER_TURN
  const effects: Effect[] = []
  for (let steps = 0; nextReadyToken(state); steps++) {
    if (steps === maxSteps || (limits.until !== undefined && performance.now() >= limits.until)) return { state, effects, order, more: true }
    const r = advance(prepared, state, { kind: 'step' }, now, order, orderChangedBy)
    state = r.state
    for (const e of r.effects) {
      effects.push(e)
      if (e.kind === 'patch-order' && order) order = safePatchOrder(order, e.patch, now).order
    }
  }
  return { state, effects, order, more: false }
}
