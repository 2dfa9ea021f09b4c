import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { elapsedMs, formatDuration, formatShortTime, formatTime, importedIds, nextFreeId, parseJsonObject, runElapsedMs, throttle, WORKFLOW_ID_PATTERN } from './format.ts'

describe('formatDuration', () => {
  it('picks a unit by size', () => {
    expect(formatDuration(0)).toBe('0 ms')
    expect(formatDuration(0.12)).toBe('<1 ms')
    expect(formatDuration(850)).toBe('850 ms')
    expect(formatDuration(1250)).toBe('1.2 s')
    expect(formatDuration(185_000)).toBe('3 min 5 s')
    expect(formatDuration(2 * 3600_000 + 4 * 60_000)).toBe('2 h 4 min')
    expect(formatDuration(3 * 86_400_000 + 3600_000)).toBe('3 d 1 h')
  })
  it('shows a dash for nothing', () => {
    expect(formatDuration(null)).toBe('—')
    expect(formatDuration(-1)).toBe('—')
  })
})

describe('elapsedMs', () => {
  it('measures between two timestamps, or up to now', () => {
    expect(elapsedMs('2024-01-01T00:00:00Z', '2024-01-01T00:00:01.500Z')).toBe(1500)
    expect(elapsedMs('2024-01-01T00:00:00Z', null, Date.parse('2024-01-01T00:01:00Z'))).toBe(60_000)
    expect(elapsedMs(null, null)).toBeNull()
  })
})

describe('formatTime', () => {
  it('formats a timestamp and passes through what it cannot read', () => {
    expect(formatTime('2024-03-05T10:20:30Z', 'en')).toMatch(/2024/)
    expect(formatTime('nonsense', 'en')).toBe('nonsense')
    expect(formatTime(null, 'en')).toBe('—')
  })
})

describe('nextFreeId', () => {
  it('keeps a free id and numbers a taken one', () => {
    expect(nextFreeId('vip', [])).toBe('vip')
    expect(nextFreeId('vip', ['vip'])).toBe('vip-2')
    expect(nextFreeId('vip', ['vip', 'vip-2', 'vip-3'])).toBe('vip-4')
  })
  it('stays a valid id at the length limit', () => {
    const long = 'a'.repeat(64)
    const id = nextFreeId(long, [long])
    expect(id).toHaveLength(64)
    expect(id.endsWith('-2')).toBe(true)
    expect(WORKFLOW_ID_PATTERN.test(id)).toBe(true)
  })
})

describe('WORKFLOW_ID_PATTERN', () => {
  it('accepts slugs only', () => {
    expect(WORKFLOW_ID_PATTERN.test('douyin-vip_2')).toBe(true)
    expect(WORKFLOW_ID_PATTERN.test('-x')).toBe(false)
    expect(WORKFLOW_ID_PATTERN.test('Upper')).toBe(false)
    expect(WORKFLOW_ID_PATTERN.test('a'.repeat(65))).toBe(false)
  })
})

describe('parseJsonObject', () => {
  it('accepts an object or nothing', () => {
    expect(parseJsonObject('')).toEqual({ ok: true, value: undefined })
    expect(parseJsonObject(' {"a": 1} ')).toEqual({ ok: true, value: { a: 1 } })
  })
  it('refuses other JSON and broken text', () => {
    expect(parseJsonObject('[1]')).toMatchObject({ ok: false, notObject: true })
    expect(parseJsonObject('{a:')).toMatchObject({ ok: false, notObject: false })
    expect(parseJsonObject('null').ok).toBe(false)
    expect(parseJsonObject('3').ok).toBe(false)
  })
})

describe('importedIds', () => {
  it('reads every import shape the API takes', () => {
    expect(importedIds({ id: 'a', nodes: [] })).toEqual(['a'])
    expect(importedIds([{ id: 'a' }, { id: 'b' }])).toEqual(['a', 'b'])
    expect(importedIds({ workflows: [{ id: 'c' }] })).toEqual(['c'])
    expect(importedIds({ format: 'ordo.workflow/v1', workflow: { id: 'd' } })).toEqual(['d'])
    expect(importedIds('x')).toEqual([])
  })
})

describe('throttle', () => {
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(() => { vi.useRealTimers() })
  it('runs at once, then at most once per window with one trailing call', () => {
    const fn = vi.fn()
    const t = throttle(fn, 1000)
    t()
    expect(fn).toHaveBeenCalledTimes(1)
    t(); t(); t()
    expect(fn).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(999)
    expect(fn).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1)
    expect(fn).toHaveBeenCalledTimes(2)
    vi.advanceTimersByTime(5000)
    expect(fn).toHaveBeenCalledTimes(2)
    t()
    expect(fn).toHaveBeenCalledTimes(3)
  })
  it('cancel drops the trailing call', () => {
    const fn = vi.fn()
    const t = throttle(fn, 1000)
    t(); t()
    t.cancel()
    vi.advanceTimersByTime(2000)
    expect(fn).toHaveBeenCalledTimes(1)
  })
})

describe('runElapsedMs', () => {
  const run = { startedAt: '2026-11-20T02:00:00.000Z', updatedAt: '2026-11-20T02:00:05.000Z', finishedAt: null as string | null }
  const now = Date.parse('2026-11-20T03:00:00.000Z')
  it('ends a failed run, which stays open for a retry, when it failed', () => {
    expect(runElapsedMs({ ...run, status: 'failed' }, now)).toBe(5000)
  })
  it('counts a run still going up to now, and a finished one to its end', () => {
    expect(runElapsedMs({ ...run, status: 'waiting' }, now)).toBe(3_600_000)
    expect(runElapsedMs({ ...run, status: 'completed', finishedAt: '2026-11-20T02:00:01.000Z' }, now)).toBe(1000)
  })
})

describe('formatShortTime', () => {
  it('gives the time alone today, the day and time this year, everything before', () => {
    const now = new Date(2026, 11, 2, 15, 0, 0)
    const at = (y: number, m: number, d: number) => new Date(y, m, d, 9, 5, 7).toISOString()
    expect(formatShortTime(at(2026, 11, 2), 'en', now)).toBe('09:05:07 AM')
    expect(formatShortTime(at(2026, 11, 2), 'zh-CN', now)).toBe('09:05:07')
    expect(formatShortTime(at(2026, 10, 30), 'zh-CN', now)).toBe('11/30 09:05:07')
    expect(formatShortTime(at(2025, 10, 30), 'zh-CN', now)).toBe(formatTime(at(2025, 10, 30), 'zh-CN'))
    expect(formatShortTime(null, 'en', now)).toBe('—')
  })
})
