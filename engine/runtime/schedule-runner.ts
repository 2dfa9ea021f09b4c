/**
 * Starts the runs of scheduled workflows. Each published workflow with a trigger.schedule has a row
 * holding its next tick; firing a tick starts the run and moves the row in one transaction, only if
 * the row still stands at that tick, so two ticks racing (or two processes) start one run. After
 * downtime the missed ticks fire once, then the schedule goes on from now.
 */
import type { Clock } from '../core/clock.ts'
import { nextTick } from '../core/cron.ts'
import { startRun } from '../core/advance.ts'
import type { PreparedWorkflow } from '../core/prepare-workflow.ts'
import type { ScheduleRow, Store } from '../store/store.ts'
import { SCHEDULE_TRIGGER_TYPE } from '../nodes/trigger.schedule.node.ts'
import { newId } from './ids.ts'
import type { EngineLogger } from './run-executor.ts'

/** The schedule of a prepared workflow, or null when its trigger is not a schedule. */
export function scheduleOf(prepared: PreparedWorkflow, now: number): ScheduleRow | null {
  const trigger = prepared.nodes.get(prepared.triggerNodeId)
  if (!trigger || trigger.type !== SCHEDULE_TRIGGER_TYPE) return null
  const { cron, timeZone = 'UTC' } = trigger.config as { cron: string; timeZone?: string }
  const nextAt = nextTick(cron, timeZone, now)
  return nextAt === null ? null : { workflowId: prepared.workflowId, version: prepared.version, cron, timeZone, nextAt, lastTick: null }
}

/** The schedule runner of one process. */
export class ScheduleRunner {
  constructor(private readonly o: {
    store: Store; clock: Clock; log: EngineLogger; latest: () => readonly PreparedWorkflow[]; started: (runId: string) => void
  }) {}

  /** Writes the schedules of the latest published versions (after a start, publish or import). */
  async refresh(): Promise<void> {
    const now = this.o.clock.now()
    const schedules = this.o.latest().map((p) => scheduleOf(p, now)).filter((s): s is ScheduleRow => s !== null)
    await this.o.store.setSchedules(schedules)
  }

  /** Fires every schedule due now, once each. */
  async fireDue(): Promise<void> {
    const now = this.o.clock.now()
    const byId = new Map(this.o.latest().map((p) => [p.workflowId, p]))
    for (const s of await this.o.store.dueSchedules(now)) {
      const prepared = byId.get(s.workflowId)
      const after = nextTick(s.cron, s.timeZone, now) ?? Number.MAX_SAFE_INTEGER
      let run = null
      if (prepared) {
        const runId = newId('run', now)
        run = {
          state: startRun(prepared, { runId, orderId: null, now, input: { tick: new Date(s.nextAt).toISOString() } }),
          trigger: { kind: 'schedule' as const, tick: s.nextAt },
          // One run per tick, whoever fires it.
          triggerKey: `${s.workflowId}:schedule:${s.nextAt}`,
        }
      }
      try {
        const started = await this.o.store.fireSchedule(s.workflowId, s.nextAt, after, run)
        if (started) this.o.started(started)
      } catch (err) {
        this.o.log.error({ err, workflowId: s.workflowId }, 'could not start a scheduled run; the tick is tried again')
      }
    }
  }
}
