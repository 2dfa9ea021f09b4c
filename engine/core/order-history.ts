/** The history entry a run's change to an order leaves: what changed, from what, to what, by which step. */
import type { Order } from '../../schemas/generated/order.ts'
import type { PatchOutcome } from './order-patch.ts'
import type { PlannedOrderEvent } from '../store/store.ts'

/** The fields a patch can change, as the history shows their values. */
const SHOWN = ['status', 'tags', 'assignedTeam', 'holds', 'exception', 'healthScore'] as const

/**
 * The `patched` entry for a patch that went from `before` to `result.order` (revision given by the
 * caller): its detail names the changed fields with their old and new values and the step's key.
 */
export function patchedEvent(before: Order, result: PatchOutcome, source: string, idempotencyKey: string, at: number, revision: number): PlannedOrderEvent {
  const values: Record<string, { from: unknown; to: unknown }> = {}
  for (const field of SHOWN) if (result.changed.includes(field)) values[field] = { from: before[field] ?? null, to: result.order[field] ?? null }
  return {
    kind: 'patched', revision, fromStatus: result.fromStatus, toStatus: result.toStatus, source, at,
    detail: { changed: result.changed, idempotencyKey, values }, idempotencyKey,
  }
}
