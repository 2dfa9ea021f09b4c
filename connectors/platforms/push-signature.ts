/**
 * Push signatures, checked in constant time over the raw bytes as they arrived (a re-serialised body
 * would not match): Shopify and WooCommerce sign with base64 HMAC-SHA256, Douyin with hex MD5.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { PushHeaders, PushVerdict } from './adapter.ts'

/** The one value of header `name` (lower case), or why there is none to check. */
export function headerValue(headers: PushHeaders, name: string): { ok: true; value: string } | { ok: false; reason: string } {
  const value = headers[name]
  if (value === undefined || value === '') return { ok: false, reason: `the ${name} header is missing` }
  if (Array.isArray(value)) return { ok: false, reason: `the ${name} header is given ${value.length} times` }
  return { ok: true, value }
}

/** True when `given` is `expected`, compared in time that does not depend on where they differ. */
export function sameSecretText(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8')
  const b = Buffer.from(given, 'utf8')
  // Only the length can leak, and a digest's length is public.
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Checks header `name` against the base64 HMAC-SHA256 of `rawBody` keyed by `secret` (Shopify, WooCommerce). */
export function verifyHmacSha256Base64(rawBody: Buffer, headers: PushHeaders, name: string, secret: string | undefined): PushVerdict {
  if (!secret) return { ok: false, reason: 'the shop has no webhookSecret to check the signature with' }
  const given = headerValue(headers, name)
  if (!given.ok) return given
  const expected = createHmac('sha256', secret).update(rawBody).digest('base64')
  return sameSecretText(expected, given.value.trim()) ? { ok: true } : { ok: false, reason: `the ${name} signature does not match the body` }
}

/** Hex MD5 of the parts, the bytes of each as given. */
export function md5Hex(...parts: Array<string | Buffer>): string {
  const hash = createHash('md5')
  for (const part of parts) hash.update(part)
  return hash.digest('hex')
}
