/** What changed between two versions of a definition, node by node and edge by edge. */
import type { WorkflowDefinition } from '../../../schemas/generated/workflow.ts'
import { sameJson } from './convert.ts'

export type ChangeKind = 'added' | 'removed' | 'changed' | 'unchanged'

export interface NodeChange { nodeId: string; kind: ChangeKind; fields: string[] }
export interface DefinitionDiff {
  nodes: NodeChange[]
  edges: Array<{ edgeId: string; kind: ChangeKind }>
  /** true when nothing but positions moved */
  sameBehaviour: boolean
}


/** Whether a node change alters what the flow does (moving a node does not). */
export function behaviourChanged(change: NodeChange): boolean {
  return change.kind !== 'unchanged' && !(change.kind === 'changed' && change.fields.every((f) => f === 'position'))
}

/** Compares `before` with `after`. Moving a node is a change to `position` but not to behaviour. */
export function diffDefinitions(before: WorkflowDefinition, after: WorkflowDefinition): DefinitionDiff {
  const old = new Map(before.nodes.map((n) => [n.id, n]))
  const now = new Map(after.nodes.map((n) => [n.id, n]))
  const nodes: NodeChange[] = []
  for (const n of after.nodes) {
    const o = old.get(n.id)
    if (!o) { nodes.push({ nodeId: n.id, kind: 'added', fields: [] }); continue }
    const fields = (['type', 'name', 'config', 'retry', 'position'] as const).filter((f) => !sameJson(o[f], n[f]))
    nodes.push({ nodeId: n.id, kind: fields.length ? 'changed' : 'unchanged', fields })
  }
  for (const o of before.nodes) if (!now.has(o.id)) nodes.push({ nodeId: o.id, kind: 'removed', fields: [] })

  const oldEdges = new Map(before.edges.map((e) => [e.id, e]))
  const newEdges = new Map(after.edges.map((e) => [e.id, e]))
  const edges: DefinitionDiff['edges'] = []
  for (const e of after.edges) {
    const o = oldEdges.get(e.id)
    edges.push({ edgeId: e.id, kind: !o ? 'added' : sameJson(o, e) ? 'unchanged' : 'changed' })
  }
  for (const o of before.edges) if (!newEdges.has(o.id)) edges.push({ edgeId: o.id, kind: 'removed' })

  const sameBehaviour = !nodes.some(behaviourChanged) && edges.every((e) => e.kind === 'unchanged')
  return { nodes, edges, sameBehaviour }
}
