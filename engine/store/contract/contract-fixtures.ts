/**
 * Small pure stand-ins for what the engine passes a Store (ingest planner, order patcher) and
 * builders of test rows. They are deliberately simple: the contract tests the store, not the core.
 */
import type { Order } from '../../../schemas/generated/order.ts'
import type { OrderInput } from '../../../schemas/generated/order-input.ts'
import type { WorkflowDefinition } from '../../../schemas/generated/workflow.ts'
import type { RunState } from '../../core/run-state.ts'
import type { StepEffect } from '../../core/effects.ts'
import type { IngestPlan, IngestPlanner, NewRun, OrderPatcher, Store } from '../store.ts'

/** 2024-05-01T00:00:00Z: the contract's fixed "now". */
export const T0 = Date.UTC(2024, 4, 1)

/** Returns the store of the running test (the suite makes a fresh one per test). */
export type StoreRef = () => Store

/** ISO string `minutes` after T0. */
export function isoAt(minutes: number): string {
  return new Date(T0 + minutes * 60_000).toISOString()
}

/** A valid order input; `updatedAt` defaults to T0. */
export function orderInput(overrides: Partial<OrderInput> = {}): OrderInput {
  return {
    platform: 'shopify', platformOrderId: '1001', status: 'paid', totalAmount: 12900, currency: 'CNY',
    items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 12900 }], createdAt: isoAt(0), updatedAt: isoAt(0), ...overrides,
  }
}

/** A run state with defaults (running, no order). */
export function runState(overrides: Partial<RunState> & { runId: string }): RunState {
  return {
    workflowId: 'wf-1', version: 1, orderId: null, status: 'running', tokens: [], visits: {}, joins: {}, variables: {},
    incident: null, nextTokenSeq: 1, startedAt: T0, updatedAt: T0, finishedAt: null, ...overrides,
  }
}

/** A manual run to create. */
export function newRun(state: RunState, triggerKey = `manual:${state.runId}`): NewRun {
  return { state, trigger: { kind: 'manual', by: 'tester' }, triggerKey }
}

/** A record-step effect for attempt `attempt` of visit `visit`. */
export function stepEffect(runId: string, nodeId: string, visit: number, attempt: number,
  overrides: Partial<StepEffect['step']> = {}): StepEffect {
  const idempotencyKey = `${runId}:${nodeId}:${visit}`
  return {
    kind: 'record-step',
    step: {
      id: `${idempotencyKey}:${attempt}`, runId, nodeId, nodeType: 'rule.set', visit, attempt, idempotencyKey,
      status: 'completed', port: null, input: { n: attempt }, output: { ok: true }, error: null,
      startedAt: T0 + attempt, finishedAt: T0 + attempt + 1, ...overrides,
    },
  }
}

/** A minimal workflow definition. */
export function workflowDef(id: string, name = `Workflow ${id}`): WorkflowDefinition {
  return { id, name, nodes: [{ id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } }], edges: [] }
}

function toOrder(input: OrderInput, id: string, existing: Order | null): Order {
  return {
    id, platform: input.platform, platformOrderId: input.platformOrderId, status: input.status,
    totalAmount: input.totalAmount, currency: input.currency, customer: input.customer ?? {},
    shippingAddress: input.shippingAddress ?? {}, items: input.items, payment: input.payment ?? {},
    presale: input.presale ?? false, tags: input.tags ?? [], assignedTeam: existing?.assignedTeam ?? null,
    holds: existing?.holds ?? [], exception: input.exception ?? null, healthScore: existing?.healthScore ?? null,
    createdAt: input.createdAt, updatedAt: input.updatedAt,
  }
}

function changedFields(before: Order, after: Order): string[] {
  return (Object.keys(after) as Array<keyof Order>).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
}

/** How `makePlanner` plans: which runs to start and how to name things. */
export interface PlannerOptions {
  /** Workflows each created/updated order starts. */
  workflowIds?: string[]
  /** Trigger key of a run; by default one per (workflow, order, revision). */
  triggerKey?: (workflowId: string, order: Order, revision: number) => string
  /** Id proposed for a new order; by default derived from platform and platformOrderId. */
  newId?: (input: OrderInput) => string
  /** Copies the raw payload into the order's `raw` field, as the engine does. */
  keepRaw?: boolean
}

/**
 * A pure planner like the engine's: an older update is recorded as stale_ignored, an identical one
 * is unchanged, anything else creates or updates; created/updated orders start `workflowIds`.
 */
export function makePlanner(options: PlannerOptions = {}): IngestPlanner {
  const { workflowIds = [], triggerKey = (wf, order, revision) => `${wf}:${order.id}:${revision}` } = options
  const newId = options.newId ?? ((input: OrderInput) => `ord-${input.platform}-${input.platformOrderId}`)
  const withRaw = (order: Order, raw: unknown): Order =>
    options.keepRaw && raw !== null && typeof raw === 'object' ? { ...order, raw: raw as Order['raw'] } : order
  return (existing, input, raw): IngestPlan => {
    const at = Date.parse(input.updatedAt)
    const runs = (event: string, order: Order, revision: number): NewRun[] => workflowIds.map((wf) => ({
      state: runState({ runId: `run-${wf}-${order.id}-${revision}`, workflowId: wf, orderId: order.id, startedAt: at, updatedAt: at }),
      trigger: { kind: 'order-event', event, revision },
      triggerKey: triggerKey(wf, order, revision),
    }))
    if (!existing) {
      const order = withRaw(toOrder(input, newId(input), null), raw)
      return {
        outcome: 'created', order, revision: 1, runs: runs('created', order, 1), changedBy: null,
        events: [{ kind: 'created', revision: 1, fromStatus: null, toStatus: order.status, source: 'api', at, detail: {} }],
      }
    }
    const before = existing.order
    if (at < Date.parse(before.updatedAt)) {
      return {
        outcome: 'unchanged', revision: existing.revision, runs: [], changedBy: null,
        events: [{ kind: 'stale_ignored', revision: existing.revision, fromStatus: before.status, toStatus: input.status, source: 'api', at, detail: {} }],
      }
    }
    const order = { ...withRaw(toOrder(input, newId(input), before), raw), id: before.id }
    const changed = changedFields(before, order)
    if (changed.length === 0) return { outcome: 'unchanged', revision: existing.revision, events: [], runs: [], changedBy: null }
    const kind = before.status === order.status ? 'updated' : 'status_changed'
    const revision = existing.revision + 1
    return {
      outcome: 'updated', order, revision, runs: runs(kind, order, revision), changedBy: null,
      events: [{ kind, revision, fromStatus: before.status, toStatus: order.status, source: 'api', at, detail: { changed } }],
    }
  }
}

/** A pure patcher covering status, tags, team, holds and exception; it stamps updatedAt when something changed. */
export const patchOrder: OrderPatcher = (order, patch, now) => {
  const next: Order = { ...order }
  const changed: string[] = []
  if (patch.status !== undefined && patch.status !== order.status) { next.status = patch.status; changed.push('status') }
  if (patch.addTags || patch.removeTags) {
    const remove = new Set(patch.removeTags ?? [])
    const tags = [...new Set([...order.tags, ...(patch.addTags ?? [])])].filter((t) => !remove.has(t))
    if (JSON.stringify(tags) !== JSON.stringify(order.tags)) { next.tags = tags; changed.push('tags') }
  }
  if (patch.assignedTeam !== undefined && patch.assignedTeam !== order.assignedTeam) {
    next.assignedTeam = patch.assignedTeam
    changed.push('assignedTeam')
  }
  if (patch.exception !== undefined && JSON.stringify(patch.exception) !== JSON.stringify(order.exception)) {
    next.exception = patch.exception
    changed.push('exception')
  }
  if (patch.addHold) {
    // Not idempotent on purpose: a hold is appended each time the patch is applied.
    next.holds = [...order.holds, { ...patch.addHold, at: new Date(now).toISOString() }]
    changed.push('holds')
  }
  if (changed.length > 0) next.updatedAt = new Date(now).toISOString()
  return { order: next, changed, fromStatus: order.status, toStatus: next.status }
}
