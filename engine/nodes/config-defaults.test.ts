/**
 * A config without the fields its schema gives a default for runs as if they were set: each node
 * applies the default itself (`config.priority ?? 'normal'`). The designer relies on it: its config
 * forms show the defaults but store only what the operator set.
 */
import { describe, expect, it } from 'vitest'
import type { NodeContext, NodeResult } from '../../connectors/sdk/define-node.ts'
import { sampleOrder } from '../../connectors/sdk/testing.ts'
import { checkWorkflow } from '../core/validate-workflow.ts'
import { createRegistry } from '../core/registry.ts'
import { builtinNodeTypes } from '../runtime/node-catalog.ts'
import { everyNodeFlow } from '../../test/support/every-node-flow.ts'
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'

type Schema = { properties?: Record<string, Schema & { default?: unknown }> }

const registry = createRegistry(builtinNodeTypes)
const schemaOf = (type: string) => registry.get(type)!.manifest.configSchema as Schema
const order = sampleOrder({ totalAmount: 650000 })

/** The config with every top-level default of its schema written out, as the designer's form shows it. */
function withDefaults(type: string, config: Record<string, unknown> | undefined): Record<string, unknown> {
  const out = { ...config }
  for (const [key, prop] of Object.entries(schemaOf(type).properties ?? {})) if (out[key] === undefined && prop.default !== undefined) out[key] = structuredClone(prop.default)
  return out
}

/**
 * What each node makes of its config, as JSON: for a node that waits or calls out, what it runs on an
 * order (a connector renders its request there, an approval its task, a search its query); for any
 * other, what it prepares (a join's mode, which the engine reads).
 */
function behaviour(def: WorkflowDefinition): Record<string, unknown> {
  const { configs, errors } = checkWorkflow(def, registry)
  expect(errors.filter((e) => !['manual', 'schedule'].includes(e.nodeId ?? ''))).toEqual([])
  return Object.fromEntries(def.nodes.map((n) => {
    const node = registry.get(n.type)!
    const prepared = configs.get(n.id)
    if (!node.manifest.waits) return [n.id, JSON.parse(JSON.stringify({ prepared: prepared ?? null }))]
    const ctx = {
      config: prepared, node: { id: n.id, type: n.type }, runId: 'run_1', input: null, order, variables: {}, now: Date.UTC(2026, 10, 20, 2),
      attempt: 1, idempotencyKey: `run_1:${n.id}:1`, startedBy: null, orderChangedBy: null,
    } as NodeContext<unknown>
    return [n.id, JSON.parse(JSON.stringify({ run: (node.module.run as (c: NodeContext<unknown>) => NodeResult)(ctx) }))]
  }))
}

describe('config defaults', () => {
  const flow = everyNodeFlow()
  const defaulted = flow.nodes.filter((n) => Object.values(schemaOf(n.type).properties ?? {}).some((p) => p.default !== undefined))

  it('the every-node flow leaves out the defaults of each node type that has some', () => {
    expect(defaulted.map((n) => n.type).sort()).toEqual([
      'flow.for-each', 'flow.join', 'http.request', 'human.approval', 'inventory.release', 'notify.email', 'notify.im', 'notify.sms', 'order.find', 'platform.pull-orders', 'publish.rabbitmq', 'publish.webhook',
    ])
    for (const n of defaulted) expect(withDefaults(n.type, n.config), n.type).not.toEqual(n.config ?? {})
  })

  it('each node prepares and runs a config without its defaults exactly as one with them written out', () => {
    const full = structuredClone(flow)
    for (const n of full.nodes) n.config = withDefaults(n.type, n.config)
    const without = behaviour(flow)
    expect(without).toEqual(behaviour(full))
    // The approval the designer used to mark unsaved: its task is of normal priority without one set.
    expect((without.approve as { run: { wait: { tasks: Array<{ priority: string }> } } }).run.wait.tasks[0].priority).toBe('normal')
    expect(JSON.stringify(without.wms)).toContain('"method":"POST"')
  })
})
