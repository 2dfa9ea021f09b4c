/** The history entry a run's change to an order leaves: what changed, from what, to what, by which step. */
import type { Order } from '../../schemas/generated/order.ts'
import type { PatchOutcome } from './order-patch.ts'
import type { PlannedOrderEvent } from '../store/store.ts'

/**
 * The `patched` entry for a patch that went from `before` to `result.order` (revision given by the
 * caller): its detail names the changed fields and their values before and after (an absent value
 * is null), and the step's key. A name in `changed` that is no field (status_conflict) has no values.
 */
export function patchedEvent(before: Order, result: PatchOutcome, source: string, idempotencyKey: string, at: number, revision: number): PlannedOrderEvent {
  const was: Record<string, unknown> = {}
  const now: Record<string, unknown> = {}
  for (const field of result.changed) {
    if (!(field in before) && !(field in result.order)) continue
    was[field] = (before as unknown as Record<string, unknown>)[field] ?? null
    now[field] = (result.order as unknown as Record<string, unknown>)[field] ?? null
  }
  return {
    kind: 'patched', revision, fromStatus: result.fromStatus, toStatus: result.toStatus, source, at,
    detail: { changed: result.changed, idempotencyKey, before: was, after: now }, idempotencyKey,
  }
}
