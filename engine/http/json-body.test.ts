import { describe, expect, it } from 'vitest'
import { MAX_JSON_DEPTH, parseJsonBody } from './json-body.ts'
import { HttpError } from './errors.ts'

/** The 400's details of parsing `text`; fails when it parses. */
function refused(text: string): Array<{ pointer: string; reason: string }> {
  try {
    parseJsonBody(text)
  } catch (err) {
    expect(err).toBeInstanceOf(HttpError)
    expect((err as HttpError).statusCode).toBe(400)
    return (err as HttpError).details
  }
  throw new Error(`${text.slice(0, 40)} was accepted`)
}

const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels)

describe('parseJsonBody', () => {
  it('says why a body is not JSON without quoting the body (it may hold a secret)', () => {
    const [detail] = refused('{"name":"wms","value":s3cr3t-value}')
    expect(detail).toEqual({ pointer: '/', reason: 'Unexpected token: the body is not valid JSON' })
    expect(refused('{"value":"s3cr3t-value"')[0]!.reason).not.toContain('s3cr3t')
  })

  it('parses ordinary bodies, bare values included (routes decide what they take)', () => {
    expect(parseJsonBody('{"a":[1,{"b":null}],"c":"x"}')).toEqual({ a: [1, { b: null }], c: 'x' })
    expect(parseJsonBody('"hello"')).toBe('hello')
    expect(parseJsonBody('null')).toBeNull()
    expect(parseJsonBody(' 42 ')).toBe(42)
  })

  it(`takes ${MAX_JSON_DEPTH} levels and refuses the ${MAX_JSON_DEPTH + 1}th, naming it`, () => {
    expect(() => parseJsonBody(nested(MAX_JSON_DEPTH))).not.toThrow()
    expect(refused(nested(MAX_JSON_DEPTH + 1))).toEqual([{ pointer: '/0'.repeat(MAX_JSON_DEPTH), reason: 'nests deeper than 64 levels of objects and arrays' }])
  })

  it('names the first place refused in document order', () => {
    const deep = '{"x":'.repeat(70) + '1' + '}'.repeat(70)
    expect(refused(`{"a":[1,2,{"b":${deep}}],"c":1e999}`)[0].pointer).toBe('/a/2/b' + '/x'.repeat(61))
    expect(refused(`{"a":[1,2,{"b":1e999}],"c":${deep}}`)[0].pointer).toBe('/a/2/b')
  })

  it('escapes the keys of the pointer (RFC 6901)', () => {
    expect(refused('{"a/b":{"c~d":{"__proto__":{}}}}')).toEqual([{ pointer: '/a~1b/c~0d/__proto__', reason: expect.stringMatching(/pollute object prototypes/) }])
  })

  it('refuses __proto__ whatever its value and however it is written, without touching a prototype', () => {
    for (const text of ['{"__proto__":null}', '{"__proto__":{"isAdmin":true}}', '{"\\u005f\\u005fproto\\u005f\\u005f":1}', '[{"ok":1},{"__proto__":[]}]']) {
      expect(refused(text)[0].pointer, text).toMatch(/__proto__$/)
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
  })

  it('refuses constructor.prototype but takes a field named constructor or prototype', () => {
    expect(refused('{"shop":{"constructor":{"prototype":{"x":1}}}}')).toEqual([{ pointer: '/shop/constructor/prototype', reason: expect.stringMatching(/pollute/) }])
    expect(parseJsonBody('{"constructor":"Acme","prototype":{"a":1},"c":{"constructor":{"name":"x"}}}')).toEqual({ constructor: 'Acme', prototype: { a: 1 }, c: { constructor: { name: 'x' } } })
  })

  it('refuses numbers beyond a double, also at the root', () => {
    expect(refused('{"a":[-1e400]}')).toEqual([{ pointer: '/a/0', reason: 'is a number too large to represent (beyond ±1.8e308)' }])
    expect(refused('1e309')).toEqual([{ pointer: '/', reason: expect.stringMatching(/too large/) }])
    expect(parseJsonBody('[1.7976931348623157e308, 5e-324, 1e-400]')).toEqual([1.7976931348623157e308, 5e-324, 0])
  })

  it('answers malformed and empty text as malformed JSON naming the root', () => {
    for (const text of ['', '  \n', '{"a":', '{a:1}', "{'a':1}", '[1,]', 'NaN']) {
      expect(refused(text), JSON.stringify(text)).toEqual([{ pointer: '/', reason: expect.any(String) }])
    }
  })

  it('walks a 200,000-level body without recursion', () => {
    expect(refused(nested(200_000))[0].pointer).toBe('/0'.repeat(MAX_JSON_DEPTH))
  })
})
