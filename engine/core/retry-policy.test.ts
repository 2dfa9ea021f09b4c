import { describe, expect, it } from 'vitest'
import { parseRetryPolicy, retryDelay } from './retry-policy.ts'

describe('retry policy', () => {
  it('gives a node without a policy a single attempt', () => {
    expect(parseRetryPolicy(undefined)).toEqual({ maxAttempts: 1, initialIntervalMs: 1000, backoffRate: 2, maxIntervalMs: 300_000, jitter: 0 })
  })

  it('parses durations to milliseconds and fills defaults', () => {
    expect(parseRetryPolicy({ maxAttempts: 5, initialInterval: 'PT10S', maxInterval: 'PT1M' })).toEqual({
      maxAttempts: 5, initialIntervalMs: 10_000, backoffRate: 2, maxIntervalMs: 60_000, jitter: 0,
    })
  })

  it('backs off exponentially up to the maximum interval', () => {
    const s = parseRetryPolicy({ maxAttempts: 10, initialInterval: 'PT1S', backoffRate: 3, maxInterval: 'PT20S' })
    expect([1, 2, 3, 4].map((a) => retryDelay(s, a, 'r:n:1'))).toEqual([1000, 3000, 9000, 20_000])
  })

  it('varies the delay by at most the jitter fraction, the same way every time', () => {
    const s = parseRetryPolicy({ maxAttempts: 10, initialInterval: 'PT10S', jitter: 0.5 })
    const delays = ['r1:n:1', 'r2:n:1', 'r3:n:1', 'r4:n:1'].map((key) => retryDelay(s, 1, key))
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(5000)
      expect(d).toBeLessThanOrEqual(15_000)
    }
    expect(new Set(delays).size).toBeGreaterThan(1)
    expect(retryDelay(s, 1, 'r1:n:1')).toBe(delays[0])
  })
})
