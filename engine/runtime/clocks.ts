/** Clocks for the shell: the wall clock in production, a manual one that tests move forward. */
import type { Clock } from '../core/clock.ts'
import { parseDurationMs } from '../core/duration.ts'

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() }

/** A clock that only moves when told to, so tests jump a day instead of sleeping. */
export class ManualClock implements Clock {
  private current: number
  constructor(start: number | string = '2026-11-20T00:00:00Z') {
    this.current = typeof start === 'number' ? start : Date.parse(start)
  }
  now(): number { return this.current }
  /** Moves forward by ms or an ISO 8601 duration ('PT24H'). */
  advance(by: number | string): number {
    this.current += typeof by === 'number' ? by : parseDurationMs(by)
    return this.current
  }
  set(at: number | string): void { this.current = typeof at === 'number' ? at : Date.parse(at) }
}
