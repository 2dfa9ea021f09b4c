import { describe, expect, it } from 'vitest'
import { NAIVE_UTC_TIME, OFFSET_TIME, SHANGHAI_TIME, UNIX_SECONDS } from './platform-time.ts'

describe('platform times', () => {
  it('reads a naive Taobao, JD or Pinduoduo time as Asia/Shanghai, eight hours ahead of UTC', () => {
    expect(SHANGHAI_TIME.read('2026-11-11 00:03:12')).toBe('2026-11-10T16:03:12.000Z')
    expect(SHANGHAI_TIME.read('2026-12-31 23:59:59')).toBe('2026-12-31T15:59:59.000Z')
  })

  it('reads Shanghai summer time, which China kept from 1986 to 1991, at +09:00', () => {
    expect(SHANGHAI_TIME.read('1988-07-01 12:00:00')).toBe('1988-07-01T03:00:00.000Z')
  })

  it('refuses a naive time that never existed or is written otherwise', () => {
    expect(SHANGHAI_TIME.read('1986-05-04 02:30:00')).toBeNull() // the clocks went from 02:00 to 03:00
    expect(SHANGHAI_TIME.read('2026-02-30 10:00:00')).toBeNull()
    expect(SHANGHAI_TIME.read('2026-11-11T00:03:12')).toBeNull()
    expect(SHANGHAI_TIME.read('2026-11-11 00:03:12+08:00')).toBeNull()
    expect(SHANGHAI_TIME.read('2026-11-11')).toBeNull()
  })

  it('honours a Shopify offset on either side of the New York DST change', () => {
    // 1 November 2026, 02:00 EDT: clocks fall back to 01:00 EST. 01:10 EST comes 40 minutes after 01:30 EDT.
    expect(OFFSET_TIME.read('2026-11-01T01:30:00-04:00')).toBe('2026-11-01T05:30:00.000Z')
    expect(OFFSET_TIME.read('2026-11-01T01:10:00-05:00')).toBe('2026-11-01T06:10:00.000Z')
    expect(OFFSET_TIME.read('2026-03-08T03:30:00-04:00')).toBe('2026-03-08T07:30:00.000Z')
    expect(OFFSET_TIME.read('2026-11-20T09:15:30')).toBeNull() // no offset, no instant
  })

  it('reads a WooCommerce *_gmt time as UTC and nothing else', () => {
    expect(NAIVE_UTC_TIME.read('2026-11-20T15:42:08')).toBe('2026-11-20T15:42:08.000Z')
    expect(NAIVE_UTC_TIME.read('2026-11-20T15:42:08+01:00')).toBeNull()
    expect(NAIVE_UTC_TIME.read('2026-11-20 15:42:08')).toBeNull()
  })

  it('reads Douyin Unix seconds', () => {
    expect(UNIX_SECONDS.read('1795140930')).toBe('2026-11-20T02:15:30.000Z')
    expect(UNIX_SECONDS.read('1795140930000')).toBeNull() // milliseconds are not seconds
    expect(UNIX_SECONDS.read('1795140930.5')).toBeNull()
  })
})
