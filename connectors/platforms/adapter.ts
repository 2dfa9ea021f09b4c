/**
 * What every platform adapter shares: the shape of its answers, and `normalizeWith`, which reads a
 * payload losslessly, lets the adapter build order inputs from it, and holds what it built to
 * order-input.schema.json. An adapter is pure: no clock, no I/O, no store.
 */
import type { OrderInput } from '../../schemas/generated/order-input.ts'
import type { Platform, Status } from '../../schemas/generated/order.ts'
import { toErrorDetails, validators, type ErrorDetail } from '../../schemas/index.ts'
import { keepSourceText } from '../../engine/store/json-source-text.ts'
import { readPayload, type ParsedBody } from './lossless-json.ts'
import { Field, PayloadError } from './payload-reader.ts'

/** A platform an adapter reads (every platform but `manual`). */
export type PlatformName = Exclude<Platform, 'manual'>

/** A payload as it arrived (bytes or text), or as the HTTP body parser already read it. */
export type PayloadBody = string | Buffer | ParsedBody

/** Order inputs read from a payload, or what could not be read, by JSON pointer into the payload. */
export type NormalizeResult = { ok: true; orders: OrderInput[] } | { ok: false; details: ErrorDetail[] }

/** An order a push names without carrying it: fetch its detail to normalize it. */
export interface PulledOrderRef {
  platformOrderId: string
  /** the platform's name for what happened (Douyin tag "101", Taobao topic "taobao_trade_TradeBuyerPay") */
  event: string
}

/** What a push says: whole orders (Shopify, WooCommerce), only ids to pull (Douyin, Taobao messages), or a delivery test. */
export type PushContent =
  | { kind: 'orders'; orders: OrderInput[] }
  | { kind: 'pull'; orders: PulledOrderRef[] }
  | { kind: 'ping' }

/** A push read, or what could not be read. */
export type PushReading = { ok: true; push: PushContent } | { ok: false; details: ErrorDetail[] }

/** Whether a push's signature is the shop's; when not, why (for the 401). */
export type PushVerdict = { ok: true } | { ok: false; reason: string }

/** Request headers as Node gives them: lower-case names. */
export type PushHeaders = Readonly<Record<string, string | string[] | undefined>>

/** What one platform state means to Ordo: a status, and for a state that stops fulfilment, the hold it puts on. */
export interface PlatformState {
  status: Status
  hold?: { pool: string; reason: string }
}

/** The holds the platform's states put on an order, placed `at` the payload's own time; one per pool. */
export function holdsAt(at: string, holds: ReadonlyArray<PlatformState['hold']>): NonNullable<OrderInput['holds']> {
  const out: NonNullable<OrderInput['holds']> = []
  for (const hold of holds) if (hold && !out.some((h) => h.pool === hold.pool)) out.push({ pool: hold.pool, reason: hold.reason, at })
  return out
}

/**
 * Reads `body` (the payload's bytes or text) and builds order inputs with `build`, which gets the
 * payload's root field and reads what it needs through it. Each order keeps the payload as `raw`,
 * tied to its exact text so it is stored and answered byte for byte. A payload read into an order
 * the schema refuses is refused too, naming the order's field.
 */
export function normalizeWith(body: PayloadBody, build: (root: Field) => OrderInput[]): NormalizeResult {
  const payload = readPayload(body)
  if (!payload.ok) return payload
  const built = reading(() => build(new Field(payload.tree)))
  if (!built.ok) return built
  const orders = built.value
  const raw = payload.value as NonNullable<OrderInput['raw']>
  if (orders.length) keepSourceText(raw, payload.text) // build read an object, or it would have thrown
  const details: ErrorDetail[] = []
  for (const order of orders) {
    order.raw = raw
    if (!validators.orderInput(order)) {
      for (const d of toErrorDetails(validators.orderInput.errors)) details.push({ pointer: '/', reason: `reads as an order whose ${d.pointer} ${d.reason}` })
    }
  }
  return details.length ? { ok: false, details } : { ok: true, orders }
}

/** Reads a push body with `read`, which gets the payload's root field. */
export function readPushWith(body: PayloadBody, read: (root: Field) => PushContent): PushReading {
  const payload = readPayload(body)
  if (!payload.ok) return payload
  const push = reading(() => read(new Field(payload.tree)))
  return push.ok ? { ok: true, push: push.value } : push
}

/** The value `run` reads, or the PayloadError it throws as a detail. */
function reading<T>(run: () => T): { ok: true; value: T } | { ok: false; details: ErrorDetail[] } {
  try {
    return { ok: true, value: run() }
  } catch (err) {
    if (err instanceof PayloadError) return { ok: false, details: [{ pointer: err.pointer, reason: err.reason }] }
    throw err
  }
}

/** `value` without its undefined members, or undefined when none is left: optional parts of an order stay out. */
export function defined<T extends object>(value: T): T | undefined {
  const out = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
  return Object.keys(out).length ? out : undefined
}
