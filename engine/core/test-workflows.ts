/**
 * Helpers for the interpreter's tests: a registry of the built-in nodes plus a few test-only node
 * types (flaky, failing, pausing), a compact definition builder, and a pure "shell" that steps a
 * run to rest while applying its order patches the way the runtime does.
 */
import { defineNode, type NodeModule } from '../../connectors/sdk/define-node.ts'
import type { Order } from '../../schemas/generated/order.ts'
import type { Edge, Node, WorkflowDefinition } from '../../schemas/generated/workflow.ts'
import { builtinNodes } from '../nodes/index.ts'
import { advance, nextReadyToken, type RunEvent } from './advance.ts'
import type { Effect } from './effects.ts'
import { patchOrder } from './order-patch.ts'
import { createRegistry, type AnyNodeModule } from './registry.ts'
import type { RunState } from './run-state.ts'
import type { PreparedWorkflow } from './prepare-workflow.ts'

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
    return { output: { attempt: ctx.attempt, key: ctx.idempotencyKey } }
  },
})

/** test.pause: a node that declares it waits, so loops through it validate; passes input through. */
export const pauseNode = defineNode({
  manifest: {
    type: 'test.pause', title: 'Pause', description: 'Waits', category: 'time', inputs: 1, waits: true,
    outputs: [{ name: 'out' }], configSchema: openConfig,
  },
  run(ctx) {
    return { output: ctx.input }
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
 * Applies `event`, then steps while a token is ready, applying order patches in between as the
 * shell does. Throws if the run does not come to rest within `maxSteps` (a runaway loop).
 */
export function runUntilRest(
  prepared: PreparedWorkflow, state: RunState, now: number, order: Order | null, event?: RunEvent, maxSteps = 200,
): RunTrace {
  const effects: Effect[] = []
  let current = state
  let currentOrder = order
  const apply = (e: RunEvent) => {
    const r = advance(prepared, current, e, now, currentOrder)
    current = r.state
    effects.push(...r.effects)
    for (const effect of r.effects) {
      if (effect.kind === 'patch-order' && currentOrder) currentOrder = patchOrder(currentOrder, effect.patch, now).order
    }
  }
  if (event) apply(event)
  for (let i = 0; nextReadyToken(current); i++) {
    if (i === maxSteps) throw new Error(`run did not come to rest in ${maxSteps} steps`)
    apply({ kind: 'step' })
  }
  return { state: current, effects, order: currentOrder }
}

/** The record-step effects among `effects`. */
export function stepsOf(effects: Effect[]): Extract<Effect, { kind: 'record-step' }>['step'][] {
  return effects.flatMap((e) => (e.kind === 'record-step' ? [e.step] : []))
}
