/** GET /metrics: Prometheus text format (bearer token, like every other route but health). */
import type { FastifyPluginAsync } from 'fastify'

/** Registers GET /metrics. */
export const metricsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/metrics', { config: { roles: ['admin', 'operator'] }, schema: { tags: ['health'], summary: 'Prometheus metrics' } }, async (_request, reply) => {
    const registry = app.engine.metrics.registry
    // Read at scrape time: the backlog is the store's, shared by every process delivering it.
    app.engine.metrics.outboxPending.set(await app.engine.store.outboxPending())
    reply.header('content-type', registry.contentType)
    return registry.metrics()
  })
}
