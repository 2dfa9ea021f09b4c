import { describe, expect, it } from 'vitest'
import { findCycles, reachableFrom } from './graph.ts'

const adj = (pairs: Array<[string, string]>) => {
  const m = new Map<string, string[]>()
  for (const [a, b] of pairs) m.set(a, [...(m.get(a) ?? []), b])
  return m
}

describe('graph', () => {
  it('finds the nodes reachable from a start node', () => {
    expect([...reachableFrom('a', adj([['a', 'b'], ['b', 'c'], ['d', 'a']]))].sort()).toEqual(['a', 'b', 'c'])
  })

  it('finds no cycle in a diamond', () => {
    expect(findCycles(['a', 'b', 'c', 'd'], adj([['a', 'b'], ['a', 'c'], ['b', 'd'], ['c', 'd']]))).toEqual([])
  })

  it('finds a loop and a self-loop as separate cycles', () => {
    const cycles = findCycles(['a', 'b', 'c', 'd'], adj([['a', 'b'], ['b', 'c'], ['c', 'b'], ['c', 'd'], ['d', 'd']]))
    expect(cycles.map((c) => [...c].sort())).toEqual(expect.arrayContaining([['b', 'c'], ['d']]))
    expect(cycles).toHaveLength(2)
  })

  it('handles a long chain without overflowing the stack', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `n${i}`)
    const pairs = ids.slice(1).map((id, i): [string, string] => [ids[i], id])
    pairs.push([ids[ids.length - 1], ids[0]])
    expect(findCycles(ids, adj(pairs))[0]).toHaveLength(5000)
  })
})
