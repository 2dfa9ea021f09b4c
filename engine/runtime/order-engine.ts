/**
 * The imperative shell around the pure interpreter: ingests orders (group commit), starts runs, executes
 * their steps, persists each step transition with its effects in one transaction, fires timers.
 * Nothing is acknowledged before it is committed; after a crash, `start()` resumes every active run.
 */
import { EventEmitter } from 'node:events'
import type { Clock } from '../core/clock.ts'
import type { Order } from '../../schemas/generated/order.ts'
import type { OrderInput } from '../../schemas/generated/order-input.ts'
import type { IngestResult, NewRun, OrderPatcher, Store, TransitionCommit } from '../store/store.ts'
import { NotFoundError, ConflictError } from '../store/store.ts'
import type { RunState } from '../core/run-state.ts'
import type { Effect } from '../core/effects.ts'
import type { NodeRegistry } from '../core/registry.ts'
import { prepareWorkflow, type PreparedWorkflow } from '../core/prepare-workflow.ts'
import { advance, startRun, type RunEvent } from '../core/advance.ts'
import { patchOrder } from '../core/order-patch.ts'
import { canMoveStatus } from '../core/order-state-machine.ts'
import { planOrderIngest, clockSkewMs } from '../core/plan-order-ingest.ts'
import { GroupCommit } from './group-commit.ts'
import { newId } from './ids.ts'
import { createMetrics, type Metrics } from './metrics.ts'

export interface EngineLogger { error(obj: object, msg: string): void; warn(obj: object, msg: string): void; info(obj: object, msg: string): void }

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
}

interface Pending { event: RunEvent; resolve: (s: RunState) => void; reject: (e: unknown) => void }

/** Step transitions a run may take in one batch before others get their turn. */
const STEPS_PER_TURN = 64

const silent: EngineLogger = { error() {}, warn() {}, info() {} }

/** The order-workflow engine of one process. */
export class OrderEngine {
  readonly store: Store
  readonly registry: NodeRegistry
  readonly clock: Clock
  readonly metrics: Metrics
  /** 'run' ({ runId, workflowId, status }), 'order' ({ orderId }): live updates for SSE. */
  readonly events = new EventEmitter()
  /** The largest lead of an order's timestamps over our clock, for /api/health. */
  readonly skew = { maxAheadMs: 0, lastSeenAt: null as number | null }

  private readonly log: EngineLogger
  private readonly prepared = new Map<string, PreparedWorkflow>()
  private latest: PreparedWorkflow[] = []
  private readonly queue = new Set<string>()
  private readonly inbox = new Map<string, Pending[]>()
  private readonly states = new Map<string, RunState>()
  private readonly firingTimers = new Set<string>()
  /** Consecutive failed commits per run, for backoff. */
  private readonly commitFailures = new Map<string, number>()
  private draining: Promise<void> | null = null
  private timerLoop: NodeJS.Timeout | null = null
  private readonly ingestGroup: GroupCommit<{ input: OrderInput; raw: unknown; source: string }, IngestResult>
  private readonly runsPerBatch: number
  private stopped = false

  constructor(private readonly options: OrderEngineOptions) {
    this.store = options.store
    this.registry = options.registry
    this.clock = options.clock
    this.metrics = options.metrics ?? createMetrics()
    this.log = options.log ?? silent
    this.runsPerBatch = options.runsPerBatch ?? 128
    this.ingestGroup = new GroupCommit((items) => this.commitIngest(items))
    this.events.setMaxListeners(1000)
  }

  /** Loads published workflows, resumes every run that was active, starts the timer loop. */
  async start(): Promise<void> {
    await this.refreshWorkflows()
    for (const runId of await this.store.activeRunIds()) this.queue.add(runId)
    this.kick()
    if (this.options.autoTimers) {
      this.timerLoop = setInterval(() => { void this.fireDueTimers().catch((err) => this.log.error({ err }, 'timer loop failed')) }, 250)
      this.timerLoop.unref()
    }
  }

  /** Stops taking work and waits for the batch in flight. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timerLoop) clearInterval(this.timerLoop)
    await this.draining
  }

  /** Re-reads the latest published versions (after a publish or import). */
  async refreshWorkflows(): Promise<void> {
    const versions = await this.store.latestVersions()
    this.latest = versions.map((v) => this.preparedFromDefinition(v.workflowId, v.version, v.definition))
  }

  /** The prepared (rules compiled) form of one published version, cached: it is immutable. */
  async preparedVersion(workflowId: string, version: number): Promise<PreparedWorkflow> {
    const cached = this.prepared.get(`${workflowId}@${version}`)
    if (cached) return cached
    const row = await this.store.getVersion(workflowId, version)
    if (!row) throw new NotFoundError(`workflow ${workflowId} has no version ${version}`)
    return this.preparedFromDefinition(workflowId, version, row.definition)
  }

  private preparedFromDefinition(workflowId: string, version: number, definition: PreparedWorkflow['definition']): PreparedWorkflow {
    const key = `${workflowId}@${version}`
    let p = this.prepared.get(key)
    if (!p) {
      p = prepareWorkflow({ ...definition, version }, this.registry)
      this.prepared.set(key, p)
    }
    return p
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
    const workflows = this.latest
    const sources = new Map(items.map((i) => [i.input, i.source]))
    // The initial states are made here: keep them so the executor need not read them back.
    const started = new Map<string, RunState>()
    const results = await this.store.ingestOrders(items, (existing, input, raw) => {
      const plan = planOrderIngest(existing, input, raw, {
        now, source: sources.get(input) ?? 'api', workflows,
        newOrderId: () => newId('ord', now), newRunId: () => newId('run', now),
      })
      const runs = plan.runs
      return { ...plan, runs: (order, revision) => runs(order, revision).map((run) => { started.set(run.state.runId, run.state); return run }) }
    }, now)
    for (const r of results) {
      this.metrics.ordersIngested.inc({ outcome: r.outcome })
      if (r.outcome !== 'unchanged') this.events.emit('order', { orderId: r.id, outcome: r.outcome })
      for (const runId of r.runIds) {
        const state = started.get(runId)
        if (state) this.states.set(runId, state)
        this.queue.add(runId)
      }
    }
    this.kick()
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
    const state = startRun(prepared, { runId, orderId: args.orderId ?? null, variables: args.variables ?? {}, now, input: { manual: true, by: args.by } })
    const run: NewRun = { state, trigger: { kind: 'manual', by: args.by }, triggerKey: `manual:${runId}` }
    await this.store.createRuns([run])
    this.states.set(runId, state)
    this.queue.add(runId)
    this.kick()
    return state
  }

  /** Retries a failed run from its failed step, after merging `variables`. Resolves once committed. */
  async retryRun(runId: string, variables?: Record<string, unknown>): Promise<RunState> {
    const row = await this.store.getRun(runId)
    if (!row) throw new NotFoundError(`run ${runId} not found`)
    if (row.state.status !== 'failed') throw new ConflictError(`run ${runId} is ${row.state.status}, only a failed run can be retried`)
    return this.send(runId, { kind: 'retry', variables })
  }

  /** Cancels a run that has not finished. Resolves once committed. */
  async cancelRun(runId: string): Promise<RunState> {
    const row = await this.store.getRun(runId)
    if (!row) throw new NotFoundError(`run ${runId} not found`)
    if (['completed', 'cancelled'].includes(row.state.status)) throw new ConflictError(`run ${runId} is already ${row.state.status}`)
    return this.send(runId, { kind: 'cancel' })
  }

  private send(runId: string, event: RunEvent): Promise<RunState> {
    return new Promise((resolve, reject) => {
      const list = this.inbox.get(runId) ?? []
      list.push({ event, resolve, reject })
      this.inbox.set(runId, list)
      this.queue.add(runId)
      this.kick()
    })
  }

  /** Fires the timers due now and waits until the work they cause is done (tests drive time with it). */
  async tick(): Promise<void> {
    await this.fireDueTimers()
    await this.idle()
  }

  /** Resolves when no run has work left in this process. */
  async idle(): Promise<void> {
    while (this.queue.size > 0 || this.draining) {
      this.kick()
      await this.draining
      if (this.queue.size > 0 && !this.draining) await new Promise((r) => setImmediate(r))
    }
  }

  private async fireDueTimers(): Promise<void> {
    if (this.stopped) return
    const due = await this.store.dueTimers(this.clock.now(), 1000)
    for (const t of due) {
      if (this.firingTimers.has(t.id)) continue
      this.firingTimers.add(t.id)
      void this.send(t.runId, { kind: 'timer', timerId: t.id }).catch((err) => this.log.warn({ err, timerId: t.id }, 'timer event not applied'))
    }
  }

  private kick(): void {
    if (this.draining || this.stopped || this.queue.size === 0) return
    this.draining = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .catch((err) => this.log.error({ err }, 'run executor failed'))
      .finally(() => { this.draining = null; if (this.queue.size > 0 && !this.stopped) this.kick() })
  }

  private async drain(): Promise<void> {
    while (this.queue.size > 0 && !this.stopped) {
      const batch: string[] = []
      for (const id of this.queue) {
        batch.push(id)
        this.queue.delete(id)
        if (batch.length >= this.runsPerBatch) break
      }
      this.metrics.runQueue.set(this.queue.size)
      await this.runBatch(batch)
      // Let HTTP requests in between batches: the executor must not starve ingestion.
      await new Promise((r) => setImmediate(r))
    }
  }

  private async runBatch(runIds: string[]): Promise<void> {
    const now = this.clock.now()
    const orders = new Map<string, Order | null>()
    const commits: TransitionCommit[] = []
    const answered: Array<{ p: Pending; runId: string }> = []
    const finalStates = new Map<string, RunState>()
    const again: string[] = []
    for (const runId of runIds) {
      const pending = this.inbox.get(runId) ?? []
      this.inbox.delete(runId)
      try {
        let state = this.states.get(runId) ?? (await this.store.getRun(runId))?.state
        if (!state) { for (const p of pending) p.reject(new NotFoundError(`run ${runId} not found`)); continue }
        const prepared = await this.preparedVersion(state.workflowId, state.version)
        const effects: Effect[] = []
        const before = state
        for (const p of pending) {
          const r = advance(prepared, state, p.event, now, await this.orderOf(state.orderId, orders))
          state = r.state
          effects.push(...r.effects)
          if (p.event.kind === 'timer') effects.push({ kind: 'cancel-timer', timerId: p.event.timerId })
        }
        for (let steps = 0; state.status === 'running' && hasReadyToken(state); steps++) {
          if (steps === STEPS_PER_TURN) { again.push(runId); break }
          const order = await this.orderOf(state.orderId, orders)
          const r = advance(prepared, state, { kind: 'step' }, now, order)
          state = r.state
          effects.push(...r.effects)
          for (const e of r.effects) {
            if (e.kind === 'patch-order' && order) orders.set(e.orderId, safePatchOrder(order, e.patch, now).order)
          }
        }
        if (state !== before || effects.length > 0) commits.push({ state, effects })
        finalStates.set(runId, state)
        for (const p of pending) answered.push({ p, runId })
      } catch (err) {
        // A bug, not a node failure (those are values): leave the run as committed; a restart retries it.
        this.log.error({ err, runId }, 'could not advance run')
        for (const p of pending) {
          if (p.event.kind === 'timer') this.firingTimers.delete(p.event.timerId)
          p.reject(err)
        }
      }
    }
    // Only a run cut off by its turn limit comes back soon; others are reloaded when a timer or an
    // operator wakes them, so the cache holds just the runs in flight.
    for (const runId of runIds) this.states.delete(runId)
    for (const id of again) this.states.set(id, finalStates.get(id)!)

    const failed = await this.commitIsolatingFailures(commits, now)
    for (const c of commits) if (!failed.has(c.state.runId)) this.afterCommit(c, now)
    for (const a of answered) {
      const err = failed.get(a.runId)
      if (err) a.p.reject(err)
      else a.p.resolve(finalStates.get(a.runId)!)
    }
    for (const id of again) if (!failed.has(id)) this.queue.add(id)
  }

  /**
   * Commits the batch in one transaction. If that fails, commits each run alone so one bad run (say,
   * its order is gone) does not hold up the others; the runs that still fail are retried later with
   * backoff from their last committed state. Returns those runs with their errors.
   */
  private async commitIsolatingFailures(commits: TransitionCommit[], now: number): Promise<Map<string, unknown>> {
    const failed = new Map<string, unknown>()
    if (commits.length === 0) return failed
    try {
      await this.store.commitTransitions(commits, safePatchOrder, now)
      for (const c of commits) this.commitFailures.delete(c.state.runId)
      return failed
    } catch (err) {
      if (commits.length === 1) failed.set(commits[0].state.runId, err)
      else {
        for (const c of commits) {
          try {
            await this.store.commitTransitions([c], safePatchOrder, now)
            this.commitFailures.delete(c.state.runId)
          } catch (e) {
            failed.set(c.state.runId, e)
          }
        }
      }
    }
    for (const c of commits) {
      const err = failed.get(c.state.runId)
      if (!err) continue
      this.clearFiring(c.effects)
      const n = (this.commitFailures.get(c.state.runId) ?? 0) + 1
      this.commitFailures.set(c.state.runId, n)
      const delay = Math.min(200 * 2 ** (n - 1), 60_000)
      this.log.error({ err, runId: c.state.runId, attempt: n, retryInMs: delay }, 'step commit failed; the run resumes from its last committed state')
      setTimeout(() => { this.queue.add(c.state.runId); this.kick() }, delay).unref()
    }
    return failed
  }

  private afterCommit(c: TransitionCommit, now: number): void {
    const s = c.state
    this.clearFiring(c.effects)
    for (const e of c.effects) {
      if (e.kind === 'record-step') this.metrics.stepsExecuted.inc({ status: e.step.status })
      else if (e.kind === 'patch-order') this.events.emit('order', { orderId: e.orderId, outcome: 'patched' })
    }
    if (s.status === 'completed' || s.status === 'cancelled' || s.status === 'failed') {
      this.metrics.runsFinished.inc({ status: s.status })
      if (s.status !== 'failed') this.metrics.runDuration.observe((now - s.startedAt) / 1000)
    }
    this.events.emit('run', { runId: s.runId, workflowId: s.workflowId, status: s.status, orderId: s.orderId })
  }

  private clearFiring(effects: Effect[]): void {
    for (const e of effects) if (e.kind === 'cancel-timer') this.firingTimers.delete(e.timerId)
  }

  private async orderOf(orderId: string | null, cache: Map<string, Order | null>): Promise<Order | null> {
    if (!orderId) return null
    if (cache.has(orderId)) return cache.get(orderId)!
    const stored = await this.store.getOrder(orderId)
    const order = stored?.order ?? null
    cache.set(orderId, order)
    return order
  }
}

function hasReadyToken(state: RunState): boolean {
  return state.tokens.some((t) => t.status === 'ready')
}

/**
 * Applies a node's order patch at commit time. The order may have moved on since the node ran (the
 * platform cancelled it): a status move that is no longer legal is dropped, never allowed to fail
 * the commit of other runs.
 */
export const safePatchOrder: OrderPatcher = (order, patch, now) => {
  if (patch.status === undefined || patch.status === order.status || canMoveStatus(order.status, patch.status)) return patchOrder(order, patch, now)
  const { status: _noLongerLegal, ...rest } = patch
  const result = patchOrder(order, rest, now)
  return { ...result, changed: [...result.changed, 'status_conflict'] }
}
