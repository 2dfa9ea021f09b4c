/**
 * flow.join bookkeeping, kept in RunState.joins: the branches that arrived so far at each join,
 * by incoming edge id. Pure: returns new maps.
 */

/** A join's prepared config. */
export interface JoinSettings {
  /** all: fire when every incoming edge has arrived; any: fire on the first, drop the later ones. */
  mode: 'all' | 'any'
}

/** The node type id the interpreter treats as a join. */
export const JOIN_NODE_TYPE = 'flow.join'

/** What an arrival did: the new bookkeeping, and the join's input if the join fires now. */
export interface JoinArrival {
  joins: Record<string, Record<string, unknown>>
  fire: Record<string, unknown> | null
}

/**
 * Records a branch's output arriving at a join over `edgeId`. In `any` mode the first arrival fires
 * and the arrivals are kept until every branch is in, so the stragglers of that round are dropped;
 * an edge arriving twice means a new round (a loop came back).
 */
export function arriveAtJoin(
  joins: Record<string, Record<string, unknown>>,
  joinId: string,
  edgeId: string,
  value: unknown,
  incomingEdgeIds: readonly string[],
  settings: JoinSettings,
): JoinArrival {
  const previous = joins[joinId] ?? {}
  const newRound = edgeId in previous
  const arrived = newRound ? { [edgeId]: value } : { ...previous, [edgeId]: value }
  const complete = incomingEdgeIds.every((id) => id in arrived)
  const rest = { ...joins }
  delete rest[joinId]

  if (settings.mode === 'any') {
    const fires = newRound || Object.keys(previous).length === 0
    const kept = complete ? rest : { ...rest, [joinId]: arrived }
    return { joins: kept, fire: fires ? { [edgeId]: value } : null }
  }
  if (complete) return { joins: rest, fire: arrived }
  return { joins: { ...rest, [joinId]: arrived }, fire: null }
}
