/** GET /api/node-types: the manifests the palette and config forms are built from, and the custom nodes that did not load. */
import type { FastifyPluginAsync } from 'fastify'
import { ALL_ROLES } from '../auth.ts'

/** Registers GET /api/node-types. */
export const nodeTypeRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/node-types', {
    config: { roles: ALL_ROLES },
    schema: { tags: ['workflows'], summary: 'Node type manifests (palette, forms, runtime validation); for admins and designers also the custom nodes of ORDO_NODES_DIR and why some did not load' },
  }, async (req) => {
    const { loaded, problems } = app.engine.customNodes
    const mayBuild = req.principal?.role === 'admin' || req.principal?.role === 'designer'
    return { nodeTypes: app.engine.registry.manifests(), ...(mayBuild ? { customNodes: { loaded, problems } } : {}) }
  })
}
