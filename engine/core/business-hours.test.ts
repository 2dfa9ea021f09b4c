import { describe, expect, it } from 'vitest'
import { addWorkingTime, checkBusinessHours } from './business-hours.ts'

const shanghai = { timeZone: 'Asia/Shanghai', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00', holidays: ['2026-10-01'] }
const at = (iso: string) => Date.parse(iso)
const H = 3_600_000

describe('working time', () => {
  it('adds plain time without business hours', () => {
    expect(addWorkingTime(at('2026-12-04T09:00:00Z'), 4 * H, undefined)).toBe(at('2026-12-04T13:00:00Z'))
  })

  it('ends 4 working hours after Friday 17:00 on Monday at 12:00', () => {
    expect(new Date(addWorkingTime(at('2026-12-04T17:00:00+08:00'), 4 * H, shanghai)).toISOString()).toBe('2026-12-07T04:00:00.000Z')
  })

  it('starts counting at the next opening when it begins outside working hours', () => {
    expect(new Date(addWorkingTime(at('2026-12-01T20:00:00+08:00'), 2 * H, shanghai)).toISOString()).toBe('2026-12-02T03:00:00.000Z')
  })

  it('skips holidays', () => {
    expect(new Date(addWorkingTime(at('2026-09-30T17:00:00+08:00'), 2 * H, shanghai)).toISOString()).toBe('2026-10-02T02:00:00.000Z')
  })

  it('refuses an unknown zone and a day that ends before it starts', () => {
    expect(checkBusinessHours({ ...shanghai, timeZone: 'Mars/Olympus' })).toMatch(/not a time zone/)
    expect(checkBusinessHours({ ...shanghai, start: '18:00', end: '09:00' })).toMatch(/end after it starts/)
    expect(checkBusinessHours(shanghai)).toBeNull()
  })
})
