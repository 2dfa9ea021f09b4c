/**
 * Performs the activities runs wait for, after the step that asked for them committed: built-in
 * performers (finding orders in the pool) now, connector nodes' `perform` later. At least once:
 * an activity stays pending until its result is committed with it, so a crash repeats it under the
 * same idempotency key. A performer that throws is tried again with backoff, then reported failed.
 */
import type { Clock } from '../core/clock.ts'
import type { ActivityRow, Store } from '../store/store.ts'
import type { EngineLogger } from './run-executor.ts'

/** What a performer gets beside the request: the store to read, the activity's key and attempt, a signal to stop. */
export interface PerformContext { store: Store; now: number; idempotencyKey: string; attempt: number; signal: AbortSignal }

/** Performs one kind of activity; throws for a failure (retried), or returns its response. */
export type Performer = (request: unknown, ctx: PerformContext) => Promise<unknown>

/** Tries an activity gets before its failure goes back to the run. */
export const ACTIVITY_TRIES = 3
/** Activities performed at once. */
const CONCURRENCY = 4

/** The activity worker of one process. */
export class ActivityWorker {
  private readonly inFlight = new Set<string>()

  constructor(private readonly o: {
    store: Store; clock: Clock; log: EngineLogger; performers: ReadonlyMap<string, Performer>; wake: (runId: string) => void; retryBaseMs?: number
  }) {}

  /** Performs what is due now (at most a few at once); resolves when those are done. */
  async performDue(): Promise<void> {
    const now = this.o.clock.now()
    const due = (await this.o.store.dueActivities(now, 50)).filter((a) => !this.inFlight.has(a.id))
    for (let i = 0; i < due.length; i += CONCURRENCY) {
      await Promise.all(due.slice(i, i + CONCURRENCY).map((a) => this.perform(a)))
    }
  }

  private async perform(activity: ActivityRow): Promise<void> {
    this.inFlight.add(activity.id)
    try {
      const performer = this.o.performers.get(activity.performer)
      if (!performer) {
        await this.finish(activity, { ok: false, error: `no performer "${activity.performer}" in this build`, permanent: true })
        return
      }
      const controller = new AbortController()
      const timeout = setTimeout(() => controller.abort(new Error(`timed out after ${activity.timeoutMs ?? 30_000} ms`)), activity.timeoutMs ?? 30_000)
      timeout.unref()
      try {
        const response = await performer(activity.request, {
          store: this.o.store, now: this.o.clock.now(), idempotencyKey: activity.idempotencyKey, attempt: activity.tries + 1, signal: controller.signal,
        })
        await this.finish(activity, { ok: true, response })
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err)
        if (activity.tries + 1 >= ACTIVITY_TRIES) await this.finish(activity, { ok: false, error })
        else {
          const delay = (this.o.retryBaseMs ?? 1000) * 2 ** activity.tries
          this.o.log.warn({ activityId: activity.id, attempt: activity.tries + 1, retryInMs: delay, error }, 'activity failed; trying again')
          await this.o.store.postponeActivity(activity.id, this.o.clock.now() + delay, this.o.clock.now())
        }
      } finally {
        clearTimeout(timeout)
      }
    } catch (err) {
      this.o.log.error({ err, activityId: activity.id }, 'could not record an activity\'s result; it is performed again later')
    } finally {
      this.inFlight.delete(activity.id)
    }
  }

  private async finish(activity: ActivityRow, result: { ok: boolean; response?: unknown; error?: string; permanent?: boolean }): Promise<void> {
    const runId = await this.o.store.finishActivity(activity.id, { kind: 'activity-result', activityId: activity.id, ...result }, this.o.clock.now())
    if (runId) this.o.wake(runId)
  }
}
