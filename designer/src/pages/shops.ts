/**
 * Pure helpers of the shops pages: each platform's credential form (from shop.schema.json), a
 * shop's health as people read it (relative times, percentages, a lag in words), a JSON text
 * re-indented without parsing it (64-bit ids stay whole) and a pull's answer read defensively.
 */
import type { RJSFSchema, UiSchema } from '@rjsf/utils'
import shopSchema from '../../../schemas/shop.schema.json' with { type: 'json' }
import type { ShopHealth, ShopPlatform, ShopView } from '../../../schemas/generated/shop.ts'
import { memberTextOfItems } from '../../../engine/http/json-member-text.ts'
import { ApiError } from '../api/client.ts'
import { describeReason } from '../editor/describe-problem.ts'
import type { Locale } from '../i18n/messages.ts'

export const SHOP_PLATFORMS = shopSchema.definitions.shopPlatform.enum as ShopPlatform[]

/** Credential keys whose values are secrets: typed into password boxes. */
const SECRET_KEYS = new Set(['accessToken', 'webhookSecret', 'consumerKey', 'consumerSecret', 'appSecret', 'sessionKey', 'clientSecret'])

type Definitions = typeof shopSchema.definitions
type CredentialDefinition = Definitions[`${ShopPlatform}Credentials`]

function credentialDefinition(platform: ShopPlatform): CredentialDefinition {
  return shopSchema.definitions[`${platform}Credentials`]
}

/** The JSON Schema of a platform's credentials, its $refs resolvable (rjsf reads `definitions`). */
export function credentialSchema(platform: ShopPlatform): RJSFSchema {
  const { title: _title, ...definition } = credentialDefinition(platform)
  return { ...definition, definitions: shopSchema.definitions } as unknown as RJSFSchema
}

/** The credential keys of a platform in the schema's order: required first, then the advanced ones. */
export function credentialKeys(platform: ShopPlatform): string[] {
  return Object.keys(credentialDefinition(platform).properties)
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key)
}

/**
 * The rjsf uiSchema of a platform's credential form: each field's label and help from `label(key)`,
 * secrets as password boxes the browser neither fills nor remembers, fields in the schema's order.
 */
export function credentialUiSchema(platform: ShopPlatform, label: (key: string) => { title: string; help?: string }): UiSchema {
  const keys = credentialKeys(platform)
  const ui: UiSchema = { 'ui:order': keys, 'ui:submitButtonOptions': { norender: true } }
  for (const key of keys) {
    const { title, help } = label(key)
    ui[key] = {
      'ui:title': title,
      ...(help ? { 'ui:description': help } : {}),
      ...(isSecretKey(key) ? { 'ui:widget': 'password', 'ui:autocomplete': 'new-password' } : { 'ui:autocomplete': 'off' }),
    }
  }
  return ui
}

/**
 * The credentials to send: empty and whitespace-only optional entries dropped (an emptied field is
 * "not given", not an empty address the API would refuse), the required ones kept as typed.
 */
export function credentialsToSend(platform: ShopPlatform, form: Record<string, unknown> | undefined): Record<string, string> {
  const required = new Set<string>(credentialDefinition(platform).required)
  const out: Record<string, string> = {}
  for (const key of credentialKeys(platform)) {
    const value = form?.[key]
    if (typeof value !== 'string') continue
    if (!required.has(key) && value.trim() === '') continue
    out[key] = value
  }
  return out
}

/** "3 minutes ago", "刚刚", "yesterday" for `iso` seen from `now`; '—' when absent or unreadable. */
export function formatRelative(iso: string | null | undefined, locale: string, now: number = Date.now()): string {
  if (!iso) return '—'
  const at = Date.parse(iso)
  if (Number.isNaN(at)) return iso
  const seconds = Math.round((at - now) / 1000)
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })
  const abs = Math.abs(seconds)
  if (abs < 45) return rtf.format(0, 'second')
  if (abs < 45 * 60) return rtf.format(Math.round(seconds / 60), 'minute')
  if (abs < 22 * 3600) return rtf.format(Math.round(seconds / 3600), 'hour')
  if (abs < 26 * 86_400) return rtf.format(Math.round(seconds / 86_400), 'day')
  if (abs < 320 * 86_400) return rtf.format(Math.round(seconds / (30 * 86_400)), 'month')
  return rtf.format(Math.round(seconds / (365 * 86_400)), 'year')
}

/** A share in 0..1 as a percentage for `locale`: "0%", "12.5%", "<0.1%" (a few failures in many are not nothing). */
export function formatPercent(rate: number | null | undefined, locale: string): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—'
  const f = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 })
  if (rate > 0 && rate < 0.001) return `<${f.format(0.001)}`
  return f.format(Math.min(1, Math.max(0, rate)))
}

const UNITS = [['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000], ['second', 1000]] as const

/** A duration in words for `locale`, its two largest units: "2 hours, 5 minutes", "2小时5分钟", "0 seconds". */
export function formatSpan(ms: number | null | undefined, locale: string): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—'
  const parts: string[] = []
  let rest = ms
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size)
    rest -= n * size
    if (n > 0 || parts.length > 0) parts.push(new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(n))
    if (parts.length === 2) break
  }
  if (parts.length === 2 && parts[1].startsWith('0')) parts.pop()
  if (parts.length === 0) return new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'long' }).format(0)
  return locale.startsWith('zh') ? parts.join('') : new Intl.ListFormat(locale, { style: 'narrow', type: 'unit' }).format(parts)
}

export type HealthState = 'disabled' | 'failing' | 'degraded' | 'healthy' | 'quiet'

/**
 * One word for a shop's health: disabled; failing (most recent events fail, or an error newer than
 * the last good push and pull); degraded (some fail); healthy; quiet (nothing heard in the window).
 */
export function healthState(shop: Pick<ShopView, 'enabled' | 'health'>): HealthState {
  if (!shop.enabled) return 'disabled'
  const h: ShopHealth = shop.health
  const lastGood = Math.max(...[h.lastPushAt, h.lastMessageAt, h.lastPullAt].map((t) => (t ? Date.parse(t) : -Infinity)))
  const errorAt = h.lastError ? Date.parse(h.lastError.at) : -Infinity
  if (h.events > 0 && h.errorRate >= 0.5) return 'failing'
  if (h.lastError && errorAt > lastGood && h.errors > 0) return 'failing'
  if (h.errors > 0 || h.rejectedPushes > 0) return 'degraded'
  if (h.events === 0 && lastGood === -Infinity) return 'quiet'
  return 'healthy'
}

/** The latest time the platform sent the shop something, a push or a long-connection message; null when never. */
export function lastHeard(h: Pick<ShopHealth, 'lastPushAt' | 'lastMessageAt'>): string | null {
  const times = [h.lastPushAt, h.lastMessageAt].filter((t): t is string => Boolean(t))
  return times.sort((a, b) => Date.parse(b) - Date.parse(a))[0] ?? null
}

/** POST /api/shops/:id/pull's answer. */
export interface PullResult { orders: number; changed?: number; pages: number; window: { from: string; to: string } | null }

/** Reads a pull answer: counts as numbers (a list counted), a window only when both ends are there. */
export function readPullResult(body: unknown): PullResult {
  const b = (body ?? {}) as Record<string, unknown>
  const count = (v: unknown) => (Array.isArray(v) ? v.length : typeof v === 'number' && Number.isFinite(v) ? v : 0)
  const w = b.window as { from?: unknown; to?: unknown } | undefined
  return {
    orders: count(b.orders),
    ...(b.changed !== undefined ? { changed: count(b.changed) } : {}),
    pages: count(b.pages),
    window: w && typeof w.from === 'string' && typeof w.to === 'string' ? { from: w.from, to: w.to } : null,
  }
}

/**
 * Valid JSON text re-indented by two spaces, scanning its characters (never parsing it, so a
 * 19-digit order id stays as the platform wrote it); text that is not JSON comes back as it is.
 */
export function prettyJsonText(text: string): string {
  try { JSON.parse(text) } catch { return text }
  let out = ''
  let depth = 0
  let inString = false
  const newline = () => `\n${'  '.repeat(depth)}`
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      out += c
      if (c === '\\') { out += text[++i]; continue }
      if (c === '"') inString = false
      continue
    }
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue
    if (c === '"') { inString = true; out += c; continue }
    if (c === '{' || c === '[') {
      // An empty object or array stays on its line: {} and [].
      let j = i + 1
      while (j < text.length && ' \n\r\t'.includes(text[j])) j++
      if (text[j] === (c === '{' ? '}' : ']')) { out += c + text[j]; i = j; continue }
      depth += 1
      out += c + newline()
      continue
    }
    if (c === '}' || c === ']') { depth -= 1; out += newline() + c; continue }
    if (c === ',') { out += c + newline(); continue }
    if (c === ':') { out += ': '; continue }
    out += c
  }
  return out
}

/**
 * The exact text of the order's raw payload in a GET /api/orders/:id answer (`order.raw`), as the
 * server wrote it (JSON.parse would round its 19-digit ids); null when the order has none.
 */
export function rawPayloadText(detailText: string): string | null {
  try { JSON.parse(detailText) } catch { return null }
  const order = memberTextOfItems(detailText, 'order')[0]
  if (order === undefined) return null
  const raw = memberTextOfItems(order, 'raw')[0]
  return raw === undefined || raw === 'null' ? null : raw
}

/** The API's refusals under /credentials/<key>, beside their field; the others for the error box. */
export function splitProblems(error: unknown, locale: Locale): { extra: Record<string, unknown>; rest: unknown } {
  if (!(error instanceof ApiError) || error.details.length === 0) return { extra: {}, rest: error }
  const extra: Record<string, { __errors: string[] }> = {}
  const others = error.details.filter((d) => {
    const m = /^\/credentials\/([^/]+)$/.exec(d.pointer)
    if (!m) return true
    ;(extra[m[1]] ??= { __errors: [] }).__errors.push(describeReason(d.reason, locale))
    return false
  })
  return { extra, rest: others.length ? new ApiError(error.status, error.message, others) : null }
}
