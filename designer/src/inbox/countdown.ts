/**
 * A task's due time as a countdown: how long is left (or how long it is overdue), how urgent that
 * is, and the text in the operator's language ("剩余 2 小时 05 分" / "overdue by 12 min 05 s").
 */
import { format, type Locale } from '../i18n/messages.ts'

/** Less than this left and the task is due soon (amber). */
export const SOON_MS = 60 * 60_000

/** overdue: the due time passed; soon: less than an hour left; later: more. */
export type Urgency = 'overdue' | 'soon' | 'later'

export interface Countdown {
  /** due − now: negative once overdue. */
  ms: number
  urgency: Urgency
}

/** The countdown to `dueAt` at `now`; null when there is no due time (or it cannot be read). */
export function countdown(dueAt: string | null | undefined, now: number): Countdown | null {
  if (!dueAt) return null
  const due = Date.parse(dueAt)
  if (Number.isNaN(due)) return null
  const ms = due - now
  return { ms, urgency: ms <= 0 ? 'overdue' : ms < SOON_MS ? 'soon' : 'later' }
}

/**
 * A span of time to the precision a countdown needs: days and hours beyond a day, hours and minutes
 * beyond an hour, minutes and seconds below (so it visibly counts), seconds below a minute.
 * Whole units only, rounded down: a task never looks further from its due time than it is.
 */
export function formatSpan(ms: number, locale: Locale): string {
  const s = Math.floor(Math.abs(ms) / 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  if (s >= 86_400) return format(locale, 'inbox.span.dh', { d: Math.floor(s / 86_400), h: Math.floor((s % 86_400) / 3600) })
  if (s >= 3600) return format(locale, 'inbox.span.hm', { h: Math.floor(s / 3600), m: pad(Math.floor((s % 3600) / 60)) })
  if (s >= 60) return format(locale, 'inbox.span.ms', { m: Math.floor(s / 60), s: pad(s % 60) })
  return format(locale, 'inbox.span.s', { s })
}

/** "due in 2 h 05 min" / "overdue by 3 min 10 s" (or the same in Chinese); "no due time" without one. */
export function formatCountdown(c: Countdown | null, locale: Locale): string {
  if (!c) return format(locale, 'inbox.due.none')
  return format(locale, c.urgency === 'overdue' ? 'inbox.due.overdue' : 'inbox.due.in', { time: formatSpan(c.ms, locale) })
}
