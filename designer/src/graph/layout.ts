/** Auto-layout: top-to-bottom layers by dagre, keeping each node's size. */
import dagre from '@dagrejs/dagre'
import type { OrdoEdge, OrdoNode } from './canvas-types.ts'

const DEFAULT_SIZE = { width: 240, height: 96 }

/** New positions for every node (React Flow's top-left corner), in layered order along the edges. */
export function layoutNodes(nodes: readonly OrdoNode[], edges: readonly OrdoEdge[]): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph()
  g.setGraph({ rankdir: 'TB', nodesep: 48, ranksep: 72, marginx: 20, marginy: 20 })
  g.setDefaultEdgeLabel(() => ({}))
  for (const n of nodes) {
    const width = n.measured?.width ?? DEFAULT_SIZE.width
    const height = n.measured?.height ?? DEFAULT_SIZE.height
    g.setNode(n.id, { width, height })
  }
  for (const e of edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target)
  dagre.layout(g)
  const positions = new Map<string, { x: number; y: number }>()
  for (const n of nodes) {
    const p = g.node(n.id)
    positions.set(n.id, { x: Math.round(p.x - p.width / 2), y: Math.round(p.y - p.height / 2) })
  }
  return positions
}
