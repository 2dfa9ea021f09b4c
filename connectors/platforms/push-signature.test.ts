import { describe, expect, it, vi } from 'vitest'

// Spy on the comparison, keeping the real one, to see that signatures are compared in constant time.
const compared = vi.hoisted(() => ({ calls: [] as Array<[string, string]> }))
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>()
  return {
    ...real,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      compared.calls.push([Buffer.from(a as Uint8Array).toString(), Buffer.from(b as Uint8Array).toString()])
      return real.timingSafeEqual(a, b)
    },
  }
})

const { sameSecretText, verifyHmacSha256Base64, md5Hex } = await import('./push-signature.ts')

describe('push signatures', () => {
  it('compares a signature with crypto.timingSafeEqual, never with ===', () => {
    compared.calls.length = 0
    const body = Buffer.from('{"id":1}')
    const expected = '1VB1oHttB+ixAW/9te/WkDGW99qVMMxQXJuniMBwypY=' // base64 HMAC-SHA256 of the body with key "k"
    const forged = expected.replace('1VB', '2VB')
    expect(verifyHmacSha256Base64(body, { 'x-sig': expected }, 'x-sig', 'k')).toEqual({ ok: true })
    expect(verifyHmacSha256Base64(body, { 'x-sig': forged }, 'x-sig', 'k').ok).toBe(false)
    expect(compared.calls).toEqual([[expected, expected], [expected, forged]])
  })

  it('refuses a signature of another length without comparing bytes', () => {
    compared.calls.length = 0
    expect(sameSecretText('abcd', 'abc')).toBe(false)
    expect(sameSecretText('abcd', 'abcd')).toBe(true)
    expect(compared.calls).toEqual([['abcd', 'abcd']])
  })

  it('hashes the raw bytes of each part, in order', () => {
    expect(md5Hex('key', Buffer.from('[{"tag":"101"}]'), 'secret')).toBe(md5Hex('key[{"tag":"101"}]secret'))
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e')
  })
})
