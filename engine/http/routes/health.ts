/** GET /api/health: liveness, open without a token. */
import type { FastifyPluginAsync } from 'fastify'
import { iso } from '../iso.ts'

/** Registers GET /api/health (open). */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/health', {
    schema: { tags: ['health'], summary: 'Liveness: status, version, store, clock skew seen', security: [] },
  }, async (_request, reply) => {
    const engine = app.engine
    let store: { kind: string; ok: boolean; error?: string } = { kind: engine.store.kind, ok: true }
    try { await engine.store.ping() } catch (err) { store = { kind: engine.store.kind, ok: false, error: (err as Error).message } }
    // 503 lets a load balancer or orchestrator take an instance whose store does not answer out of rotation;
    // a workflow that does not load is the same on every instance, so it degrades the status but stays 200.
    if (!store.ok) reply.code(503)
    const disabled = engine.disabledWorkflows
    return {
      status: store.ok && disabled.length === 0 ? 'ok' : 'degraded',
      version: app.appVersion,
      now: iso(engine.clock.now()),
      store,
      clockSkew: { maxAheadMs: engine.skew.maxAheadMs, lastSeenAt: iso(engine.skew.lastSeenAt) },
      workflows: { active: engine.activeWorkflowCount, disabled },
    }
  })
}
