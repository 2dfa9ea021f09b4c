/**
 * Executes runs: takes runs with work from a queue, advances each through the pure interpreter,
 * and commits the step transitions of a batch of runs, with their effects, in one transaction.
 * Events for a run (a fired timer, an operator's retry or cancel) are answered after their commit.
 *
 * Nothing here may leave a run stuck: a run whose turn throws, or whose commit fails, is tried again
 * with backoff from its last committed state. Every turn is counted durably before it begins and the
 * count is cleared when the turn commits, so a run whose turns never finish — it throws each time, or
 * it took the process down — is recognised, runs alone (it cannot take other runs with it), and after
 * MAX_UNFINISHED_TURNS is parked as an incident instead of being resumed forever.
 */
import type { EventEmitter } from 'node:events'
import { performance } from 'node:perf_hooks'
import type { Clock } from '../core/clock.ts'
import type { StoredOrder, StoredRunEvent, Store, TransitionCommit } from '../store/store.ts'
import { ConflictError, NotFoundError, StaleWakeError } from '../store/store.ts'
import type { RunState } from '../core/run-state.ts'
import type { Effect } from '../core/effects.ts'
import { advance, isFinished, nextReadyToken, parkRun, type RunEvent } from '../core/advance.ts'
import type { Metrics } from './metrics.ts'
import { DisabledWorkflowError, type PublishedWorkflows } from './published-workflows.ts'
import { safePatchOrder } from './safe-patch-order.ts'
import { runSteps } from './run-steps.ts'

/** Where the executor logs; pino's logger fits. */
export interface EngineLogger { error(obj: object, msg: string): void; warn(obj: object, msg: string): void; info(obj: object, msg: string): void }

interface Pending { event: RunEvent; resolve: (s: RunState) => void; reject: (e: unknown) => void }

/** Turns a run may begin without one of them committing before it is parked as an incident. */
export const MAX_UNFINISHED_TURNS = 4
/** How long one run's turn may step before the run goes back to the queue (the event loop stays free). */
export const TURN_SLICE_MS = 10
/** How long one batch may advance runs before the rest of the batch waits for the next one. */
export const BATCH_SLICE_MS = 40

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
  /** First back-off after a failed turn (doubles per failure, at most a minute); tests shorten it. */
  retryBaseMs?: number
  /** Told after a commit that queued outside calls, so they start at once rather than at the next poll. */
  onActivitiesQueued?: () => void
  /** Told after a commit that changed orders, so their events go out to subscribers at once. */
  onOrdersChanged?: () => void
}

/** Why a run's last turns did not commit, as this process saw it. */
interface TurnFailure { count: number; kind: 'advance' | 'commit'; error: string }

/** The run executor of one process. */
export class RunExecutor {
  private readonly queue = new Set<string>()
  /** Runs that have unfinished turns behind them, with their turn already counted: each runs in a batch of its own. */
  private readonly isolated: Array<{ runId: string; turns: number }> = []
  /**
   * Runs seen with unfinished turns: for the rest of this process each takes its turns alone and one
   * step at a time, committed, so if a step takes the process down again the run is parked at that step.
   */
  private readonly careful = new Set<string>()
  private readonly inbox = new Map<string, Pending[]>()
  /** Committed states of runs in flight (just started, or cut off by their turn limit), so they are not read back. */
  private readonly states = new Map<string, RunState>()
  private readonly firingTimers = new Set<string>()
  private readonly failures = new Map<string, TurnFailure>()
  private readonly backoffs = new Set<NodeJS.Timeout>()
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
    for (const t of this.backoffs) clearTimeout(t)
    this.backoffs.clear()
    await this.draining
  }

  /** Resolves when no run has work left in this process (runs waiting out a back-off do not count). */
  async idle(): Promise<void> {
    while (this.hasWork() || this.draining) {
      this.kick()
      await this.draining
      if (this.hasWork() && !this.draining) await new Promise((r) => setImmediate(r))
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

  private hasWork(): boolean {
    return this.queue.size > 0 || this.isolated.length > 0
  }

  private kick(): void {
    if (this.draining || this.stopped || !this.hasWork()) return
    this.draining = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .catch((err) => this.o.log.error({ err }, 'run executor failed'))
      .finally(() => { this.draining = null; if (this.hasWork() && !this.stopped) this.kick() })
  }

  private async drain(): Promise<void> {
    while (this.hasWork() && !this.stopped) {
      const suspect = this.isolated.shift()
      if (suspect !== undefined) {
        this.queue.delete(suspect.runId)
        this.o.metrics.runQueue.set(this.queue.size + this.isolated.length)
        await this.runBatch([suspect.runId], new Map([[suspect.runId, suspect.turns]]))
      } else {
        const batch: string[] = []
        for (const id of this.queue) {
          batch.push(id)
          this.queue.delete(id)
          if (batch.length >= this.o.runsPerBatch) break
        }
        this.o.metrics.runQueue.set(this.queue.size + this.isolated.length)
        await this.runBatch(batch)
      }
      // Let HTTP requests in between batches: the executor must not starve ingestion.
      await new Promise((r) => setImmediate(r))
    }
  }

  /** Advances a batch of runs and commits it; `counted` holds turns already counted (an isolated run's). */
  private async runBatch(batch: string[], counted?: Map<string, number>): Promise<void> {
    const now = this.o.clock.now()
    let turns: Map<string, number>
    try {
      turns = counted ?? await this.o.store.beginTurns(batch)
    } catch (err) {
      this.o.log.error({ err, runs: batch.length }, 'could not record the start of a batch of turns; the runs are tried again later')
      for (const id of batch) this.retryLater(id, 'commit', err)
      return
    }
    let runIds = batch
    if (batch.length > 1) {
      // A run with an unfinished turn behind it may be the one that took the process down: alone, it can only stop itself.
      const suspect = (id: string) => (turns.get(id) ?? 0) > 1 || this.careful.has(id)
      const suspects = batch.filter(suspect)
      if (suspects.length > 0) {
        for (const runId of suspects) if (turns.has(runId)) this.isolated.push({ runId, turns: turns.get(runId)! })
        runIds = batch.filter((id) => !suspect(id))
      }
    } else if ((turns.get(batch[0]) ?? 0) > 1) {
      this.careful.add(batch[0])
    }
    const oneStep = runIds.length === 1 && this.careful.has(runIds[0])

    const orders = new Map<string, StoredOrder | null>()
    // Events queued in the store for these runs (signals, task decisions, order changes, results).
    let stored: Map<string, StoredRunEvent[]>
    try {
      stored = await this.o.store.pendingRunEvents(runIds)
    } catch (err) {
      this.o.log.error({ err }, 'could not read the events queued for a batch of runs; trying again later')
      for (const id of runIds) this.retryLater(id, 'advance', err)
      return
    }
    const commits: TransitionCommit[] = []
    const settled: string[] = []
    const answered: Array<{ p: Pending; runId: string }> = []
    const finalStates = new Map<string, RunState>()
    const again: string[] = []
    const sliceEnd = performance.now() + BATCH_SLICE_MS
    const advanced: string[] = []
    for (const runId of runIds) {
      if (advanced.length > 0 && performance.now() >= sliceEnd) {
        // Out of time for this batch: the run keeps its place in the queue and its turn is given back.
        settled.push(runId)
        this.queue.add(runId)
        continue
      }
      advanced.push(runId)
      const pending = this.inbox.get(runId) ?? []
      this.inbox.delete(runId)
      try {
        let state = this.states.get(runId) ?? (await this.o.store.getRun(runId))?.state
        if (!state) { for (const p of pending) p.reject(new NotFoundError(`run ${runId} not found`)); continue }
        const unfinished = turns.get(runId) ?? 0
        if (unfinished > MAX_UNFINISHED_TURNS && this.failures.get(runId)?.kind !== 'commit' && !isFinished(state)) {
          state = parkRun(state, this.parkReason(runId, unfinished - 1), now)
          commits.push({ state, effects: [] })
          finalStates.set(runId, state)
          for (const p of pending) p.reject(new ConflictError(`run ${runId} was parked as an incident: ${state.incident?.error}`))
          this.o.log.warn({ runId, unfinishedTurns: unfinished - 1 }, 'run parked as an incident after turns that never finished')
          continue
        }
        let prepared
        try {
          prepared = await this.o.workflows.version(state.workflowId, state.version)
        } catch (err) {
          if (!(err instanceof DisabledWorkflowError) || isFinished(state)) throw err
          // Its version cannot run in this build, now or on any retry: park it at once, saying why.
          state = parkRun(state, err.message, now)
          commits.push({ state, effects: [] })
          finalStates.set(runId, state)
          for (const p of pending) p.reject(err)
          continue
        }
        const effects: Effect[] = []
        const before = state
        const events: RunEvent[] = [...pending.map((p) => p.event), ...(stored.get(runId) ?? []).map((e) => e.event)]
        // The order as stored now: what the run waited for may have changed it meanwhile.
        const current = await this.orderOf(state.orderId, orders)
        for (const event of events) {
          const r = advance(prepared, state, event, now, current?.order ?? null, current?.changedBy ?? null)
          state = r.state
          effects.push(...r.effects)
        }
        if (nextReadyToken(state)) {
          const stepped = this.step(prepared, state, await this.orderOf(state.orderId, orders), now, oneStep, sliceEnd)
          state = stepped.state
          effects.push(...stepped.effects)
          if (state.orderId && stepped.order) orders.set(state.orderId, { ...(orders.get(state.orderId) as StoredOrder), order: stepped.order })
        }
        if (nextReadyToken(state)) again.push(runId)
        if (state !== before || effects.length > 0) commits.push({ state, effects })
        else settled.push(runId)
        finalStates.set(runId, state)
        for (const p of pending) answered.push({ p, runId })
      } catch (err) {
        // A bug or a failing read, not a node failure (those are values): the run stays as committed
        // and is tried again; its unfinished turn stays counted.
        this.o.log.error({ err, runId }, 'could not advance run')
        for (const p of pending) {
          if (p.event.kind === 'timer') this.firingTimers.delete(p.event.timerId)
          p.reject(err)
        }
        this.retryLater(runId, 'advance', err)
      }
    }

    const { failed, woken } = await this.commitIsolatingFailures(commits, now, settled)
    for (const id of woken) this.queue.add(id)
    for (const runId of advanced) this.states.delete(runId)
    for (const c of commits) {
      const id = c.state.runId
      if (failed.has(id)) continue
      this.failures.delete(id)
      if (isFinished(c.state) || c.state.status === 'failed') this.careful.delete(id)
      this.reportCommitted(c, now)
    }
    for (const a of answered) {
      const err = failed.get(a.runId)
      if (err) a.p.reject(err)
      else a.p.resolve(finalStates.get(a.runId)!)
    }
    // Only what was committed is cached: a run whose commit failed resumes from the store.
    for (const id of again) {
      if (failed.has(id)) continue
      this.states.set(id, finalStates.get(id)!)
      this.queue.add(id)
    }
  }

  /** One turn's stepping: a careful run one step, others until their slice of time is up. */
  private step(prepared: Parameters<typeof runSteps>[0], state: RunState, stored: StoredOrder | null, now: number, oneStep: boolean, sliceEnd: number) {
    return runSteps(prepared, state, stored?.order ?? null, now,
      oneStep ? { maxSteps: 1 } : { until: Math.min(sliceEnd, performance.now() + TURN_SLICE_MS) }, stored?.changedBy ?? null)
  }

  /** Why a run is parked: what this process saw fail, or that the process stopped during its turns. */
  private parkReason(runId: string, unfinished: number): string {
    const seen = this.failures.get(runId)
    if (seen) return `Ordo could not advance this run ${unfinished} times in a row (last error: ${seen.error}); it is parked so an operator can look at it and retry`
    return `Ordo stopped ${unfinished} times while running this run, so it is parked instead of being resumed again; check the flow and its data, then retry`
  }

  /** Queues a run again after a back-off that doubles with each consecutive failure (at most a minute). */
  private retryLater(runId: string, kind: TurnFailure['kind'], err: unknown): void {
    this.states.delete(runId)
    const count = (this.failures.get(runId)?.count ?? 0) + 1
    this.failures.set(runId, { count, kind, error: err instanceof Error ? err.message : String(err) })
    const delay = Math.min((this.o.retryBaseMs ?? 200) * 2 ** (count - 1), 60_000)
    this.o.log.warn({ runId, attempt: count, retryInMs: delay, kind }, 'run turn did not commit; the run resumes from its last committed state')
    const timer = setTimeout(() => {
      this.backoffs.delete(timer)
      this.queue.add(runId)
      this.kick()
    }, delay)
    timer.unref()
    this.backoffs.add(timer)
  }

  /**
   * Commits the batch in one transaction. If that fails, commits each run alone so one bad run (say,
   * its order is gone) does not hold up the others; the runs that still fail are retried later with
   * backoff from their last committed state. Returns those runs with their errors.
   */
  private async commitIsolatingFailures(commits: TransitionCommit[], now: number, settled: string[]): Promise<{ failed: Map<string, unknown>; woken: string[] }> {
    const failed = new Map<string, unknown>()
    const woken: string[] = []
    if (commits.length === 0 && settled.length === 0) return { failed, woken }
    try {
      woken.push(...(await this.o.store.commitTransitions(commits, safePatchOrder, now, settled)).woken)
      return { failed, woken }
    } catch (err) {
      if (commits.length === 1) failed.set(commits[0].state.runId, err)
      else {
        for (const c of commits) {
          try {
            woken.push(...(await this.o.store.commitTransitions([c], safePatchOrder, now)).woken)
          } catch (e) {
            failed.set(c.state.runId, e)
          }
        }
      }
      // A turn that is not settled only counts against the run; losing this write is harmless.
      if (settled.length > 0) await this.o.store.commitTransitions([], safePatchOrder, now, settled).catch(() => {})
    }
    for (const c of commits) {
      const err = failed.get(c.state.runId)
      if (!err) continue
      this.clearFiring(c.effects)
      if (err instanceof StaleWakeError) {
        // Another transition applied that timer or event first: this one is void; the run goes on from the store.
        this.states.delete(c.state.runId)
        this.queue.add(c.state.runId)
        continue
      }
      this.o.log.error({ err, runId: c.state.runId }, 'step commit failed')
      this.retryLater(c.state.runId, 'commit', err)
    }
    return { failed, woken }
  }

  /** Metrics and live events for a committed step transition (here or at ingest). */
  reportCommitted(c: TransitionCommit, now: number): void {
    const s = c.state
    this.clearFiring(c.effects)
    let calls = false
    let patched = false
    for (const e of c.effects) {
      if (e.kind === 'enqueue-activity') calls = true
      else if (e.kind === 'record-step') this.o.metrics.stepsExecuted.inc({ status: e.step.status })
      else if (e.kind === 'patch-order') {
        patched = true
        this.o.events.emit('order', { orderId: e.orderId, outcome: 'patched' })
      }
      else if (e.kind === 'create-task') this.o.events.emit('task', { taskId: e.task.id, runId: e.task.runId, status: 'open', assignees: e.task.assignees })
      else if (e.kind === 'update-task') {
        // A reassigned task is news to those it left as well: their inboxes drop it.
        this.o.events.emit('task', {
          taskId: e.taskId, runId: s.runId, status: 'open', assignees: e.changes.assignees ?? null,
          ...(e.previousAssignees ? { previousAssignees: e.previousAssignees } : {}),
        })
      }
      else if (e.kind === 'close-task') this.o.events.emit('task', { taskId: e.taskId, runId: s.runId, status: e.status, assignees: null })
      else if (e.kind === 'notify') {
        const n = e.notification
        this.o.events.emit('notification', { id: n.id, kind: n.kind, to: n.to, title: n.title, message: n.message ?? null, priority: n.priority, taskId: n.taskId, runId: n.runId })
      }
    }
    if (isFinished(s) || s.status === 'failed') {
      this.o.metrics.runsFinished.inc({ status: s.status })
      if (s.status !== 'failed') this.o.metrics.runDuration.observe((now - s.startedAt) / 1000)
    }
    this.o.events.emit('run', { runId: s.runId, workflowId: s.workflowId, status: s.status, orderId: s.orderId })
    if (calls) this.o.onActivitiesQueued?.()
    if (patched) this.o.onOrdersChanged?.()
  }

  private clearFiring(effects: Effect[]): void {
    for (const e of effects) if (e.kind === 'claim-timer' || e.kind === 'cancel-timer') this.firingTimers.delete(e.timerId)
  }

  private async orderOf(orderId: string | null, cache: Map<string, StoredOrder | null>): Promise<StoredOrder | null> {
    if (!orderId) return null
    if (cache.has(orderId)) return cache.get(orderId)!
    const stored = await this.o.store.getOrder(orderId)
    cache.set(orderId, stored)
    return stored
  }
}
