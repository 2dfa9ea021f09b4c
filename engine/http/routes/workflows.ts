/**
 * Workflows: drafts (create, read, update), validation, publishing immutable versions, import, export.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { WorkflowDefinition } from '../../../schemas/generated/workflow.ts'
import type { WorkflowRow, WorkflowVersionRow } from '../../store/store.ts'
import { NotFoundError } from '../../store/store.ts'
import { importWorkflows } from '../../runtime/workflow-import.ts'
import { publishIfChanged } from '../../runtime/publish-workflow.ts'
import { conflictsWithPublished } from '../../runtime/workflow-conflicts.ts'
import { referenceWarnings } from '../../runtime/workflow-references.ts'
import { checkDefinition, type DefinitionCheck } from '../../core/check-definition.ts'
import { ALL_ROLES } from '../auth.ts'
import { HttpError, badRequest } from '../errors.ts'
import { iso } from '../iso.ts'
import { idParams } from './paging.ts'

const WORKFLOW_REF = { $ref: 'https://ordo.dev/schemas/workflow.schema.json' }
const EDITORS = ['admin', 'designer'] as const
const EXPORT_FORMAT = 'ordo.workflow/v1'

/** The API shape of a workflow with its draft. */
export function workflowView(row: WorkflowRow) {
  return { id: row.id, name: row.name, draft: row.draft, draftRevision: row.draftRevision, latestVersion: row.latestVersion, createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt) }
}

function versionView(row: WorkflowVersionRow, withDefinition: boolean) {
  return { workflowId: row.workflowId, version: row.version, publishedAt: iso(row.publishedAt), publishedBy: row.publishedBy, ...(withDefinition ? { definition: row.definition } : {}) }
}

const problemList = {
  type: 'array',
  items: { type: 'object', required: ['pointer', 'reason'], properties: { nodeId: { type: ['string', 'null'] }, pointer: { type: 'string' }, reason: { type: 'string' } } },
} as const

/** Where this flow and another published one set the same order field on the same event (engine/core/field-conflicts.ts). */
const conflictList = {
  type: 'array',
  items: {
    type: 'object', required: ['field', 'event', 'otherWorkflowId', 'otherWorkflowName', 'nodeId', 'otherNodeId'],
    properties: {
      field: { type: 'string', enum: ['assignedTeam', 'status', 'holds', 'exception'] }, pool: { type: 'string' }, event: { type: 'string' },
      otherWorkflowId: { type: 'string' }, otherWorkflowName: { type: 'string' },
      nodeId: { type: 'string' }, nodeName: { type: 'string' }, otherNodeId: { type: 'string' }, otherNodeName: { type: 'string' },
      value: {}, otherValue: {},
    },
  },
} as const

const publishAnswer = {
  type: 'object', required: ['workflowId', 'version', 'publishedAt', 'publishedBy', 'changed', 'warnings', 'conflicts'],
  properties: {
    workflowId: { type: 'string' }, version: { type: 'integer' }, publishedAt: { type: 'string' }, publishedBy: { type: 'string' },
    changed: { type: 'boolean', description: 'false: the draft equals the latest version, which is answered; nothing was created' },
    warnings: problemList, conflicts: conflictList,
  },
} as const

export function refuseInvalid(check: DefinitionCheck, prefix = ''): void {
  if (check.valid) return
  // The root of an entry ('/') is the entry itself: /0, not /0/ (which would name a key "").
  const details = check.errors.map((e) => ({ pointer: prefix && e.pointer === '/' ? prefix : prefix + e.pointer, reason: e.reason, nodeId: e.nodeId }))
  throw badRequest(details, `the workflow is not valid: ${details.slice(0, 3).map((d) => `${d.nodeId ? `node ${d.nodeId}: ` : ''}${d.pointer} ${d.reason}`).join('; ')}`)
}

function actor(request: FastifyRequest): string {
  return request.principal ? `${request.principal.name} (${request.principal.id})` : 'anonymous'
}

/** Pulls the definitions out of an import body: one definition, a bundle, or an export document. */
function definitionsOf(body: unknown): Array<{ def: unknown; pointer: string }> {
  if (Array.isArray(body)) return body.map((def, i) => ({ def, pointer: `/${i}` }))
  const b = body as Record<string, unknown>
  if (b && typeof b === 'object' && b.format === EXPORT_FORMAT) return [{ def: b.workflow, pointer: '/workflow' }]
  if (b && typeof b === 'object' && Array.isArray(b.workflows)) return b.workflows.map((def, i) => ({ def, pointer: `/workflows/${i}` }))
  return [{ def: body, pointer: '' }]
}

/** Registers the /api/workflows routes: drafts, validate, publish, versions, import, export. */
export const workflowRoutes: FastifyPluginAsync = async (app) => {
  const { engine } = app
  const { store, registry, clock } = engine

  app.get('/api/workflows', { config: { roles: ALL_ROLES }, schema: { tags: ['workflows'], summary: 'List workflows' } }, async () => {
    const rows = await store.listWorkflows()
    const disabled = new Map(engine.disabledWorkflows.map((d) => [d.workflowId, d]))
    return {
      items: rows.map((r) => ({
        id: r.id, name: r.name, description: r.draft.description ?? null, nodeCount: r.draft.nodes.length, draftRevision: r.draftRevision,
        latestVersion: r.latestVersion, updatedAt: iso(r.updatedAt),
        // The latest version does not load in this build: new orders do not start it until a version that loads is published.
        disabled: disabled.has(r.id) ? { version: disabled.get(r.id)!.version, reason: disabled.get(r.id)!.reason } : null,
      })),
    }
  })

  app.post<{ Body: WorkflowDefinition }>('/api/workflows', {
    config: { roles: EDITORS },
    schema: { tags: ['workflows'], summary: 'Create a draft (400 names each schema error)', body: WORKFLOW_REF },
  }, async (request, reply) => {
    const row = await store.createWorkflow(request.body, clock.now())
    await store.appendAudit({ at: clock.now(), actor: actor(request), action: 'workflow.create', target: row.id, detail: {} })
    engine.events.emit('workflow', { workflowId: row.id, action: 'updated' })
    return reply.code(201).send(workflowView(row))
  })

  app.get<{ Params: { id: string } }>('/api/workflows/:id', { config: { roles: ALL_ROLES }, schema: { tags: ['workflows'], params: idParams } }, async (request) => {
    const row = await store.getWorkflow(request.params.id)
    if (!row) throw new NotFoundError(`workflow ${request.params.id} not found`)
    return workflowView(row)
  })

  app.put<{ Params: { id: string }; Body: WorkflowDefinition }>('/api/workflows/:id', {
    config: { roles: EDITORS },
    schema: { tags: ['workflows'], summary: 'Update the draft; If-Match: "<draftRevision>" refuses a stale save with 409', params: idParams, body: WORKFLOW_REF },
  }, async (request) => {
    if (request.body.id !== request.params.id) throw badRequest([{ pointer: '/id', reason: `must equal the workflow id in the path (${request.params.id})` }])
    const ifMatch = request.headers['if-match']
    let expected: number | undefined
    if (typeof ifMatch === 'string') {
      expected = Number(ifMatch.replace(/"/g, ''))
      if (!Number.isInteger(expected)) throw new HttpError(400, 'If-Match must be the draft revision number', [{ pointer: '/headers/if-match', reason: 'must be an integer revision' }])
    }
    const row = await store.updateDraft(request.params.id, request.body, clock.now(), expected)
    await store.appendAudit({ at: clock.now(), actor: actor(request), action: 'workflow.update', target: row.id, detail: { draftRevision: row.draftRevision } })
    engine.events.emit('workflow', { workflowId: row.id, action: 'updated' })
    return workflowView(row)
  })

  app.post<{ Params: { id: string }; Body: unknown }>('/api/workflows/:id/validate', {
    config: { roles: ALL_ROLES },
    schema: {
      tags: ['workflows'], params: idParams,
      summary: 'Schema and graph checks of the draft (or of the definition in the body), errors per node; conflicts: other published flows setting the same order field on the same event',
    },
  }, async (request) => {
    const body = request.body
    const hasBody = body !== undefined && body !== null && !(typeof body === 'object' && Object.keys(body as object).length === 0)
    let candidate: unknown = body
    if (!hasBody) {
      const row = await store.getWorkflow(request.params.id)
      if (!row) throw new NotFoundError(`workflow ${request.params.id} not found`)
      candidate = row.draft
    }
    const check = checkDefinition(candidate, registry)
    const references = check.valid ? await referenceWarnings(store, candidate as WorkflowDefinition, (t) => registry.get(t)?.manifest) : []
    return { ...check, warnings: [...check.warnings, ...references], conflicts: await conflictsWithPublished(engine, candidate) }
  })

  app.post<{ Params: { id: string } }>('/api/workflows/:id/publish', {
    config: { roles: EDITORS },
    schema: {
      tags: ['workflows'], params: idParams,
      summary: 'Publish the draft as a new immutable version: 201 with changed: true; 200 with the latest version and changed: false when the draft equals it (nothing created). 400 with the graph errors. Conflicts with other published flows are warnings',
      response: { 200: publishAnswer, 201: publishAnswer },
    },
  }, async (request, reply) => {
    const row = await store.getWorkflow(request.params.id)
    if (!row) throw new NotFoundError(`workflow ${request.params.id} not found`)
    const check = checkDefinition(row.draft, registry)
    refuseInvalid(check)
    // Against what runs now, before this version joins it: the other flows it would fight with.
    const conflicts = await conflictsWithPublished(engine, row.draft)
    const { version, changed } = await publishIfChanged(store, row.id, row.draft, clock.now(), actor(request))
    // Published, with the risks validation sees (branches that multiply, flows setting the same field) for the designer to show.
    const answer = { ...versionView(version, false), changed, warnings: [...check.warnings, ...(await referenceWarnings(store, row.draft, (t) => registry.get(t)?.manifest))], conflicts }
    if (!changed) return reply.code(200).send(answer)
    // The version is committed: the publish succeeded even if this process fails to reload it.
    await engine.refreshWorkflows().catch((err) => request.log.error({ err }, 'published, but reloading the workflows failed'))
    await store.appendAudit({ at: clock.now(), actor: actor(request), action: 'workflow.publish', target: row.id, detail: { version: version.version } })
    engine.events.emit('workflow', { workflowId: row.id, action: 'published', version: version.version })
    return reply.code(201).send(answer)
  })

  app.get<{ Params: { id: string } }>('/api/workflows/:id/versions', { config: { roles: ALL_ROLES }, schema: { tags: ['workflows'], params: idParams } }, async (request) => {
    if (!(await store.getWorkflow(request.params.id))) throw new NotFoundError(`workflow ${request.params.id} not found`)
    // Newest first: what a version list in the designer shows.
    const versions = await store.listVersions(request.params.id)
    return { items: versions.sort((a, b) => b.version - a.version).map((v) => versionView(v, false)) }
  })

  app.get<{ Params: { id: string; v: number } }>('/api/workflows/:id/versions/:v', {
    config: { roles: ALL_ROLES },
    schema: { tags: ['workflows'], params: { type: 'object', required: ['id', 'v'], properties: { id: { type: 'string' }, v: { type: 'integer', minimum: 1 } } } },
  }, async (request) => {
    const row = await store.getVersion(request.params.id, request.params.v)
    if (!row) throw new NotFoundError(`workflow ${request.params.id} has no version ${request.params.v}`)
    return versionView(row, true)
  })

  app.post<{ Body: unknown; Querystring: { publish: boolean } }>('/api/workflows/import', {
    config: { roles: EDITORS },
    schema: {
      tags: ['workflows'],
      summary: 'Import a template, a bundle ({ workflows: [...] }) or an export document as drafts; ?publish=true also publishes each (a definition equal to its latest version keeps that version). All or nothing.',
      querystring: { type: 'object', additionalProperties: false, properties: { publish: { type: 'boolean', default: false, description: 'also publish each imported workflow' } } },
    },
  }, async (request, reply) => {
    const items = definitionsOf(request.body)
    if (items.length === 0) throw badRequest([{ pointer: '/workflows', reason: 'must hold at least one workflow' }])
    // Check everything first so a bundle is imported whole or not at all.
    for (const { def, pointer } of items) refuseInvalid(checkDefinition(def, registry), pointer)
    const imported = await importWorkflows(engine, items.map((i) => i.def as WorkflowDefinition), { publish: request.query.publish, by: actor(request) })
    for (const w of imported) {
      engine.events.emit('workflow', w.version == null ? { workflowId: w.id, action: 'updated' } : { workflowId: w.id, action: 'published', version: w.version })
    }
    return reply.code(201).send({ imported })
  })

  app.get<{ Params: { id: string }; Querystring: { source: 'published' | 'draft' } }>('/api/workflows/:id/export', {
    config: { roles: ALL_ROLES },
    schema: {
      tags: ['workflows'], summary: 'Export the latest published version (or ?source=draft) as a JSON template', params: idParams,
      querystring: { type: 'object', additionalProperties: false, properties: { source: { type: 'string', enum: ['published', 'draft'], default: 'published' } } },
    },
  }, async (request, reply) => {
    const row = await store.getWorkflow(request.params.id)
    if (!row) throw new NotFoundError(`workflow ${request.params.id} not found`)
    let workflow: WorkflowDefinition = row.draft
    if (request.query.source === 'published') {
      if (row.latestVersion == null) throw new NotFoundError(`workflow ${row.id} has no published version; export ?source=draft`)
      workflow = (await store.getVersion(row.id, row.latestVersion))!.definition
    }
    reply.header('content-disposition', `attachment; filename="${row.id}.workflow.json"`)
    return { format: EXPORT_FORMAT, exportedAt: iso(clock.now()), workflow }
  })
}
