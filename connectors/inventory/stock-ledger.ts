/**
 * What the inventory nodes share. They work on Ordo's own stock ledger, not on an outside system:
 * the engine performs them as built-in performers (engine/runtime/stock-performers.ts), which hand
 * their `perform` the store beside the usual context, and logs no outside call for them.
 */
import type { PerformContext } from '../sdk/perform.ts'
import { PermanentError } from '../sdk/errors.ts'
import type { Order } from '../../schemas/generated/order.ts'
import type { StockCause, Store } from '../../engine/store/store.ts'

/** A SKU as config fields take it: the merchant's code as order items carry it, without leading or trailing spaces. */
export const SKU_FIELD = { type: 'string', minLength: 1, maxLength: 128, pattern: '^\\S(.*\\S)?$' } as const

/** The store of the engine performing the node. */
export function stockStoreOf(ctx: PerformContext): Store {
  const store = (ctx as PerformContext & { store?: Store }).store
  if (!store) throw new PermanentError(`${ctx.node.type} works on Ordo's stock ledger: only Ordo's engine can perform it`)
  return store
}

/** The order, run and step a movement is booked against. */
export function causeOf(ctx: PerformContext, orderId: string | null): StockCause {
  return { idempotencyKey: ctx.idempotencyKey, orderId, runId: ctx.runId, source: `run:${ctx.runId}:${ctx.node.id}` }
}

/** Units per SKU of an order's items (a SKU on two lines counts once, summed). */
export function orderLines(order: Order): Array<{ sku: string; quantity: number }> {
  const bySku = new Map<string, number>()
  for (const item of order.items) bySku.set(item.sku, (bySku.get(item.sku) ?? 0) + item.quantity)
  return [...bySku].map(([sku, quantity]) => ({ sku, quantity }))
}
