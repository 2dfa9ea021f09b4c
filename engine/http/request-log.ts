/**
 * One log line per request, at a level read from its status: 2xx and 3xx at info, 4xx at warn, 5xx
 * at error. In `problems` mode (the default of the server) the info lines are not written at all,
 * so a busy server logs what went wrong, not every health check and list refresh.
 */
import fp from 'fastify-plugin'
import type { FastifyServerOptions } from 'fastify'

/** `all`: a line for every request; `problems`: only for 4xx and 5xx answers. */
export type RequestLogMode = 'all' | 'problems'

/** The level of a request's line, or null when `mode` leaves it out. */
export function requestLogLevel(statusCode: number, mode: RequestLogMode): 'info' | 'warn' | 'error' | null {
  if (statusCode >= 500) return 'error'
  if (statusCode >= 400) return 'warn'
  return mode === 'all' ? 'info' : null
}

/**
 * What ORDO_LOG asks for: unset, the start-up messages at info and a line for each request that
 * failed; `info` (or `debug`, `trace`), every request too; `warn`, `error`, `fatal`, that level;
 * `silent`, nothing.
 */
export function logSettings(ordoLog: string | undefined): { logger: FastifyServerOptions['logger']; requestLog: RequestLogMode } {
  const level = ordoLog?.trim().toLowerCase() || undefined
  if (level === 'silent') return { logger: false, requestLog: 'problems' }
  const logger = {
    level: level ?? 'info',
    redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
  }
  return { logger, requestLog: level === 'info' || level === 'debug' || level === 'trace' ? 'all' : 'problems' }
}

/** Writes each request's line when its answer is sent (Fastify's own two lines per request are off). */
export const requestLog = fp<{ mode: RequestLogMode }>(async (app, { mode }) => {
  app.addHook('onResponse', async (request, reply) => {
    const level = requestLogLevel(reply.statusCode, mode)
    if (level) request.log[level]({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed')
  })
}, { name: 'ordo-request-log' })
