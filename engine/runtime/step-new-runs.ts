/**
 * The runs an ingest starts, stepped inline as far as they go now: the order, its history and the
 * runs with their effects then commit together, and the executor only gets runs that have more to
 * do. The runs' order changes are folded into the plan (the order to store and its `patched`
 * entries), so the store writes one finished plan.
 */
import { performance } from 'node:perf_hooks'
import type { Order } from '../../schemas/generated/order.ts'
import type { Effect } from '../core/effects.ts'
import type { PreparedWorkflow } from '../core/prepare-workflow.ts'
import { patchedEvent } from '../core/order-history.ts'
import type { IngestPlan, NewRun } from '../store/store.ts'
import { runSteps } from './run-steps.ts'
import { safePatchOrder } from './safe-patch-order.ts'

/** Time spent stepping inline so far in one ingest commit, against its budget. */
export interface InlineBudget { spentMs: number; limitMs: number }

/** The plan with its runs stepped; `more` names the runs that stopped with work left (the executor goes on). */
export interface SteppedPlan { plan: IngestPlan; more: Set<string> }

/** Steps `plan.runs` in order, each seeing the order as the runs before it left it; never throws for a run. */
export function stepNewRuns(
  plan: IngestPlan, workflows: ReadonlyMap<string, PreparedWorkflow>, now: number, budget: InlineBudget,
  onError: (err: unknown, runId: string) => void,
): SteppedPlan {
  const more = new Set<string>()
  if (!plan.order || plan.runs.length === 0) return { plan, more }
  let order: Order = plan.order
  let revision = plan.revision
  const events = [...plan.events]
  const runs: NewRun[] = []
  for (const run of plan.runs) {
    const prepared = workflows.get(run.state.workflowId)
    const t0 = performance.now()
    try {
      if (!prepared) throw new Error(`workflow ${run.state.workflowId} is not loaded`)
      const stepped = runSteps(prepared, run.state, order, now, { until: t0 + Math.max(0, budget.limitMs - budget.spentMs) }, plan.changedBy)
      const effects: Effect[] = []
      for (const e of stepped.effects) {
        if (e.kind !== 'patch-order') { effects.push(e); continue }
        const result = safePatchOrder(order, e.patch, now)
        if (result.changed.length > 0) revision += 1
        events.push(patchedEvent(order, result, e.source, e.idempotencyKey, now, revision))
        order = result.order
      }
      runs.push({ ...run, state: stepped.state, effects })
      if (stepped.more) more.add(run.state.runId)
    } catch (err) {
      // Not a node failure (those are values): the run starts unstepped and the executor steps it.
      onError(err, run.state.runId)
      runs.push(run)
      more.add(run.state.runId)
    } finally {
      budget.spentMs += performance.now() - t0
    }
  }
  return { plan: { ...plan, order, revision, events, runs }, more }
}
