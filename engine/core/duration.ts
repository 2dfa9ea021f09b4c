/** ISO 8601 durations as workflow definitions write them: weeks, days, hours, minutes, seconds. */

// Same grammar as the `duration` definition of schemas/workflow.schema.json; months and years are
// refused because their length depends on the calendar.
const PATTERN = /^P(?!$)(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Milliseconds in `duration` (e.g. "PT1S" → 1000, "P1DT2H" → 93600000); throws on anything else. */
export function parseDurationMs(duration: string): number {
  const m = PATTERN.exec(duration)
  if (!m) throw new Error(`"${duration}" is not an ISO 8601 duration in weeks, days, hours, minutes and seconds`)
  const [, w, d, h, min, s] = m
  const ms = num(w) * 7 * DAY + num(d) * DAY + num(h) * HOUR + num(min) * MINUTE + Number(s ?? 0) * SECOND
  return Math.round(ms)
}

function num(part: string | undefined): number {
  return part === undefined ? 0 : Number.parseInt(part, 10)
}
