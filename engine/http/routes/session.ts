/** The calling token's identity: what the designer shows and hides after login. */
import type { FastifyPluginAsync } from 'fastify'
import { ALL_ROLES } from '../auth.ts'
import { HttpError } from '../errors.ts'

/** Registers GET /api/session. */
export const sessionRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/session', {
    config: { roles: ALL_ROLES },
    schema: {
      tags: ['session'], summary: 'Who the calling token is: its id, name and role',
      response: {
        200: {
          type: 'object', additionalProperties: false, required: ['id', 'name', 'role'],
          properties: { id: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', enum: ['admin', 'designer', 'operator', 'approver'] } },
        },
      },
    },
  }, async (request) => {
    const p = request.principal
    if (!p) throw new HttpError(401, 'missing bearer token (Authorization: Bearer <token>)')
    return { id: p.id, name: p.name, role: p.role }
  })
}
