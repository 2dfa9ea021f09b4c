import { describe, expect, it } from 'vitest'
import { countdown, formatCountdown, formatSpan } from './countdown.ts'

const NOW = Date.parse('2026-12-01T08:00:00.000Z')
const at = (ms: number) => new Date(NOW + ms).toISOString()
const MIN = 60_000
const HOUR = 60 * MIN

describe('countdown to a task\'s due time', () => {
  it('counts down in minutes and seconds within the last hour, and calls it due soon', () => {
    const c = countdown(at(12 * MIN + 5_900), NOW)
    expect(c).toEqual({ ms: 12 * MIN + 5_900, urgency: 'soon' })
    expect(formatCountdown(c, 'en')).toBe('due in 12 min 05 s')
    expect(formatCountdown(c, 'zh-CN')).toBe('剩余 12 分 05 秒')
  })

  it('shows hours and minutes beyond an hour, days and hours beyond a day', () => {
    expect(formatCountdown(countdown(at(2 * HOUR + 5 * MIN), NOW), 'en')).toBe('due in 2 h 05 min')
    expect(formatCountdown(countdown(at(2 * HOUR + 5 * MIN), NOW), 'zh-CN')).toBe('剩余 2 小时 05 分')
    expect(formatCountdown(countdown(at(50 * HOUR), NOW), 'en')).toBe('due in 2 d 2 h')
    expect(countdown(at(50 * HOUR), NOW)?.urgency).toBe('later')
  })

  it('marks a passed due time overdue and counts how long since', () => {
    const c = countdown(at(-(3 * MIN + 10_000)), NOW)
    expect(c?.urgency).toBe('overdue')
    expect(formatCountdown(c, 'en')).toBe('overdue by 3 min 10 s')
    expect(formatCountdown(c, 'zh-CN')).toBe('已超时 3 分 10 秒')
    // The due instant itself is no longer "due in 0 s".
    expect(countdown(at(0), NOW)?.urgency).toBe('overdue')
  })

  it('rounds down, so a task never looks further from its due time than it is', () => {
    expect(formatSpan(59_999, 'en')).toBe('59 s')
    expect(formatSpan(HOUR - 1, 'en')).toBe('59 min 59 s')
    expect(formatSpan(-59_999, 'en')).toBe('59 s')
  })

  it('says there is no due time when the task has none or it cannot be read', () => {
    expect(countdown(null, NOW)).toBeNull()
    expect(countdown('soon', NOW)).toBeNull()
    expect(formatCountdown(null, 'en')).toBe('no due time')
    expect(formatCountdown(null, 'zh-CN')).toBe('无期限')
  })
})
