/**
 * Executes runs: takes runs with work from a queue, advances each through the pure interpreter,
 * and commits the step transitions of a batch of runs, with their effects, in one transaction.
 * Events for a run (a fired timer, an operator's retry or cancel) are answered after their commit.
 */
import type { EventEmitter } from 'node:events'
import type { Clock } from '../core/clock.ts'
import type { Order } from '../../schemas/generated/order.ts'
import type { Store, TransitionCommit } from '../store/store.ts'
import { NotFoundError } from '../store/store.ts'
import type { RunState } from '../core/run-state.ts'
import type { Effect } from '../core/effects.ts'
import { advance, isFinished, nextReadyToken, type RunEvent } from '../core/advance.ts'
import type { Metrics } from './metrics.ts'
import type { PublishedWorkflows } from './published-workflows.ts'
import { safePatchOrder } from './safe-patch-order.ts'
import { runSteps } from './run-steps.ts'

/** Where the executor logs; pino's logger fits. */
export interface EngineLogger { error(obj: object, msg: string): void; warn(obj: object, msg: string): void; info(obj: object, msg: string): void }

interface Pending { event: RunEvent; resolve: (s: RunState) => void; reject: (e: unknown) => void }

/** What the executor needs from its engine. */
export interface RunExecutorOptions {
  store: Store
  clock: Clock
  workflows: PublishedWorkflows
  metrics: Metrics
  events: EventEmitter
  log: EngineLogger
  /** Runs advanced per transaction. */
  runsPerBatch: number
}

/** The run executor of one process. */
export class RunExecutor {
  private readonly queue = new Set<string>()
  private readonly inbox = new Map<string, Pending[]>()
  /** States of runs in flight (just started, or cut off by their turn limit), so they are not read back. */
  private readonly states = new Map<string, RunState>()
  private readonly firingTimers = new Set<string>()
  /** Consecutive failed commits per run, for backoff. */
  private readonly commitFailures = new Map<string, number>()
  private draining: Promise<void> | null = null
  private stopped = false

  constructor(private readonly o: RunExecutorOptions) {}

  /** Queues a run that has work; `state` is its freshly committed state when the caller has it. */
  enqueue(runId: string, state?: RunState): void {
    if (state) this.states.set(runId, state)
    this.queue.add(runId)
    this.kick()
  }

  /** Applies `event` to a run; resolves with the run's state once that is committed. */
  send(runId: string, event: RunEvent): Promise<RunState> {
    return new Promise((resolve, reject) => {
      const list = this.inbox.get(runId) ?? []
      list.push({ event, resolve, reject })
      this.inbox.set(runId, list)
      this.queue.add(runId)
      this.kick()
    })
  }

  /** Stops taking work and waits for the batch in flight. */
  async stop(): Promise<void> {
    this.stopped = true
    await this.draining
  }

  /** Resolves when no run has work left in this process. */
  async idle(): Promise<void> {
    while (this.queue.size > 0 || this.draining) {
      this.kick()
      await this.draining
      if (this.queue.size > 0 && !this.draining) await new Promise((r) => setImmediate(r))
    }
  }

  /** Sends a timer event for every timer due now (each once while it is being applied). */
  async fireDueTimers(): Promise<void> {
    if (this.stopped) return
    const due = await this.o.store.dueTimers(this.o.clock.now(), 1000)
    for (const t of due) {
      if (this.firingTimers.has(t.id)) continue
      this.firingTimers.add(t.id)
      void this.send(t.runId, { kind: 'timer', timerId: t.id }).catch((err) => this.o.log.warn({ err, timerId: t.id }, 'timer event not applied'))
    }
  }

  private kick(): void {
    if (this.draining || this.stopped || this.queue.size === 0) return
    this.draining = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .catch((err) => this.o.log.error({ err }, 'run executor failed'))
      .finally(() => { this.draining = null; if (this.queue.size > 0 && !this.stopped) this.kick() })
  }

  private async drain(): Promise<void> {
    while (this.queue.size > 0 && !this.stopped) {
      const batch: string[] = []
      for (const id of this.queue) {
        batch.push(id)
        this.queue.delete(id)
        if (batch.length >= this.o.runsPerBatch) break
      }
      this.o.metrics.runQueue.set(this.queue.size)
      await this.runBatch(batch)
      // Let HTTP requests in between batches: the executor must not starve ingestion.
      await new Promise((r) => setImmediate(r))
    }
  }

  private async runBatch(runIds: string[]): Promise<void> {
    const now = this.o.clock.now()
    const orders = new Map<string, Order | null>()
    const commits: TransitionCommit[] = []
    const answered: Array<{ p: Pending; runId: string }> = []
    const finalStates = new Map<string, RunState>()
    const again: string[] = []
    for (const runId of runIds) {
      const pending = this.inbox.get(runId) ?? []
      this.inbox.delete(runId)
      try {
        let state = this.states.get(runId) ?? (await this.o.store.getRun(runId))?.state
        if (!state) { for (const p of pending) p.reject(new NotFoundError(`run ${runId} not found`)); continue }
        const prepared = await this.o.workflows.version(state.workflowId, state.version)
        const effects: Effect[] = []
        const before = state
        for (const p of pending) {
          const r = advance(prepared, state, p.event, now, await this.orderOf(state.orderId, orders))
          state = r.state
          effects.push(...r.effects)
          if (p.event.kind === 'timer') effects.push({ kind: 'cancel-timer', timerId: p.event.timerId })
        }
        if (nextReadyToken(state)) {
          const stepped = runSteps(prepared, state, await this.orderOf(state.orderId, orders), now)
          state = stepped.state
          effects.push(...stepped.effects)
          if (state.orderId) orders.set(state.orderId, stepped.order)
          if (stepped.more) again.push(runId)
        }
        if (state !== before || effects.length > 0) commits.push({ state, effects })
        finalStates.set(runId, state)
        for (const p of pending) answered.push({ p, runId })
      } catch (err) {
        // A bug, not a node failure (those are values): leave the run as committed; a restart retries it.
        this.o.log.error({ err, runId }, 'could not advance run')
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
    for (const c of commits) if (!failed.has(c.state.runId)) this.reportCommitted(c, now)
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
      await this.o.store.commitTransitions(commits, safePatchOrder, now)
      for (const c of commits) this.commitFailures.delete(c.state.runId)
      return failed
    } catch (err) {
      if (commits.length === 1) failed.set(commits[0].state.runId, err)
      else {
        for (const c of commits) {
          try {
            await this.o.store.commitTransitions([c], safePatchOrder, now)
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
      this.o.log.error({ err, runId: c.state.runId, attempt: n, retryInMs: delay }, 'step commit failed; the run resumes from its last committed state')
      setTimeout(() => { this.queue.add(c.state.runId); this.kick() }, delay).unref()
    }
    return failed
  }

  /** Metrics and live events for a committed step transition (here or at ingest). */
  reportCommitted(c: TransitionCommit, now: number): void {
    const s = c.state
    this.clearFiring(c.effects)
    for (const e of c.effects) {
      if (e.kind === 'record-step') this.o.metrics.stepsExecuted.inc({ status: e.step.status })
      else if (e.kind === 'patch-order') this.o.events.emit('order', { orderId: e.orderId, outcome: 'patched' })
    }
    if (isFinished(s) || s.status === 'failed') {
      this.o.metrics.runsFinished.inc({ status: s.status })
      if (s.status !== 'failed') this.o.metrics.runDuration.observe((now - s.startedAt) / 1000)
    }
    this.o.events.emit('run', { runId: s.runId, workflowId: s.workflowId, status: s.status, orderId: s.orderId })
  }

  private clearFiring(effects: Effect[]): void {
    for (const e of effects) if (e.kind === 'cancel-timer') this.firingTimers.delete(e.timerId)
  }

  private async orderOf(orderId: string | null, cache: Map<string, Order | null>): Promise<Order | null> {
    if (!orderId) return null
    if (cache.has(orderId)) return cache.get(orderId)!
    const stored = await this.o.store.getOrder(orderId)
    const order = stored?.order ?? null
    cache.set(orderId, order)
    return order
  }
}
