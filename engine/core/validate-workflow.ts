/**
 * Graph validation of a workflow definition that already passed schemas/workflow.schema.json:
 * everything the schema cannot say (types, configs, ports, reachability, loops, one trigger).
 * Each problem names the node and a JSON pointer into the definition, for the designer to highlight.
 */
import type { PrepareTools } from '../../connectors/sdk/define-node.ts'
import type { Edge, WorkflowDefinition } from '../../schemas/generated/workflow.ts'
import { toErrorDetails } from '../../schemas/index.ts'
import { ConfigError } from './config-error.ts'
import { findCycles, reachableFrom } from './graph.ts'
import { fanOutHotspots, type PortEdge } from './fan-out.ts'
import { JOIN_NODE_TYPE } from './join.ts'
import { MAX_LIVE_TOKENS } from './run-limits.ts'
import { compileRule } from './json-logic.ts'
import { prepareChannel } from './notify-channels.ts'
import { defaultPort, errorPorts, outputPorts } from './node-ports.ts'
import type { NodeRegistry, RegisteredNode } from './registry.ts'

/** One graph problem: the node at fault (null for the whole workflow), where, and why. */
export interface WorkflowError {
  nodeId: string | null
  pointer: string
  reason: string
}

/** The verdict of `validateWorkflow`: errors refuse publishing, warnings only point at a risk. */
export interface WorkflowValidation {
  valid: boolean
  errors: WorkflowError[]
  warnings: WorkflowError[]
}

/** What checking found beside the errors, so preparing does not repeat the work. */
export interface WorkflowCheck {
  errors: WorkflowError[]
  /** Risks that do not stop the workflow from running (branches that multiply). */
  warnings: WorkflowError[]
  /** Prepared config of each node whose type is known and whose config is valid, by node id. */
  configs: Map<string, unknown>
  /** The output port each edge leaves from (sourceHandle, or the source's single port), by edge index. */
  edgePorts: Map<number, string>
  /** The trigger node's id when there is exactly one. */
  triggerNodeId: string | null
}

/** Lists every graph problem of `def`; valid when there is none. */
export function validateWorkflow(def: WorkflowDefinition, registry: NodeRegistry): WorkflowValidation {
  const { errors, warnings } = checkWorkflow(def, registry)
  return { valid: errors.length === 0, errors, warnings }
}

/** Checks `def` and prepares each node's config along the way (for prepareWorkflow). */
export function checkWorkflow(def: WorkflowDefinition, registry: NodeRegistry): WorkflowCheck {
  const errors: WorkflowError[] = []
  const configs = new Map<string, unknown>()
  const edgePorts = new Map<number, string>()
  const nodeIndex = new Map<string, number>()
  const types = new Map<string, RegisteredNode>()
  const triggers: string[] = []

  def.nodes.forEach((node, i) => {
    if (nodeIndex.has(node.id)) {
      errors.push({ nodeId: node.id, pointer: `/nodes/${i}/id`, reason: `duplicates the id of node ${nodeIndex.get(node.id)}` })
      return
    }
    nodeIndex.set(node.id, i)
    const registered = registry.get(node.type)
    if (!registered) {
      errors.push({ nodeId: node.id, pointer: `/nodes/${i}/type`, reason: `unknown node type "${node.type}"` })
      return
    }
    types.set(node.id, registered)
    if (registered.manifest.category === 'trigger') {
      if (triggers.length > 0) {
        errors.push({ nodeId: node.id, pointer: `/nodes/${i}/type`, reason: `is a second trigger (node ${triggers[0]} is one); a workflow has exactly one` })
      }
      triggers.push(node.id)
    }
    const config = node.config ?? {}
    if (!registered.validateConfig(config)) {
      for (const d of toErrorDetails(registered.validateConfig.errors, `/nodes/${i}/config`)) {
        errors.push({ nodeId: node.id, pointer: d.pointer, reason: d.reason })
      }
      return
    }
    try {
      // The registry holds modules of every config type; the schema check above vouches for this config.
      const prepare = registered.module.prepare as ((c: unknown, t: PrepareTools) => unknown) | undefined
      configs.set(node.id, prepare ? prepare(config, { compileRule, prepareChannel: (via, c, pointer) => prepareChannel(registry, via, c, pointer) }) : config)
    } catch (error) {
      const at = error instanceof ConfigError ? error.pointer : ''
      errors.push({ nodeId: node.id, pointer: `/nodes/${i}/config${at}`, reason: (error as Error).message })
    }
  })
  if (triggers.length === 0) errors.push({ nodeId: null, pointer: '/nodes', reason: 'has no trigger node; a workflow needs exactly one' })

  const next = new Map<string, string[]>()
  const portEdges: PortEdge[] = []
  const edgeIds = new Map<string, number>()
  def.edges.forEach((edge, i) => {
    const source = nodeIndex.has(edge.source) ? edge.source : null
    if (edgeIds.has(edge.id)) {
      errors.push({ nodeId: source, pointer: `/edges/${i}/id`, reason: `duplicates the id of edge ${edgeIds.get(edge.id)}` })
    } else {
      edgeIds.set(edge.id, i)
    }
    if (!source) errors.push({ nodeId: null, pointer: `/edges/${i}/source`, reason: `no node has the id "${edge.source}"` })
    const intoTrigger = types.get(edge.target)?.manifest.inputs === 0
    if (!nodeIndex.has(edge.target)) {
      errors.push({ nodeId: source, pointer: `/edges/${i}/target`, reason: `no node has the id "${edge.target}"` })
    } else if (intoTrigger) {
      errors.push({ nodeId: edge.target, pointer: `/edges/${i}/target`, reason: `node ${edge.target} is a trigger and takes no incoming edge` })
    }
    // An edge into the trigger is reported once, here, not again as a loop.
    if (!source || !nodeIndex.has(edge.target) || intoTrigger) return
    next.set(edge.source, [...(next.get(edge.source) ?? []), edge.target])
    const port = checkSourcePort(edge, i, types.get(edge.source), def.nodes[nodeIndex.get(edge.source) as number].config ?? {}, errors)
    if (port !== null) {
      edgePorts.set(i, port)
      portEdges.push({ source: edge.source, port, target: edge.target })
    }
  })

  const triggerNodeId = triggers.length === 1 ? triggers[0] : null
  if (triggerNodeId) {
    const reached = reachableFrom(triggerNodeId, next)
    for (const [id, i] of nodeIndex) {
      if (!reached.has(id)) errors.push({ nodeId: id, pointer: `/nodes/${i}`, reason: `is not reachable from the trigger ${triggerNodeId}` })
    }
  }
  for (const cycle of findCycles([...nodeIndex.keys()], next)) {
    if (cycle.some((id) => types.get(id)?.manifest.waits === true)) continue
    const first = cycle.reduce((a, b) => ((nodeIndex.get(a) as number) <= (nodeIndex.get(b) as number) ? a : b))
    errors.push({
      nodeId: first,
      pointer: `/nodes/${nodeIndex.get(first)}`,
      reason: `is in a cycle (${cycle.join(' → ')}) with no node that waits; a cycle needs a wait, an approval or another node that pauses`,
    })
  }
  const warnings: WorkflowError[] = []
  if (triggerNodeId) {
    const joins = new Set([...types].filter(([, t]) => t.manifest.type === JOIN_NODE_TYPE).map(([id]) => id))
    for (const [id, n] of fanOutHotspots([...nodeIndex.keys()], triggerNodeId, portEdges, joins)) {
      warnings.push({
        nodeId: id,
        pointer: `/nodes/${nodeIndex.get(id)}`,
        reason: `up to ${n > 1e15 ? 'more than 10^15' : Math.round(n).toLocaleString('en-US')} branches of one run can reach this node: parallel splits multiply their branches when nothing joins them (add a flow.join); a run is stopped as an incident at ${MAX_LIVE_TOKENS.toLocaleString('en-US')} branches`,
      })
    }
  }
  return { errors, warnings, configs, edgePorts, triggerNodeId }
}

/** The port an edge leaves from, or null after recording why it has none. */
function checkSourcePort(edge: Edge, i: number, source: RegisteredNode | undefined, config: unknown, errors: WorkflowError[]): string | null {
  if (!source) return null // the unknown type is reported already
  const ports = outputPorts(source.manifest, config)
  const pointer = `/edges/${i}/sourceHandle`
  if (edge.sourceHandle !== undefined) {
    if (ports.includes(edge.sourceHandle)) return edge.sourceHandle
    const known = ports.length > 0 ? `its ports are ${ports.join(', ')}` : 'it has no output port'
    errors.push({ nodeId: edge.source, pointer, reason: `node ${edge.source} has no port "${edge.sourceHandle}"; ${known}` })
    return null
  }
  const single = defaultPort(source.manifest, config)
  if (single !== null) return single
  const normal = ports.filter((p) => !errorPorts(source.manifest).includes(p))
  const reason = normal.length === 0
    ? `node ${edge.source} has no output port`
    : `is required: node ${edge.source} has several ports (${normal.join(', ')})`
  errors.push({ nodeId: edge.source, pointer, reason })
  return null
}
