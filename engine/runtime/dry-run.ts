/**
 * A dry run: a workflow definition executed against a sample order entirely in memory, with the same
 * step loop as production (runSteps), so the designer sees what the flow would do. Nothing is stored
 * and no timer is set. It runs in the rule sandbox (a worker thread), never on the server's event loop.
 */
import { performance } from 'node:perf_hooks'
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'
import type { OrderInput } from '../../schemas/generated/order-input.ts'
import type { Order } from '../../schemas/generated/order.ts'
import { prepareWorkflow } from '../core/prepare-workflow.ts'
import { startRun } from '../core/advance.ts'
import { planOrderIngest } from '../core/plan-order-ingest.ts'
import { matchTriggers, ORDER_EVENT_TRIGGER_TYPE } from '../core/match-triggers.ts'
import type { NodeRegistry } from '../core/registry.ts'
import type { Effect, OrderPatchEffect, ScheduleTimerEffect, StepEffect } from '../core/effects.ts'
import { runSteps } from './run-steps.ts'
import { safePatchOrder } from './safe-patch-order.ts'

/** Steps a dry run may take before it is cut off (a loop through retries cannot spin forever). */
export const DRY_RUN_MAX_STEPS = 1000
const DRY_RUN_ID = 'dry-run'
const DRY_ORDER_ID = 'dry-run-order'

/** What to dry-run: a definition that passed checkDefinition, a sample order, variables, the time, who asks. */
export interface DryRunRequest {
  definition: WorkflowDefinition
  order: OrderInput
  variables?: Record<string, unknown>
  now: number
  by: string
}

/** Everything the dry run did; times are epoch ms (the route formats them). */
export interface DryRunResult {
  status: string
  triggerMatched: boolean | null
  truncated: boolean
  incident: { nodeId: string; error: string } | null
  steps: Array<{
    nodeId: string; nodeType: string; visit: number; attempt: number; status: string; port: string | null
    input: unknown; output: unknown; error: string | null; durationMs: number
  }>
  order: Order
  changes: Array<{ nodeId: string; visit: number; patch: unknown; changed: string[] }>
  variables: Record<string, unknown>
  /** Tokens left waiting: for a retry (its attempt) or for what their node waits for (its label). */
  waiting: Array<{ nodeId: string; kind: 'retry' | 'wait'; attempt: number; label: string | null; dueAt: number | null }>
  /** Tasks and messages the run would have created. */
  tasks: Array<{ nodeId: string; title: string; assignees: unknown; dueAt: number | null }>
  notifications: Array<{ nodeId: string; kind: string; title: string; to: unknown }>
}

/** Runs `request.definition` against the sample order. Throws only for a definition that cannot be prepared. */
export function dryRun(request: DryRunRequest, registry: NodeRegistry): DryRunResult {
  const prepared = prepareWorkflow(request.definition, registry)
  const now = request.now
  // The order as ingest would create it (same code), under a fixed id, with no workflows to start.
  const plan = planOrderIngest(null, request.order, undefined, {
    now, source: 'dry-run', workflows: [], newOrderId: () => DRY_ORDER_ID, newRunId: () => DRY_RUN_ID,
  })
  let order = plan.order as Order
  const event = { kind: 'created' as const, fromStatus: null, toStatus: order.status }
  const triggerType = prepared.nodes.get(prepared.triggerNodeId)!.type
  const isOrderTrigger = triggerType === ORDER_EVENT_TRIGGER_TYPE
  const triggerMatched = isOrderTrigger ? matchTriggers(prepared, event, order) : null
  let state = startRun(prepared, {
    runId: DRY_RUN_ID, orderId: order.id, variables: request.variables ?? {}, now,
    input: isOrderTrigger ? { event } : { manual: true, by: request.by },
  })

  // One step per call so each step gets its own wall-clock duration.
  const steps: Array<{ effect: StepEffect; durationMs: number }> = []
  const effects: Effect[] = []
  let truncated = false
  for (let n = 0; ; n++) {
    if (n === DRY_RUN_MAX_STEPS) { truncated = true; break }
    const t0 = performance.now()
    const r = runSteps(prepared, state, order, now, { maxSteps: 1 })
    const durationMs = Math.round((performance.now() - t0) * 1000) / 1000
    state = r.state
    order = r.order ?? order
    effects.push(...r.effects)
    for (const e of r.effects) if (e.kind === 'record-step') steps.push({ effect: e, durationMs })
    if (!r.more) break
  }

  // What each patch changed, replayed on the order as it was before it.
  let replay = plan.order as Order
  const changes = effects.filter((e): e is OrderPatchEffect => e.kind === 'patch-order').map((e) => {
    const [, , nodeId, visit] = e.source.split(':')
    const applied = safePatchOrder(replay, e.patch, now)
    replay = applied.order
    return { nodeId, visit: Number(visit), patch: e.patch, changed: applied.changed }
  })
  const timers = new Map(effects.filter((e): e is ScheduleTimerEffect => e.kind === 'schedule-timer').map((e) => [e.timer.id, e.timer.dueAt]))
  const waiting = state.tokens.flatMap((t): DryRunResult['waiting'] => {
    if (t.status === 'retry-wait') return [{ nodeId: t.nodeId, kind: 'retry' as const, attempt: t.attempt, label: null, dueAt: t.timerId ? timers.get(t.timerId) ?? null : null }]
    if (t.status === 'waiting' && t.wait) return [{ nodeId: t.nodeId, kind: 'wait' as const, attempt: t.attempt, label: t.wait.label, dueAt: t.wait.until ?? null }]
    return []
  })
  const tasks = effects.flatMap((e) => (e.kind === 'create-task' ? [{ nodeId: e.task.nodeId, title: e.task.title, assignees: e.task.assignees, dueAt: e.task.dueAt }] : []))
  const notifications = effects.flatMap((e) => (e.kind === 'notify' ? [{ nodeId: e.notification.nodeId, kind: e.notification.kind, title: e.notification.title, to: e.notification.to }] : []))

  return {
    status: state.status,
    triggerMatched,
    truncated,
    incident: state.incident ? { nodeId: state.incident.nodeId, error: state.incident.error } : null,
    steps: steps.map(({ effect: { step: s }, durationMs }) => ({
      nodeId: s.nodeId, nodeType: s.nodeType, visit: s.visit, attempt: s.attempt, status: s.status, port: s.port,
      input: s.input, output: s.output, error: s.error, durationMs,
    })),
    order,
    changes,
    variables: state.variables,
    waiting,
    tasks,
    notifications,
  }
}
