/**
 * A flow that starts other workflows (for-each, sub-workflow) names them by id; one that has no
 * published version yet cannot start: its child runs wait until it has one. Publishing still goes
 * through (the other flow may be published next), with a warning naming the node.
 */
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'
import type { NodeManifest } from '../../schemas/generated/node-manifest.ts'
import type { DefinitionError } from '../core/check-definition.ts'
import { secretReferences } from '../core/secret-references.ts'
import type { Store } from '../store/store.ts'

/** The node types whose config names another workflow by `workflowId`. */
const CALLERS = new Set(['flow.for-each', 'flow.sub-workflow'])

/** Warnings for the workflows `def` starts that have no published version. */
export async function unpublishedReferences(store: Store, def: WorkflowDefinition): Promise<DefinitionError[]> {
  const warnings: DefinitionError[] = []
  for (const [i, node] of def.nodes.entries()) {
    if (!CALLERS.has(node.type)) continue
    const target = (node.config as { workflowId?: unknown } | undefined)?.workflowId
    if (typeof target !== 'string') continue
    if (target === def.id && node.type === 'flow.sub-workflow') {
      warnings.push({ nodeId: node.id, pointer: `/nodes/${i}/config/workflowId`, reason: `calls its own workflow: each run starts another, up to 5 levels deep` })
      continue
    }
    const row = await store.getWorkflow(target)
    if (!row || row.latestVersion == null) {
      warnings.push({ nodeId: node.id, pointer: `/nodes/${i}/config/workflowId`, reason: `workflow ${target} has no published version: the runs this node starts wait until it has one` })
    }
  }
  return warnings
}

/** Warnings for the secrets `def` names that no admin has set: its calls would fail until one is. */
export async function unsetSecrets(store: Store, def: WorkflowDefinition, manifestOf: (type: string) => NodeManifest | undefined): Promise<DefinitionError[]> {
  const refs = secretReferences(def, manifestOf)
  if (refs.length === 0) return []
  const set = new Set((await store.listSecrets()).map((s) => s.name))
  const index = new Map(def.nodes.map((n, i) => [n.id, i]))
  return refs.filter((r) => !set.has(r.name)).map((r) => ({
    nodeId: r.nodeId, pointer: `/nodes/${index.get(r.nodeId)}${r.pointer}`,
    reason: `secret "${r.name}" is not set: its calls fail until an admin sets it under Secrets`,
  }))
}

/** What validate and publish warn about beyond the graph: workflows not published, secrets not set. */
export async function referenceWarnings(store: Store, def: WorkflowDefinition, manifestOf: (type: string) => NodeManifest | undefined): Promise<DefinitionError[]> {
  return [...(await unpublishedReferences(store, def)), ...(await unsetSecrets(store, def, manifestOf))]
}
