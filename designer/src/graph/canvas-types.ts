/** The canvas shapes: React Flow nodes and edges whose `data` is plain JSON (no callbacks). */
import type { Edge as FlowEdge, Node as FlowNode } from '@xyflow/react'
import type { RetryPolicy } from '../../../schemas/generated/workflow.ts'

/** What a canvas node carries: the definition node minus id and position, plus display state. */
export type OrdoNodeData = {
  nodeType: string
  name?: string
  config?: Record<string, unknown>
  retry?: RetryPolicy
}

export type OrdoNode = FlowNode<OrdoNodeData, 'ordo'>

export type OrdoEdgeData = {
  /** The definition left sourceHandle out (the source's single port); saving leaves it out again. */
  implicitHandle?: boolean
}

export type OrdoEdge = FlowEdge<OrdoEdgeData>

/** The definition's own fields that are not nodes or edges. */
export interface DefinitionMeta {
  id: string
  name: string
  description?: string
  version?: number
  variables?: Record<string, unknown>
}
