/**
 * What the platform clients share: where a shop's calls go (`apiBaseUrl` replaces the platform's
 * host), answers read without losing digits, the platforms' local-time notation, and the refusals a
 * client makes of an answer it cannot read.
 */
import { DateTime } from 'luxon'
import { md5Hex } from '../push-signature.ts'
import type { HttpResponse } from '../../sdk/perform.ts'
import { JsonNumber, readPayload, type LosslessJson } from '../lossless-json.ts'
import { Field, PayloadError } from '../payload-reader.ts'
import { PlatformApiError } from '../platform-api.ts'

/** The base URL of a shop's calls: its `apiBaseUrl` (simulator, tests) or the platform's own, without a trailing slash. */
export function baseUrlOf(apiBaseUrl: string | undefined, platformBase: string): string {
  return (apiBaseUrl && apiBaseUrl !== '' ? apiBaseUrl : platformBase).replace(/\/+$/, '')
}

/** A read answer: its exact text and its root field (numbers as their source text). */
export interface Answer { text: string; root: Field }

/** Reads an answer's JSON losslessly; an answer that is not JSON is the platform failing. */
export function readAnswer(res: HttpResponse, platform: string): Answer {
  const read = readPayload(res.text)
  if (!read.ok) throw new PlatformApiError('unavailable', `http-${res.status}`, `${platform} answered ${res.status} with a body that is not JSON`)
  return { text: read.text, root: new Field(read.tree) }
}

/** Runs `read` over an answer; a field it cannot read is the platform answering out of shape (worth trying again). */
export function readFields<T>(platform: string, read: () => T): T {
  try {
    return read()
  } catch (err) {
    if (err instanceof PayloadError) throw new PlatformApiError('unavailable', 'unexpected-answer', `${platform} answered out of shape: ${err.pointer} ${err.reason}`)
    throw err
  }
}

/** A lossless tree as JSON text, numbers written as they came. */
export function losslessText(value: LosslessJson): string {
  if (value instanceof JsonNumber) return value.text
  if (Array.isArray(value)) return `[${value.map(losslessText).join(',')}]`
  if (value !== null && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${losslessText(v)}`).join(',')}}`
  return JSON.stringify(value)
}

/** "yyyy-MM-dd HH:mm:ss" in Asia/Shanghai: how Taobao, JD, Pinduoduo and Douyin write request times. */
export function shanghaiText(ms: number): string {
  return DateTime.fromMillis(ms, { zone: 'Asia/Shanghai' }).toFormat('yyyy-MM-dd HH:mm:ss')
}

/** UTC epoch ms of a "yyyy-MM-dd HH:mm:ss" in Asia/Shanghai, or NaN. */
export function fromShanghaiText(text: string): number {
  const t = DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm:ss', { zone: 'Asia/Shanghai' })
  return t.isValid ? t.toMillis() : NaN
}

/** Parameters concatenated key then value, keys in byte order: the string TOP, JOS and Pinduoduo sign. */
export function sortedConcat(params: Readonly<Record<string, string>>, skip: readonly string[] = ['sign']): string {
  return Object.keys(params).filter((k) => !skip.includes(k)).sort().map((k) => `${k}${params[k]}`).join('')
}

/** The MD5 signature JOS (JD) and Pinduoduo document: upper-hex MD5 of secret + sorted name/value pairs + secret. */
export function md5SortedSign(params: Readonly<Record<string, string>>, secret: string): string {
  return md5Hex(secret, sortedConcat(params), secret).toUpperCase()
}

/** Milliseconds of a Retry-After header (seconds, possibly fractional, as Shopify writes "2.0"), when given. */
export function retryAfterMs(header: string | undefined): number | undefined {
  if (header === undefined) return undefined
  const seconds = Number(header)
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : undefined
}

/** A refusal from an HTTP status alone (REST platforms): 401/403 session, 404 not found, 429 throttled, 5xx unavailable, other 4xx invalid. */
export function refusalOfStatus(platform: string, res: HttpResponse, what: string): PlatformApiError {
  const code = `http-${res.status}`
  const message = `${platform} answered ${res.status} to ${what}${res.text ? `: ${res.text.slice(0, 200)}` : ''}`
  if (res.status === 401 || res.status === 403) return new PlatformApiError('session-expired', code, message)
  if (res.status === 404) return new PlatformApiError('not-found', code, message)
  if (res.status === 429) return new PlatformApiError('throttled', code, message, retryAfterMs(res.headers['retry-after']))
  if (res.status >= 500) return new PlatformApiError('unavailable', code, message)
  return new PlatformApiError('invalid', code, message)
}

/** Platforms whose rate limits count calls per second and whose throttle answers name no wait: try again after a second. */
export const PER_SECOND_LIMIT_MS = 1000
