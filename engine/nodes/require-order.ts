/** Order nodes act on the run's order; a run started without one cannot execute them. */
import type { NodeContext } from '../../connectors/sdk/define-node.ts'
import type { Order } from '../../schemas/generated/order.ts'

/** Returns the run's order or throws an Error naming the node type (the run then takes its error path). */
export function requireOrder(ctx: NodeContext<unknown>): Order {
  if (!ctx.order) throw new Error(`${ctx.node.type} needs an order, but run ${ctx.runId} has none`)
  return ctx.order
}
