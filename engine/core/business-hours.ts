/**
 * Working time: deadlines and reminders that count only the hours a team works ("4 hours" set on
 * Friday at 17:00 with a 09:00–18:00 week ends on Monday at 12:00). Times are UTC epoch ms; the
 * calendar is read in the team's time zone (luxon), holidays by their local date. Pure.
 */
import { DateTime } from 'luxon'

/** A team's working week: ISO weekdays (1 Monday … 7 Sunday), the day's hours and the holidays. */
export interface BusinessHours {
  timeZone: string
  days: number[]
  /** "09:00" */
  start: string
  /** "18:00" (after start) */
  end: string
  /** Local dates off work, "2026-10-01". */
  holidays?: string[]
}

/** The config schema of business hours, shared by the nodes that offer them. */
export const businessHoursSchema = {
  type: 'object',
  title: 'Business hours',
  description: 'Count deadlines, reminders and escalations in working time only.',
  additionalProperties: false,
  required: ['timeZone', 'days', 'start', 'end'],
  properties: {
    timeZone: { type: 'string', title: 'Time zone', description: 'e.g. Asia/Shanghai.', minLength: 1, maxLength: 64, default: 'Asia/Shanghai' },
    days: { type: 'array', title: 'Working days', description: 'ISO weekdays: 1 is Monday, 7 Sunday.', items: { type: 'integer', minimum: 1, maximum: 7, title: 'Weekday' }, minItems: 1, maxItems: 7, uniqueItems: true, default: [1, 2, 3, 4, 5] },
    start: { type: 'string', title: 'Start', description: 'When the working day starts, e.g. 09:00.', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', default: '09:00' },
    end: { type: 'string', title: 'End', description: 'When the working day ends, e.g. 18:00.', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$', default: '18:00' },
    holidays: { type: 'array', title: 'Holidays', description: 'Local dates off work, e.g. 2026-10-01.', items: { type: 'string', title: 'Date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, maxItems: 366, uniqueItems: true },
  },
} as const

/** Why business hours cannot be used, or null when they can. */
export function checkBusinessHours(hours: BusinessHours): string | null {
  if (!DateTime.fromMillis(0, { zone: hours.timeZone }).isValid) return `"${hours.timeZone}" is not a time zone (e.g. Asia/Shanghai)`
  if (minutesOf(hours.end) <= minutesOf(hours.start)) return `the working day must end after it starts (${hours.start}–${hours.end})`
  return null
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number)
  return h * 60 + m
}

/**
 * The instant `durationMs` of working time after `from`. Without business hours it is plain
 * `from + durationMs`. A calendar with no working day at all would never end: at most two years
 * of days are searched, then the plain sum is returned.
 */
export function addWorkingTime(from: number, durationMs: number, hours: BusinessHours | undefined): number {
  if (!hours || durationMs <= 0) return from + Math.max(0, durationMs)
  const holidays = new Set(hours.holidays ?? [])
  const startMin = minutesOf(hours.start)
  const endMin = minutesOf(hours.end)
  let left = durationMs
  let day = DateTime.fromMillis(from, { zone: hours.timeZone }).startOf('day')
  for (let i = 0; i < 732; i++, day = day.plus({ days: 1 }).startOf('day')) {
    if (!hours.days.includes(day.weekday) || holidays.has(day.toISODate() ?? '')) continue
    const open = day.plus({ minutes: startMin }).toMillis()
    const close = day.plus({ minutes: endMin }).toMillis()
    const begin = Math.max(open, from)
    if (begin >= close) continue
    if (close - begin >= left) return begin + left
    left -= close - begin
  }
  return from + durationMs
}
