/**
 * A published workflow version turned, once, into what the interpreter needs: nodes by id with their
 * prepared configs (compiled rules), ports and retry settings, and edges indexed by (node, port).
 */
import type { Edge, WorkflowDefinition } from '../../schemas/generated/workflow.ts'
import type { NodeManifest } from '../../schemas/generated/node-manifest.ts'
import { defaultPort, errorPorts, outputPorts } from './node-ports.ts'
import type { AnyNodeModule, NodeRegistry } from './registry.ts'
import { parseRetryPolicy, type RetrySettings } from './retry-policy.ts'
import { CONNECTOR_RETRY } from './activity-limits.ts'
import { checkWorkflow, type WorkflowError } from './validate-workflow.ts'

/** One node of a prepared workflow. */
export interface PreparedNode {
  id: string
  type: string
  name?: string
  manifest: NodeManifest
  module: AnyNodeModule
  /** What the module's `prepare` returned (or the raw config when it has none). */
  config: unknown
  /** Every output port, error ports included. */
  ports: string[]
  /** The port a result without `port` takes, or null when the node has none or several. */
  defaultPort: string | null
  /** The port taken after the last failed attempt, or null when the node declares none. */
  errorPort: string | null
  retry: RetrySettings
  /** Ids of the edges entering this node, in definition order (a join waits for all of them). */
  incomingEdgeIds: string[]
}

/** A workflow version ready to run; build it once per published version and share it between runs. */
export interface PreparedWorkflow {
  workflowId: string
  version: number
  definition: WorkflowDefinition
  triggerNodeId: string
  nodes: ReadonlyMap<string, PreparedNode>
  /** Initial run variables from the definition. */
  variables: Record<string, unknown>
  /** Edges leaving each (node, port), keyed by portKey(nodeId, port), each edge with its resolved port. */
  outgoing: ReadonlyMap<string, readonly Edge[]>
}

/** Thrown by prepareWorkflow for a definition that fails graph validation; `errors` lists why. */
export class InvalidWorkflowError extends Error {
  readonly errors: WorkflowError[]

  constructor(workflowId: string, errors: WorkflowError[]) {
    super(`workflow ${workflowId} is invalid: ${errors.map((e) => `${e.pointer} ${e.reason}`).join('; ')}`)
    this.name = 'InvalidWorkflowError'
    this.errors = errors
  }
}

/** Prepares `def`; throws InvalidWorkflowError when validateWorkflow would report errors. */
export function prepareWorkflow(def: WorkflowDefinition, registry: NodeRegistry): PreparedWorkflow {
  const check = checkWorkflow(def, registry)
  if (check.errors.length > 0 || check.triggerNodeId === null) throw new InvalidWorkflowError(def.id, check.errors)

  const nodes = new Map<string, PreparedNode>()
  for (const node of def.nodes) {
    const registered = registry.get(node.type)
    if (!registered) throw new InvalidWorkflowError(def.id, [{ nodeId: node.id, pointer: '/nodes', reason: 'unknown node type' }])
    const rawConfig = node.config ?? {}
    const errorPort = errorPorts(registered.manifest)[0] ?? null
    nodes.set(node.id, {
      id: node.id,
      type: node.type,
      ...(node.name !== undefined ? { name: node.name } : {}),
      manifest: registered.manifest,
      module: registered.module,
      config: check.configs.get(node.id),
      ports: outputPorts(registered.manifest, rawConfig),
      defaultPort: defaultPort(registered.manifest, rawConfig),
      errorPort,
      // Calls out are retried by the manifest's policy unless the node sets its own.
      retry: parseRetryPolicy(node.retry ?? registered.manifest.activity?.retry ?? (registered.module.perform ? CONNECTOR_RETRY : undefined)),
      incomingEdgeIds: [],
    })
  }

  const outgoing = new Map<string, Edge[]>()
  def.edges.forEach((edge, i) => {
    const port = check.edgePorts.get(i) as string
    const key = portKey(edge.source, port)
    outgoing.set(key, [...(outgoing.get(key) ?? []), { ...edge, sourceHandle: port }])
    nodes.get(edge.target)?.incomingEdgeIds.push(edge.id)
  })

  return {
    workflowId: def.id,
    version: def.version ?? 0,
    definition: def,
    triggerNodeId: check.triggerNodeId,
    nodes,
    variables: { ...(def.variables ?? {}) },
    outgoing,
  }
}

/** The key of `outgoing` for a node's port. */
export function portKey(nodeId: string, port: string): string {
  // Node ids cannot contain a colon (workflow schema), so the key is unambiguous.
  return `${nodeId}:${port}`
}

/** The edges leaving `nodeId` through `port`, in definition order. */
export function edgesFrom(prepared: PreparedWorkflow, nodeId: string, port: string): readonly Edge[] {
  return prepared.outgoing.get(portKey(nodeId, port)) ?? []
}
