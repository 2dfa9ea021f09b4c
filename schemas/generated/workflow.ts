/* Generated from schemas/workflow.schema.json by `npm run gen:types`. Do not edit. */

export type Slug = string
export type NodeId = string

/**
 * A workflow definition. Nodes and edges are React Flow's own shape; exactly one node is a trigger.* node.
 */
export interface WorkflowDefinition {
id: Slug
name: string
description?: string
/**
 * Published version number; 0 or absent for a draft
 */
version?: number
/**
 * @minItems 1
 * @maxItems 1000
 */
nodes: Node[]
/**
 * @maxItems 4000
 */
edges: Edge[]
/**
 * Initial run variables
 */
variables?: {
[k: string]: unknown
}
}
export interface Node {
id: NodeId
type: string
/**
 * The label shown on the canvas
 */
name?: string
position: Position
/**
 * Validated by the node type's manifest configSchema
 */
config?: {
[k: string]: unknown
}
retry?: RetryPolicy
}
export interface Position {
x: number
y: number
}
export interface RetryPolicy {
/**
 * Attempts in all, the first included
 */
maxAttempts: number
/**
 * Delay before the second attempt (default PT1S)
 */
initialInterval?: string
/**
 * Each delay is the previous one times this (default 2)
 */
backoffRate?: number
/**
 * Upper bound of one delay (default PT5M)
 */
maxInterval?: string
/**
 * Fraction of the delay varied, deterministically per step (default 0)
 */
jitter?: number
}
export interface Edge {
id: string
source: NodeId
target: NodeId
/**
 * The source node's output port; omitted for its single port
 */
sourceHandle?: string
targetHandle?: string
label?: string
}
