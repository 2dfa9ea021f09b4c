/**
 * Which secrets a workflow's nodes name: config fields marked as a secret's name
 * (`$comment: "secret-name"`) and `{{secret.<name>}}` inside any text of a config, channels' configs
 * included (read through the schema of the connector each goes through). Read through the manifests'
 * schemas, so a new connector needs no change here.
 */
import type { NodeManifest } from '../../schemas/generated/node-manifest.ts'
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'

/** One place a node names a secret. */
export interface SecretReference { nodeId: string; name: string; pointer: string }

type Schema = { properties?: Record<string, unknown>; items?: unknown; additionalProperties?: unknown; $comment?: unknown }

/** A secret's name, as a pattern body: what a config field names and {{secret.<name>}} refers to. */
export const SECRET_NAME = '[A-Za-z0-9][A-Za-z0-9_.-]{0,127}'
/** A whole value that is a secret's name. */
export const SECRET_NAME_PATTERN = `^${SECRET_NAME}$`
/** {{secret.<name>}} (or {{{…}}}) in a template; the name is group 1. */
export const SECRET_IN_TEMPLATE = new RegExp(`\\{\\{\\{?\\s*secret\\.(${SECRET_NAME})\\s*\\}?\\}\\}`, 'g')
const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1')

function collect(schema: unknown, value: unknown, pointer: string, nodeId: string, out: SecretReference[], manifestOf: (type: string) => NodeManifest | undefined): void {
  const s = (typeof schema === 'object' && schema !== null ? schema : {}) as Schema
  if (typeof value === 'string') {
    if (s.$comment === 'secret-name' && value !== '') out.push({ nodeId, name: value, pointer })
    for (const m of value.matchAll(SECRET_IN_TEMPLATE)) out.push({ nodeId, name: m[1]!, pointer })
    return
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => collect(s.items, item, `${pointer}/${i}`, nodeId, out, manifestOf))
    return
  }
  if (value === null || typeof value !== 'object') return
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    let childSchema = s.properties && Object.hasOwn(s.properties, key) ? s.properties[key] : s.additionalProperties
    // A channel's config is read through the schema of the connector its sibling `via` names.
    const via = (value as Record<string, unknown>).via
    if ((childSchema as Schema | undefined)?.$comment === 'channel-config' && typeof via === 'string') childSchema = manifestOf(via)?.configSchema
    collect(childSchema, child, `${pointer}/${escapePointer(key)}`, nodeId, out, manifestOf)
  }
}

/** Every secret the definition's nodes name, with where (pointer into the node's config). */
export function secretReferences(definition: WorkflowDefinition, manifestOf: (type: string) => NodeManifest | undefined): SecretReference[] {
  const out: SecretReference[] = []
  for (const node of definition.nodes) {
    if (node.config) collect(manifestOf(node.type)?.configSchema, node.config, '/config', node.id, out, manifestOf)
  }
  return out
}
