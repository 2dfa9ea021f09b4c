/** POST /api/orders/:id/signals: other systems tell the runs waiting on an order something ("address_confirmed"). */
import type { FastifyPluginAsync } from 'fastify'
import { NotFoundError } from '../../store/store.ts'
import { idParams } from './paging.ts'

/** Registers the signal route. */
export const signalRoutes: FastifyPluginAsync = async (app) => {
  const { engine } = app
  app.post<{ Params: { id: string }; Body: { name: string; data?: unknown } }>('/api/orders/:id/signals', {
    config: { roles: ['admin', 'operator'] },
    schema: {
      tags: ['orders'],
      summary: 'Signal the runs waiting on this order: 202 with how many it released; a signal nobody waits for is not kept',
      params: idParams,
      body: {
        type: 'object', additionalProperties: false, required: ['name'],
        properties: { name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' }, data: {} },
      },
      response: { 202: { type: 'object', required: ['delivered'], properties: { delivered: { type: 'integer' } } } },
    },
  }, async (request, reply) => {
    const { id } = request.params
    if (!(await engine.store.getOrder(id))) throw new NotFoundError(`order ${id} not found`)
    const delivered = await engine.signal(id, request.body.name, request.body.data ?? null)
    await engine.store.appendAudit({
      at: engine.clock.now(), actor: request.principal?.name ?? 'unknown', action: 'order.signal', target: id,
      detail: { name: request.body.name, delivered },
    })
    return reply.code(202).send({ delivered })
  })
}
