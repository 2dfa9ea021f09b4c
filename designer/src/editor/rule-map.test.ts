import { describe, expect, it } from 'vitest'
import { entryNameProblem, freshEntryName, removeEntry, renameEntry } from './rule-map.ts'

const PATTERN = '^[A-Za-z_][A-Za-z0-9_]{0,63}$'

describe('a map of named rules', () => {
  it('renames an entry where it stands, so the expressions keep their order', () => {
    const renamed = renameEntry({ a: 1, var1: 2, c: 3 }, 'var1', 'ratio')
    expect(Object.keys(renamed)).toEqual(['a', 'ratio', 'c'])
    expect(renamed.ratio).toBe(2)
  })

  it('removes one entry and keeps the rest in order', () => {
    expect(Object.keys(removeEntry({ a: 1, b: 2, c: 3 }, 'b'))).toEqual(['a', 'c'])
  })

  it('names a new entry var1, var2… skipping names in use', () => {
    expect(freshEntryName({}, PATTERN)).toBe('var1')
    expect(freshEntryName({ var1: true, var2: true }, PATTERN)).toBe('var3')
  })

  it('refuses an empty name, one the schema does not allow, and one already used', () => {
    expect(entryNameProblem({ a: 1 }, 'a', '', PATTERN)).toBe('required')
    expect(entryNameProblem({ a: 1 }, 'a', '1x', PATTERN)).toBe('pattern')
    expect(entryNameProblem({ a: 1, b: 2 }, 'a', 'b', PATTERN)).toBe('duplicate')
    expect(entryNameProblem({ a: 1 }, 'a', 'a', PATTERN)).toBeNull()
    expect(entryNameProblem({ a: 1 }, 'a', 'ratio', PATTERN)).toBeNull()
  })
})
