import { describe, expect, it } from 'vitest'
import { newId } from './ids.ts'

describe('newId', () => {
  it('sorts ids by creation, even many within one millisecond', () => {
    const ids = Array.from({ length: 70_000 }, () => newId('run', 1_795_000_000_000))
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(ids)
  })

  it('stays unique and ordered when the clock goes back', () => {
    const a = newId('ord', 1_795_000_100_000)
    const b = newId('ord', 1_795_000_000_000)
    expect(b > a).toBe(true)
  })
})
