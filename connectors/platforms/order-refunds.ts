/**
 * How refunds read on an order: the platforms report them per line (Taobao, Douyin) or per order
 * (Pinduoduo); Ordo has one status and one payment status. A refund under way is a status
 * (`refunding`); a refund done is `refunded` when it covers every line, else only the payment says
 * so (`partially_refunded`), the order going on where it stood.
 */
import type { Payment, Status } from '../../schemas/generated/order.ts'

/** Where the refund of one line (or of a whole order) stands. */
export type RefundState = 'none' | 'open' | 'refunded'

/** The statuses a refund can start from: the buyer has paid. */
const REFUNDABLE: ReadonlySet<Status> = new Set(['paid', 'partially_shipped', 'shipped', 'delivered', 'completed'])

/** The status and payment status of an order in `status` (paid or not) whose lines' refunds stand at `refunds`. */
export function withRefunds(status: Status, paid: boolean, refunds: readonly RefundState[]): { status: Status; paymentStatus: NonNullable<Payment['status']> } {
  const refunded = refunds.filter((r) => r === 'refunded').length
  const whole = refunds.length > 0 && refunded === refunds.length
  const paymentStatus = !paid ? 'unpaid' : whole || status === 'refunded' ? 'refunded' : refunded > 0 ? 'partially_refunded' : 'paid'
  if (!REFUNDABLE.has(status)) return { status, paymentStatus }
  if (refunds.includes('open')) return { status: 'refunding', paymentStatus }
  return { status: whole ? 'refunded' : status, paymentStatus }
}
