/**
 * Performs the activities runs wait for, after the step that asked for them committed: connector
 * nodes' `perform`, and built-in performers (finding orders in the pool). At least once: an activity
 * stays pending until its result commits with it, so a crash repeats it, with the same request under
 * the same idempotency key and a higher attempt number. A failed try goes through the node's retry
 * policy (the same row, so the same request), then back to the run as a failure.
 *
 * Calls of one connector are capped per process, so a slow or failing endpoint holds only its own
 * slots: other connectors, runs and ingest go on. Every try's calls land in the integration log in
 * the transaction that records its outcome, with every secret value it read redacted.
 */
import type { Clock } from '../core/clock.ts'
import { COMPENSATE_PERFORMER } from '../core/effects.ts'
import type { NodeRegistry } from '../core/registry.ts'
import { retryDelay } from '../core/retry-policy.ts'
import type { ClaimedActivity, IntegrationEntry, Store } from '../store/store.ts'
import type { EngineLogger } from './run-executor.ts'
import type { Metrics } from './metrics.ts'
import { createPerformSession, type PerformSession } from '../../connectors/sdk/perform-runtime.ts'
import { describeFailure, PermanentError } from '../../connectors/sdk/errors.ts'
import type { PerformContext, SecretReader, ShopAccess } from '../../connectors/sdk/perform.ts'
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'

/** What a built-in performer gets: a connector's context and the store to read. */
export type BuiltinContext = PerformContext & { store: Store }

/** Performs one kind of built-in activity; throws for a failure, or returns its response. */
export type Performer = (request: unknown, ctx: BuiltinContext) => Promise<unknown>

export { COMPENSATE_PERFORMER }

/** What `ordo.compensate` is asked to do: each step's undo request, newest first. */
export interface CompensationRequest {
  steps: Array<{ nodeId: string; performer: string; request: unknown; idempotencyKey: string }>
}

/** Calls of one connector at once in one process, unless its manifest says otherwise. */
export const DEFAULT_CONNECTOR_CONCURRENCY = 8
/** Calls of all connectors at once in one process. */
export const DEFAULT_TOTAL_CONCURRENCY = 64
/** The largest response a run keeps (serialized); a bigger one fails the call. */
export const MAX_RESPONSE_CHARS = 256 * 1024
/** A lease outlives the call's deadline by this much before another process may take the activity. */
const LEASE_GRACE_MS = 60_000

export interface ActivityWorkerOptions {
  store: Store
  clock: Clock
  log: EngineLogger
  registry: NodeRegistry
  performers: ReadonlyMap<string, Performer>
  secrets: SecretReader
  wake(runId: string): void
  metrics?: Metrics
  totalConcurrency?: number
  /** Replaces the global fetch for connectors' HTTP (tests). */
  fetch?: typeof fetch
  /** The shops platform nodes call (set once the shops service exists: it needs the engine first). */
  shops?: () => ShopAccess | undefined
}

interface InFlight { performer: string; controller: AbortController; done: Promise<void> }

/** One perform context of a try (an undo has one per step). */
interface TrySession { session: PerformSession<unknown>; nodeId: string; performer: string; idempotencyKey: string; orderId: string | null }

type DefinitionNode = WorkflowDefinition['nodes'][number]

/** The activity worker of one process. */
export class ActivityWorker {
  private readonly inFlight = new Map<string, InFlight>()
  private readonly perPerformer = new Map<string, number>()
  private pumping: Promise<void> | null = null
  private pumpAgain = false
  private stopped = false
  private readonly total: number
  /** Nodes of the versions activities ran in lately (versions never change). */
  private readonly versionNodes = new Map<string, Map<string, DefinitionNode>>()

  constructor(private readonly o: ActivityWorkerOptions) {
    this.total = o.totalConcurrency ?? DEFAULT_TOTAL_CONCURRENCY
  }

  /** Starts what is due now, within the concurrency limits, without waiting for it to finish. */
  kick(): void {
    if (this.stopped) return
    if (this.pumping) { this.pumpAgain = true; return }
    this.pumping = this.pump().catch((err) => this.o.log.error({ err }, 'could not start due activities')).finally(() => { this.pumping = null })
  }

  /** Starts what is due now and waits until everything in flight has finished (tests, `tick()`). */
  async performDue(): Promise<void> {
    this.kick()
    for (;;) {
      await this.pumping
      if (this.inFlight.size === 0) return
      await Promise.all([...this.inFlight.values()].map((f) => f.done))
      this.kick()
    }
  }

  /** Calls in flight now. */
  get busy(): number { return this.inFlight.size }

  /** Aborts what is in flight (it is tried again after a restart) and takes nothing more. */
  async stop(): Promise<void> {
    this.stopped = true
    for (const f of this.inFlight.values()) f.controller.abort(new DOMException('Ordo is shutting down', 'AbortError'))
    await Promise.allSettled([...this.inFlight.values()].map((f) => f.done))
  }

  private limitOf(performer: string): number {
    return this.o.registry.get(performer)?.manifest.activity?.concurrency ?? DEFAULT_CONNECTOR_CONCURRENCY
  }

  private async pump(): Promise<void> {
    do {
      this.pumpAgain = false
      const free = this.total - this.inFlight.size
      if (free <= 0 || this.stopped) return
      // Each connector is asked for no more than it may start now, so every row that comes back is started.
      const room = (performer: string) => this.limitOf(performer) - (this.perPerformer.get(performer) ?? 0)
      const now = this.o.clock.now()
      const due = await this.o.store.dueActivities(now, free, room)
      if (due.length === 0) return
      const leases = due.map((a) => ({ id: a.id, until: now + a.timeoutMs + LEASE_GRACE_MS }))
      for (const claimed of await this.o.store.claimActivities(leases, now)) this.start(claimed)
      // A full page may have more behind it.
      if (due.length >= free) this.pumpAgain = true
    } while (this.pumpAgain && !this.stopped)
  }

  private start(activity: ClaimedActivity): void {
    const controller = new AbortController()
    this.perPerformer.set(activity.performer, (this.perPerformer.get(activity.performer) ?? 0) + 1)
    const done = this.perform(activity, controller)
      .catch((err) => this.o.log.error({ err, activityId: activity.id }, 'could not record an activity\'s outcome; it is tried again later'))
      .finally(() => {
        this.inFlight.delete(activity.id)
        this.perPerformer.set(activity.performer, (this.perPerformer.get(activity.performer) ?? 1) - 1)
        this.o.metrics?.activitiesInFlight.set(this.inFlight.size)
        this.kick()
      })
    this.inFlight.set(activity.id, { performer: activity.performer, controller, done })
    this.o.metrics?.activitiesInFlight.set(this.inFlight.size)
  }

  private async perform(activity: ClaimedActivity, controller: AbortController): Promise<void> {
    const started = performance.now()
    const deadline = this.o.clock.now() + activity.timeoutMs
    const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${activity.timeoutMs} ms`, 'TimeoutError')), activity.timeoutMs)
    timer.unref()
    const sessions: TrySession[] = []
    let outcome: { ok: true; response: unknown } | { ok: false; err: unknown }
    try {
      const response = await Promise.race([
        this.call(activity, controller.signal, deadline, sessions),
        // A perform that ignores its signal still ends its try at the deadline.
        new Promise<never>((_, reject) => {
          if (controller.signal.aborted) reject(controller.signal.reason)
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true })
        }),
      ])
      outcome = { ok: true, response }
    } catch (err) {
      outcome = { ok: false, err }
    } finally {
      clearTimeout(timer)
    }
    if (this.stopped && !outcome.ok) return // shutting down: the lease is released at the next start
    const now = this.o.clock.now()
    const redact = <T>(v: T): T => sessions.reduce((acc, s) => s.session.redactor.value(acc), v)
    const calls = this.logEntries(activity, sessions, performance.now() - started, now, outcome.ok ? null : outcome.err)

    if (outcome.ok) {
      const response = redact(outcome.response ?? null)
      const size = JSON.stringify(response)?.length ?? 0
      if (size <= MAX_RESPONSE_CHARS) {
        const runId = await this.o.store.finishActivity(activity.id, { kind: 'activity-result', activityId: activity.id, ok: true, response, attempts: activity.keyAttempt }, calls, now)
        if (runId) this.o.wake(runId)
        return
      }
      outcome = { ok: false, err: new PermanentError(`the response is ${size} characters, more than the ${MAX_RESPONSE_CHARS} a run keeps`) }
    }
    const failure = describeFailure(outcome.err)
    const error = redact(failure.message)
    if (failure.retryable && activity.tries < activity.retry.maxAttempts && !this.stopped) {
      const nextTryAt = now + retryDelay(activity.retry, activity.tries, activity.idempotencyKey)
      this.o.log.warn({ activityId: activity.id, performer: activity.performer, attempt: activity.keyAttempt, errorClass: failure.errorClass, retryAt: new Date(nextTryAt).toISOString(), error }, 'outside call failed; it is tried again')
      await this.o.store.retryActivity(activity.id, nextTryAt, { error, errorClass: failure.errorClass }, calls, now)
      return
    }
    const runId = await this.o.store.finishActivity(activity.id, {
      kind: 'activity-result', activityId: activity.id, ok: false, error, errorClass: failure.errorClass, permanent: !failure.retryable, attempts: activity.keyAttempt,
    }, calls, now)
    if (runId) this.o.wake(runId)
  }

  /** Runs the performer (or, for an undo, each step's) in a fresh perform context. */
  private async nodesOf(workflowId: string, version: number): Promise<Map<string, DefinitionNode>> {
    const key = `${workflowId}@${version}`
    let nodes = this.versionNodes.get(key)
    if (!nodes) {
      const row = await this.o.store.getVersion(workflowId, version)
      nodes = new Map((row?.definition.nodes ?? []).map((n) => [n.id, n]))
      if (this.versionNodes.size >= 200) this.versionNodes.clear()
      this.versionNodes.set(key, nodes)
    }
    return nodes
  }

  private async call(activity: ClaimedActivity, signal: AbortSignal, deadline: number, sessions: TrySession[]): Promise<unknown> {
    const run = await this.o.store.getRun(activity.runId)
    if (!run) throw new PermanentError(`run ${activity.runId} is gone`)
    const order = run.state.orderId ? (await this.o.store.getOrder(run.state.orderId))?.order ?? null : null
    const nodes = await this.nodesOf(run.state.workflowId, run.state.version)
    const session = async (nodeId: string, performer: string, idempotencyKey: string) => {
      const defNode = nodes.get(nodeId)
      const s = createPerformSession<unknown>({
        node: { id: nodeId, type: defNode?.type ?? performer, ...(defNode?.name !== undefined ? { name: defNode.name } : {}) },
        runId: activity.runId, workflowId: run.state.workflowId,
        config: defNode?.config ?? {},
        order, variables: run.state.variables, idempotencyKey, attempt: activity.keyAttempt,
        signal, deadline, now: () => this.o.clock.now(), secrets: this.o.secrets, fetch: this.o.fetch, shops: this.o.shops?.(),
        log: {
          info: (m, d) => this.o.log.info({ ...d, runId: activity.runId, nodeId, attempt: activity.keyAttempt }, m),
          warn: (m, d) => this.o.log.warn({ ...d, runId: activity.runId, nodeId, attempt: activity.keyAttempt }, m),
          error: (m, d) => this.o.log.error({ ...d, runId: activity.runId, nodeId, attempt: activity.keyAttempt }, m),
        },
      })
      sessions.push({ session: s, nodeId, performer, idempotencyKey, orderId: run.state.orderId })
      return s
    }

    if (activity.performer === COMPENSATE_PERFORMER) {
      // Newest first, one after the other: an undo may depend on the one after it having been undone.
      const { steps } = activity.request as CompensationRequest
      for (const step of steps) {
        const perform = this.o.registry.get(step.performer)?.module.perform as ((r: unknown, c: PerformContext) => Promise<unknown>) | undefined
        if (!perform) throw new PermanentError(`connector ${step.performer} is not part of this build`)
        await perform(step.request, (await session(step.nodeId, step.performer, step.idempotencyKey)).ctx)
      }
      return { undone: steps.length }
    }
    const builtin = this.o.performers.get(activity.performer)
    const s = await session(activity.nodeId, activity.performer, activity.idempotencyKey)
    if (builtin) return builtin(activity.request, { ...s.ctx, store: this.o.store })
    const perform = this.o.registry.get(activity.performer)?.module.perform as ((r: unknown, c: PerformContext) => Promise<unknown>) | undefined
    if (!perform) throw new PermanentError(`connector ${activity.performer} is not part of this build`)
    return perform(activity.request, s.ctx)
  }

  /** The integration log's rows for one try: its recorded calls, or one row for the whole try when a connector recorded none. */
  private logEntries(activity: ClaimedActivity, sessions: readonly TrySession[], tookMs: number, now: number, err: unknown): IntegrationEntry[] {
    // Built-in performers work on Ordo's own store: not an outside call.
    if (this.o.performers.has(activity.performer)) return []
    const entries: IntegrationEntry[] = []
    const orderId = sessions[0]?.orderId ?? undefined
    if (err) sessions.at(-1)?.session.failedAfterCalls(err)
    for (const { session, nodeId, performer, idempotencyKey } of sessions) {
      for (const c of session.calls) {
        entries.push({
          at: now, connector: performer, endpoint: c.endpoint, ...(c.method ? { method: c.method } : {}), ...(c.statusCode !== undefined ? { statusCode: c.statusCode } : {}),
          latencyMs: c.latencyMs, ...(c.errorClass ? { errorClass: c.errorClass } : {}), ...(c.error ? { error: c.error } : {}),
          attempt: activity.keyAttempt, idempotencyKey, runId: activity.runId, nodeId, activityId: activity.id, ...(orderId ? { orderId } : {}),
        })
      }
    }
    if (entries.length === 0) {
      // Nothing recorded: a connector with a client of its own (or it failed before calling).
      const failure = err ? describeFailure(err) : null
      const redact = (t: string) => sessions.reduce((acc, s) => s.session.redactor.text(acc), t)
      entries.push({
        at: now, connector: activity.performer, endpoint: activity.performer, latencyMs: Math.round(tookMs),
        ...(failure ? { errorClass: failure.errorClass, error: redact(failure.message) } : {}),
        ...(failure?.status ? { statusCode: failure.status } : {}),
        attempt: activity.keyAttempt, idempotencyKey: activity.idempotencyKey, runId: activity.runId, nodeId: activity.nodeId, activityId: activity.id,
        ...(orderId ? { orderId } : {}),
      })
    }
    for (const e of entries) {
      this.o.metrics?.outsideCalls.inc({ connector: e.connector, outcome: e.errorClass ?? 'ok' })
      this.o.metrics?.outsideCallSeconds.observe({ connector: e.connector }, e.latencyMs / 1000)
    }
    return entries
  }
}
