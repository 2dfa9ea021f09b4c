/**
 * The one table of legal order status moves. Workflow nodes check it before changing a status, the
 * order patcher enforces it, and ingest uses `statusRank` so a late, older event never moves an
 * order backwards.
 */
import type { Status } from '../../schemas/generated/order.ts'

/** Every status, in the order of an order's life. */
export const ORDER_STATUSES: readonly Status[] = [
  'pending_payment', 'paid', 'partially_shipped', 'shipped', 'delivered', 'completed', 'refunding', 'refunded', 'cancelled',
]

/** Legal moves from each status. */
const MOVES: Readonly<Record<Status, readonly Status[]>> = {
  pending_payment: ['paid', 'cancelled'],
  paid: ['partially_shipped', 'shipped', 'refunding', 'cancelled'],
  partially_shipped: ['shipped', 'refunding'],
  shipped: ['delivered', 'refunding'],
  delivered: ['completed', 'refunding'],
  completed: ['refunding'],
  // A rejected refund puts the order back where it stood before the refund was requested.
  refunding: ['refunded', 'paid', 'partially_shipped', 'shipped', 'delivered', 'completed'],
  refunded: [],
  cancelled: [],
}

/** True when an order may move from `from` to `to`; staying in the same status is not a move. */
export function canMoveStatus(from: Status, to: Status): boolean {
  return MOVES[from].includes(to)
}

/** The statuses an order may move to from `from`. */
export function nextStatuses(from: Status): readonly Status[] {
  return MOVES[from]
}

/** True for statuses no order leaves (refunded, cancelled). */
export function isTerminalStatus(status: Status): boolean {
  return MOVES[status].length === 0
}

/**
 * How far along its life an order is: a higher rank is later. Refunding ranks after completed because
 * a refund can start from any shipped state; the two terminal statuses rank last.
 */
export const statusRank: Readonly<Record<Status, number>> = {
  pending_payment: 0,
  paid: 1,
  partially_shipped: 2,
  shipped: 3,
  delivered: 4,
  completed: 5,
  refunding: 6,
  refunded: 7,
  cancelled: 7,
}
