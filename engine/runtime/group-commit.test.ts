import { describe, expect, it } from 'vitest'
import { GroupCommit } from './group-commit.ts'

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
})
