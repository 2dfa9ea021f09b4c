/**
 * Bearer-token authentication and role checks. Runs in onRequest, before routing's body parsing and
 * validation, so any /api request without a valid token gets 401 whatever its path or body.
 * Tokens are stored only as SHA-256 hashes.
 */
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { createHash, randomBytes } from 'node:crypto'
import type { Role, Store, TokenRow } from '../store/store.ts'
import { HttpError } from './errors.ts'

declare module 'fastify' {
  /** roles: who may call the route (default admin only); public: no token needed */
  interface FastifyContextConfig { roles?: readonly Role[]; public?: boolean }
  interface FastifyRequest { principal: TokenRow | null }
}

/** Every role, for routes any logged-in user may call. */
export const ALL_ROLES: readonly Role[] = ['admin', 'designer', 'operator', 'approver']

/** SHA-256 of a token, hex: what the store keeps. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** A fresh secret token, shown once. */
export function generateToken(): string {
  return `ordo_${randomBytes(24).toString('base64url')}`
}

/** Route patterns open without a token: liveness, the API docs and the page that leads to them. */
const OPEN_ROUTES = new Set(['/api/health', '/'])

/**
 * Deny by default. A matched route is open only when its pattern is (the pattern, unlike the URL,
 * cannot be dodged by percent-encoding: /%61pi/orders routes to /api/orders). An unmatched URL needs
 * a token when its decoded path is under /api or /metrics, so unknown API paths answer 401, not 404.
 */
function isOpen(request: FastifyRequest): boolean {
  if (!request.is404) {
    const pattern = request.routeOptions.url ?? ''
    return request.routeOptions.config?.public === true || OPEN_ROUTES.has(pattern) || pattern === '/docs' || pattern.startsWith('/docs/')
  }
  let path = request.url.split('?')[0]
  try { path = decodeURIComponent(path) } catch { return false }
  return !(path === '/api' || path.startsWith('/api/') || path.startsWith('/metrics'))
}

/** Caches token look-ups briefly; revocation clears the cache at once in this process. */
export class TokenCache {
  private cache = new Map<string, { row: TokenRow | null; until: number }>()
  constructor(private readonly store: Store, private readonly ttlMs = 5000) {}
  async lookup(token: string): Promise<TokenRow | null> {
    const hash = hashToken(token)
    const hit = this.cache.get(hash)
    const now = Date.now()
    if (hit && hit.until > now) return hit.row
    const row = await this.store.findTokenByHash(hash)
    const live = row && row.revokedAt == null ? row : null
    if (this.cache.size > 10_000) this.cache.clear()
    this.cache.set(hash, { row: live, until: now + this.ttlMs })
    return live
  }
  clear(): void { this.cache.clear() }
}

/** Registers authentication for every protected route. */
export const authPlugin = fp<{ tokens: TokenCache }>(async (app, { tokens }) => {
  app.decorateRequest('principal', null)
  app.addHook('onRequest', async (request) => {
    if (isOpen(request)) return
    const header = request.headers.authorization
    const match = typeof header === 'string' ? /^Bearer\s+(.+?)\s*$/i.exec(header) : null
    if (!match) throw new HttpError(401, 'missing bearer token (Authorization: Bearer <token>)')
    const principal = await tokens.lookup(match[1])
    if (!principal) throw new HttpError(401, 'invalid or revoked token')
    request.principal = principal
    if (request.is404) return
    const roles = request.routeOptions.config?.roles ?? ['admin']
    if (principal.role !== 'admin' && !roles.includes(principal.role)) {
      throw new HttpError(403, `role ${principal.role} may not ${request.method} ${request.routeOptions.url}; needs one of ${roles.join(', ')}`)
    }
  })
}, { name: 'ordo-auth' })
