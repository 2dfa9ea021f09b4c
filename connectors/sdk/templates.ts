/**
 * Templates over the order and the run's variables ("{{order.platformOrderId}}"), in Mustache's
 * syntax (sections and lists included), compiled once per workflow version. A template may name a
 * secret ("Bearer {{secret.wms-token}}"): `run` never sees its value, it leaves a slot the shell
 * fills in `perform`. Slots are recorded beside the value, not written into it, so no order field
 * or variable can smuggle in a reference to a secret.
 */
import Mustache from 'mustache'
import { SECRET_IN_TEMPLATE } from '../../engine/core/secret-references.ts'

/** How a value is written into the text: as is, URL-encoded (URL templates), or HTML-escaped (email bodies). */
export type TemplateEscape = 'none' | 'url' | 'html' | 'header'

/** Rendered text with references to secrets in it. */
export type SecretParts = Array<string | { secret: string }>

/** Where a secret goes: the text at `pointer` (JSON pointer into the rendered value) is these parts joined, the secrets escaped as the template says. */
export interface SecretSlot { pointer: string; parts: SecretParts; escape: TemplateEscape }

/** A rendered value and the secret slots to fill before it is sent. */
export interface WithSecrets<T> { value: T; secretSlots: SecretSlot[] }

/** A template that cannot be used: unclosed section, a secret inside a section, too long a result. */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TemplateError'
  }
}

/** The longest text one template may render (a section over a long list stops here). */
export const MAX_RENDERED_CHARS = 1_000_000

// Mustache keeps every template it parsed in a process-wide cache; a bounded one keeps a stream of
// distinct templates from growing the heap.
const cache = new Map<string, unknown>()
Mustache.templateCache = {
  set(key: string, value: string) { if (cache.size >= 500) cache.clear(); cache.set(key, value) },
  get: (key: string) => cache.get(key) as string | undefined,
  clear: () => cache.clear(),
}

const WHOLE_VALUE = /^\{\{\{?\s*([A-Za-z_$][\w$-]*(?:\.[\w$-]+)*)\s*\}?\}\}$/

function formatValue(value: unknown): string {
  if (value == null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  return JSON.stringify(value) ?? ''
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const ESCAPES: Record<TemplateEscape, (value: unknown) => string> = {
  none: formatValue,
  url: (v) => encodeURIComponent(formatValue(v)),
  html: (v) => formatValue(v).replace(/[&<>"']/g, (c) => HTML[c]!),
  // A header value cannot hold a line break: that would start another header.
  header: (v) => formatValue(v).replace(/[\r\n]+/g, ' '),
}

/** A copy of plain data whose objects have no prototype, so `{{constructor}}` finds nothing. */
function plainView(value: unknown, depth = 0): unknown {
  if (depth > 64 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((v) => plainView(v, depth + 1))
  const out = Object.create(null) as Record<string, unknown>
  for (const [k, v] of Object.entries(value)) out[k] = plainView(v, depth + 1)
  return out
}

/** A compiled text template. */
export interface TextTemplate {
  /** The secrets it names. */
  readonly secrets: readonly string[]
  /** Text, or parts with secret references when it names secrets. */
  render(view: unknown): string | SecretParts
}

/** Compiles a text template; throws a TemplateError saying what is wrong with it. */
export function compileTextTemplate(text: string, escape: TemplateEscape = 'none'): TextTemplate {
  const pieces: Array<{ text: string } | { secret: string }> = []
  let last = 0
  for (const m of text.matchAll(SECRET_IN_TEMPLATE)) {
    if (m.index! > last) pieces.push({ text: text.slice(last, m.index) })
    pieces.push({ secret: m[1]! })
    last = m.index! + m[0].length
  }
  if (last < text.length || pieces.length === 0) pieces.push({ text: text.slice(last) })
  for (const p of pieces) {
    if (!('text' in p)) continue
    try {
      Mustache.parse(p.text)
    } catch (error) {
      const hint = pieces.length > 1 ? ' (a secret cannot stand inside a {{#section}})' : ''
      throw new TemplateError(`template cannot be read: ${(error as Error).message}${hint}`)
    }
  }
  const secrets = pieces.flatMap((p) => ('secret' in p ? [p.secret] : []))
  const escapeFn = ESCAPES[escape]
  const renderText = (piece: string, view: unknown): string => {
    const out = Mustache.render(piece, view, {}, { escape: escapeFn })
    if (out.length > MAX_RENDERED_CHARS) throw new TemplateError(`template renders more than ${MAX_RENDERED_CHARS} characters`)
    return out
  }
  return {
    secrets,
    render(view) {
      const v = plainView(view)
      if (secrets.length === 0) return renderText(text, v)
      return pieces.map((p) => ('secret' in p ? { secret: p.secret } : renderText(p.text, v)))
    },
  }
}

/** Looks a dotted path up in the view, as Mustache would ("order.items.0.sku"). */
function lookup(view: unknown, path: string): unknown {
  let value: unknown = view
  for (const name of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, name)) return undefined
    value = (value as Record<string, unknown>)[name]
  }
  return value
}

/** A compiled JSON template: every string in it is a text template. */
export interface JsonTemplate {
  readonly secrets: readonly string[]
  render(view: unknown): WithSecrets<unknown>
}

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1')

/**
 * Compiles a JSON value whose strings are templates. A string that is a single tag ("{{order.totalAmount}}")
 * becomes the value itself, keeping its type (a number stays a number, a list a list).
 */
export function compileJsonTemplate(template: unknown, escape: TemplateEscape | ((pointer: string) => TemplateEscape) = 'none'): JsonTemplate {
  const escapeAt = typeof escape === 'function' ? escape : () => escape
  type Node = (view: unknown, pointer: string, slots: SecretSlot[]) => unknown
  const secrets: string[] = []
  const build = (t: unknown, at: string): Node => {
    if (typeof t === 'string') {
      const whole = WHOLE_VALUE.exec(t)
      if (whole && !whole[1]!.startsWith('secret.')) {
        const path = whole[1]!
        return (view) => lookup(view, path) ?? null
      }
      let compiled: TextTemplate
      const how = escapeAt(at)
      try {
        compiled = compileTextTemplate(t, how)
      } catch (error) {
        throw new TemplateError(`${at || '/'}: ${(error as Error).message}`)
      }
      secrets.push(...compiled.secrets)
      return (view, pointer, slots) => {
        const out = compiled.render(view)
        if (typeof out === 'string') return out
        slots.push({ pointer, parts: out, escape: how })
        return ''
      }
    }
    if (Array.isArray(t)) {
      const items = t.map((v, i) => build(v, `${at}/${i}`))
      return (view, pointer, slots) => items.map((item, i) => item(view, `${pointer}/${i}`, slots))
    }
    if (t !== null && typeof t === 'object') {
      const entries = Object.entries(t).map(([k, v]) => [k, build(v, `${at}/${escapePointer(k)}`)] as const)
      return (view, pointer, slots) => {
        const out: Record<string, unknown> = {}
        for (const [k, node] of entries) out[k] = node(view, `${pointer}/${escapePointer(k)}`, slots)
        return out
      }
    }
    return () => t
  }
  const root = build(template, '')
  return {
    secrets,
    render(view) {
      const plain = plainView(view)
      const secretSlots: SecretSlot[] = []
      const value = root(plain, '', secretSlots)
      return { value, secretSlots }
    },
  }
}

/** Reads secrets by name (the shell's vault, or the test harness's map). */
export interface SecretReader {
  /** The secret's value; throws a PermanentError when no secret has this name. */
  get(name: string): Promise<string>
}

function setAt(target: unknown, pointer: string, value: string): unknown {
  if (pointer === '') return value
  const segments = pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
  let node = target as Record<string, unknown>
  for (const s of segments.slice(0, -1)) node = node[s] as Record<string, unknown>
  node[segments.at(-1)!] = value
  return target
}

/** Rendered text with its secrets filled in (escaped like the template's other values). */
export async function fillParts(text: string | SecretParts, secrets: SecretReader, escape: TemplateEscape = 'none'): Promise<string> {
  if (typeof text === 'string') return text
  const values = await Promise.all(text.map((p) => (typeof p === 'string' ? p : secrets.get(p.secret).then(ESCAPES[escape]))))
  return values.join('')
}

/** The value with every secret slot filled in, for `perform` to send. */
export async function fillSecrets<T>(rendered: WithSecrets<T>, secrets: SecretReader): Promise<T> {
  if (rendered.secretSlots.length === 0) return rendered.value
  let value = structuredClone(rendered.value) as unknown
  for (const slot of rendered.secretSlots) value = setAt(value, slot.pointer, await fillParts(slot.parts, secrets, slot.escape))
  return value as T
}
