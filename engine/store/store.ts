/**
 * The Store: everything the engine persists, behind one async interface so that SQLite (embedded)
 * and PostgreSQL (scale-out) pass the same contract suite (engine/store/store-contract.ts).
 * Times are UTC epoch ms. Every method that writes is one transaction.
 */
import type { RetrySettings } from '../core/retry-policy.ts'
import type { Order, Platform, Status } from '../../schemas/generated/order.ts'
import type { OrderInput } from '../../schemas/generated/order-input.ts'
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'
import type { RunState } from '../core/run-state.ts'
import type { Effect, StepEffect, TaskRecord } from '../core/effects.ts'
import type { WakeEvent } from '../core/advance.ts'
import type { Assignees, OrderPatch, TaskPriority } from '../../connectors/sdk/define-node.ts'
import type { ShopPlatform, ShopPushStatus } from '../../schemas/generated/shop.ts'

/** What a token may do; admin may do everything. */
export type Role = 'admin' | 'designer' | 'operator' | 'approver'

/** An order with the bookkeeping the store keeps beside it. */
export interface StoredOrder {
  order: Order
  /** Increments with every change; (orderId, revision) names one order event. */
  revision: number
  /** The person (token name) whose API call last changed the order; null when a platform or a run did. */
  changedBy?: string | null
}

/** One entry of an order's append-only history. */
export interface OrderEvent {
  id: number
  orderId: string
  revision: number
  /** created | updated | status_changed | patched | stale_ignored */
  kind: string
  fromStatus: Status | null
  toStatus: Status | null
  /** "api:<tokenName>", "run:<runId>:<nodeId>:<visit>"; later "webhook:<platform>", "operator:<tokenName>" */
  source: string
  at: number
  /** what changed (field names), tags added, etc. */
  detail: Record<string, unknown>
}

/** A run to create, with its initial state. */
export interface NewRun {
  state: RunState
  trigger: { kind: 'order-event' | 'manual' | 'schedule' | 'child'; event?: string; revision?: number; by?: string; tick?: number; parentRunId?: string }
  /** Unique: "<workflowId>:<orderId>:<revision>" for order events, so an event starts a workflow once. */
  triggerKey: string
  /**
   * Effects of steps already taken when the run was created (executed inline at ingest), applied in
   * the same transaction right after the run row, as `commitTransitions` applies them; `state` is
   * then the state after those steps. Skipped with the run when its triggerKey already exists.
   */
  effects?: Effect[]
}

/**
 * Decides what ingesting one order means given what is stored: the whole plan, which the store then
 * only writes. Called by the store inside its transaction with the current row (or null), so the
 * decision and the write see the same order.
 */
export type IngestPlanner = (existing: StoredOrder | null, input: OrderInput, raw: unknown) => IngestPlan

/** A history entry a plan appends: its revision given, and an idempotency key for a run's patch. */
export type PlannedOrderEvent = Omit<OrderEvent, 'id' | 'orderId'> & { idempotencyKey?: string }

/** The whole of ingesting one order, decided before anything is written. */
export interface IngestPlan {
  outcome: 'created' | 'updated' | 'unchanged'
  /** The order to store, with its final id and the changes of the runs already stepped (absent when unchanged). */
  order?: Order
  /** The order's revision once the plan is written (the stored one when unchanged). */
  revision: number
  /** History to append, in order. */
  events: PlannedOrderEvent[]
  /**
   * Runs to create, each in the state its inline steps left it, with their effects; their order
   * changes are already in `order` and `events`, so no effect here patches the order.
   */
  runs: NewRun[]
  /** The person (token name) whose call changed the order, when it was a person's. */
  changedBy: string | null
}

/** What ingesting one order did, in request order. */
export interface IngestResult {
  id: string
  platform: Platform
  platformOrderId: string
  outcome: 'created' | 'updated' | 'unchanged'
  /** ids of the runs created by this ingest */
  runIds: string[]
  /** Runs this ingest queued events for (they wait on an order it changed): the same list on every result of a batch. */
  woken?: string[]
}

/** Filters and paging of an order listing. */
export interface OrderFilter {
  status?: Status
  platform?: Platform
  tag?: string
  exception?: string
  /** only orders whose updatedAt is older than this epoch ms */
  updatedBefore?: number
  limit: number
  /** opaque cursor from a previous page */
  cursor?: string
}

/** One page of a keyset-paged listing; `nextCursor` is null on the last page. */
export interface Page<T> { items: T[]; nextCursor: string | null }

/** Values orders use that flows must match exactly (a team queue, a hold pool...), each distinct and sorted. */
export interface OrderValues { teams: string[]; pools: string[]; tags: string[]; exceptionTypes: string[] }

/** A workflow and its editable draft. */
export interface WorkflowRow {
  id: string
  name: string
  draft: WorkflowDefinition
  /** bumps on every draft save (optimistic concurrency) */
  draftRevision: number
  latestVersion: number | null
  createdAt: number
  updatedAt: number
}

/** One immutable published version of a workflow. */
export interface WorkflowVersionRow {
  workflowId: string
  version: number
  definition: WorkflowDefinition
  publishedAt: number
  publishedBy: string
}

/** A run as stored: its state and what started it. */
export interface RunRow {
  state: RunState
  trigger: NewRun['trigger']
}

/** One recorded attempt of one node. */
export interface StepRow extends Omit<StepEffect['step'], 'status'> {
  status: StepEffect['step']['status']
}

/**
 * One visit of a run to a node, all its attempts together: from the first attempt's start to the
 * last one's finish, so retry back-off counts as time spent there.
 */
export interface NodeVisitTime { nodeId: string; startedAt: number; finishedAt: number; attempts: number; failedAttempts: number }

/** Filters and paging of a run listing. */
export interface RunFilter {
  workflowId?: string
  orderId?: string
  status?: RunState['status']
  limit: number
  cursor?: string
}

/** A due time that wakes a run (a retry backoff). */
export interface TimerRow { id: string; runId: string; tokenId: string; dueAt: number; purpose: string }

/** One step transition (or a few of one run) to commit atomically: the new state and its effects. */
export interface TransitionCommit {
  state: RunState
  effects: Effect[]
}

/** Applies an order patch purely; the store calls it inside the transaction. */
export type OrderPatcher = (order: Order, patch: OrderPatch, now: number) => { order: Order; changed: string[]; fromStatus: Status; toStatus: Status }

/** One approver's decision on a task. */
export interface TaskVote { by: string; decision: 'approve' | 'reject'; comment: string | null; data: Record<string, unknown> | null; at: number }

/** A task as stored: what its node asked for, and what people did with it. */
export interface TaskRow extends TaskRecord {
  status: 'open' | 'completed' | 'expired' | 'cancelled'
  votes: TaskVote[]
  claimedBy: string | null
  updatedAt: number
  completedAt: number | null
  completedBy: string[] | null
  decision: 'approve' | 'reject' | null
  comment: string | null
  data: Record<string, unknown> | null
}

/** Filters of a task listing; `actor` keeps the tasks that user (by name) or role may act on (null: all). */
export interface TaskFilter {
  status?: TaskRow['status']
  priority?: TaskPriority
  workflowId?: string
  orderId?: string
  actor?: { name: string; role: string } | null
  limit: number
  cursor?: string
}

/** What acting on an open task does: the votes it now has, and the decision once its quorum is reached. */
export interface TaskAction { votes: TaskVote[]; decision: 'approve' | 'reject' | null; claimedBy?: string | null }

/** A message to people, as the inbox lists it. */
export interface NotificationRow {
  id: string; runId: string; nodeId: string; taskId: string | null; kind: 'task' | 'reminder' | 'escalation' | 'notice'
  to: Assignees; title: string; message: string | null; priority: TaskPriority; at: number
}

/** Outside work waiting to be performed. */
export interface ActivityRow {
  id: string; runId: string
  /** The token waiting for it; null for a detached call (an undo, a reminder by IM) nobody waits for. */
  tokenId: string | null
  nodeId: string; performer: string; request: unknown
  idempotencyKey: string; attempt: number; timeoutMs: number
  /** How often it is tried and how long apart (the node's retry policy). */
  retry: RetrySettings
  /** Tries begun so far (claims), a crashed one included. */
  tries: number
  status: 'pending' | 'done' | 'cancelled'
  nextTryAt: number
  lastError: string | null
  errorClass: string | null
  createdAt: number
}

/** An activity taken for one try. */
export interface ClaimedActivity extends ActivityRow {
  /** Tries of its idempotency key so far, this one included: the attempt number `perform` is told. */
  keyAttempt: number
}

/** One outside call as the integration log keeps it (activities and deliveries alike). */
export interface IntegrationEntry {
  at: number
  /** The node type, or subscription.webhook / subscription.rabbitmq for a delivery. */
  connector: string
  endpoint: string
  method?: string
  statusCode?: number
  latencyMs: number
  errorClass?: string
  error?: string
  attempt: number
  idempotencyKey: string
  runId?: string
  nodeId?: string
  activityId?: string
  subscriptionId?: string
  eventId?: string
  orderId?: string
}

/** A logged outside call, as read back. */
export interface IntegrationLogRow {
  id: number; at: number; connector: string; endpoint: string; method: string | null; statusCode: number | null; latencyMs: number
  errorClass: string | null; error: string | null; attempt: number; idempotencyKey: string; runId: string | null; nodeId: string | null
  activityId: string | null; subscriptionId: string | null; eventId: string | null; orderId: string | null
}

/** Which logged calls to list; `errorClass` also takes `ok` (successes) and `failed` (any failure). */
export interface IntegrationFilter {
  connector?: string; runId?: string; orderId?: string; subscriptionId?: string; idempotencyKey?: string
  errorClass?: string; since?: number; until?: number; limit: number; cursor?: string
}

/** One connector's figures over one window ending now. */
export interface IntegrationHealthWindow {
  windowMs: number; calls: number; failed: number; errorRate: number; errors: Record<string, number>; p50Ms: number | null; p99Ms: number | null
}

/** One connector's health: its windows, its last call and its last failure. */
export interface IntegrationHealthRow {
  connector: string
  windows: IntegrationHealthWindow[]
  lastAt: number | null
  lastFailure: { at: number; errorClass: string; error: string | null } | null
}

/** A sealed secret. */
export interface SecretRow { name: string; sealed: Buffer; createdAt: number; updatedAt: number; updatedBy: string }

/** A shop as stored: its credentials sealed, its health as last recorded. */
export interface ShopRow {
  id: string
  platform: ShopPlatform
  name: string
  enabled: boolean
  /** The credentials as JSON, sealed by the secret vault with the shop's id bound in. */
  sealedCredentials: Buffer
  createdAt: number
  updatedAt: number
  health: ShopHealthState
}

/** What a shop's health keeps across restarts (UTC epoch ms). */
export interface ShopHealthState {
  lastPushAt: number | null
  lastMessageAt: number | null
  lastPullAt: number | null
  lagMs: number | null
  lastError: { at: number; message: string; code?: string } | null
}

/** A change to a shop's health: counts for its minute, and the latest times and error. */
export interface ShopHealthDelta {
  at: number
  events?: number
  errors?: number
  rejected?: number
  lastPushAt?: number
  lastMessageAt?: number
  lastPullAt?: number
  lagMs?: number
  error?: { message: string; code?: string }
}

/** A shop's counts over a recent window, and its pushes waiting to be processed. */
export interface ShopHealthCounts { events: number; errors: number; rejected: number; pending: number }

/** A push (HTTP webhook) or a long-connection message, as its shop's inbox keeps it. */
export interface ShopPushRow {
  id: number
  shopId: string
  kind: 'push' | 'message'
  dedupeKey: string
  body: Buffer
  headers: Record<string, string>
  receivedAt: number
  status: ShopPushStatus
  attempts: number
  nextTryAt: number | null
  error: string | null
  processedAt: number | null
}

/** How one try at a push ended: its new status, and when a 'received' push is tried again. */
export interface ShopPushOutcome {
  status: ShopPushStatus
  error: string | null
  nextTryAt: number | null
}

/** Where a subscription's events go. The webhook's signing secret and the broker's URL are sealed apart. */
export type SubscriptionTarget =
  | { kind: 'webhook'; url: string }
  | { kind: 'rabbitmq'; exchange: string; routingKey?: string; /** the URL with its password masked, for people */ displayUrl: string }

/** A subscription to order events. `sealedSecret` holds the whsec_ secret (webhook) or the amqp URL (RabbitMQ). */
export interface EventSubscriptionRow {
  id: string; name: string; events: string[]; filter: unknown; target: SubscriptionTarget; sealedSecret: Buffer | null; createdAt: number; createdBy: string
}

/** One event for one subscription. */
export interface OutboxRow {
  id: number; subscriptionId: string; orderId: string; eventId: string; revision: number; kind: string; payload: string
  status: 'pending' | 'delivered' | 'dead'; attempts: number; nextTryAt: number; lastError: string | null; lastStatus: number | null
  createdAt: number; deliveredAt: number | null
}

/** An outbox row taken for one delivery try; `attempts` counts this one. */
export type OutboxDelivery = OutboxRow

/** How one delivery try ended. */
export interface OutboxOutcome {
  id: number
  outcome: 'delivered' | 'retry' | 'dead'
  statusCode?: number
  error?: string
  nextTryAt?: number
  log?: IntegrationEntry
}

/** A subscription's backlog. */
export interface SubscriptionStats { pending: number; dead: number; oldestPendingAt: number | null; lastDeliveredAt: number | null }

/** An event queued for a run, with the id its applying transition claims. */
export interface StoredRunEvent { id: number; runId: string; event: WakeEvent; at: number }

/** A group of child runs with children still queued, and how many run now. */
export interface ChildGroupRow {
  id: string; parentRunId: string; workflowId: string; orderId: string | null; concurrency: number
  itemVariable: string; variables: Record<string, unknown>; running: number
}

/** A queued child of a group. */
export interface QueuedChild { groupId: string; idx: number; item: unknown }

/** A published workflow's schedule: its cron, zone and next tick (epoch ms). */
export interface ScheduleRow { workflowId: string; version: number; cron: string; timeZone: string; nextAt: number; lastTick: number | null }

/** What a commit did beyond itself: the runs it queued events for (to wake them now). */
export interface CommitOutcome { woken: string[] }

/** An API token without its secret (only its hash is stored). */
export interface TokenRow { id: string; name: string; role: Role; createdAt: number; revokedAt: number | null }

/** Who did what to which target, and when. */
export interface AuditEntry { id: number; at: number; actor: string; action: string; target: string; detail: Record<string, unknown> }

export interface Store {
  readonly kind: 'sqlite' | 'postgres'
  close(): Promise<void>

  // Orders
  /** Writes the plan of each order of a batch in one transaction, in input order; returns one result each. */
  ingestOrders(batch: Array<{ input: OrderInput; raw: unknown }>, plan: IngestPlanner, now: number): Promise<IngestResult[]>
  getOrder(id: string): Promise<StoredOrder | null>
  listOrders(filter: OrderFilter): Promise<Page<Order>>
  orderHistory(orderId: string): Promise<OrderEvent[]>
  /**
   * The values orders use, distinct, sorted, at most `limit` of each: tags and exception types of all
   * orders, teams and hold pools of the `recentOrders` most recently updated ones (nothing indexes
   * those, and a scan of every order would grow with the pool).
   */
  orderValues(limit: number, recentOrders: number): Promise<OrderValues>

  // Workflows
  /** Throws ConflictError when the id exists. */
  createWorkflow(def: WorkflowDefinition, now: number): Promise<WorkflowRow>
  getWorkflow(id: string): Promise<WorkflowRow | null>
  listWorkflows(): Promise<WorkflowRow[]>
  /** Throws NotFoundError / ConflictError (expectedRevision mismatch). */
  updateDraft(id: string, def: WorkflowDefinition, now: number, expectedRevision?: number): Promise<WorkflowRow>
  /** Stores `def` as version latest+1 (immutable) and returns it. */
  publishVersion(id: string, def: WorkflowDefinition, now: number, by: string): Promise<WorkflowVersionRow>
  listVersions(id: string): Promise<WorkflowVersionRow[]>
  getVersion(id: string, version: number): Promise<WorkflowVersionRow | null>
  /** The latest published version of every workflow (what new order events start). */
  latestVersions(): Promise<WorkflowVersionRow[]>

  // Runs
  /** Creates runs (skipping triggerKey duplicates); returns the ids created. */
  createRuns(runs: NewRun[]): Promise<string[]>
  getRun(id: string): Promise<RunRow | null>
  listRuns(filter: RunFilter): Promise<Page<RunRow>>
  listSteps(runId: string): Promise<StepRow[]>
  /** The node visits of a workflow's `runLimit` most recent runs (any version), and how many runs those are. */
  nodeVisitTimes(workflowId: string, runLimit: number): Promise<{ runs: number; visits: NodeVisitTime[] }>
  /** Runs whose status is running (to resume after a restart). */
  activeRunIds(): Promise<string[]>
  /**
   * Commits step transitions of one or more runs in one transaction. Saving a run's state ends its
   * turn; `settledTurns` ends, in the same transaction, the turns of runs that had nothing to save.
   */
  commitTransitions(commits: TransitionCommit[], patchOrder: OrderPatcher, now: number, settledTurns?: readonly string[]): Promise<CommitOutcome>
  /**
   * Counts, durably and before any work, a turn begun for each run; returns per run the turns begun
   * since its state was last saved (1 after a clean history). Unknown runs are left out.
   */
  beginTurns(runIds: readonly string[]): Promise<Map<string, number>>
  /** Timers due at or before `now`, oldest first. */
  dueTimers(now: number, limit: number): Promise<TimerRow[]>
  nextTimerDue(): Promise<number | null>

  // Waiting
  /** Events queued for these runs, oldest first (each applied once: its transition claims it). */
  pendingRunEvents(runIds: readonly string[]): Promise<Map<string, StoredRunEvent[]>>
  /** Runs that have queued events, oldest event first (to wake after a restart). */
  runsWithPendingEvents(limit: number): Promise<string[]>
  /** Queues a signal for every run waiting on it for this order; returns those runs (none when nobody waits: nothing is kept). */
  deliverSignal(orderId: string, name: string, data: unknown, now: number): Promise<string[]>
  getTask(id: string): Promise<TaskRow | null>
  listTasks(filter: TaskFilter): Promise<Page<TaskRow>>
  countOpenTasks(actor: { name: string; role: string } | null): Promise<number>
  /**
   * Acts on a task in one transaction: `act` sees the task as stored (throw to refuse), returns its
   * votes and decision; a decision completes the task and queues a task-completed event for its run.
   */
  actOnTask(id: string, act: (task: TaskRow) => TaskAction, now: number): Promise<{ task: TaskRow; woken: string[] }>
  listNotifications(actor: { name: string; role: string } | null, limit: number, cursor?: string): Promise<Page<NotificationRow>>
  /**
   * Activities due now (pending, their next try due), oldest first: at most `limit`, and at most
   * `room(performer)` of a connector's (0 for one at its concurrency limit: its rows are not read).
   */
  dueActivities(now: number, limit: number, room?: (performer: string) => number): Promise<ActivityRow[]>
  /** Takes each activity for one try until its lease ends; returns those taken (another process may have taken some). */
  claimActivities(leases: ReadonlyArray<{ id: string; until: number }>, now: number): Promise<ClaimedActivity[]>
  /**
   * Records an activity's result, its calls in the integration log and, when a run waits for it, the
   * result as the run's event, in one transaction; the run's id, or null when it was no longer pending
   * (cancelled, done) or nobody waits for it.
   */
  finishActivity(id: string, result: Extract<WakeEvent, { kind: 'activity-result' }>, calls: readonly IntegrationEntry[], now: number): Promise<string | null>
  /** Puts a failed try back for another at `nextTryAt`, its calls logged. */
  retryActivity(id: string, nextTryAt: number, failure: { error: string; errorClass: string }, calls: readonly IntegrationEntry[], now: number): Promise<void>
  /** Frees the activities a crashed process held, when this process is the store's only user (SQLite); 0 otherwise. */
  releaseActivityLeases(): Promise<number>
  /** When the next pending activity may be tried, or null. */
  nextActivityAt(): Promise<number | null>
  /** Logged calls, newest first. */
  integrationLog(filter: IntegrationFilter): Promise<Page<IntegrationLogRow>>
  /** Per connector: calls, failures and latency quantiles in each window ending at `now`. */
  integrationHealth(now: number, windowsMs: readonly number[]): Promise<IntegrationHealthRow[]>
  /** Creates or replaces a sealed secret; true when it is new. */
  putSecret(secret: { name: string; sealed: Buffer; by: string }, now: number): Promise<boolean>
  getSecret(name: string): Promise<SecretRow | null>
  /** Every secret's name and dates, by name. */
  listSecrets(): Promise<Array<Omit<SecretRow, 'sealed'>>>
  /** Deletes a secret; false when there was none. */
  deleteSecret(name: string): Promise<boolean>
  createEventSubscription(row: Omit<EventSubscriptionRow, 'createdAt' | 'createdBy'>, now: number, by: string): Promise<EventSubscriptionRow>
  /** Active subscriptions, oldest first. */
  listEventSubscriptions(): Promise<EventSubscriptionRow[]>
  getEventSubscription(id: string): Promise<EventSubscriptionRow | null>
  /** Ends a subscription and drops what it had not delivered; false when there was none. */
  deleteEventSubscription(id: string, now: number): Promise<boolean>
  /** Takes the heads of due (subscription, order) queues for one try each. */
  claimOutboxHeads(now: number, limit: number, leaseUntil: number): Promise<OutboxDelivery[]>
  /** Records how delivery tries ended, with their integration log entries, in one transaction. */
  settleOutbox(outcomes: readonly OutboxOutcome[], now: number): Promise<void>
  /** Frees the deliveries a crashed process held (SQLite: this process is the store's only user). */
  releaseOutboxLeases(): Promise<number>
  /** When the next pending delivery may be tried, or null. */
  nextOutboxAt(): Promise<number | null>
  deadLetters(subscriptionId: string, limit: number, cursor?: string): Promise<Page<OutboxRow>>
  /** Puts dead letters back in line (all of them when `ids` is omitted); how many. */
  replayDeadLetters(subscriptionId: string, ids: readonly number[] | undefined, now: number): Promise<number>
  subscriptionStats(subscriptionId: string): Promise<SubscriptionStats>
  /** Order events waiting for delivery, all subscriptions. */
  outboxPending(): Promise<number>
  /** Groups of child runs with queued children. */
  childGroupsWithQueued(limit: number): Promise<ChildGroupRow[]>
  /** Up to `limit` queued children of a group, in order. */
  queuedChildren(groupId: string, limit: number): Promise<QueuedChild[]>
  /** Creates child runs and marks their rows running, in one transaction (a child whose row is no longer queued is skipped). */
  startChildRuns(children: Array<{ groupId: string; idx: number; run: NewRun }>): Promise<string[]>
  /** Runs of cancelled groups still running (to cancel them). */
  orphanedChildRuns(limit: number): Promise<string[]>
  /** Replaces the schedules of published workflows (one per workflow with a schedule trigger). */
  setSchedules(schedules: ScheduleRow[]): Promise<void>
  /** Schedules due at or before `now`. */
  dueSchedules(now: number): Promise<ScheduleRow[]>
  /**
   * Starts a scheduled run and moves its schedule to `nextAt`, in one transaction, only if the schedule
   * still stands at `tick` (two ticks racing start one run); returns the run id created, or null.
   */
  fireSchedule(workflowId: string, tick: number, nextAt: number, run: NewRun | null): Promise<string | null>

  // Shops
  /** Throws ConflictError when the id exists. */
  createShop(row: { id: string; platform: ShopPlatform; name: string; enabled: boolean; sealedCredentials: Buffer }, now: number): Promise<ShopRow>
  /** A shop not deleted, or null. */
  getShop(id: string): Promise<ShopRow | null>
  /** Every shop not deleted, oldest first. */
  listShops(): Promise<ShopRow[]>
  /** Renames, enables or disables, or replaces the sealed credentials of a shop; null when there is none. */
  updateShop(id: string, change: { name?: string; enabled?: boolean; sealedCredentials?: Buffer }, now: number): Promise<ShopRow | null>
  /** Deletes a shop (its pushes are kept); false when there was none. */
  deleteShop(id: string, now: number): Promise<boolean>
  recordShopHealth(shopId: string, delta: ShopHealthDelta): Promise<void>
  /** Per shop: counts of the minutes from `since` on, and its pushes still to process. */
  shopHealthCounts(shopIds: readonly string[], since: number): Promise<Map<string, ShopHealthCounts>>
  /**
   * Keeps a push in the shop's inbox, durably, unless one with the same dedupe key is there; the
   * row's id either way, and whether it was there already.
   */
  insertShopPush(push: Omit<ShopPushRow, 'id' | 'attempts' | 'error' | 'processedAt' | 'nextTryAt'> & { error?: string | null }): Promise<{ id: number; duplicate: boolean }>
  /** Pushes still 'received' whose next try is due, oldest first. */
  dueShopPushes(now: number, limit: number): Promise<ShopPushRow[]>
  /** When the next 'received' push may be tried, or null. */
  nextShopPushAt(): Promise<number | null>
  getShopPush(shopId: string, id: number): Promise<ShopPushRow | null>
  /** A shop's pushes, newest first. */
  listShopPushes(shopId: string, limit: number, cursor?: string): Promise<Page<ShopPushRow>>
  /** Records a try at a push (one more attempt) and the platform calls it made, in one transaction. */
  settleShopPush(id: number, outcome: ShopPushOutcome, calls: readonly IntegrationEntry[], now: number): Promise<void>

  // Access
  createToken(row: { id: string; name: string; role: Role; hash: string }, now: number): Promise<TokenRow>
  findTokenByHash(hash: string): Promise<TokenRow | null>
  revokeToken(id: string, now: number): Promise<boolean>
  listTokens(): Promise<TokenRow[]>
  appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<void>
  listAudit(limit: number, cursor?: string): Promise<Page<AuditEntry>>

  // Upkeep
  /**
   * Deletes finished runs (with their steps, tasks, notifications, activities and child groups),
   * audit entries, integration log rows, delivered outbox rows and processed shop pushes older than `before`, the oldest
   * `limit` of each kind at most (all without a limit); call again until fewer come back.
   */
  prune(before: number, limit?: number): Promise<{ runs: number; steps: number; audit: number; log: number }>
  /** WAL checkpoint (SQLite) so the log does not grow without bound. */
  checkpoint(): Promise<void>
  /** A cheap round trip that fails when the store cannot answer (liveness). */
  ping(): Promise<void>
  /** Counts for dashboards (scans: not for liveness). */
  stats(): Promise<{ orders: number; runs: Record<string, number>; dbBytes: number | null }>
}

/** A transition claimed a timer or run event another transition already applied: drop it, reload the run. */
export class StaleWakeError extends Error { readonly code = 'STALE_WAKE' }

/** Thrown for a duplicate key the caller should see as 409. */
export class ConflictError extends Error { readonly code = 'CONFLICT' }
/** Thrown when the named row does not exist (404). */
export class NotFoundError extends Error { readonly code = 'NOT_FOUND' }
