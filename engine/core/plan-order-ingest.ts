/**
 * What ingesting one order means, decided purely: create or update, which history entries to append,
 * whether the status may move, and which published workflows the change starts.
 */
import type { Hold, Order, Status } from '../../schemas/generated/order.ts'
import type { OrderInput } from '../../schemas/generated/order-input.ts'
import type { IngestPlan, NewRun, StoredOrder } from '../store/store.ts'
import type { PreparedWorkflow } from './prepare-workflow.ts'
import { ORDER_STATUSES, canMoveStatus, statusRank } from './order-state-machine.ts'
import { matchTriggers } from './match-triggers.ts'
import { startRun } from './advance.ts'
import { parseInstant } from '../../schemas/date-time.ts'
import { sameJson } from './same-json.ts'

/** Orders stamped further ahead of Ordo's clock than this are flagged as clock skew. */
export const CLOCK_SKEW_TOLERANCE_MS = 30_000

export interface IngestContext {
  now: number
  /** where the order came from, for its history ("api:<token name>"; later "webhook:shopify") */
  source: string
  newOrderId: () => string
  newRunId: () => string
  /** the latest published version of every workflow */
  workflows: readonly PreparedWorkflow[]
}

type OrderEventKind = 'created' | 'updated' | 'status_changed'

/** Fields the platform owns: a newer payload replaces them. Ordo-owned fields (tags, holds, team...) stay; tags and holds a payload brings are added to them. */
const PLATFORM_FIELDS = ['status', 'totalAmount', 'currency', 'customer', 'shippingAddress', 'items', 'payment', 'presale', 'createdAt', 'updatedAt'] as const

/**
 * The date-time fields of an order input, as JSON pointers ('*': every array element). They are
 * compared as instants, so the same instant in another notation (+08:00, Z, .000Z) is no change.
 */
export const INSTANT_FIELDS = ['/createdAt', '/updatedAt', '/payment/paidAt', '/holds/*/at'] as const

/** INSTANT_FIELDS by top-level field: the paths below it ([] for the field itself). */
const INSTANT_PATHS = new Map<string, string[][]>()
for (const pointer of INSTANT_FIELDS) {
  const [field, ...path] = pointer.slice(1).split('/')
  INSTANT_PATHS.set(field, [...(INSTANT_PATHS.get(field) ?? []), path])
}

/** Plans the ingest of `input` given the stored order (or null). Pure. */
export function planOrderIngest(existing: StoredOrder | null, input: OrderInput, raw: unknown, ctx: IngestContext): IngestPlan {
  const skewMs = clockSkewMs(input, ctx.now)
  const changedBy = personOf(ctx.source)
  if (!existing) {
    const order = newOrder(input, raw, ctx, skewMs)
    return {
      outcome: 'created',
      order,
      revision: 1,
      events: [{ kind: 'created', revision: 1, fromStatus: null, toStatus: order.status, source: ctx.source, at: ctx.now, detail: skewMs > 0 ? { clockSkewMs: skewMs } : {} }],
      runs: runsFor(['created'], null, order, 1, ctx),
      changedBy,
    }
  }
  const revision = existing.revision

  const current = existing.order
  const incomingAt = instantOf(input.updatedAt, 'updatedAt')
  const currentAt = instantOf(current.updatedAt, 'updatedAt')
  // A timestamp from a clock running ahead must not win every later comparison, or the order would
  // stay frozen until that future moment: a sane update replaces a clock-skewed one.
  const currentSkewed = current.exception?.type === 'clock_skew'
  if (incomingAt < currentAt && !(currentSkewed && skewMs === 0)) {
    // A late, older event: keep everything, but note it so the history explains what arrived.
    return {
      outcome: 'unchanged',
      revision,
      events: [{ kind: 'stale_ignored', revision, fromStatus: current.status, toStatus: current.status, source: ctx.source, at: ctx.now,
        detail: { incomingStatus: input.status, incomingUpdatedAt: input.updatedAt } }],
      runs: [],
      changedBy: existing.changedBy ?? null,
    }
  }

  // An update without a payload keeps the one stored, so a rejected event can still be replayed.
  const next: Order = { ...current, ...platformFields(input), raw: (raw ?? input.raw ?? current.raw) as Order['raw'] }
  if (input.tags) next.tags = mergeTags(current.tags, input.tags)
  if (input.holds) next.holds = mergeHolds(current.holds, input.holds)
  if (input.exception !== undefined) next.exception = input.exception
  else if (skewMs > 0 && !next.exception) next.exception = skewException(skewMs)
  else if (skewMs === 0 && currentSkewed) next.exception = null

  const events: IngestPlan['events'] = []
  let statusMoved = false
  if (input.status !== current.status) {
    if (reachable(current.status, input.status)) {
      statusMoved = true
    } else {
      // The platform says something the state machine forbids (e.g. completed -> paid): keep ours, say so.
      next.status = current.status
      events.push({ kind: 'status_rejected', revision, fromStatus: current.status, toStatus: current.status, source: ctx.source, at: ctx.now,
        detail: { incomingStatus: input.status, reason: `no legal move from ${current.status} to ${input.status}` } })
    }
  }

  const changed = changedFields(current, next)
  if (changed.length === 0) return { outcome: 'unchanged', revision, events, runs: [], changedBy: existing.changedBy ?? null }

  const kinds: OrderEventKind[] = statusMoved ? ['status_changed', 'updated'] : ['updated']
  events.push({ kind: statusMoved ? 'status_changed' : 'updated', revision: revision + 1, fromStatus: current.status, toStatus: next.status, source: ctx.source, at: ctx.now, detail: { changed } })
  return {
    outcome: 'updated',
    order: next,
    revision: revision + 1,
    events,
    runs: runsFor(kinds, current.status, next, revision + 1, ctx),
    changedBy,
  }
}

/** The person behind a source ("api:li" is the API token li; platforms and runs are nobody). */
function personOf(source: string): string | null {
  const m = /^(?:api|operator):(.+)$/.exec(source)
  return m ? m[1] : null
}

/** How far (ms) the order's own timestamps are ahead of Ordo's clock beyond the tolerance; 0 if not. */
export function clockSkewMs(input: Pick<OrderInput, 'createdAt' | 'updatedAt'>, now: number): number {
  const ahead = Math.max(parseInstant(input.createdAt) ?? -Infinity, parseInstant(input.updatedAt) ?? -Infinity) - now
  return ahead > CLOCK_SKEW_TOLERANCE_MS ? ahead : 0
}

/** Epoch ms of a timestamp the schema accepted (its date-time format is parseInstant, so this holds at the edge). */
function instantOf(text: string, field: string): number {
  const ms = parseInstant(text)
  if (ms === null) throw new RangeError(`${field} "${text}" is not a date-time; validate orders before planning them`)
  return ms
}

function newOrder(input: OrderInput, raw: unknown, ctx: IngestContext, skewMs: number): Order {
  const exception = input.exception ?? (skewMs > 0 ? skewException(skewMs) : null)
  const order: Order = {
    id: ctx.newOrderId(),
    platform: input.platform,
    platformOrderId: input.platformOrderId,
    ...platformFields(input),
    tags: input.tags ? mergeTags([], input.tags) : [],
    assignedTeam: null,
    holds: input.holds ? mergeHolds([], input.holds) : [],
    exception,
    healthScore: null,
  }
  const payload = raw ?? input.raw
  if (payload !== undefined) order.raw = payload as Order['raw']
  return order
}

function platformFields(input: OrderInput): Pick<Order, (typeof PLATFORM_FIELDS)[number]> {
  return {
    status: input.status,
    totalAmount: input.totalAmount,
    currency: input.currency,
    customer: input.customer ?? {},
    shippingAddress: input.shippingAddress ?? {},
    items: input.items as Order['items'],
    payment: input.payment ?? {},
    presale: input.presale ?? false,
    createdAt: input.createdAt,
    updatedAt: input.updatedAt,
  }
}

function skewException(skewMs: number): NonNullable<Order['exception']> {
  return { type: 'clock_skew', reason: `order timestamps are ${Math.round(skewMs / 1000)} s ahead of Ordo's clock` }
}

function mergeTags(current: readonly string[], add: readonly string[]): string[] {
  const out = [...current]
  for (const t of add) if (!out.includes(t)) out.push(t)
  return out
}

/**
 * The platform's holds join the order's: a pool not yet held is added, a held pool keeps its hold.
 * A hold is never lifted here, even when the platform no longer reports it: releasing is a person's
 * or a flow's decision (order.hold), so an order the platform once stopped is looked at before it ships.
 */
function mergeHolds(current: readonly Hold[], add: readonly Hold[]): Hold[] {
  const out = [...current]
  for (const h of add) if (!out.some((held) => held.pool === h.pool)) out.push(h)
  return out
}

/** The fields whose content differs: key order is not content, nor is the notation of an instant. */
function changedFields(a: Order, b: Order): string[] {
  const changed: string[] = []
  for (const key of [...PLATFORM_FIELDS, 'tags', 'holds', 'exception'] as const) {
    if (!sameJson(comparable(key, a[key]), comparable(key, b[key]))) changed.push(key)
  }
  return changed
}

/** An order field's value as compared: its date-times (INSTANT_FIELDS) replaced by their epoch ms. */
function comparable(field: string, value: unknown): unknown {
  const paths = INSTANT_PATHS.get(field)
  if (!paths) return value
  return paths.reduce(withInstantAt, value)
}

function withInstantAt(value: unknown, path: readonly string[]): unknown {
  // Text that is not a date-time (never past the edge's validation) stays text and compares as such.
  if (path.length === 0) return typeof value === 'string' ? parseInstant(value) ?? value : value
  const [key, ...rest] = path
  if (key === '*') return Array.isArray(value) ? value.map((v) => withInstantAt(v, rest)) : value
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) return value
  return { ...value, [key]: withInstantAt((value as Record<string, unknown>)[key], rest) }
}

/**
 * True when the platform's newer status may replace ours: a legal move, or a jump forward through
 * legal moves (a platform may skip steps: paid -> delivered). Never a detour back through refunding.
 */
function reachable(from: Status, to: Status): boolean {
  if (canMoveStatus(from, to)) return true
  const seen = new Set<Status>([from])
  const queue: Status[] = [from]
  while (queue.length) {
    const s = queue.shift()!
    for (const n of ORDER_STATUSES) {
      if (seen.has(n) || statusRank[n] <= statusRank[s] || !canMoveStatus(s, n)) continue
      if (n === to) return true
      seen.add(n)
      queue.push(n)
    }
  }
  return false
}

function runsFor(kinds: OrderEventKind[], fromStatus: Status | null, order: Order, revision: number, ctx: IngestContext): NewRun[] {
  const runs: NewRun[] = []
  for (const wf of ctx.workflows) {
    const kind = kinds.find((k) => matchTriggers(wf, { kind: k, fromStatus, toStatus: order.status }, order))
    if (!kind) continue
    const runId = ctx.newRunId()
    runs.push({
      state: startRun(wf, { runId, orderId: order.id, variables: {}, now: ctx.now, input: { event: { kind, fromStatus, toStatus: order.status } } }),
      trigger: { kind: 'order-event', event: kind, revision },
      triggerKey: `${wf.definition.id}:${order.id}:${revision}`,
    })
  }
  return runs
}
