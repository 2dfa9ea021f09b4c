/**
 * The registry of node types: the server publishes its manifests (palette, forms), graph validation
 * and the interpreter look node types up in it. Each manifest is validated and each config schema
 * compiled once, when the registry is built.
 */
import type { ValidateFunction } from 'ajv'
import type { NodeManifest, NodeModule } from '../../connectors/sdk/define-node.ts'
import { ajv, toErrorDetails, validators } from '../../schemas/index.ts'

/**
 * A node module of any config type. `prepare`/`run` are methods, so TypeScript checks them
 * bivariantly and every `defineNode(...)` result fits here.
 */
export type AnyNodeModule = NodeModule<never, unknown>

/** A node type as the engine uses it: its module, its manifest and its compiled config validator. */
export interface RegisteredNode {
  manifest: NodeManifest
  module: AnyNodeModule
  /** ajv validator of the node's config (errors on `.errors`, see toErrorDetails). */
  validateConfig: ValidateFunction
}

/** Looks node types up by type id. */
export interface NodeRegistry {
  get(type: string): RegisteredNode | undefined
  has(type: string): boolean
  /** All manifests, sorted by type id, for `GET /api/node-types`. */
  manifests(): NodeManifest[]
}

/** Builds a registry; throws an Error naming the node type when a manifest or config schema is invalid. */
export function createRegistry(modules: readonly AnyNodeModule[]): NodeRegistry {
  const byType = new Map<string, RegisteredNode>()
  for (const module of modules) {
    const manifest = module.manifest
    const type = typeof manifest?.type === 'string' ? manifest.type : '(no type)'
    if (!validators.nodeManifest(manifest)) {
      const details = toErrorDetails(validators.nodeManifest.errors).map((d) => `${d.pointer} ${d.reason}`)
      throw new Error(`node type ${type} has an invalid manifest: ${details.join('; ')}`)
    }
    if (byType.has(type)) throw new Error(`node type ${type} is registered twice`)
    let validateConfig: ValidateFunction
    try {
      validateConfig = ajv.compile(manifest.configSchema)
    } catch (error) {
      throw new Error(`node type ${type} has an invalid configSchema: ${(error as Error).message}`)
    }
    byType.set(type, { manifest, module, validateConfig })
  }
  const sorted = [...byType.values()].map((r) => r.manifest).sort((a, b) => a.type.localeCompare(b.type))
  return {
    get: (type) => byType.get(type),
    has: (type) => byType.has(type),
    manifests: () => sorted,
  }
}
