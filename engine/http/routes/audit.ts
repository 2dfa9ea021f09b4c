/** GET /api/audit: who changed what (admin). */
import type { FastifyPluginAsync } from 'fastify'
import { iso } from '../iso.ts'
import { pageQuery } from './paging.ts'

/** Registers GET /api/audit. */
export const auditRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { limit: number; cursor?: string } }>('/api/audit', {
    config: { roles: ['admin'] },
    schema: { tags: ['access'], summary: 'Audit log, newest first', querystring: { type: 'object', additionalProperties: false, properties: { ...pageQuery } } },
  }, async (request) => {
    const page = await app.engine.store.listAudit(request.query.limit, request.query.cursor)
    return { items: page.items.map((e) => ({ ...e, at: iso(e.at) })), nextCursor: page.nextCursor }
  })
}
