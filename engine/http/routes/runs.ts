/** Runs: list, detail with steps, manual start, retry from the failed step, cancel. */
import type { FastifyPluginAsync } from 'fastify'
import type { RunRow, StepRow } from '../../store/store.ts'
import { NotFoundError } from '../../store/store.ts'
import { ALL_ROLES } from '../auth.ts'
import { iso } from '../iso.ts'
import { idParams, pageQuery } from './paging.ts'
import type { RunState } from '../../core/run-state.ts'
import { RunNames } from './run-names.ts'

const OPERATORS = ['admin', 'operator'] as const

/** The API shape of a run (schemas/run.schema.json), with the names operators read beside the ids. */
export async function runView(row: { state: RunState; trigger: RunRow['trigger'] }, names: RunNames) {
  const s = row.state
  const nodeName = (nodeId: string) => names.nodeName(s.workflowId, s.version, nodeId)
  const [workflowName, order, incidentNode, tokenNodes] = await Promise.all([
    names.workflowName(s.workflowId), names.order(s.orderId),
    s.incident ? nodeName(s.incident.nodeId) : null, Promise.all(s.tokens.map((t) => nodeName(t.nodeId))),
  ])
  return {
    id: s.runId, workflowId: s.workflowId, workflowName, version: s.version, orderId: s.orderId, order, status: s.status,
    trigger: row.trigger, variables: s.variables,
    incident: s.incident ? { ...s.incident, nodeName: incidentNode, at: iso(s.incident.at) } : null,
    startedAt: iso(s.startedAt), updatedAt: iso(s.updatedAt), finishedAt: iso(s.finishedAt),
    tokens: s.tokens.map((t, i) => ({
      id: t.id, nodeId: t.nodeId, nodeName: tokenNodes[i], visit: t.visit, attempt: t.attempt, status: t.status,
      // What a waiting token waits for, and until when: the canvas shows it on the node.
      ...(t.wait ? { wait: { label: t.wait.label, since: iso(t.wait.since), until: iso(t.wait.until ?? null), taskIds: Object.values(t.wait.tasks).map((x) => x.id) } } : {}),
    })),
  }
}

/** The API shape of a run's steps (schemas/step.schema.json), each with its node's name in the run's version. */
export function stepViews(run: RunState, steps: StepRow[], names: RunNames) {
  return Promise.all(steps.map(async (s) => ({
    ...s, nodeName: await names.nodeName(run.workflowId, run.version, s.nodeId),
    startedAt: iso(s.startedAt), finishedAt: iso(s.finishedAt), durationMs: s.finishedAt == null ? null : s.finishedAt - s.startedAt,
  })))
}

const variablesBody = {
  type: 'object', additionalProperties: false,
  properties: { variables: { type: 'object', description: 'Run variables to set before retrying' } },
} as const

/** Registers the /api/runs routes: list, detail, manual start, retry, cancel. */
export const runRoutes: FastifyPluginAsync = async (app) => {
  const { engine } = app
  const { store } = engine

  app.get<{ Querystring: { workflowId?: string; orderId?: string; status?: RunState['status']; limit: number; cursor?: string } }>('/api/runs', {
    config: { roles: ALL_ROLES },
    schema: {
      tags: ['runs'], summary: 'List runs, newest first',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          workflowId: { type: 'string', maxLength: 64 }, orderId: { type: 'string', maxLength: 128 },
          status: { $ref: 'https://ordo.dev/schemas/run.schema.json#/definitions/runStatus' }, ...pageQuery,
        },
      },
    },
  }, async (request) => {
    const page = await store.listRuns(request.query)
    const names = new RunNames(store)
    return { items: await Promise.all(page.items.map((r) => runView(r, names))), nextCursor: page.nextCursor }
  })

  app.get<{ Params: { id: string } }>('/api/runs/:id', {
    config: { roles: ALL_ROLES },
    schema: { tags: ['runs'], summary: 'One run with its steps: timings, attempts, inputs, outputs', params: idParams },
  }, async (request) => {
    const row = await store.getRun(request.params.id)
    if (!row) throw new NotFoundError(`run ${request.params.id} not found`)
    const steps = await store.listSteps(row.state.runId)
    const names = new RunNames(store)
    return { ...(await runView(row, names)), steps: await stepViews(row.state, steps, names) }
  })

  app.post<{ Body: { workflowId: string; version?: number; orderId?: string; variables?: Record<string, unknown> } }>('/api/runs', {
    config: { roles: OPERATORS },
    schema: {
      tags: ['runs'], summary: 'Start a run of a published workflow by hand',
      body: {
        type: 'object', additionalProperties: false, required: ['workflowId'],
        properties: {
          workflowId: { type: 'string', minLength: 1, maxLength: 64 }, version: { type: 'integer', minimum: 1 },
          orderId: { type: 'string', minLength: 1, maxLength: 128 }, variables: { type: 'object' },
        },
      },
    },
  }, async (request, reply) => {
    const by = request.principal?.name ?? 'unknown'
    const state = await engine.startManualRun({ ...request.body, by })
    await store.appendAudit({ at: engine.clock.now(), actor: by, action: 'run.start', target: state.runId, detail: { workflowId: state.workflowId, version: state.version } })
    return reply.code(201).send(await runView({ state, trigger: { kind: 'manual', by } }, new RunNames(store)))
  })

  app.post<{ Params: { id: string }; Body: { variables?: Record<string, unknown> } | undefined }>('/api/runs/:id/retry', {
    config: { roles: OPERATORS },
    schema: { tags: ['runs'], summary: 'Retry a failed run (incident) from its failed step, optionally after editing variables', params: idParams, body: variablesBody },
  }, async (request) => {
    const state = await engine.retryRun(request.params.id, request.body?.variables)
    await store.appendAudit({ at: engine.clock.now(), actor: request.principal?.name ?? 'unknown', action: 'run.retry', target: state.runId, detail: { variables: Object.keys(request.body?.variables ?? {}) } })
    const row = await store.getRun(state.runId)
    return runView(row ?? { state, trigger: { kind: 'manual' } }, new RunNames(store))
  })

  app.post<{ Params: { id: string } }>('/api/runs/:id/cancel', {
    config: { roles: OPERATORS },
    schema: { tags: ['runs'], summary: 'Cancel a run that has not finished', params: idParams },
  }, async (request) => {
    const state = await engine.cancelRun(request.params.id)
    await store.appendAudit({ at: engine.clock.now(), actor: request.principal?.name ?? 'unknown', action: 'run.cancel', target: state.runId, detail: {} })
    const row = await store.getRun(state.runId)
    return runView(row ?? { state, trigger: { kind: 'manual' } }, new RunNames(store))
  })
}
