/** Cron schedules (croner): when a schedule fires next, in its time zone, from a given instant. Pure. */
import { Cron } from 'croner'

/** Why `pattern` in `timeZone` cannot be scheduled, or null when it can. */
export function checkCron(pattern: string, timeZone: string): string | null {
  try {
    const job = new Cron(pattern, { timezone: timeZone, paused: true })
    return job.nextRun(new Date(0)) === null ? 'never fires' : null
  } catch (error) {
    return (error as Error).message
  }
}

/** The first tick strictly after `after` (epoch ms), or null when there is none. */
export function nextTick(pattern: string, timeZone: string, after: number): number | null {
  const next = new Cron(pattern, { timezone: timeZone, paused: true }).nextRun(new Date(after))
  return next === null ? null : next.getTime()
}
