/**
 * Pure helpers of the subscriptions page: the create form checked the way the API checks it and
 * turned into its body (a RabbitMQ URL put together from its parts, the password typed apart), a
 * target as people read it, and which dead letters a replay sends.
 */
import type { MessageKey } from '../i18n/messages.ts'
import { translateIfKnown, type Translate } from '../i18n/index.ts'
import type { SubscriptionTarget } from '../api/types.ts'

/** The order-history kinds a subscription may ask for (engine/store/sqlite/sqlite-outbox.ts SUBSCRIBABLE_KINDS). */
export const SUBSCRIBABLE_KINDS = ['created', 'status_changed', 'updated', 'patched'] as const
export type SubscribableKind = (typeof SUBSCRIBABLE_KINDS)[number]

/** An order event kind in words ("订单状态变化"); the kind itself when the table has none. */
export function eventKindLabel(t: Translate, kind: string): string {
  return translateIfKnown(t, `orderEvent.${kind}`) ?? kind
}

/** The create form as typed. */
export interface SubscriptionDraft {
  name: string
  events: string[]
  kind: 'webhook' | 'rabbitmq'
  /** webhook: https://erp.example.com/ordo-events; rabbitmq: amqp://host:5672/vhost (credentials may be typed apart). */
  url: string
  username: string
  /** The broker password: typed in a password box, put into the URL only in the request body. */
  password: string
  exchange: string
  routingKey: string
  /** A JsonLogic rule over { order, event }, or undefined for every event of the kinds chosen. */
  filter: unknown
}

export const EMPTY_DRAFT: SubscriptionDraft = { name: '', events: ['created', 'status_changed'], kind: 'webhook', url: '', username: '', password: '', exchange: '', routingKey: '', filter: undefined }

/** The request body of POST /api/subscriptions. */
export type CreateSubscriptionBody = {
  name: string
  events: string[]
  filter?: unknown
  target: { kind: 'webhook'; url: string } | { kind: 'rabbitmq'; url: string; exchange: string; routingKey?: string }
}

export type DraftField = 'name' | 'events' | 'url' | 'username' | 'exchange' | 'routingKey'

/** What is wrong with the draft, field by field, as the API would refuse it. */
export function draftProblems(d: SubscriptionDraft): Partial<Record<DraftField, MessageKey>> {
  const out: Partial<Record<DraftField, MessageKey>> = {}
  const name = d.name.trim()
  if (!name) out.name = 'subscriptions.problem.name'
  else if (name.length > 200) out.name = 'subscriptions.problem.nameLong'
  if (d.events.length === 0) out.events = 'subscriptions.problem.events'
  const url = d.url.trim()
  if (d.kind === 'webhook') {
    if (!/^https?:\/\/[^\s/?#]+/.test(url)) out.url = 'subscriptions.problem.webhookUrl'
    else if (url.length > 2000) out.url = 'subscriptions.problem.urlLong'
  } else {
    if (!/^amqps?:\/\/[^\s/?#]+/.test(url)) out.url = 'subscriptions.problem.amqpUrl'
    else if (amqpUrl(url, d.username, d.password).length > 2000) out.url = 'subscriptions.problem.urlLong'
    else if (d.password && !d.username.trim() && !hasCredentials(url)) out.username = 'subscriptions.problem.username'
    if (!/^[A-Za-z0-9_.:-]{1,255}$/.test(d.exchange.trim())) out.exchange = 'subscriptions.problem.exchange'
    if (d.routingKey.length > 255) out.routingKey = 'subscriptions.problem.routingKey'
  }
  return out
}

/** Whether an amqp:// URL already holds a user (and perhaps a password). */
function hasCredentials(url: string): boolean {
  return /^amqps?:\/\/[^/?#]*@/.test(url)
}

/**
 * The broker URL with the user and password put in (each URL-encoded), unless the URL holds its own:
 * ("amqp://mq.internal:5672/ordo", "ordo", "p@ss") → "amqp://ordo:p%40ss@mq.internal:5672/ordo".
 */
export function amqpUrl(base: string, username: string, password: string): string {
  const url = base.trim()
  const user = username.trim()
  if (!user || hasCredentials(url)) return url
  const m = /^(amqps?:\/\/)(.*)$/.exec(url)
  if (!m) return url
  const auth = password ? `${encodeURIComponent(user)}:${encodeURIComponent(password)}` : encodeURIComponent(user)
  return `${m[1]}${auth}@${m[2]}`
}

/** The body to send for a draft without problems. */
export function subscriptionBody(d: SubscriptionDraft): CreateSubscriptionBody {
  const events = SUBSCRIBABLE_KINDS.filter((k) => d.events.includes(k))
  const target: CreateSubscriptionBody['target'] = d.kind === 'webhook'
    ? { kind: 'webhook', url: d.url.trim() }
    : { kind: 'rabbitmq', url: amqpUrl(d.url, d.username, d.password), exchange: d.exchange.trim(), ...(d.routingKey.trim() ? { routingKey: d.routingKey.trim() } : {}) }
  return { name: d.name.trim(), events, ...(d.filter !== undefined && d.filter !== null ? { filter: d.filter } : {}), target }
}

/** A target as the list shows it: where (the URL, a broker's without its password) and, for RabbitMQ, the exchange and routing key. */
export function targetParts(target: SubscriptionTarget): { url: string; exchange?: string; routingKey?: string } {
  if (target.kind === 'rabbitmq') return { url: target.url ?? '', exchange: target.exchange ?? '', routingKey: target.routingKey }
  return { url: target.url ?? '' }
}

/** The most dead letters one replay request names (the API's maxItems). */
export const REPLAY_BATCH = 1000

/** The bodies that replay the chosen dead letters, lowest id first, at most REPLAY_BATCH each. */
export function replayBatches(chosen: Iterable<number>): Array<{ ids: number[] }> {
  const ids = [...new Set(chosen)].sort((a, b) => a - b)
  const out: Array<{ ids: number[] }> = []
  for (let i = 0; i < ids.length; i += REPLAY_BATCH) out.push({ ids: ids.slice(i, i + REPLAY_BATCH) })
  return out
}

/** What a dead letter's payload tells beside its row: the status move, and the order's amount (minor units) with its currency. */
export interface DeadLetterSummary { fromStatus: string | null; toStatus: string | null; amount: { minor: number; currency: string } | null }

export function deadLetterSummary(payload: unknown): DeadLetterSummary {
  const p = (payload && typeof payload === 'object' ? payload : {}) as { fromStatus?: unknown; toStatus?: unknown; order?: { totalAmount?: unknown; currency?: unknown } }
  const text = (v: unknown) => (typeof v === 'string' && v ? v : null)
  const minor = p.order?.totalAmount
  const currency = p.order?.currency
  return {
    fromStatus: text(p.fromStatus),
    toStatus: text(p.toStatus),
    amount: typeof minor === 'number' && Number.isInteger(minor) && typeof currency === 'string' ? { minor, currency } : null,
  }
}

/**
 * A delivery's last error as the outbox keeps it ("5xx: the receiver answered 500 (after 12 tries)"):
 * its class, what went wrong, and the tries it counts (a dead letter's; its row shows them apart).
 */
export function deliveryError(lastError: string | null): { errorClass: string | null; message: string; tries: number | null } | null {
  if (!lastError) return null
  const m = /^(timeout|auth|4xx|5xx|network|error): (.*)$/s.exec(lastError)
  const rest = m ? m[2]! : lastError
  const counted = /^(.*) \(after (\d+) tries\)$/s.exec(rest)
  return { errorClass: m ? m[1]! : null, message: counted ? counted[1]! : rest, tries: counted ? Number(counted[2]) : null }
}
