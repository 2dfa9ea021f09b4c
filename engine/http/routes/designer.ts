/**
 * What the browser designer needs besides the workflow CRUD: a dry run of a definition against a
 * sample order (in memory, nothing stored), a per-node timing heatmap of recent runs, and templates.
 */
import type { FastifyPluginAsync } from 'fastify'
import { existsSync } from 'node:fs'
import type { WorkflowDefinition } from '../../../schemas/generated/workflow.ts'
import type { OrderInput } from '../../../schemas/generated/order-input.ts'
import { NotFoundError } from '../../store/store.ts'
import { checkDefinition } from '../../core/check-definition.ts'
import { readTemplates } from '../../runtime/bootstrap.ts'
import { sandboxFailure } from './sandbox-errors.ts'
import { ALL_ROLES } from '../auth.ts'
import { badRequest } from '../errors.ts'
import { iso } from '../iso.ts'
import { idParams } from './paging.ts'
import { refuseInvalid } from './workflows.ts'

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
    let result
    try {
      result = await app.sandbox.dryRun({ definition, order: request.body.order, variables: request.body.variables, now: clock.now(), by: request.principal?.name ?? 'dry-run' })
    } catch (err) {
      throw sandboxFailure(err, '/definition', 'the dry run')
    }
    return {
      ...result,
      waiting: result.waiting.map((w) => ({
        nodeId: w.nodeId,
        reason: w.kind === 'retry'
          ? `retry timer: attempt ${w.attempt} would run at ${w.dueAt != null ? iso(w.dueAt) : 'a later time'}`
          : `waits for ${w.label}${w.dueAt != null ? ` until ${iso(w.dueAt)}` : ''}`,
        until: w.dueAt != null ? iso(w.dueAt) : null,
      })),
      tasks: result.tasks.map((t) => ({ ...t, dueAt: iso(t.dueAt) })),
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
