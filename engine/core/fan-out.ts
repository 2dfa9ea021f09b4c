/**
 * How many tokens one run can bring to each node: every edge leaving the port a node takes carries
 * a token, so parallel splits without joins multiply a run's branches. Validation warns where that
 * count first passes FAN_OUT_WARNING; the interpreter parks a run that really holds MAX_LIVE_TOKENS.
 */
import { findCycles } from './graph.ts'

/** Tokens per run arriving at one node above which validation warns. */
export const FAN_OUT_WARNING = 64

/** An edge as the analysis needs it: from a node's port to a node. */
export interface PortEdge { source: string; port: string; target: string }

/**
 * The nodes where one run's branches first exceed `threshold` (not every node after them), with the
 * number of branches that can arrive there. Counted over the graph without its cycles (a cycle goes
 * through a wait, so it does not multiply tokens within one stretch of the run). A token takes one
 * port of a node and goes along every edge of that port, so per token the worst port counts, not the
 * sum of alternatives (a condition's two branches that meet again double nothing); a join turns the
 * tokens of its k incoming edges into one.
 */
export function fanOutHotspots(nodeIds: readonly string[], trigger: string, edges: readonly PortEdge[], joins: ReadonlySet<string>, threshold = FAN_OUT_WARNING): Map<string, number> {
  const inCycle = new Map<string, number>()
  findCycles(nodeIds, adjacency(edges)).forEach((cycle, i) => { for (const id of cycle) inCycle.set(id, i) })
  const acyclic = edges.filter((e) => inCycle.get(e.source) === undefined || inCycle.get(e.source) !== inCycle.get(e.target))

  const ports = new Map<string, Map<string, string[]>>()
  const incoming = new Map<string, number>()
  const parents = new Map<string, string[]>()
  for (const e of acyclic) {
    const byPort = ports.get(e.source) ?? new Map<string, string[]>()
    byPort.set(e.port, [...(byPort.get(e.port) ?? []), e.target])
    ports.set(e.source, byPort)
    incoming.set(e.target, (incoming.get(e.target) ?? 0) + 1)
    parents.set(e.target, [...(parents.get(e.target) ?? []), e.source])
  }
  const passOn = (n: string) => (joins.has(n) ? 1 / Math.max(1, incoming.get(n) ?? 1) : 1)
  const order = topologicalOrder(nodeIds, acyclic)

  // A cheap upper bound first (each target weighted by its busiest port, summed over targets): a
  // node under it cannot be a hotspot, which spares the exact count for almost every node.
  const bound = new Map<string, number>([[trigger, 1]])
  for (const n of order) {
    const here = bound.get(n) ?? 0
    if (here === 0) continue
    const weight = new Map<string, number>()
    for (const targets of ports.get(n)?.values() ?? []) {
      const perTarget = new Map<string, number>()
      for (const t of targets) perTarget.set(t, (perTarget.get(t) ?? 0) + 1)
      for (const [t, k] of perTarget) weight.set(t, Math.max(weight.get(t) ?? 0, k))
    }
    for (const [t, w] of weight) bound.set(t, (bound.get(t) ?? 0) + here * passOn(n) * w)
  }

  const candidates = order.filter((x) => (bound.get(x) ?? 0) > threshold)
  if (candidates.length === 0) return new Map()
  const arrivals = exactArrivals(candidates, trigger, order, ports, passOn)
  const hot = new Map<string, number>()
  const downstreamOfHot = new Set<string>()
  for (const [i, x] of candidates.entries()) {
    if (arrivals[i] <= threshold || downstreamOfHot.has(x)) continue
    hot.set(x, arrivals[i])
    for (const d of descendants(x, ports)) downstreamOfHot.add(d)
  }
  return hot
}

/**
 * Tokens arriving per run at each of `targets`, worst port per token. reach(n)[x] is the tokens
 * arriving at target x per token entering n, computed from the sinks up as one vector per node, so
 * every target is counted in one pass over the graph (edges × targets additions).
 */
function exactArrivals(
  targets: readonly string[], trigger: string, order: readonly string[],
  ports: ReadonlyMap<string, Map<string, string[]>>, passOn: (n: string) => number,
): Float64Array {
  const width = targets.length
  const position = new Map(order.map((n, i) => [n, i]))
  const targetIndex = new Map(targets.map((t, i) => [t, i]))
  // One flat table, a row per node: no allocation per node or port.
  const reach = new Float64Array(order.length * width)
  const sum = new Float64Array(width)
  const best = new Float64Array(width)
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]
    best.fill(0)
    for (const list of ports.get(n)?.values() ?? []) {
      sum.fill(0)
      for (const t of list) {
        const row = (position.get(t) as number) * width
        for (let k = 0; k < width; k++) sum[k] += reach[row + k]
      }
      for (let k = 0; k < width; k++) if (sum[k] > best[k]) best[k] = sum[k]
    }
    const factor = passOn(n)
    const row = i * width
    for (let k = 0; k < width; k++) reach[row + k] = best[k] * factor
    const self = targetIndex.get(n)
    if (self !== undefined) reach[row + self] = 1
  }
  const start = position.get(trigger)
  return start === undefined ? new Float64Array(width) : reach.slice(start * width, (start + 1) * width)
}

function descendants(start: string, ports: ReadonlyMap<string, Map<string, string[]>>): Set<string> {
  const seen = new Set<string>()
  const stack = [start]
  while (stack.length > 0) {
    for (const targets of ports.get(stack.pop() as string)?.values() ?? []) {
      for (const t of targets) if (!seen.has(t)) { seen.add(t); stack.push(t) }
    }
  }
  return seen
}

/** Kahn's order of the nodes over acyclic edges (nodes no edge reaches come first). */
function topologicalOrder(nodeIds: readonly string[], edges: readonly PortEdge[]): string[] {
  const indegree = new Map<string, number>(nodeIds.map((id) => [id, 0]))
  const next = adjacency(edges)
  for (const e of edges) indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1)
  const ready = nodeIds.filter((id) => indegree.get(id) === 0)
  const order: string[] = []
  while (ready.length > 0) {
    const id = ready.pop() as string
    order.push(id)
    for (const t of next.get(id) ?? []) {
      const left = (indegree.get(t) ?? 0) - 1
      indegree.set(t, left)
      if (left === 0) ready.push(t)
    }
  }
  return order
}

function adjacency(edges: readonly PortEdge[]): Map<string, string[]> {
  const next = new Map<string, string[]>()
  for (const e of edges) next.set(e.source, [...(next.get(e.source) ?? []), e.target])
  return next
}
