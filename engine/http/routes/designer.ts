/**
 * What the browser designer needs besides the workflow CRUD: a dry run of a definition against a
 * sample order (in memory, nothing stored), a per-node timing heatmap of recent runs, and templates.
 */
import type { FastifyPluginAsync } from 'fastify'
import { existsSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import type { WorkflowDefinition } from '../../../schemas/generated/workflow.ts'
import type { OrderInput } from '../../../schemas/generated/order-input.ts'
import type { Order } from '../../../schemas/generated/order.ts'
import { NotFoundError } from '../../store/store.ts'
import { checkDefinition } from '../../core/check-definition.ts'
import { prepareWorkflow } from '../../core/prepare-workflow.ts'
import { startRun } from '../../core/advance.ts'
import { planOrderIngest } from '../../core/plan-order-ingest.ts'
import { matchTriggers, ORDER_EVENT_TRIGGER_TYPE } from '../../core/match-triggers.ts'
import type { Effect, OrderPatchEffect, ScheduleTimerEffect, StepEffect } from '../../core/effects.ts'
import { runSteps } from '../../runtime/run-steps.ts'
import { readTemplates } from '../../runtime/bootstrap.ts'
import { safePatchOrder } from '../../runtime/safe-patch-order.ts'
import { ALL_ROLES } from '../auth.ts'
import { badRequest } from '../errors.ts'
import { iso } from '../iso.ts'
import { idParams } from './paging.ts'
import { refuseInvalid } from './workflows.ts'

/** Steps a dry run may take before it is cut off (a loop through retries cannot spin forever). */
const DRY_RUN_MAX_STEPS = 1000
const DRY_RUN_ID = 'dry-run'
const DRY_ORDER_ID = 'dry-run-order'

export interface DesignerRouteOptions {
  /** Where the *.workflow.json templates are. */
  templatesDir: string
}

interface DryRunBody { definition?: unknown; order: OrderInput; variables?: Record<string, unknown> }

/** The nearest-rank percentile of sorted numbers. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

/** Registers the dry run, heatmap and template routes. */
export const designerRoutes: FastifyPluginAsync<DesignerRouteOptions> = async (app, options) => {
  const { engine } = app
  const { store, registry, clock } = engine

  app.post<{ Params: { id: string }; Body: DryRunBody }>('/api/workflows/:id/dry-run', {
    config: { roles: ['admin', 'designer', 'operator'] },
    schema: {
      tags: ['workflows'],
      summary: 'Run a definition (or the stored draft) against a sample order in memory: nothing is stored, no timer set',
      params: idParams,
      body: {
        type: 'object', additionalProperties: false, required: ['order'],
        properties: {
          definition: { type: 'object', description: 'a WorkflowDefinition (workflow.schema.json); the stored draft when absent' },
          order: { $ref: 'https://ordo.dev/schemas/order-input.schema.json' },
          variables: { type: 'object', description: 'run variables over the definition\'s' },
        },
      },
    },
  }, async (request) => {
    const { id } = request.params
    let candidate: unknown = request.body.definition
    if (candidate === undefined) {
      const row = await store.getWorkflow(id)
      if (!row) throw new NotFoundError(`workflow ${id} not found`)
      candidate = row.draft
    } else if ((candidate as { id?: unknown }).id !== id) {
      throw badRequest([{ pointer: '/definition/id', reason: `must equal the workflow id in the path (${id})` }])
    }
    // Pointers into the definition, exactly as publish lists them, so the designer shows them the same way.
    refuseInvalid(checkDefinition(candidate, registry))
    const definition = candidate as WorkflowDefinition
    const prepared = prepareWorkflow(definition, registry)
    const now = clock.now()

    // The order as ingest would create it (same code), under a fixed id, with no workflows to start.
    const plan = planOrderIngest(null, request.body.order, undefined, {
      now, source: 'dry-run', workflows: [], newOrderId: () => DRY_ORDER_ID, newRunId: () => DRY_RUN_ID,
    })
    let order = plan.order as Order
    const event = { kind: 'created' as const, fromStatus: null, toStatus: order.status }
    const triggerType = prepared.nodes.get(prepared.triggerNodeId)!.type
    const isOrderTrigger = triggerType === ORDER_EVENT_TRIGGER_TYPE
    const triggerMatched = isOrderTrigger ? matchTriggers(prepared, event, order) : null
    let state = startRun(prepared, {
      runId: DRY_RUN_ID, orderId: order.id, variables: request.body.variables ?? {}, now,
      input: isOrderTrigger ? { event } : { manual: true, by: request.principal?.name ?? 'dry-run' },
    })

    // One step per call so each step gets its own wall-clock duration.
    const steps: Array<{ effect: StepEffect; durationMs: number }> = []
    const effects: Effect[] = []
    let truncated = false
    for (let n = 0; ; n++) {
      if (n === DRY_RUN_MAX_STEPS) { truncated = true; break }
      const t0 = performance.now()
      const r = runSteps(prepared, state, order, now, 1)
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
    const waiting = state.tokens.filter((t) => t.status === 'retry-wait').map((t) => {
      const dueAt = t.timerId ? timers.get(t.timerId) : undefined
      return { nodeId: t.nodeId, reason: `retry timer: attempt ${t.attempt} would run at ${dueAt != null ? iso(dueAt) : 'a later time'}`, until: dueAt != null ? iso(dueAt) : null }
    })

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
    }
  })

  app.get<{ Params: { id: string }; Querystring: { limit: number } }>('/api/workflows/:id/heatmap', {
    config: { roles: ALL_ROLES },
    schema: {
      tags: ['workflows'], summary: 'Time spent per node over the workflow\'s most recent runs (any version): each visit from its first attempt to its last, so retry back-off counts', params: idParams,
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } } },
    },
  }, async (request) => {
    const { id } = request.params
    if (!(await store.getWorkflow(id))) throw new NotFoundError(`workflow ${id} not found`)
    const { runs, visits } = await store.nodeVisitTimes(id, request.query.limit)
    const byNode = new Map<string, { count: number; failures: number; durations: number[] }>()
    for (const v of visits) {
      const n = byNode.get(v.nodeId) ?? { count: 0, failures: 0, durations: [] }
      n.count += 1
      n.failures += v.failedAttempts
      n.durations.push(Math.max(0, v.finishedAt - v.startedAt))
      byNode.set(v.nodeId, n)
    }
    const nodes = [...byNode].map(([nodeId, n]) => {
      const sorted = [...n.durations].sort((a, b) => a - b)
      const totalMs = sorted.reduce((a, b) => a + b, 0)
      return {
        nodeId, count: n.count, failures: n.failures, totalMs,
        avgMs: sorted.length ? Math.round((totalMs / sorted.length) * 1000) / 1000 : 0,
        p95Ms: percentile(sorted, 95), maxMs: sorted.length ? sorted[sorted.length - 1] : 0,
      }
    })
    return { runs, nodes }
  })

  // Templates are part of the install: read and checked once, like the examples imported on first start.
  const templates = existsSync(options.templatesDir)
    ? readTemplates(options.templatesDir, engine).map((definition) => ({
      id: definition.id, name: definition.name, description: definition.description ?? null, nodeCount: definition.nodes.length, definition,
    }))
    : []
  app.get('/api/templates', {
    config: { roles: ALL_ROLES },
    schema: { tags: ['workflows'], summary: 'Workflow templates to start a design from (examples/*.workflow.json)' },
  }, async () => ({ items: templates }))
}
