/**
 * The engine of one process, the imperative shell around the pure core: ingests orders (group
 * commit), starts runs and hands them to the RunExecutor, relays operator retries and cancels, fires
 * timers. Nothing is acknowledged before it is committed; after a crash, `start()` resumes every
 * active run.
 */
import { EventEmitter } from 'node:events'
import { performance } from 'node:perf_hooks'
import type { Clock } from '../core/clock.ts'
import type { OrderInput } from '../../schemas/generated/order-input.ts'
import type { IngestResult, NewRun, Store } from '../store/store.ts'
import { NotFoundError, ConflictError } from '../store/store.ts'
import type { RunState } from '../core/run-state.ts'
import type { NodeRegistry } from '../core/registry.ts'
import type { PreparedWorkflow } from '../core/prepare-workflow.ts'
import { isFinished, nextReadyToken, startRun } from '../core/advance.ts'
import type { Order } from '../../schemas/generated/order.ts'
import { planOrderIngest, clockSkewMs } from '../core/plan-order-ingest.ts'
import { GroupCommit } from './group-commit.ts'
import { newId } from './ids.ts'
import { createMetrics, type Metrics } from './metrics.ts'
import { PublishedWorkflows, type DisabledWorkflow } from './published-workflows.ts'
import { RunExecutor, type EngineLogger } from './run-executor.ts'
import { stepNewRuns } from './step-new-runs.ts'
import { TaskService } from './task-service.ts'
import { ActivityWorker, type Performer } from './activity-worker.ts'
import { findOrders } from './find-orders.ts'
import { stockPerformers } from './stock-performers.ts'
import type { ShopAccess } from '../../connectors/sdk/perform.ts'
import { ChildLauncher } from './child-launcher.ts'
import { ScheduleRunner } from './schedule-runner.ts'
import { safePatchOrder } from './safe-patch-order.ts'
import { SecretVault } from './secret-vault.ts'
import { HOT_INGEST_LOAD, OutboxDispatcher } from './outbox-dispatcher.ts'
import { randomBytes } from 'node:crypto'

export type { EngineLogger }

/** What an engine is made of; the store, registry and clock are the edges tests replace. */
export interface OrderEngineOptions {
  store: Store
  registry: NodeRegistry
  clock: Clock
  metrics?: Metrics
  log?: EngineLogger
  /** Poll for due timers on the wall clock (the server); tests call `tick()` instead. */
  autoTimers?: boolean
  /** Runs advanced per transaction. */
  runsPerBatch?: number
  /** First back-off after a run's turn failed (ms; doubles per failure). */
  retryBaseMs?: number
  /** Built-in performers beside find-orders and the inventory nodes, by name (connector nodes perform themselves). */
  performers?: ReadonlyArray<[string, Performer]>
  /** The key secrets are sealed with (the server's ORDO_SECRET_KEY or key file); a fresh one per engine when omitted (tests). */
  secretKey?: Buffer
  /** Calls out performed at once in this process, all connectors together. */
  activityConcurrency?: number
  /** Replaces the global fetch for connectors (tests). */
  fetch?: typeof fetch
  /** Custom nodes loaded from ORDO_NODES_DIR and those that could not be, for the API. */
  customNodes?: { loaded: ReadonlyArray<{ file: string; type: string }>; problems: ReadonlyArray<{ file: string; reason: string }> }
}

/**
 * How long one ingest commit may spend stepping its new runs inline (the stepping only, not the
 * ingest around it); runs started after that are handed to the executor, so a batch of orders whose
 * flows are long or heavy cannot hold the event loop. Ordinary flows step in microseconds and never
 * reach it.
 */
export const INLINE_STEP_BUDGET_MS = 100

const silent: EngineLogger = { error() {}, warn() {}, info() {} }

/** The order-workflow engine of one process. */
export class OrderEngine {
  readonly store: Store
  readonly registry: NodeRegistry
  readonly clock: Clock
  readonly metrics: Metrics
  /**
   * Live updates for SSE: 'run' ({ runId, workflowId, status, orderId }) after every committed step
   * transition (inline at ingest too) and when a manual run starts; 'order' ({ orderId, outcome });
   * 'workflow' ({ workflowId, action: 'updated' | 'published', version? }) from the workflow routes;
   * 'task' ({ taskId, runId, status, assignees, previousAssignees? }) when a task is created, claimed or
   * released, changed (`previousAssignees` when reassigned), decided or closed;
   * 'notification' ({ id, kind, to, title, priority, taskId }) for reminders and escalations.
   */
  readonly events = new EventEmitter()
  /** The largest lead of an order's timestamps over our clock, for /api/health. */
  readonly skew = { maxAheadMs: 0, lastSeenAt: null as number | null }

  /** The approval inbox. */
  readonly tasks: TaskService
  /** Secrets, sealed at rest, read by connectors by name. */
  readonly secrets: SecretVault
  /**
   * The shops platform nodes (ship notice, stock) call through; set by whoever builds the shops
   * service, which itself needs the engine, so it comes after construction.
   */
  shopAccess: ShopAccess | undefined
  /** Custom nodes from ORDO_NODES_DIR: loaded, and not loaded with the reason. */
  readonly customNodes: NonNullable<OrderEngineOptions['customNodes']>

  private readonly log: EngineLogger
  private readonly workflows: PublishedWorkflows
  private readonly executor: RunExecutor
  private readonly activities: ActivityWorker
  private readonly outbox: OutboxDispatcher
  private readonly children: ChildLauncher
  private readonly schedules: ScheduleRunner
  private readonly ingestGroup: GroupCommit<{ input: OrderInput; raw: unknown; source: string }, IngestResult>
  private timerLoop: NodeJS.Timeout | null = null

  constructor(private readonly options: OrderEngineOptions) {
    this.store = options.store
    this.registry = options.registry
    this.clock = options.clock
    this.metrics = options.metrics ?? createMetrics()
    this.log = options.log ?? silent
    this.workflows = new PublishedWorkflows(this.store, this.registry)
    this.executor = new RunExecutor({
      store: this.store, clock: this.clock, workflows: this.workflows, metrics: this.metrics, events: this.events,
      log: this.log, runsPerBatch: options.runsPerBatch ?? 128, retryBaseMs: options.retryBaseMs,
      // The worker exists by the time a commit reports: it is made right below.
      onActivitiesQueued: () => { if (this.options.autoTimers) this.activities.kick() },
      onOrdersChanged: () => { if (this.options.autoTimers) this.outbox.kick() },
    })
    this.ingestGroup = new GroupCommit((items) => this.commitIngest(items))
    this.events.setMaxListeners(1000)
    const wake = (runId: string) => this.executor.enqueue(runId)
    this.tasks = new TaskService(this.store, wake, this.events)
    this.customNodes = options.customNodes ?? { loaded: [], problems: [] }
    this.secrets = new SecretVault(this.store, options.secretKey ?? randomBytes(32))
    this.activities = new ActivityWorker({
      store: this.store, clock: this.clock, log: this.log, wake, registry: this.registry, secrets: this.secrets, metrics: this.metrics,
      performers: new Map([['ordo.find-orders', findOrders], ...stockPerformers, ...(options.performers ?? [])]),
      totalConcurrency: options.activityConcurrency, fetch: options.fetch, shops: () => this.shopAccess,
    })
    this.outbox = new OutboxDispatcher({ store: this.store, clock: this.clock, log: this.log, vault: this.secrets, metrics: this.metrics, ingestBusy: () => this.ingestGroup.load >= HOT_INGEST_LOAD })
    this.children = new ChildLauncher({
      store: this.store, clock: this.clock, log: this.log, started: wake,
      prepared: (workflowId) => this.workflows.latest.find((w) => w.workflowId === workflowId),
      cancel: (runId) => this.cancelRun(runId),
    })
    this.schedules = new ScheduleRunner({ store: this.store, clock: this.clock, log: this.log, latest: () => this.workflows.latest, started: wake })
  }

  /**
   * Loads published workflows and their schedules, resumes every run that was active or has events
   * waiting, and starts the background loop (timers, events, activities, child runs, schedules).
   * Timers and schedules that came due while Ordo was down fire on the loop's first round, once.
   */
  async start(): Promise<void> {
    await this.workflows.refresh()
    await this.schedules.refresh()
    // Calls a crashed process had in flight are tried again now, under the same keys.
    await this.store.releaseActivityLeases()
    await this.store.releaseOutboxLeases()
    for (const runId of await this.store.activeRunIds()) this.executor.enqueue(runId)
    for (const runId of await this.store.runsWithPendingEvents(10_000)) this.executor.enqueue(runId)
    if (this.options.autoTimers) {
      const round = () => { void this.backgroundRound().catch((err) => this.log.error({ err }, 'background loop failed')) }
      this.timerLoop = setInterval(round, 250)
      this.timerLoop.unref()
      round()
    }
  }

  /**
   * One round of the background work: due timers, queued events, activities, child runs, schedules.
   * Outside calls are only started here (their slowness must not hold timers back); `tick()` waits for them.
   */
  private async backgroundRound(waitForCalls = false): Promise<void> {
    if (this.backgroundBusy) return
    this.backgroundBusy = true
    try {
      await this.executor.fireDueTimers()
      for (const runId of await this.store.runsWithPendingEvents(1000)) this.executor.enqueue(runId)
      if (waitForCalls) {
        await this.activities.performDue()
        await this.outbox.deliverDue()
      } else {
        this.activities.kick()
        this.outbox.kick()
      }
      await this.children.launch()
      await this.schedules.fireDue()
    } finally {
      this.backgroundBusy = false
    }
  }

  private backgroundBusy = false

  /** Stops taking work and waits for the batch in flight. */
  async stop(): Promise<void> {
    if (this.timerLoop) clearInterval(this.timerLoop)
    await this.activities.stop()
    await this.executor.stop()
    await this.outbox.stop()
  }

  /**
   * Tells the runs waiting for signal `name` on this order; resolves once it is queued for them,
   * with how many there are (a signal nobody waits for is not kept).
   */
  async signal(orderId: string, name: string, data: unknown): Promise<number> {
    const runIds = await this.store.deliverSignal(orderId, name, data, this.clock.now())
    for (const runId of runIds) this.executor.enqueue(runId)
    return runIds.length
  }

  /** A subscription was created or deleted: the dispatcher reads them again. */
  subscriptionsChanged(): void {
    this.outbox.subscriptionsChanged()
  }

  /** Starts due deliveries now (after a replay) rather than at the next poll. */
  deliverSoon(): void {
    if (this.options.autoTimers) this.outbox.kick()
  }

  /** How many published workflows this process runs. */
  get activeWorkflowCount(): number {
    return this.workflows.latest.length
  }

  /** Published workflows this build cannot run (their latest version does not load), with the reason. */
  get disabledWorkflows(): readonly DisabledWorkflow[] {
    return this.workflows.disabled
  }

  /** Re-reads the latest published versions and their schedules (after a publish or import). */
  async refreshWorkflows(): Promise<void> {
    await this.workflows.refresh()
    await this.schedules.refresh()
  }

  /** The prepared (rules compiled) form of one published version. */
  preparedVersion(workflowId: string, version: number): Promise<PreparedWorkflow> {
    return this.workflows.version(workflowId, version)
  }

  /** Ingests orders (in request order); resolves once they and the runs they start are committed. */
  async ingest(inputs: Array<{ input: OrderInput; raw?: unknown }>, source: string): Promise<IngestResult[]> {
    const now = this.clock.now()
    for (const { input } of inputs) {
      const ahead = clockSkewMs(input, now)
      if (ahead > 0) {
        this.skew.lastSeenAt = now
        if (ahead > this.skew.maxAheadMs) { this.skew.maxAheadMs = ahead; this.metrics.clockSkew.set(ahead / 1000) }
      }
    }
    return this.ingestGroup.submit(inputs.map((i) => ({ input: i.input, raw: i.raw, source })))
  }

  private async commitIngest(items: Array<{ input: OrderInput; raw: unknown; source: string }>): Promise<IngestResult[]> {
    const now = this.clock.now()
    const workflows = this.workflows.latest
    const byId = new Map(workflows.map((w) => [w.workflowId, w]))
    const sources = new Map(items.map((i) => [i.input, i.source]))
    const started = new Map<string, { run: NewRun; more: boolean }>()
    const budget = { spentMs: 0, limitMs: INLINE_STEP_BUDGET_MS }
    const results = await this.store.ingestOrders(items, (existing, input, raw) => {
      const plan = planOrderIngest(existing, input, raw, {
        now, source: sources.get(input) ?? 'api', workflows,
        newOrderId: () => newId('ord', now), newRunId: () => newId('run', now),
      })
      // Runs execute inline, in the ingest transaction, as far as they go without waiting: the order
      // and its flow commit together, and the executor only gets runs that have more to do.
      const stepped = stepNewRuns(plan, byId, now, budget, (err, runId) => this.log.error({ err, runId }, 'could not step a new run at ingest; the executor will'))
      for (const run of stepped.plan.runs) started.set(run.state.runId, { run, more: stepped.more.has(run.state.runId) })
      return stepped.plan
    }, now)
    for (const runId of results[0]?.woken ?? []) this.executor.enqueue(runId)
    if (this.options.autoTimers && results.some((r) => r.outcome !== 'unchanged')) this.outbox.kick()
    for (const r of results) {
      this.metrics.ordersIngested.inc({ outcome: r.outcome })
      if (r.outcome !== 'unchanged') this.events.emit('order', { orderId: r.id, outcome: r.outcome })
      for (const runId of r.runIds) {
        const s = started.get(runId)
        if (!s) {
          this.executor.enqueue(runId)
          continue
        }
        this.executor.reportCommitted({ state: s.run.state, effects: s.run.effects ?? [] }, now)
        if (s.more || nextReadyToken(s.run.state)) this.executor.enqueue(runId, s.run.state)
      }
    }
    return results
  }

  /** Starts a run of a published workflow by hand (trigger.manual or any trigger). */
  async startManualRun(args: { workflowId: string; version?: number; orderId?: string | null; variables?: Record<string, unknown>; by: string }): Promise<RunState> {
    const row = await this.store.getWorkflow(args.workflowId)
    if (!row || row.latestVersion == null) throw new NotFoundError(`workflow ${args.workflowId} has no published version`)
    const prepared = await this.preparedVersion(args.workflowId, args.version ?? row.latestVersion)
    if (args.orderId && !(await this.store.getOrder(args.orderId))) throw new NotFoundError(`order ${args.orderId} not found`)
    const now = this.clock.now()
    const runId = newId('run', now)
    const state = startRun(prepared, { runId, orderId: args.orderId ?? null, variables: args.variables ?? {}, now, input: { manual: true, by: args.by }, startedBy: args.by })
    const run: NewRun = { state, trigger: { kind: 'manual', by: args.by }, triggerKey: `manual:${runId}` }
    await this.store.createRuns([run])
    this.events.emit('run', { runId, workflowId: state.workflowId, status: state.status, orderId: state.orderId })
    this.executor.enqueue(runId, state)
    return state
  }

  /** Retries a failed run from its failed step, after merging `variables`. Resolves once committed. */
  async retryRun(runId: string, variables?: Record<string, unknown>): Promise<RunState> {
    const row = await this.store.getRun(runId)
    if (!row) throw new NotFoundError(`run ${runId} not found`)
    if (row.state.status !== 'failed') throw new ConflictError(`run ${runId} is ${row.state.status}, only a failed run can be retried`)
    return this.executor.send(runId, { kind: 'retry', variables })
  }

  /** Cancels a run that has not finished. Resolves once committed. */
  async cancelRun(runId: string): Promise<RunState> {
    const row = await this.store.getRun(runId)
    if (!row) throw new NotFoundError(`run ${runId} not found`)
    if (isFinished(row.state)) throw new ConflictError(`run ${runId} is already ${row.state.status}`)
    return this.executor.send(runId, { kind: 'cancel' })
  }


  /**
   * Does everything due now — timers, queued events, activities, child runs, schedules — and what
   * that causes, until nothing is left to do at this instant (tests drive time with it).
   */
  async tick(): Promise<void> {
    for (let round = 0; round < 50; round++) {
      await this.backgroundRound(true)
      await this.executor.idle()
      if (!(await this.hasDueWork())) return
    }
  }

  private async hasDueWork(): Promise<boolean> {
    const now = this.clock.now()
    const [timers, events, activity, groups, schedules, outbox] = await Promise.all([
      this.store.dueTimers(now, 1), this.store.runsWithPendingEvents(1), this.store.nextActivityAt(),
      this.store.childGroupsWithQueued(1), this.store.dueSchedules(now), this.store.nextOutboxAt(),
    ])
    const startable = groups.some((g) => g.running < g.concurrency && this.workflows.latest.some((w) => w.workflowId === g.workflowId))
    const due = (at: number | null) => at !== null && at <= now
    return timers.length + events.length + schedules.length > 0 || startable || due(activity) || due(outbox)
  }

  /** Resolves when no run has work left in this process. */
  idle(): Promise<void> {
    return this.executor.idle()
  }
}
