/** GET /api/node-types: the manifests the palette and config forms are built from. */
import type { FastifyPluginAsync } from 'fastify'
import { ALL_ROLES } from '../auth.ts'

/** Registers GET /api/node-types. */
export const nodeTypeRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/node-types', {
    config: { roles: ALL_ROLES },
    schema: { tags: ['workflows'], summary: 'Node type manifests (palette, forms, runtime validation)' },
  }, async () => ({ nodeTypes: app.engine.registry.manifests() }))
}
