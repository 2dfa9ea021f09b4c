/**
 * Platform times to UTC ISO 8601. Taobao, JD and Pinduoduo write naive local times
 * ("2026-11-11 00:03:12") that are Asia/Shanghai; Douyin writes Unix seconds; Shopify writes offsets
 * ("…-05:00"); WooCommerce a naive UTC twin of each local time (date_created_gmt). Each form reads
 * its own notation only and answers null for anything else, so a time is never guessed.
 */
import { DateTime } from 'luxon'
import { parseInstant } from '../../schemas/date-time.ts'

/** One way a platform writes times: `read` gives the UTC ISO text, or null for text not of this form. */
export interface TimeForm {
  /** how the form reads in an error ("a time "YYYY-MM-DD HH:mm:ss" (Asia/Shanghai)") */
  readonly description: string
  read(text: string): string | null
}

const NAIVE_LOCAL = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/
const NAIVE_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/

function utc(ms: number): string {
  return new Date(ms).toISOString()
}

/**
 * A naive "YYYY-MM-DD HH:mm:ss" in Asia/Shanghai ("2026-11-11 00:03:12" → 2026-11-10T16:03:12.000Z),
 * through the zone database rather than a fixed +08:00: China kept summer time from 1986 to 1991.
 */
export const SHANGHAI_TIME: TimeForm = {
  description: 'a time "YYYY-MM-DD HH:mm:ss" (Asia/Shanghai)',
  read(text) {
    const m = NAIVE_LOCAL.exec(text)
    if (!m) return null
    const [year, month, day, hour, minute, second] = m.slice(1).map(Number)
    const local = DateTime.fromObject({ year, month, day, hour, minute, second }, { zone: 'Asia/Shanghai' })
    // A wall time that does not exist (skipped when the clocks went forward) is refused, not moved.
    return local.isValid && local.hour === hour && local.minute === minute ? utc(local.toMillis()) : null
  },
}

/** A date-time with its own offset (Shopify "2026-11-20T09:15:30-05:00"), as the schemas' date-time format reads it. */
export const OFFSET_TIME: TimeForm = {
  description: 'an ISO 8601 date-time with an offset',
  read(text) {
    const ms = parseInstant(text)
    return ms === null ? null : utc(ms)
  },
}

/** A naive "YYYY-MM-DDTHH:mm:ss" that is UTC (WooCommerce *_gmt fields). */
export const NAIVE_UTC_TIME: TimeForm = {
  description: 'a UTC time "YYYY-MM-DDTHH:mm:ss"',
  read(text) {
    if (!NAIVE_UTC.test(text)) return null
    const ms = parseInstant(`${text}Z`)
    return ms === null ? null : utc(ms)
  },
}

/** Unix seconds as an integer (Douyin create_time 1795140930 → 2026-11-20T02:15:30.000Z). */
export const UNIX_SECONDS: TimeForm = {
  description: 'a time in Unix seconds',
  read(text) {
    return /^\d{1,11}$/.test(text) ? utc(Number(text) * 1000) : null
  },
}
