import { describe, expect, it } from 'vitest'
import { stringifyExact } from './exact-json.ts'
import { keepSourceText } from '../store/json-source-text.ts'

describe('stringifyExact', () => {
  it('writes a value with a kept source text as that text, wherever it is', () => {
    const text = '{ "order_id": 6931234567890123457 }'
    const raw = JSON.parse(text) as object
    keepSourceText(raw, text)
    expect(stringifyExact({ order: { id: 'ord_1', raw }, list: [raw] })).toBe(`{"order":{"id":"ord_1","raw":${text}},"list":[${text}]}`)
    expect(stringifyExact(raw)).toBe(text)
  })

  it('is JSON.stringify for everything else', () => {
    const value = { a: [1, 'two', null, { b: true }], c: 'ordo-source-text-0', d: undefined, e: new Date(0) }
    expect(stringifyExact(value)).toBe(JSON.stringify(value))
  })

  it('does not use a text kept for an equal but other value', () => {
    const kept = { n: 1 }
    keepSourceText(kept, '{"n":1.0}')
    expect(stringifyExact({ n: 1 })).toBe('{"n":1}')
    expect(stringifyExact(kept)).toBe('{"n":1.0}')
  })
})
