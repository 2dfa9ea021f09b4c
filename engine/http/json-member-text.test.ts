import { describe, expect, it } from 'vitest'
import { memberTextOfItems } from './json-member-text.ts'

describe('memberTextOfItems', () => {
  it('gives the exact text of the member of a top-level object', () => {
    const raw = '{"order_id": 6931234567890123457, "nested": {"sku_id": 3410000000000000001}}'
    expect(memberTextOfItems(`{"platform":"douyin","raw":${raw},"x":1}`, 'raw')).toEqual([raw])
    expect(memberTextOfItems(` \n{ "raw" :\t${raw}\r\n} `, 'raw')).toEqual([raw])
  })

  it('gives one entry per element of a top-level array, undefined where there is none', () => {
    const text = '[{"raw":{"a":1}}, {"b":{"raw":2}}, 7, "raw", [{"raw":3}], null, {}, {"raw":[1, 2]}]'
    expect(memberTextOfItems(text, 'raw')).toEqual(['{"a":1}', undefined, undefined, undefined, undefined, undefined, undefined, '[1, 2]'])
    expect(memberTextOfItems('[]', 'raw')).toEqual([])
    expect(memberTextOfItems('"raw"', 'raw')).toEqual([])
  })

  it('is not misled by quotes, backslashes and brackets inside strings', () => {
    const raw = '{"note":"a \\"quoted\\" ] } [ { word","path":"C:\\\\","k\\"ey":"\\\\\\"","u":"\\u0022}"}'
    const text = `[{"before":"}]\\\\","raw":${raw},"after":"{["}]`
    expect(JSON.parse(memberTextOfItems(text, 'raw')[0]!)).toEqual(JSON.parse(text)[0].raw)
    expect(memberTextOfItems(text, 'raw')).toEqual([raw])
  })

  it('reads a member whose key is written with escapes, and the last of repeated members, as JSON.parse does', () => {
    expect(memberTextOfItems('{"r\\u0061w":{"a":1}}', 'raw')).toEqual(['{"a":1}'])
    expect(memberTextOfItems('{"raw":{"first":1},"raw":{"last":2}}', 'raw')).toEqual(['{"last":2}'])
  })

  it('agrees with JSON.parse on every item of generated bodies', () => {
    const values: unknown[] = [0, -1.5e-7, 123456789012345678901234567890, true, false, null, '', 'x"y\\z', '}{][', 'emoji 🎉 你好',
      [], {}, [[[]]], { a: { b: [1, { c: '"' }] } }]
    let seed = 7
    const pick = () => values[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % values.length]
    for (let n = 0; n < 200; n++) {
      const items = Array.from({ length: 1 + (n % 5) }, (_, i) => (i % 3 === 2 ? pick() : { id: i, raw: { v: pick(), w: [pick(), pick()] }, tail: pick() }))
      const text = JSON.stringify(items, null, n % 2 ? 2 : undefined)
      const parsed = JSON.parse(text) as Array<{ raw?: unknown }>
      const texts = memberTextOfItems(text, 'raw')
      expect(texts).toHaveLength(items.length)
      parsed.forEach((item, i) => {
        const has = typeof item === 'object' && item !== null && !Array.isArray(item) && 'raw' in item
        expect(texts[i] === undefined ? undefined : JSON.parse(texts[i]!), `${n}/${i}`).toEqual(has ? item.raw : undefined)
      })
    }
  })
})
