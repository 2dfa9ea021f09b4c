import { describe, expect, it } from 'vitest'
import { GroupCommit, LOAD_WINDOW_MS } from './group-commit.ts'

describe('GroupCommit', () => {
  it('commits requests of one event-loop turn together and answers each with its own results', async () => {
    const groups: number[][] = []
    const gc = new GroupCommit<number, number>(async (items) => { groups.push(items); return items.map((n) => n * 10) })
    const [a, b] = await Promise.all([gc.submit([1, 2]), gc.submit([3])])
    expect(a).toEqual([10, 20])
    expect(b).toEqual([30])
    expect(groups).toEqual([[1, 2, 3]])
  })

  it('fails only the request that cannot commit, not the rest of its group', async () => {
    const gc = new GroupCommit<number, number>(async (items) => {
      if (items.includes(13)) throw new Error('unlucky')
      return items
    })
    const results = await Promise.allSettled([gc.submit([1]), gc.submit([13]), gc.submit([2])])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
  })

  it('never commits two groups at once with an async store', async () => {
    let inFlight = 0
    let maxInFlight = 0
    const gc = new GroupCommit<number, number>(async (items) => {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      await new Promise((r) => setImmediate(r))
      await new Promise((r) => setImmediate(r))
      inFlight--
      return items
    }, 2)
    await Promise.all([gc.submit([1, 2]), gc.submit([3, 4]), gc.submit([5])].concat(
      await new Promise<Promise<number[]>[]>((r) => setImmediate(() => r([gc.submit([6]), gc.submit([7])])))))
    expect(maxInFlight).toBe(1)
  })

  it('says how much of the last window went to commits, and forgets a burst once it is over', async () => {
    let t = 0
    let commitMs = 0
    const gc = new GroupCommit<number, number>(async (items) => { t += commitMs; return items }, 2000, () => t)
    commitMs = 8
    // A flash sale: 8 ms commits back to back with 2 ms between them fill 80 % of the loop.
    for (let i = 0; i < 2 * LOAD_WINDOW_MS / 10; i++) { await gc.submit([i]); t += 2 }
    expect(gc.load).toBeGreaterThanOrEqual(0.75)
    expect(gc.load).toBeLessThanOrEqual(0.85)
    // Steady single orders: a 0.2 ms commit every 5 ms.
    commitMs = 0.2
    for (let i = 0; i < 2 * LOAD_WINDOW_MS / 5; i++) { await gc.submit([i]); t += 4.8 }
    expect(gc.load).toBeLessThan(0.1)
    t += 10 * LOAD_WINDOW_MS
    expect(gc.load).toBeLessThan(0.01)
  })
})
