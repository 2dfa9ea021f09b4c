/**
 * /api/secrets: API keys, robot tokens and passwords connectors read by name. Admins set and delete
 * them; admins and designers see their names, dates and which flows use them — never a value, in
 * no answer, log line or audit entry.
 */
import type { FastifyPluginAsync } from 'fastify'
import { NotFoundError, type Store } from '../../store/store.ts'
import { MAX_SECRET_LENGTH, MIN_SECRET_LENGTH, SECRET_NAME_PATTERN } from '../../runtime/secret-vault.ts'
import { secretReferences } from '../../core/secret-references.ts'
import type { NodeRegistry } from '../../core/registry.ts'
import { HttpError } from '../errors.ts'
import { iso } from '../iso.ts'

const nameParams = {
  type: 'object', additionalProperties: false, required: ['name'],
  properties: { name: { type: 'string', pattern: SECRET_NAME_PATTERN } },
} as const

const secretView = {
  type: 'object', additionalProperties: false, required: ['name', 'createdAt', 'updatedAt', 'updatedBy'],
  properties: {
    name: { type: 'string' }, createdAt: { type: 'string' }, updatedAt: { type: 'string' }, updatedBy: { type: 'string' },
    usedBy: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['workflowId', 'workflowName', 'nodeId', 'nodeName', 'published'],
        properties: { workflowId: { type: 'string' }, workflowName: { type: 'string' }, nodeId: { type: 'string' }, nodeName: { type: ['string', 'null'] }, published: { type: 'boolean' } },
      },
    },
  },
} as const

interface Use { workflowId: string; workflowName: string; nodeId: string; nodeName: string | null; published: boolean }

/** Which workflows' drafts and latest published versions name each secret. */
async function secretUses(store: Store, registry: NodeRegistry): Promise<Map<string, Use[]>> {
  const uses = new Map<string, Use[]>()
  const manifestOf = (type: string) => registry.get(type)?.manifest
  const [workflows, versions] = await Promise.all([store.listWorkflows(), store.latestVersions()])
  const latestOf = new Map(versions.map((v) => [v.workflowId, v]))
  for (const row of workflows) {
    const latest = latestOf.get(row.id) ?? null
    const seen = new Set<string>()
    for (const [def, published] of [[latest?.definition, true], [row.draft, false]] as const) {
      if (!def) continue
      for (const ref of secretReferences(def, manifestOf)) {
        const key = `${ref.name}\u0000${ref.nodeId}`
        if (seen.has(key)) continue
        seen.add(key)
        const node = def.nodes.find((n) => n.id === ref.nodeId)
        uses.set(ref.name, [...(uses.get(ref.name) ?? []), { workflowId: row.id, workflowName: def.name, nodeId: ref.nodeId, nodeName: node?.name ?? null, published }])
      }
    }
  }
  return uses
}

/** Registers the /api/secrets routes. */
export const secretRoutes: FastifyPluginAsync = async (app) => {
  const { store, clock, secrets, registry } = app.engine

  app.post<{ Body: { name: string; value: string } }>('/api/secrets', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['access'],
      summary: 'Set a secret (201 when new, 200 when replaced); its value is never returned',
      body: {
        type: 'object', additionalProperties: false, required: ['name', 'value'],
        properties: {
          name: { type: 'string', pattern: SECRET_NAME_PATTERN, description: 'What nodes call it: a config field naming a secret, or {{secret.<name>}} in a template' },
          value: { type: 'string', minLength: MIN_SECRET_LENGTH, maxLength: MAX_SECRET_LENGTH, description: `At least ${MIN_SECRET_LENGTH} characters, so it can be kept out of logs` },
        },
      },
      response: { 200: secretView, 201: secretView },
    },
  }, async (request, reply) => {
    const { name, value } = request.body
    const by = request.principal!.name
    const created = await secrets.set(name, value, by, clock.now())
    await store.appendAudit({ at: clock.now(), actor: by, action: created ? 'secret.create' : 'secret.replace', target: name, detail: {} })
    const row = (await secrets.list()).find((s) => s.name === name)!
    return reply.code(created ? 201 : 200).send({ name, createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt), updatedBy: row.updatedBy })
  })

  app.get('/api/secrets', {
    config: { roles: ['admin', 'designer'] },
    schema: {
      tags: ['access'], summary: 'Secret names, dates and the flows that use them (never values); names flows use that nobody set',
      response: {
        200: {
          type: 'object', additionalProperties: false, required: ['secrets', 'missing'],
          properties: {
            secrets: { type: 'array', items: secretView },
            missing: { type: 'array', description: 'Names a draft or published flow uses that are not set: their calls fail until an admin sets them', items: { type: 'object', additionalProperties: false, required: ['name', 'usedBy'], properties: { name: { type: 'string' }, usedBy: secretView.properties.usedBy } } },
          },
        },
      },
    },
  }, async () => {
    const uses = await secretUses(store, registry)
    const set = await secrets.list()
    const names = new Set(set.map((s) => s.name))
    return {
      secrets: set.map((s) => ({
        name: s.name, createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt), updatedBy: s.updatedBy, usedBy: uses.get(s.name) ?? [],
      })),
      missing: [...uses].filter(([name]) => !names.has(name)).sort(([a], [b]) => a.localeCompare(b)).map(([name, usedBy]) => ({ name, usedBy })),
    }
  })

  app.delete<{ Params: { name: string }; Querystring: { force?: boolean } }>('/api/secrets/:name', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['access'], params: nameParams,
      summary: 'Delete a secret; 409 while a published flow uses it, unless force=true',
      querystring: { type: 'object', additionalProperties: false, properties: { force: { type: 'boolean', default: false } } },
    },
  }, async (request, reply) => {
    const { name } = request.params
    if (!(await secrets.list()).some((s) => s.name === name)) throw new NotFoundError(`no secret is named "${name}"`)
    const published = ((await secretUses(store, registry)).get(name) ?? []).filter((u) => u.published)
    if (published.length > 0 && !request.query.force) {
      throw new HttpError(409, `secret "${name}" is used by published flows (${published.map((u) => `${u.workflowName} · ${u.nodeName ?? u.nodeId}`).join(', ')}): their calls would fail; delete with force=true to do it anyway`)
    }
    await secrets.delete(name)
    await store.appendAudit({ at: clock.now(), actor: request.principal!.name, action: 'secret.delete', target: name, detail: { force: Boolean(request.query.force) } })
    return reply.code(204).send()
  })
}
