/** The calling token's identity: what the designer shows and hides after login. */
import type { FastifyPluginAsync } from 'fastify'
import { ALL_ROLES } from '../auth.ts'

/** Registers GET /api/session. */
export const sessionRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/session', {
    config: { roles: ALL_ROLES },
    schema: {
      tags: ['session'], summary: 'Who the calling token is: its id, name and role',
      response: {
        200: {
          type: 'object', additionalProperties: false, required: ['id', 'name', 'role'],
          properties: { id: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', enum: [...ALL_ROLES] } },
        },
      },
    },
  }, async (request) => {
    // The auth hook has answered 401 already when there is no valid token.
    const p = request.principal!
    return { id: p.id, name: p.name, role: p.role }
  })
}
