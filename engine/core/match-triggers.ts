/**
 * Does an order event start a workflow? Decided from the trigger node's prepared config: the event
 * kinds it listens to and its compiled filter. A filter that fails is a non-match, never a crash of ingest.
 */
import type { Order, Status } from '../../schemas/generated/order.ts'
import type { CompiledRule } from './json-logic.ts'
import { isTruthy } from './json-logic.ts'
import type { PreparedWorkflow } from './prepare-workflow.ts'

/** The order changes a workflow can start on. */
export type OrderEventKind = 'created' | 'updated' | 'status_changed'

/** An order change as triggers see it; statuses are null where they do not apply (a creation has no from). */
export interface OrderEvent {
  kind: OrderEventKind
  fromStatus: Status | null
  toStatus: Status | null
}

/** The prepared config of a trigger.order-event node. */
export interface OrderEventTrigger {
  events: OrderEventKind[]
  filter: CompiledRule | null
}

/** The node type whose triggers order events start. */
export const ORDER_EVENT_TRIGGER_TYPE = 'trigger.order-event'

/** True when `event` on `order` starts `prepared`; false for other trigger types and for a failing filter. */
export function matchTriggers(prepared: PreparedWorkflow, event: OrderEvent, order: Order): boolean {
  const trigger = prepared.nodes.get(prepared.triggerNodeId)
  if (!trigger || trigger.type !== ORDER_EVENT_TRIGGER_TYPE) return false
  const config = trigger.config as OrderEventTrigger
  if (!config.events.includes(event.kind)) return false
  if (config.filter === null) return true
  try {
    return isTruthy(config.filter({ order, event }))
  } catch {
    // A rule error on this order (e.g. division by zero) means the workflow does not apply to it.
    return false
  }
}
