/** The data every rule in a workflow reads: the order, the run variables and the step's input. */
import type { NodeContext } from '../../connectors/sdk/define-node.ts'
import type { Order } from '../../schemas/generated/order.ts'

/** What `{"var": "order.totalAmount"}`, `{"var": "vars.score"}` and `{"var": "input.x"}` look into. */
export interface RuleData {
  order: Order | null
  vars: Readonly<Record<string, unknown>>
  input: unknown
}

/** Builds the rule data of one node execution. */
export function ruleData(ctx: Pick<NodeContext<unknown>, 'order' | 'variables' | 'input'>): RuleData {
  return { order: ctx.order, vars: ctx.variables, input: ctx.input }
}
