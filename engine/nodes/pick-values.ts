/**
 * The values a workflow's node configs use for pick-list fields (`$comment: "pick:teams"`...):
 * the teams it assigns, the pools it holds in, the tags it adds. Read from the configs through
 * their manifests' schemas, so a new node type with a marked field needs no change here.
 */
import type { NodeManifest } from '../../schemas/generated/node-manifest.ts'
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'
import { PICK_LISTS, pickListOf, type PickList } from './schema-fragments.ts'

type Schema = { properties?: Record<string, unknown>; items?: unknown; additionalProperties?: unknown }

/** One empty set per pick list. */
export function emptyPickValues(): Record<PickList, Set<string>> {
  return Object.fromEntries(PICK_LISTS.map((list) => [list, new Set<string>()])) as Record<PickList, Set<string>>
}

/** Adds to `into` every value of `value` at a field of `schema` marked with a pick list. */
export function collectPickValues(schema: unknown, value: unknown, into: Record<PickList, Set<string>>): void {
  if (typeof schema !== 'object' || schema === null || value === undefined || value === null) return
  const list = pickListOf(schema)
  if (list && typeof value === 'string' && value !== '') into[list].add(value)
  const s = schema as Schema
  if (Array.isArray(value)) {
    for (const item of value) collectPickValues(s.items, item, into)
    return
  }
  if (typeof value !== 'object') return
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    collectPickValues(s.properties && Object.hasOwn(s.properties, key) ? s.properties[key] : s.additionalProperties, child, into)
  }
}

/** Adds the pick-list values of every node config of `definition`; nodes of unknown types are skipped. */
export function collectDefinitionPickValues(definition: WorkflowDefinition, manifestOf: (type: string) => NodeManifest | undefined, into: Record<PickList, Set<string>>): void {
  for (const node of definition.nodes) {
    const manifest = manifestOf(node.type)
    if (manifest && node.config) collectPickValues(manifest.configSchema, node.config, into)
  }
}
