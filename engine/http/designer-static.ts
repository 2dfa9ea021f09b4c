/**
 * Serves the built browser designer (designer/dist): its files without a token, index.html for any
 * other page a browser asks for (so /workflows/x survives a reload), hashed assets cached for a year.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fastifyStatic from '@fastify/static'
import { existsSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'

/** Path prefixes that never fall back to the designer's index.html. */
const NOT_DESIGNER = ['/api', '/metrics', '/docs', '/webhooks']

/** True when `dir` holds a built designer (an index.html). */
export function hasDesigner(dir: string | undefined): dir is string {
  if (!dir) return false
  try {
    return statSync(dir).isDirectory() && existsSync(join(dir, 'index.html'))
  } catch {
    return false
  }
}

/**
 * Registers the designer's files as public routes (one per file found now: `wildcard: false`, so a
 * catch-all route cannot swallow unknown /api paths, which must still answer 401/404 as JSON).
 */
export async function registerDesignerFiles(app: FastifyInstance, dir: string): Promise<void> {
  await app.register(async (scope) => {
    // Only the static routes registered in this scope become public.
    scope.addHook('onRoute', (route) => { route.config = Object.assign(route.config ?? {}, { public: true }) })
    await scope.register(fastifyStatic, {
      root: dir, prefix: '/', wildcard: false, cacheControl: false, decorateReply: false,
      setHeaders(reply, path) {
        const rel = relative(dir, path).split(sep).join('/')
        reply.header('cache-control', rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
      },
    })
  })
}

/** The not-found fallback: index.html for a browser page outside the API; false when it does not apply. */
export function designerFallback(dir: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false
    const accept = request.headers.accept ?? ''
    if (!accept.includes('text/html')) return false
    let path = request.url.split('?')[0]
    try { path = decodeURIComponent(path) } catch { return false }
    if (NOT_DESIGNER.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(p + '.'))) return false
    let html: Buffer
    try { html = await readFile(join(dir, 'index.html')) } catch { return false }
    reply.code(200).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(html)
    return true
  }
}
