import { describe, expect, it } from 'vitest'
import { JsonNumber, parseAccepted, readPayload } from './lossless-json.ts'

describe('lossless payload reading', () => {
  it('keeps a 19-digit id and a decimal price as the text they were written in', () => {
    const tree = parseAccepted('{"tid":3921847562019384756,"price":39.8,"n":-0,"e":1e3}') as Record<string, JsonNumber>
    expect(tree.tid).toEqual(new JsonNumber('3921847562019384756'))
    expect(JSON.parse('3921847562019384756')).toBe(3921847562019384800) // what JSON.parse would keep
    expect(tree.price.text).toBe('39.8')
    expect(tree.n.text).toBe('-0')
    expect(tree.e.text).toBe('1e3')
  })

  it('reads strings with escapes, nesting, literals and a repeated key as JSON.parse does', () => {
    const text = ' {"a\\u0062":"x\\"y\\\\","list":[true,false,null,{"k":[]},"\\u4e2d"],"dup":1,"dup":2,"empty":{}} '
    const tree = parseAccepted(text) as Record<string, unknown>
    expect(tree.ab).toBe('x"y\\')
    expect(tree.list).toEqual([true, false, null, { k: [] }, '中'])
    expect(tree.dup).toEqual(new JsonNumber('2'))
    expect(tree.empty).toEqual({})
  })

  it('answers both the parsed value and the tree, and refuses what the body parser refuses with its pointer', () => {
    const read = readPayload(Buffer.from('\ufeff{"id":6931234567890123457}'))
    expect(read.ok && read.text).toBe('{"id":6931234567890123457}')
    expect(read.ok && (read.tree as Record<string, JsonNumber>).id.text).toBe('6931234567890123457')
    expect(readPayload('{"a":')).toMatchObject({ ok: false, details: [{ pointer: '/' }] })
    expect(readPayload('{"a":{"__proto__":{}}}')).toMatchObject({ ok: false, details: [{ pointer: '/a/__proto__' }] })
    expect(readPayload('{"a":[1e400]}')).toMatchObject({ ok: false, details: [{ pointer: '/a/0' }] })
    expect(readPayload('')).toMatchObject({ ok: false, details: [{ pointer: '/', reason: 'the body is empty' }] })
  })
})
