/** The canvas shapes: React Flow nodes and edges whose `data` is plain JSON (no callbacks). */
import type { Edge as FlowEdge, Node as FlowNode } from '@xyflow/react'
import type { Node, WorkflowDefinition } from '../../../schemas/generated/workflow.ts'

/** What a canvas node carries: the definition node minus id and position, plus display state. */
export type OrdoNodeData = Omit<Node, 'id' | 'type' | 'position'> & { nodeType: Node['type'] }

export type OrdoNode = FlowNode<OrdoNodeData, 'ordo'>

export type OrdoEdgeData = {
  /** The definition left sourceHandle out (the source's single port); saving leaves it out again. */
  implicitHandle?: boolean
}

export type OrdoEdge = FlowEdge<OrdoEdgeData>

/** The definition's own fields that are not nodes or edges. */
export type DefinitionMeta = Omit<WorkflowDefinition, 'nodes' | 'edges'>
