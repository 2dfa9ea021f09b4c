/** Runs one node module in isolation for its tests: prepares its config like the engine does, then runs it. */
import type { NextStep, NodeContext, NodeResult } from '../../connectors/sdk/define-node.ts'
import type { AnyNodeModule } from '../../engine/core/registry.ts'
import { compileRule } from '../../engine/core/json-logic.ts'
import { makeOrder } from './orders.ts'

/** Prepares `config` with the module's `prepare` (if any) and runs the module once. */
export function runNode(module: AnyNodeModule, config: Record<string, unknown>, ctx: Partial<Omit<NodeContext<unknown>, 'config'>> = {}): NodeResult {
  const prepare = module.prepare as ((c: unknown, t: { compileRule: typeof compileRule }) => unknown) | undefined
  const prepared = prepare ? prepare(config, { compileRule }) : config
  const run = module.run as (c: NodeContext<unknown>) => NodeResult
  return run({
    config: prepared,
    node: { id: 'n1', type: module.manifest.type },
    runId: 'r1',
    input: null,
    order: makeOrder(),
    variables: {},
    now: Date.UTC(2025, 0, 1),
    attempt: 1,
    idempotencyKey: 'r1:n1:1',
    startedBy: null,
    ...ctx,
  })
}

/** runNode for a node that goes on: its next step (throws when it waited or failed instead). */
export function runNodeNext(module: AnyNodeModule, config: Record<string, unknown>, ctx: Partial<Omit<NodeContext<unknown>, 'config'>> = {}): NextStep {
  const result = runNode(module, config, ctx)
  if (!('next' in result)) throw new Error(`expected the node to go on, but it returned ${JSON.stringify(result)}`)
  return result.next
}
