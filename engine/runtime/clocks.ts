/** Clocks for the shell: the wall clock in production, a manual one that tests move forward. */
import type { Clock } from '../core/clock.ts'
import { parseDurationMs } from '../core/duration.ts'
import { parseInstant } from '../../schemas/date-time.ts'

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() }

/** A clock that only moves when told to, so tests jump a day instead of sleeping. */
export class ManualClock implements Clock {
  private current: number
  constructor(start: number | string = '2026-11-20T00:00:00Z') {
    this.current = instant(start)
  }
  now(): number { return this.current }
  /** Moves forward by ms or an ISO 8601 duration ('PT24H'). */
  advance(by: number | string): number {
    this.current += typeof by === 'number' ? by : parseDurationMs(by)
    return this.current
  }
  set(at: number | string): void { this.current = instant(at) }
}

/** Epoch ms of a number or a date-time; a clock at NaN would make every later comparison false. */
function instant(at: number | string): number {
  const ms = typeof at === 'number' ? at : parseInstant(at)
  if (ms === null || !Number.isFinite(ms)) throw new RangeError(`a clock cannot be set to ${JSON.stringify(at)}`)
  return ms
}
