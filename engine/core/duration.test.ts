import { describe, expect, it } from 'vitest'
import { parseDurationMs } from './duration.ts'

describe('parseDurationMs', () => {
  it('reads seconds, minutes, hours, days and weeks', () => {
    expect(parseDurationMs('PT1S')).toBe(1000)
    expect(parseDurationMs('PT30M')).toBe(1_800_000)
    expect(parseDurationMs('PT24H')).toBe(86_400_000)
    expect(parseDurationMs('P1DT2H')).toBe(93_600_000)
    expect(parseDurationMs('P2W')).toBe(1_209_600_000)
    expect(parseDurationMs('P1W2DT3H4M5S')).toBe(((9 * 24 + 3) * 60 * 60 + 4 * 60 + 5) * 1000)
  })

  it('reads fractional seconds', () => {
    expect(parseDurationMs('PT0.25S')).toBe(250)
  })

  it('refuses months, years, empty and malformed durations', () => {
    for (const bad of ['P1M', 'P1Y', 'P', 'PT', 'T1H', '1H', 'PT1.5H', '']) {
      expect(() => parseDurationMs(bad), bad).toThrow(/not an ISO 8601 duration/)
    }
  })
})
