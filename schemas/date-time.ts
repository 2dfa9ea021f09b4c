/**
 * The one parser of date-time text: the `date-time` format of every schema is defined by it, and
 * every order timestamp becomes epoch ms through it, so a timestamp the schemas accept always has an
 * instant. `Date.parse` is not used: it reads a leap second (23:59:60) or an hours-only offset
 * (+08) as NaN although the format accepts both.
 */

// The grammar of ajv-formats' date-time (RFC 3339 with its leniencies: t/T or one whitespace between
// date and time, z/Z, offsets +hh:mm, +hhmm or +hh), so nothing that was valid becomes invalid.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt\s](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const MINUTE_MS = 60_000
const DAY_MS = 86_400_000

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil); Date.UTC would read years 0-99 as 1900-1999. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146_097 + doe - 719_468
}

/**
 * Epoch ms of a date-time ("2026-11-20T09:55:30+08:00", "…T23:59:60Z"), or null when the text is
 * not one. Fractions beyond ms are cut. A leap second is the instant one second after :59 of the
 * same offset, i.e. the following :00 (POSIX time has no leap seconds); as in the format, it is
 * accepted only where it can occur, at 23:59:60 UTC.
 */
export function parseInstant(text: string): number | null {
  const m = DATE_TIME.exec(text)
  if (!m) return null
  const year = Number(m[1]), month = Number(m[2]), day = Number(m[3])
  const hour = Number(m[4]), minute = Number(m[5]), second = Number(m[6])
  const sign = m[9] === '-' ? -1 : 1
  const offsetHours = m[8] ? 0 : Number(m[10])
  const offsetMinutes = m[8] || m[11] === undefined ? 0 : Number(m[11])
  if (month < 1 || month > 12) return null
  if (day < 1 || day > (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1])) return null
  if (hour > 23 || minute > 59 || second > 60 || offsetHours > 23 || offsetMinutes > 59) return null
  if (second === 60) {
    // The same test as ajv-formats: in UTC the time must be 23:59 (of this or the previous day).
    const utcMinute = minute - offsetMinutes * sign
    const utcHour = hour - offsetHours * sign - (utcMinute < 0 ? 1 : 0)
    if (!((utcHour === 23 || utcHour === -1) && (utcMinute === 59 || utcMinute === -1))) return null
  }
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'))
  const local = daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + ms
  return local - sign * (offsetHours * 60 + offsetMinutes) * MINUTE_MS
}

/** Whether `text` is a date-time with an instant: the `date-time` format of the schemas. */
export function isDateTime(text: string): boolean {
  return parseInstant(text) !== null
}
