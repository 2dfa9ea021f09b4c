/** API tokens (admin only): create (shown once, stored as a hash), list, revoke. */
import type { FastifyPluginAsync } from 'fastify'
import { NotFoundError, type Role } from '../../store/store.ts'
import { newId } from '../../runtime/ids.ts'
import { ALL_ROLES, generateToken, hashToken } from '../auth.ts'
import { iso } from '../iso.ts'
import { idParams } from './paging.ts'

/** Emitted on the engine's events when a token is revoked, so its live connections (SSE) end at once. */
export const TOKEN_REVOKED = 'token-revoked'
export interface TokenRevokedEvent { tokenId: string }

/** Registers the /api/tokens routes (admin only). */
export const tokenRoutes: FastifyPluginAsync = async (app) => {
  const { store, clock, events } = app.engine

  app.post<{ Body: { name: string; role: Role } }>('/api/tokens', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['access'], summary: 'Create a token; the secret is in this answer only',
      body: { type: 'object', additionalProperties: false, required: ['name', 'role'],
        properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, role: { type: 'string', enum: [...ALL_ROLES] } } },
    },
  }, async (request, reply) => {
    const token = generateToken()
    const row = await store.createToken({ id: newId('tok', clock.now()), name: request.body.name, role: request.body.role, hash: hashToken(token) }, clock.now())
    await store.appendAudit({ at: clock.now(), actor: request.principal!.name, action: 'token.create', target: row.id, detail: { name: row.name, role: row.role } })
    return reply.code(201).send({ id: row.id, name: row.name, role: row.role, token, createdAt: iso(row.createdAt) })
  })

  app.get('/api/tokens', { config: { roles: ['admin'] }, schema: { tags: ['access'], summary: 'List tokens (never their secrets)' } }, async () => ({
    items: (await store.listTokens()).map((t) => ({ id: t.id, name: t.name, role: t.role, createdAt: iso(t.createdAt), revokedAt: iso(t.revokedAt) })),
  }))

  app.delete<{ Params: { id: string } }>('/api/tokens/:id', {
    config: { roles: ['admin'] },
    schema: { tags: ['access'], summary: 'Revoke a token', params: idParams },
  }, async (request, reply) => {
    if (!(await store.revokeToken(request.params.id, clock.now()))) throw new NotFoundError(`token ${request.params.id} not found`)
    app.tokens.clear()
    events.emit(TOKEN_REVOKED, { tokenId: request.params.id } satisfies TokenRevokedEvent)
    await store.appendAudit({ at: clock.now(), actor: request.principal!.name, action: 'token.revoke', target: request.params.id, detail: {} })
    return reply.code(204).send()
  })
}
