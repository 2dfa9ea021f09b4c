/**
 * The workflow schema Monaco checks the whole definition against, with each node's `config`
 * narrowed to its type's manifest configSchema, so the JSON view knows every node's fields.
 */
import workflowSchema from '../../../schemas/workflow.schema.json' with { type: 'json' }
import type { NodeManifest } from '../../../schemas/generated/node-manifest.ts'

export function definitionSchema(manifests: NodeManifest[]): unknown {
  const schema = structuredClone(workflowSchema) as unknown as { definitions: { node: Record<string, unknown> } }
  const node = schema.definitions.node
  node.properties = { ...(node.properties as object), type: { type: 'string', enum: manifests.map((m) => m.type) } }
  node.allOf = manifests.map((m) => ({
    if: { properties: { type: { const: m.type } } },
    then: { properties: { config: m.configSchema } },
  }))
  return schema
}
