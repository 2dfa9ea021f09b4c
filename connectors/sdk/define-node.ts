/**
 * The node SDK: one node type = one module exporting
 * `defineNode({ manifest, prepare?, run, perform?, resume?, compensate? })`.
 * The manifest (JSON) feeds the palette, the config form and the runtime validator. `run` decides what
 * a node does when a run reaches it, `resume` what it does when what it waits for happens; both are
 * pure: they say what should happen (go on, wait, call, fail) as data, and the engine does it durably.
 * `perform` is the one place a connector does I/O: the engine calls it after the step committed.
 */
import type { FromSchema, JSONSchema } from 'json-schema-to-ts'
import type { NodeManifest } from '../../schemas/generated/node-manifest.ts'
import type { RetryPolicy } from '../../schemas/generated/workflow.ts'
import type { Order, Status, Exception, HealthScore } from '../../schemas/generated/order.ts'
import type { PerformContext } from './perform.ts'

export type { NodeManifest, RetryPolicy }

/** A change a node asks for on the run's order; the shell applies it in the step's transaction. */
export interface OrderPatch {
  status?: Status
  addTags?: string[]
  removeTags?: string[]
  /** null clears the assignment */
  assignedTeam?: string | null
  addHold?: { pool: string; reason?: string }
  releaseHold?: string
  exception?: Exception | null
  healthScore?: HealthScore | null
}

/** Go on: along `port` (omitted for a node's single port), with an output, order changes and variables. */
export interface NextStep {
  port?: string
  /** Recorded as the step's output and passed as the next nodes' input. */
  output?: unknown
  orderPatch?: OrderPatch
  /** Run variables to set (shallow merge). */
  variables?: Record<string, unknown>
  /** flow.end: finish the whole run now, dropping other branches. */
  endRun?: boolean
  /** Messages to send as the node goes on (an escalation's last step). */
  notify?: Notification[]
  /** Child runs to start without waiting for them (a for-each that goes on at once). */
  children?: ChildRunsRequest
}

/** Why a timer is set: shown to operators and counted in metrics. */
export type TimerPurpose = 'retry' | 'wait' | 'deadline' | 'reminder' | 'escalation'

/** Who a task is for: user names (token names) and roles. */
export interface Assignees { users: string[]; roles: string[] }

/** How many of a task's assignees must approve it. */
export type Quorum = { kind: 'any' } | { kind: 'all' } | { kind: 'at-least'; count: number }

/** Task priorities, lowest first. */
export type TaskPriority = 'low' | 'normal' | 'high' | 'urgent'

/** A task for people, as a waiting node asks for it. `key` names it within its node visit. */
export interface TaskRequest {
  key: string
  title: string
  assignees: Assignees
  quorum: Quorum
  priority: TaskPriority
  /** Which level of a sequence this is (1 for a single level) and its name ("Team lead"). */
  level: number
  levelName?: string
  /** JSON Schema of the answers approvers fill in. */
  form?: Record<string, unknown>
  /** Must approvers write a comment? */
  commentRequired?: boolean
  /** People who may not act on it (who started the run or last changed the order, when self-approval is forbidden). */
  excluded?: string[]
  dueAt?: number
}

/**
 * A connector a message also goes out through (email, IM, SMS), prepared once per workflow version
 * by `tools.prepareChannel`: the connector's `run` builds the call with the message as its input.
 */
export interface PreparedChannel {
  type: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any connector's module
  module: NodeModule<any, any>
  config: unknown
}

/** A message to people (a reminder, an escalation): the inbox and the live event stream carry it, and its channels. */
export interface Notification {
  key: string
  /** Connectors it also goes out through (each a detached call: the run does not wait for it). */
  via?: readonly PreparedChannel[]
  kind: 'task' | 'reminder' | 'escalation' | 'notice'
  to: Assignees
  title: string
  message?: string
  priority: TaskPriority
  /** The task it is about (a key of this node visit's tasks), if any. */
  taskKey?: string
}

/** Work outside the interpreter: the shell performs it after the step commits and feeds back the result. */
export interface ActivityRequest {
  /** The connector (node type) or built-in performer (`ordo.find-orders`) that performs it; the node's own type when omitted. */
  performer?: string
  /** Plain JSON, kept with the activity: every retry and every repeat after a crash sends this very request. */
  request: unknown
  /** The call's deadline (the manifest's `activity.timeoutMs`, else 30 s, when omitted). */
  timeoutMs?: number
  /** How often to try (a config's "retries"); the node's retry policy, else the manifest's, when omitted. */
  retry?: RetryPolicy
}

/** Child runs a node starts: one per item, at most `concurrency` at a time. */
export interface ChildRunsRequest {
  workflowId: string
  /** One child per item; an item that is an order id (or has `id`) becomes the child's order. */
  items: unknown[]
  concurrency: number
  /** Pass each item to its child as this variable. */
  itemVariable: string
  /** Variables every child gets besides its item. */
  variables?: Record<string, unknown>
  /** Resume the node when every child has finished (else it goes on at once). */
  awaitAll: boolean
}

/**
 * What a waiting node waits for: any part wakes its `resume`. Each time the node waits again it
 * says the whole wait anew; the engine sets up what is new (timers, tasks, subscriptions) and takes
 * down what is gone, in the same transaction.
 */
export interface Wait {
  /** Named timers: each fires a `timer` event with its name. */
  timers?: Record<string, { at: number; purpose: TimerPurpose }>
  /** A signal by name, sent for the run's order (POST /api/orders/:id/signals). */
  signal?: string
  /** Resume on every change of the run's order (the node checks whether it is the change it waits for). */
  orderChange?: boolean
  /** Tasks for people, by key. */
  tasks?: TaskRequest[]
  /** Messages to send now (not kept as part of the wait). */
  notify?: Notification[]
  /** One outside call (connectors), or a built-in one (find orders). */
  activity?: ActivityRequest
  /** Child runs to start (for-each, sub-workflow). */
  children?: ChildRunsRequest
  /** The node's own bookkeeping, handed back to `resume` (levels approved so far, outcomes...). */
  state?: unknown
  /** What the wait is, for people: "signal address_confirmed", "approval by team lead". */
  label: string
  /** When it gives up, if ever (the timer named `timeout`/`deadline`), for the designer. */
  until?: number
}

/** A node failed: `retryable` failures go through the node's retry policy, others straight to its error port. */
export interface NodeFailure { error: string; retryable: boolean }

/** What one execution of a node decided. */
export type NodeResult = { next: NextStep } | { wait: Wait } | { fail: NodeFailure }

/** What woke a waiting node. */
export type ResumeEvent =
  | { kind: 'timer'; name: string; purpose: TimerPurpose }
  | { kind: 'signal'; name: string; data: unknown }
  | { kind: 'order-changed' }
  | { kind: 'task-completed'; taskKey: string; decision: 'approve' | 'reject'; by: string[]; comment: string | null; data: Record<string, unknown> | null }
  | { kind: 'activity-result'; ok: boolean; response?: unknown; error?: string; permanent?: boolean; errorClass?: string; attempts?: number }
  | { kind: 'children-finished'; outcomes: Array<{ item: unknown; runId: string; status: string; variables: Record<string, unknown> }> }

/** Everything a node may read while it runs. There is no I/O and no clock but `now`. */
export interface NodeContext<Prepared> {
  config: Prepared
  node: { id: string; type: string; name?: string }
  runId: string
  /** Output of the step that led here (for a join: the outputs of every arriving branch, by edge id). */
  input: unknown
  /** The order as it stands now (read afresh before a resume), null for runs without an order. */
  order: Order | null
  variables: Readonly<Record<string, unknown>>
  /** UTC epoch ms */
  now: number
  /** 1 for the first attempt of this visit */
  attempt: number
  /** runId:nodeId:visit, the same for every attempt of one visit */
  idempotencyKey: string
  /** Who started the run by hand (a user's token name), null when an event or a schedule did. */
  startedBy: string | null
  /** Who last changed the order through the API (a user's token name), null when a platform or a run did. */
  orderChangedBy?: string | null
  /** In `resume` only: the wait the node is in, with its own state, and when it began waiting. */
  waiting?: { state: unknown; since: number }
}

/** Helpers available while a config is prepared, once per workflow version. */
export interface PrepareTools {
  /** Compiles a JsonLogic rule once; the function throws on a runtime rule error (e.g. division by zero). */
  compileRule(rule: unknown): (data: unknown) => unknown
  /**
   * Checks and prepares the config of a connector a message goes out through (`via` a node type such
   * as notify.im); throws a ConfigError under `pointer` (the channel's place in this node's config).
   */
  prepareChannel?(via: string, config: unknown, pointer: string): PreparedChannel
}

/** What a finished connector step leaves for `compensate`: the response its call got. */
export interface CompensateContext<Prepared> extends NodeContext<Prepared> {
  response: unknown
}

/** A node type. `Config` is the JSON config; `Prepared` what `prepare` turns it into (compiled rules...). */
export interface NodeModule<Config = Record<string, unknown>, Prepared = Config> {
  manifest: NodeManifest
  /** Runs once per workflow version; throw (a ConfigError names the field) for a config the schema cannot catch. */
  prepare?(config: Config, tools: PrepareTools): Prepared
  /** Executes the node. Throwing is a retryable failure: the retry policy, then the error port, then an incident. */
  run(ctx: NodeContext<Prepared>): NodeResult
  /**
   * Performs the outside call `run` asked for with `call(request)`: after commit, at least once, with
   * the same idempotency key across retries and restarts. Return the response (plain JSON); throw a
   * PermanentError for "never" (the error port at once), anything else for "try again" (the node's
   * retry policy, then the error port).
   */
  perform?(request: never, ctx: PerformContext<Config>): Promise<unknown>
  /**
   * Called when something the node waits for happens; a node that never waits has none. A connector
   * without one goes on along `ok` with the response as its output, or fails to its error port.
   */
  resume?(ctx: NodeContext<Prepared> & { waiting: { state: unknown; since: number } }, event: ResumeEvent): NodeResult
  /**
   * The call that undoes what this node's call did (cancel the ship notice), when the run is
   * cancelled after the node succeeded; null when there is nothing to undo. Pure, like `run`: the
   * engine performs the returned request with this module's `perform`, newest step first.
   */
  compensate?(ctx: CompensateContext<Prepared>): ActivityRequest | null
}

/** The config type a manifest's JSON Schema describes (declare the manifest inline or `as const`). */
export type ConfigOf<M> = M extends { configSchema: infer S }
  // The engine does not fill in defaults: a field with a default may still be absent.
  ? (S extends JSONSchema ? FromSchema<S, { keepDefaultedPropertiesOptional: true }> : Record<string, unknown>)
  : Record<string, unknown>

/**
 * Declares a node type. With the manifest written inline, the config's type is derived from its
 * JSON Schema; `defineNode<Config, Prepared>(...)` names the types instead.
 */
export function defineNode<const M extends NodeManifest, Prepared = ConfigOf<M>>(
  module: NodeModule<ConfigOf<M>, Prepared> & { manifest: M },
): NodeModule<ConfigOf<M>, Prepared>
export function defineNode<Config = Record<string, unknown>, Prepared = Config>(module: NodeModule<Config, Prepared>): NodeModule<Config, Prepared>
export function defineNode(module: NodeModule<unknown, unknown>): NodeModule<unknown, unknown> {
  return module
}

/** Shorthand results, so a node reads as what it decides: `return next({ port: 'true' })`. */
export const next = (step: NextStep = {}): NodeResult => ({ next: step })
export const wait = (w: Wait): NodeResult => ({ wait: w })
export const fail = (error: string, retryable = false): NodeResult => ({ fail: { error, retryable } })
/** Asks the engine to `perform` this request (plain JSON) with the node's own connector, and to resume the node with the response. */
export const call = (request: unknown, options: { label?: string; timeoutMs?: number; retry?: RetryPolicy } = {}): NodeResult => ({
  wait: {
    activity: { request, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}), ...(options.retry ? { retry: options.retry } : {}) },
    label: options.label ?? 'calling out',
  },
})
