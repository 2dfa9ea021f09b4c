/**
 * Platform payloads read without losing digits. The engine's body parser (parseJsonBody) checks the
 * text first (syntax, depth, prototype keys, numbers beyond a double, each refusal naming its place);
 * this second pass over text it accepted keeps every number as its source text, so a 64-bit id
 * (Taobao tid 3921847562019384756, which JSON.parse reads as …4800) and a decimal price (Pinduoduo
 * 39.8) reach the adapters as written.
 */
import { parseJsonBody } from '../../engine/http/json-body.ts'
import { HttpError } from '../../engine/http/errors.ts'
import type { ErrorDetail } from '../../schemas/index.ts'

/** A JSON number as its source text ("3921847562019384756", "39.8", "1e3"). */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** A JSON value whose numbers are JsonNumbers. */
export type LosslessJson = null | boolean | string | JsonNumber | LosslessJson[] | { [key: string]: LosslessJson }

/**
 * A payload read both ways: `value` as JSON.parse makes it (the raw payload to keep, beside its exact
 * `text`), `tree` with every number's text.
 */
export type ReadPayload = { ok: true; text: string; value: unknown; tree: LosslessJson } | { ok: false; details: ErrorDetail[] }

/** A JSON body an HTTP parser has already read and checked: its text, and the value JSON.parse made of it. */
export interface ParsedBody { text: string; value: unknown }

/**
 * Reads a payload: bytes or text (checked by parseJsonBody; a byte order mark is dropped, as the HTTP
 * body parser does), or a body the HTTP parser already checked, which is not parsed again.
 */
export function readPayload(body: string | Buffer | ParsedBody): ReadPayload {
  if (typeof body === 'object' && !Buffer.isBuffer(body)) return { ok: true, text: body.text, value: body.value, tree: parseAccepted(body.text) }
  const decoded = typeof body === 'string' ? body : body.toString('utf8')
  const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded
  let value: unknown
  try {
    value = parseJsonBody(text)
  } catch (err) {
    if (err instanceof HttpError) return { ok: false, details: err.details.map(({ pointer, reason }) => ({ pointer, reason })) }
    throw err
  }
  return { ok: true, text, value, tree: parseAccepted(text) }
}

/** The lossless tree of a text that JSON.parse accepts (and no deeper than parseJsonBody allows: this recurses). */
export function parseAccepted(text: string): LosslessJson {
  const scanner = { text, i: 0 }
  return readValue(scanner)
}

interface Scanner { text: string; i: number }

const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y

function readValue(s: Scanner): LosslessJson {
  skipSpace(s)
  const c = s.text[s.i]
  if (c === '{') return readObject(s)
  if (c === '[') return readArray(s)
  if (c === '"') return readString(s)
  if (s.text.startsWith('true', s.i)) { s.i += 4; return true }
  if (s.text.startsWith('false', s.i)) { s.i += 5; return false }
  if (s.text.startsWith('null', s.i)) { s.i += 4; return null }
  NUMBER.lastIndex = s.i
  const m = NUMBER.exec(s.text)
  if (!m) throw new SyntaxError(`not JSON at ${s.i}; read only text JSON.parse accepted`)
  s.i += m[0].length
  return new JsonNumber(m[0])
}

function readObject(s: Scanner): { [key: string]: LosslessJson } {
  // JSON.parse accepted the text, so "__proto__" never reaches here (parseJsonBody refuses it).
  const out: { [key: string]: LosslessJson } = {}
  s.i += 1
  skipSpace(s)
  if (s.text[s.i] === '}') { s.i += 1; return out }
  for (;;) {
    skipSpace(s)
    const key = readString(s)
    skipSpace(s)
    s.i += 1 // the colon
    out[key] = readValue(s) // a repeated key keeps its last value, as JSON.parse does
    skipSpace(s)
    if (s.text[s.i++] === '}') return out
  }
}

function readArray(s: Scanner): LosslessJson[] {
  const out: LosslessJson[] = []
  s.i += 1
  skipSpace(s)
  if (s.text[s.i] === ']') { s.i += 1; return out }
  for (;;) {
    out.push(readValue(s))
    skipSpace(s)
    if (s.text[s.i++] === ']') return out
  }
}

function readString(s: Scanner): string {
  const start = s.i
  let escaped = false
  let j = start + 1
  for (;; j++) {
    const ch = s.text.charCodeAt(j)
    if (ch === 0x22) break
    if (ch === 0x5c) { escaped = true; j++ }
  }
  s.i = j + 1
  return escaped ? (JSON.parse(s.text.slice(start, s.i)) as string) : s.text.slice(start + 1, j)
}

function skipSpace(s: Scanner): void {
  for (;;) {
    const ch = s.text.charCodeAt(s.i)
    if (ch !== 0x20 && ch !== 0x0a && ch !== 0x0d && ch !== 0x09) return
    s.i += 1
  }
}
