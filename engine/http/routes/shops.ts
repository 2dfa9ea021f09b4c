/**
 * /api/shops: the shops Ordo takes orders from, one account on one platform each. Admins create,
 * change and delete them; operators read them, with their health, and work their push inbox
 * (inspect a push's raw body, replay it). Credentials go in and never come out: no answer, log line,
 * export or audit entry carries them.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ShopCreate, ShopPatch } from '../../../schemas/generated/shop.ts'
import { NotFoundError, type ShopPushRow, type ShopRow } from '../../store/store.ts'
import { credentialProblems, type ShopHealthReport } from '../../runtime/shops.ts'
import { badRequest } from '../errors.ts'
import { iso } from '../iso.ts'
import { idParams, pageQuery } from './paging.ts'

const SCHEMA = 'https://ordo.dev/schemas/shop.schema.json#/definitions'
const ref = (name: string) => ({ $ref: `${SCHEMA}/${name}` })

const pushParams = {
  type: 'object', additionalProperties: false, required: ['id', 'pushId'],
  properties: { id: idParams.properties.id, pushId: { type: 'integer', minimum: 1 } },
} as const

/** A shop as answers show it: never its credentials. */
export function shopView(row: ShopRow, health: ShopHealthReport) {
  const { counts } = health
  return {
    id: row.id, platform: row.platform, name: row.name, enabled: row.enabled, createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt),
    health: {
      lastPushAt: health.lastPushAt === null ? null : iso(health.lastPushAt),
      lastMessageAt: health.lastMessageAt === null ? null : iso(health.lastMessageAt),
      lastPullAt: health.lastPullAt === null ? null : iso(health.lastPullAt),
      lastError: health.lastError ? { at: iso(health.lastError.at), message: health.lastError.message, ...(health.lastError.code ? { code: health.lastError.code } : {}) } : null,
      lagMs: health.lagMs,
      windowMs: health.windowMs,
      events: counts.events, errors: counts.errors, errorRate: counts.events ? counts.errors / counts.events : 0,
      rejectedPushes: counts.rejected, pendingPushes: counts.pending,
    },
  }
}

/** A push as answers show it, its body as text. */
export function pushView(row: ShopPushRow) {
  return {
    id: row.id, shopId: row.shopId, kind: row.kind, status: row.status, receivedAt: iso(row.receivedAt),
    processedAt: row.processedAt === null ? null : iso(row.processedAt), attempts: row.attempts,
    nextTryAt: row.status === 'received' && row.nextTryAt !== null ? iso(row.nextTryAt) : null,
    error: row.error, dedupeKey: row.dedupeKey, headers: row.headers, body: row.body.toString('utf8'),
  }
}

/** Registers the /api/shops routes. */
export const shopRoutes: FastifyPluginAsync = async (app) => {
  const { shops } = app
  const { store, clock } = app.engine

  const viewOf = async (row: ShopRow) => shopView(row, (await shops.health([row])).get(row.id)!)
  const requireShop = async (id: string) => {
    const row = await store.getShop(id)
    if (!row) throw new NotFoundError(`shop ${id} not found`)
    return row
  }

  app.post<{ Body: ShopCreate }>('/api/shops', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['shops'],
      summary: 'Add a shop: its platform, a name and the platform\'s credentials (kept sealed, never shown again)',
      body: ref('shopCreate'),
      response: { 201: ref('shopCreated') },
    },
  }, async (request, reply) => {
    const { platform, name, credentials } = request.body
    const problems = credentialProblems(platform, credentials)
    if (problems.length) throw badRequest(problems)
    const row = await shops.create({ platform, name, credentials })
    await store.appendAudit({ at: clock.now(), actor: request.principal!.name, action: 'shop.create', target: row.id, detail: { platform, name } })
    return reply.code(201).send({ id: row.id, platform: row.platform, name: row.name, createdAt: iso(row.createdAt) })
  })

  app.get('/api/shops', {
    config: { roles: ['admin', 'operator'] },
    schema: { tags: ['shops'], summary: 'Every shop with its health (last push, pull and error; error rate and lag)', response: { 200: ref('shopList') } },
  }, async () => {
    const rows = await store.listShops()
    const health = await shops.health(rows)
    return { items: rows.map((row) => shopView(row, health.get(row.id)!)) }
  })

  app.get<{ Params: { id: string } }>('/api/shops/:id', {
    config: { roles: ['admin', 'operator'] },
    schema: { tags: ['shops'], summary: 'One shop with its health', params: idParams, response: { 200: ref('shopView') } },
  }, async (request) => viewOf(await requireShop(request.params.id)))

  app.patch<{ Params: { id: string }; Body: ShopPatch }>('/api/shops/:id', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['shops'], params: idParams,
      summary: 'Rename a shop, enable or disable it, or replace its credentials (all of them at once)',
      body: ref('shopPatch'), response: { 200: ref('shopView') },
    },
  }, async (request) => {
    const shop = await requireShop(request.params.id)
    const { name, enabled, credentials } = request.body
    if (credentials) {
      const problems = credentialProblems(shop.platform, credentials)
      if (problems.length) throw badRequest(problems)
    }
    const row = await shops.update(shop.id, { name, enabled, credentials })
    if (!row) throw new NotFoundError(`shop ${shop.id} not found`)
    const changed = Object.keys(request.body).filter((k) => k !== 'credentials')
    await store.appendAudit({
      at: clock.now(), actor: request.principal!.name, action: 'shop.update', target: row.id,
      detail: { ...(name !== undefined ? { name } : {}), ...(enabled !== undefined ? { enabled } : {}), ...(credentials ? { credentials: 'replaced' } : {}), fields: changed },
    })
    return viewOf(row)
  })

  app.delete<{ Params: { id: string } }>('/api/shops/:id', {
    config: { roles: ['admin'] },
    schema: { tags: ['shops'], params: idParams, summary: 'Delete a shop: it takes no more pushes and is not pulled; its orders and pushes stay' },
  }, async (request, reply) => {
    if (!(await shops.delete(request.params.id))) throw new NotFoundError(`shop ${request.params.id} not found`)
    await store.appendAudit({ at: clock.now(), actor: request.principal!.name, action: 'shop.delete', target: request.params.id, detail: {} })
    return reply.code(204).send()
  })

  app.get<{ Params: { id: string }; Querystring: { limit: number; cursor?: string } }>('/api/shops/:id/pushes', {
    config: { roles: ['admin', 'operator'] },
    schema: {
      tags: ['shops'], params: idParams,
      summary: 'The shop\'s pushes and messages, newest first, each with its status, error and raw body',
      querystring: { type: 'object', additionalProperties: false, properties: { ...pageQuery } },
      response: { 200: ref('shopPushPage') },
    },
  }, async (request) => {
    const shop = await requireShop(request.params.id)
    const page = await store.listShopPushes(shop.id, request.query.limit, request.query.cursor)
    return { items: page.items.map(pushView), nextCursor: page.nextCursor }
  })

  app.post<{ Params: { id: string; pushId: number } }>('/api/shops/:id/pushes/:pushId/replay', {
    config: { roles: ['admin', 'operator'] },
    schema: {
      tags: ['shops'], params: pushParams,
      summary: 'Process a stored push again from its raw body (after an adapter fix, say); answers how it went and the orders it ingested',
      response: { 200: ref('pushReplay') },
    },
  }, async (request) => {
    const shop = await requireShop(request.params.id)
    const { attempt, push } = await shops.replay(shop.id, request.params.pushId)
    await store.appendAudit({ at: clock.now(), actor: request.principal!.name, action: 'shop.push.replay', target: `${shop.id}/${push.id}`, detail: { outcome: attempt.status } })
    return {
      outcome: attempt.status, push: pushView(push),
      results: attempt.results.map(({ id, platform, platformOrderId, outcome }) => ({ id, platform, platformOrderId, outcome })),
      details: attempt.details,
    }
  })
}
