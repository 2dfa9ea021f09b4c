/**
 * Helpers for the interpreter's tests: a registry of the built-in nodes plus a few test-only node
 * types (flaky, failing, pausing), a compact definition builder, and `runUntilRest`, which steps a
 * run with the very loop production uses (runSteps, with its order patches applied the same way).
 */
import { defineNode, next, type NodeModule } from '../../connectors/sdk/define-node.ts'
import type { Order } from '../../schemas/generated/order.ts'
import type { Edge, Node, WorkflowDefinition } from '../../schemas/generated/workflow.ts'
import { builtinNodeTypes as builtinNodes } from '../../engine/runtime/node-catalog.ts'
import { advance, type RunEvent } from '../../engine/core/advance.ts'
import type { Effect } from '../../engine/core/effects.ts'
import { createRegistry, type AnyNodeModule } from '../../engine/core/registry.ts'
import type { RunState } from '../../engine/core/run-state.ts'
import type { PreparedWorkflow } from '../../engine/core/prepare-workflow.ts'
import { runSteps } from '../../engine/runtime/run-steps.ts'
import { safePatchOrder } from '../../engine/runtime/safe-patch-order.ts'

const openConfig = { type: 'object', additionalProperties: false, properties: {} }

/** test.flaky: throws while the attempt is below `vars.succeedOnAttempt`; outputs the attempt. */
export const flakyNode = defineNode({
  manifest: {
    type: 'test.flaky', title: 'Flaky', description: 'Fails until an attempt', category: 'connector', inputs: 1,
    outputs: [{ name: 'out' }, { name: 'error', errorPort: true }], configSchema: openConfig,
  },
  run(ctx) {
    const succeedOn = Number(ctx.variables.succeedOnAttempt ?? Infinity)
    if (ctx.attempt < succeedOn) throw new Error(`attempt ${ctx.attempt} failed`)
    return next({ output: { attempt: ctx.attempt, key: ctx.idempotencyKey } })
  },
})

/** test.pause: waits for the signal "go", then passes its input through; loops through it validate. */
export const pauseNode = defineNode({
  manifest: {
    type: 'test.pause', title: 'Pause', description: 'Waits for the signal go', category: 'time', inputs: 1, waits: true,
    outputs: [{ name: 'out' }], configSchema: openConfig,
  },
  run() {
    return { wait: { signal: 'go', label: 'signal go' } }
  },
  resume(ctx) {
    return next({ output: ctx.input })
  },
})

/** test.throw-value: throws a non-Error value, as badly written connectors do. */
export const throwValueNode: NodeModule = defineNode({
  manifest: {
    type: 'test.throw-value', title: 'Throw', description: 'Throws a string', category: 'connector', inputs: 1,
    outputs: [{ name: 'out' }], configSchema: openConfig,
  },
  run() {
    throw 'connector exploded'
  },
})

/** The registry tests run against. */
export const testRegistry = createRegistry([...builtinNodes, flakyNode, pauseNode, throwValueNode as AnyNodeModule])

/** A node at a generated position; `config` and `retry` optional. */
export function node(id: string, type: string, config?: Record<string, unknown>, extra: Partial<Node> = {}): Node {
  return { id, type, position: { x: 0, y: 0 }, ...(config ? { config } : {}), ...extra }
}

/** An edge "source[:handle]>target" with id e<index> unless given. */
export function edges(...specs: string[]): Edge[] {
  return specs.map((spec, i) => {
    const [from, target] = spec.split('>')
    const [source, sourceHandle] = from.split(':')
    return { id: `e${i}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) }
  })
}

/** A workflow definition from nodes and edges. */
export function workflow(nodes: Node[], edgeList: Edge[], variables?: Record<string, unknown>): WorkflowDefinition {
  return { id: 'test-flow', name: 'Test flow', version: 1, nodes, edges: edgeList, ...(variables ? { variables } : {}) }
}

/** Everything a run did until it came to rest. */
export interface RunTrace {
  state: RunState
  effects: Effect[]
  order: Order | null
}

/**
 * Applies `event`, then steps while a token is ready with production's loop (runSteps), applying
 * order patches between steps as the shell does. Throws if the run does not come to rest within
 * `maxSteps` (a runaway loop).
 */
export function runUntilRest(
  prepared: PreparedWorkflow, state: RunState, now: number, order: Order | null, event?: RunEvent, maxSteps = 200,
): RunTrace {
  const effects: Effect[] = []
  let current = state
  let currentOrder = order
  if (event) {
    const r = advance(prepared, current, event, now, currentOrder)
    current = r.state
    effects.push(...r.effects)
    for (const effect of r.effects) {
      if (effect.kind === 'patch-order' && currentOrder) currentOrder = safePatchOrder(currentOrder, effect.patch, now).order
    }
  }
  const stepped = runSteps(prepared, current, currentOrder, now, { maxSteps })
  if (stepped.more) throw new Error(`run did not come to rest in ${maxSteps} steps`)
  return { state: stepped.state, effects: [...effects, ...stepped.effects], order: stepped.order }
}

/** The record-step effects among `effects`. */
export function stepsOf(effects: Effect[]): Extract<Effect, { kind: 'record-step' }>['step'][] {
  return effects.flatMap((e) => (e.kind === 'record-step' ? [e.step] : []))
}
