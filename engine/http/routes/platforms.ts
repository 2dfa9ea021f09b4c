/** POST /api/platforms/:platform/normalize: a raw platform payload → the order inputs it means, storing nothing. */
import type { FastifyPluginAsync } from 'fastify'
import { platformAdapter, platformAdapters } from '../../../connectors/platforms/index.ts'
import { NotFoundError } from '../../store/store.ts'
import { badRequest } from '../errors.ts'

/** Registers the normalize route. */
export const platformRoutes: FastifyPluginAsync = async (app) => {
  app.post<{ Params: { platform: string }; Body: unknown }>('/api/platforms/:platform/normalize', {
    config: { roles: ['admin', 'operator'] },
    schema: {
      tags: ['platforms'],
      summary: `Normalize a raw platform payload (an order-detail answer or an order push body; platforms: ${Object.keys(platformAdapters).join(', ')}): { orders: [OrderInput…] }, each with the payload as raw; nothing is stored`,
      params: { type: 'object', required: ['platform'], properties: { platform: { type: 'string', maxLength: 64 } } },
      body: { type: ['object', 'array'], description: 'the payload exactly as the platform sends it' },
      // No response schema: each order's raw payload goes out as the text it arrived as (64-bit ids
      // whole), which only the app's reply serializer does.
    },
  }, async (request) => {
    const adapter = platformAdapter(request.params.platform)
    if (!adapter) throw new NotFoundError(`no platform ${request.params.platform}; platforms: ${Object.keys(platformAdapters).join(', ')}`)
    // The JSON body parser, the app's only one, kept the text; the adapter reads numbers from it losslessly.
    const result = adapter.normalize({ text: request.jsonText as string, value: request.body })
    if (!result.ok) throw badRequest(result.details)
    return { orders: result.orders }
  })
}
