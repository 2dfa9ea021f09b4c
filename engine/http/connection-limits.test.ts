import { describe, expect, it } from 'vitest'
import { DEFAULT_CONNECTION_LIMITS, maxConnectionsFor, parseOpenFileLimit, resolveConnectionLimits, serverTimeoutOptions } from './connection-limits.ts'

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max processes             96365                96365                processes
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`

describe('connection limits', () => {
  it('reads the soft open-file limit from /proc/self/limits', () => {
    expect(parseOpenFileLimit(LIMITS)).toBe(1024)
    expect(parseOpenFileLimit(LIMITS.replace('1024 ', 'unlimited '))).toBeNull()
    expect(parseOpenFileLimit('nothing here')).toBeNull()
  })

  it('derives the cap from the open-file limit, keeping descriptors for the store, logs and static files', () => {
    expect(maxConnectionsFor(1024)).toBe(1024 - 128)
    expect(maxConnectionsFor(65536)).toBe(65536 - 6554)
    expect(maxConnectionsFor(100)).toBe(1)
  })

  it('fills in production defaults and the derived cap', () => {
    expect(resolveConnectionLimits({}, 1024)).toEqual({ ...DEFAULT_CONNECTION_LIMITS, maxConnections: 896 })
    // Without a readable limit it assumes the usual 1024.
    expect(resolveConnectionLimits({}, null).maxConnections).toBe(896)
    expect(resolveConnectionLimits({ maxConnections: 5, requestTimeoutMs: 0 }, 1024)).toMatchObject({ maxConnections: 5, requestTimeoutMs: 0 })
    // A short request timeout alone brings the headers timeout down with it.
    expect(resolveConnectionLimits({ requestTimeoutMs: 1000 }, 1024)).toMatchObject({ requestTimeoutMs: 1000, headersTimeoutMs: 1000 })
  })

  it('refuses limits that cannot work, naming the option', () => {
    expect(() => resolveConnectionLimits({ maxConnections: 0 })).toThrow(/maxConnections/)
    expect(() => resolveConnectionLimits({ requestTimeoutMs: -1 })).toThrow(/requestTimeoutMs/)
    expect(() => resolveConnectionLimits({ idleTimeoutMs: 1.5 })).toThrow(/idleTimeoutMs/)
    expect(() => resolveConnectionLimits({ requestTimeoutMs: 1000, headersTimeoutMs: 2000 })).toThrow(/headersTimeoutMs \(2000\) must not exceed requestTimeoutMs \(1000\)/)
  })

  it('checks the timeouts often enough to enforce them within a quarter of the shorter one', () => {
    const options = serverTimeoutOptions(resolveConnectionLimits({ requestTimeoutMs: 400, headersTimeoutMs: 200 }, 1024))
    expect(options).toMatchObject({ requestTimeout: 400, http: { requestTimeout: 400, headersTimeout: 200, connectionsCheckingInterval: 50 } })
    expect(serverTimeoutOptions(resolveConnectionLimits({}, 1024)).http.connectionsCheckingInterval).toBe(3750)
  })
})
