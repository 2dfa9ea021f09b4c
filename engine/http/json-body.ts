/**
 * The application/json body parser. One native JSON.parse, then one iterative walk of the value
 * that refuses what would hurt later, each with a 400 naming the place: nesting deeper than
 * MAX_JSON_DEPTH (recursive code downstream, ajv, JSON.stringify, would overflow the stack and
 * answer 500), keys that could pollute prototypes (`__proto__`, `constructor.prototype`), and
 * numbers beyond a double (1e400 parses to Infinity and would be stored as null). The request keeps
 * the text it was parsed from (`request.jsonText`), for payloads that must be stored byte-exact.
 */
import fp from 'fastify-plugin'
import { escapePointer, type ErrorDetail } from '../../schemas/index.ts'
import { badRequest } from './errors.ts'

/** How many levels of objects and arrays a body may nest (a top-level object is level 1). */
export const MAX_JSON_DEPTH = 64

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON text the body was parsed from (without a byte order mark); null without a JSON body. */
    jsonText: string | null
  }
}

const PROTOTYPE_KEY = 'is a key that could pollute object prototypes; it is refused'
const TOO_DEEP = `nests deeper than ${MAX_JSON_DEPTH} levels of objects and arrays`
const TOO_LARGE = 'is a number too large to represent (beyond ±1.8e308)'

/** A container being walked: its keys (null for an array), the next child, and how it was reached. */
interface Frame { value: object; keys: string[] | null; next: number; token: string | number }

/**
 * JSON.parse's reason without the body: for an unexpected token V8 quotes the text around it
 * ("Unexpected token 's', "{"value":s3cr3t}" is not valid JSON"), and a body may hold a secret.
 */
function syntaxReason(message: string): string {
  const token = /^Unexpected token .*is not valid JSON$/s.test(message)
  return token ? 'Unexpected token: the body is not valid JSON' : message
}

/** The value of a JSON body text; throws a 400 HttpError naming the first place refused. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw badRequest([{ pointer: '/', reason: 'the body is empty' }], 'malformed JSON: the body is empty')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    const reason = syntaxReason((err as Error).message)
    throw badRequest([{ pointer: '/', reason }], `malformed JSON: ${reason}`)
  }
  const refused = refusal(value)
  if (refused) throw badRequest([refused], `body refused: ${refused.pointer} ${refused.reason}`)
  return value
}

/** The first place (in document order) the walk refuses, or null. Iterative: the depth it checks is what recursion could not survive. */
function refusal(root: unknown): ErrorDetail | null {
  if (typeof root === 'number' && !Number.isFinite(root)) return { pointer: '/', reason: TOO_LARGE }
  if (typeof root !== 'object' || root === null) return null
  const stack: Frame[] = [frame(root, '')]
  while (stack.length > 0) {
    const top = stack[stack.length - 1]
    const { keys } = top
    const size = keys ? keys.length : (top.value as unknown[]).length
    if (top.next === size) {
      stack.pop()
      continue
    }
    const i = top.next++
    const token = keys ? keys[i] : i
    const child = keys ? (top.value as Record<string, unknown>)[keys[i]] : (top.value as unknown[])[i]
    if (keys) {
      if (token === '__proto__') return { pointer: pointerOf(stack, token), reason: PROTOTYPE_KEY }
      if (token === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype')) {
        return { pointer: `${pointerOf(stack, token)}/prototype`, reason: PROTOTYPE_KEY }
      }
    }
    if (typeof child === 'number') {
      if (!Number.isFinite(child)) return { pointer: pointerOf(stack, token), reason: TOO_LARGE }
    } else if (typeof child === 'object' && child !== null) {
      if (stack.length >= MAX_JSON_DEPTH) return { pointer: pointerOf(stack, token), reason: TOO_DEEP }
      stack.push(frame(child, token))
    }
  }
  return null
}

function frame(value: object, token: string | number): Frame {
  return { value, keys: Array.isArray(value) ? null : Object.keys(value), next: 0, token }
}

/** The pointer of child `token` of the innermost container on the stack (built only when refusing). */
function pointerOf(stack: readonly Frame[], token: string | number): string {
  let pointer = ''
  for (let i = 1; i < stack.length; i++) pointer += `/${escapePointer(String(stack[i].token))}`
  return `${pointer}/${escapePointer(String(token))}`
}

/** Replaces Fastify's application/json parser (secure-json-parse) with parseJsonBody; the body limit still applies. */
export const jsonBodyParser = fp(async (app) => {
  app.decorateRequest('jsonText', null)
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // Fastify's parser took a leading byte order mark; so does this one (JSON.parse would not).
    const text = (body as string).charCodeAt(0) === 0xfeff ? (body as string).slice(1) : (body as string)
    let value: unknown
    try {
      value = parseJsonBody(text)
    } catch (err) {
      return done(err as Error, undefined)
    }
    request.jsonText = text
    done(null, value)
  })
}, { name: 'ordo-json-body' })
