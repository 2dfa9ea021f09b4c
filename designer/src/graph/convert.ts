/**
 * Definition ⇄ canvas, as pure functions. Loading and saving an unchanged definition gives back the
 * same JSON (up to key order): absent optional fields stay absent.
 */
import type { NodeManifest } from '../../../schemas/generated/node-manifest.ts'
import type { Edge, Node, WorkflowDefinition } from '../../../schemas/generated/workflow.ts'
import { defaultPort } from '../../../engine/core/node-ports.ts'
import type { DefinitionMeta, OrdoEdge, OrdoNode } from './canvas-types.ts'

export type ManifestLookup = (type: string) => NodeManifest | undefined

/** The canvas of a definition. An edge without sourceHandle is drawn from its source's single port. */
export function definitionToCanvas(def: WorkflowDefinition, manifestOf: ManifestLookup): { meta: DefinitionMeta; nodes: OrdoNode[]; edges: OrdoEdge[] } {
  const { nodes, edges, ...meta } = def
  const byId = new Map(nodes.map((n) => [n.id, n]))
  return {
    meta,
    nodes: nodes.map(nodeToCanvas),
    edges: edges.map((e) => {
      const source = byId.get(e.source)
      const manifest = source ? manifestOf(source.type) : undefined
      const implicit = e.sourceHandle === undefined
      const handle = implicit && manifest ? defaultPort(manifest, source?.config) : e.sourceHandle
      const edge: OrdoEdge = { id: e.id, source: e.source, target: e.target, sourceHandle: handle ?? null }
      if (e.targetHandle !== undefined) edge.targetHandle = e.targetHandle
      if (e.label !== undefined) edge.label = e.label
      if (implicit) edge.data = { implicitHandle: true }
      return edge
    }),
  }
}

export function nodeToCanvas(n: Node): OrdoNode {
  const data: OrdoNode['data'] = { nodeType: n.type }
  if (n.name !== undefined) data.name = n.name
  if (n.config !== undefined) data.config = n.config
  if (n.retry !== undefined) data.retry = n.retry
  return { id: n.id, type: 'ordo', position: { x: n.position.x, y: n.position.y }, data }
}

/** The definition a canvas stands for. */
export function canvasToDefinition(meta: DefinitionMeta, nodes: readonly OrdoNode[], edges: readonly OrdoEdge[]): WorkflowDefinition {
  return {
    ...meta,
    nodes: nodes.map((n) => {
      const node: Node = { id: n.id, type: n.data.nodeType, position: { x: n.position.x, y: n.position.y } }
      if (n.data.name !== undefined) node.name = n.data.name
      if (n.data.config !== undefined) node.config = n.data.config
      if (n.data.retry !== undefined) node.retry = n.data.retry
      return node
    }),
    edges: edges.map((e) => {
      const edge: Edge = { id: e.id, source: e.source, target: e.target }
      if (e.sourceHandle && !e.data?.implicitHandle) edge.sourceHandle = e.sourceHandle
      if (e.targetHandle) edge.targetHandle = e.targetHandle
      if (typeof e.label === 'string') edge.label = e.label
      return edge
    }),
  }
}

/** A JSON value with object keys sorted, to compare definitions regardless of key order. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]))
  }
  return value
}

/** Equal as JSON values: whatever the key order, a key holding undefined counts as absent (as JSON.stringify has it). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const bb = b as unknown[]
    return a.length === bb.length && a.every((x, i) => sameJson(x, bb[i]))
  }
  const ao = a as Record<string, unknown>
  const bo = b as Record<string, unknown>
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined)
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined)
  return ak.length === bk.length && ak.every((k) => bo[k] !== undefined && sameJson(ao[k], bo[k]))
}
