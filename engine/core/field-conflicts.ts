/**
 * Which order fields a flow writes, on which order events it starts, and where two flows would
 * fight over one field: both start on the same event and set the same field to different values,
 * so the order ends up with whichever ran last. Read from node types and configs alone (a trigger
 * filter may keep the two apart in practice: these are warnings, not errors). Tags are additive and
 * never conflict.
 */
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'

/** An order field a node sets; `holds` is per pool. */
export type WrittenField = 'assignedTeam' | 'status' | 'holds' | 'exception'

/** One node's write: the field, the hold pool for `holds`, and the value (undefined: decided at run time). */
export interface FieldWrite { field: WrittenField; pool?: string; value?: unknown; nodeId: string; nodeName?: string }

/** Two flows setting one field on one event (this flow's node, and the other flow's). */
export interface FieldConflict {
  field: WrittenField
  /** The hold pool, when the field is `holds`. */
  pool?: string
  event: string
  otherWorkflowId: string
  otherWorkflowName: string
  nodeId: string
  nodeName?: string
  otherNodeId: string
  otherNodeName?: string
  /** What each node sets (a team, a status, "hold" or "release"); absent when only a run can tell. */
  value?: unknown
  otherValue?: unknown
}

type NodeLike = { id?: unknown; type?: unknown; name?: unknown; config?: unknown }

/** What each node type writes, from its config; types not listed write no field that can conflict. */
const WRITERS: Record<string, (config: Record<string, unknown>) => Omit<FieldWrite, 'nodeId' | 'nodeName'> | null> = {
  'order.assign': (c) => ({ field: 'assignedTeam', value: c.team }),
  'order.update-status': (c) => ({ field: 'status', value: c.status }),
  'order.hold': (c) => (typeof c.pool === 'string' ? { field: 'holds', pool: c.pool, value: c.release === true ? 'release' : 'hold' } : null),
  // Planned classifiers decide the exception from the order: what they set is known only when they run.
  'rule.classify-exception': () => ({ field: 'exception' }),
}

function nodesOf(def: unknown): NodeLike[] {
  const nodes = (def as { nodes?: unknown } | null)?.nodes
  return Array.isArray(nodes) ? nodes.filter((n): n is NodeLike => n !== null && typeof n === 'object') : []
}

/** The order fields a definition's nodes write (tolerates a draft that does not pass the schema yet). */
export function fieldWritesOf(def: unknown): FieldWrite[] {
  const out: FieldWrite[] = []
  for (const node of nodesOf(def)) {
    const writer = typeof node.type === 'string' ? WRITERS[node.type] : undefined
    if (!writer || typeof node.id !== 'string') continue
    const config = node.config && typeof node.config === 'object' ? node.config as Record<string, unknown> : {}
    const write = writer(config)
    if (write) out.push({ ...write, nodeId: node.id, ...(typeof node.name === 'string' && node.name ? { nodeName: node.name } : {}) })
  }
  return out
}

/** The order events a definition starts on (its trigger.order-event's `events`); none for a manual flow. */
export function triggerEventsOf(def: unknown): string[] {
  const events = new Set<string>()
  for (const node of nodesOf(def)) {
    if (node.type !== 'trigger.order-event') continue
    const list = (node.config as { events?: unknown } | undefined)?.events
    if (Array.isArray(list)) for (const e of list) if (typeof e === 'string') events.add(e)
  }
  return [...events]
}

/** Same field, same pool, and values that may differ (two flows setting one team agree). */
function fights(a: FieldWrite, b: FieldWrite): boolean {
  if (a.field !== b.field || a.pool !== b.pool) return false
  if (a.value === undefined || b.value === undefined) return true
  return a.value !== b.value
}

/**
 * Every place where `def` and one of `others` (other workflows, e.g. the latest published version
 * of each) start on the same event and set the same field to different values; `others` with
 * `def`'s id are skipped. Sorted by other workflow, event, field.
 */
export function findFieldConflicts(def: unknown, others: readonly WorkflowDefinition[]): FieldConflict[] {
  const ownId = (def as { id?: unknown } | null)?.id
  const events = triggerEventsOf(def)
  const writes = fieldWritesOf(def)
  if (events.length === 0 || writes.length === 0) return []
  const out: FieldConflict[] = []
  for (const other of others) {
    if (other.id === ownId) continue
    const shared = triggerEventsOf(other).filter((e) => events.includes(e))
    if (shared.length === 0) continue
    const otherWrites = fieldWritesOf(other)
    for (const event of shared) {
      for (const mine of writes) {
        for (const theirs of otherWrites) {
          if (!fights(mine, theirs)) continue
          out.push({
            field: mine.field, ...(mine.pool !== undefined ? { pool: mine.pool } : {}), event,
            otherWorkflowId: other.id, otherWorkflowName: other.name,
            nodeId: mine.nodeId, ...(mine.nodeName ? { nodeName: mine.nodeName } : {}),
            otherNodeId: theirs.nodeId, ...(theirs.nodeName ? { otherNodeName: theirs.nodeName } : {}),
            ...(mine.value !== undefined ? { value: mine.value } : {}), ...(theirs.value !== undefined ? { otherValue: theirs.value } : {}),
          })
        }
      }
    }
  }
  return out.sort((a, b) => a.otherWorkflowId.localeCompare(b.otherWorkflowId) || a.event.localeCompare(b.event) || a.field.localeCompare(b.field) || a.nodeId.localeCompare(b.nodeId))
}
