/** The order patcher the shell hands the store at commit time. */
import type { OrderPatcher } from '../store/store.ts'
import { patchOrder } from '../core/order-patch.ts'
import { canMoveStatus } from '../core/order-state-machine.ts'

/**
 * Applies a node's order patch at commit time. The order may have moved on since the node ran (the
 * platform cancelled it): a status move that is no longer legal is dropped and reported as
 * `status_conflict`, never allowed to fail the commit of other runs.
 */
export const safePatchOrder: OrderPatcher = (order, patch, now) => {
  if (patch.status === undefined || patch.status === order.status || canMoveStatus(order.status, patch.status)) return patchOrder(order, patch, now)
  const { status: _noLongerLegal, ...rest } = patch
  const result = patchOrder(order, rest, now)
  return { ...result, changed: [...result.changed, 'status_conflict'] }
}
