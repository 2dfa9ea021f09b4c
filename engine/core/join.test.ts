import { describe, expect, it } from 'vitest'
import { arriveAtJoin } from './join.ts'

const incoming = ['a', 'b']

describe('arriveAtJoin', () => {
  it('waits in all mode until every incoming edge has arrived', () => {
    const first = arriveAtJoin({}, 'j', 'a', 1, incoming, { mode: 'all' })
    expect(first.fire).toBeNull()
    expect(first.joins).toEqual({ j: { a: 1 } })
    const second = arriveAtJoin(first.joins, 'j', 'b', 2, incoming, { mode: 'all' })
    expect(second.fire).toEqual({ a: 1, b: 2 })
    expect(second.joins).toEqual({})
  })

  it('fires on the first arrival in any mode and drops the rest of that round', () => {
    const first = arriveAtJoin({}, 'j', 'b', 2, incoming, { mode: 'any' })
    expect(first.fire).toEqual({ b: 2 })
    const second = arriveAtJoin(first.joins, 'j', 'a', 1, incoming, { mode: 'any' })
    expect(second.fire).toBeNull()
    expect(second.joins).toEqual({})
  })

  it('starts a new round in any mode when an edge arrives again', () => {
    const first = arriveAtJoin({}, 'j', 'a', 1, incoming, { mode: 'any' })
    const again = arriveAtJoin(first.joins, 'j', 'a', 3, incoming, { mode: 'any' })
    expect(again.fire).toEqual({ a: 3 })
  })

  it('leaves other joins alone and does not mutate its input', () => {
    const joins = { other: { x: 1 } }
    const out = arriveAtJoin(joins, 'j', 'a', 1, incoming, { mode: 'all' })
    expect(out.joins.other).toEqual({ x: 1 })
    expect(joins).toEqual({ other: { x: 1 } })
  })
})
