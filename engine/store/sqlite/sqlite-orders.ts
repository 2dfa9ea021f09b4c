/**
 * The order pool in SQLite: ingest, patches from runs, listing and history. Statements are prepared
 * once; the whole Order is one JSON `doc`, and the columns beside it exist only to filter and sort.
 */
import type Database from 'better-sqlite3'
import type { Order } from '../../../schemas/generated/order.ts'
import type { OrderInput } from '../../../schemas/generated/order-input.ts'
import type { OrderPatchEffect } from '../../core/effects.ts'
import type {
  IngestPlanner, IngestResult, NewRun, OrderEvent, OrderFilter, OrderPatcher, Page, StoredOrder,
} from '../store.ts'
import { NotFoundError } from '../store.ts'
import { decodeCursor, keysetPage, pageLimit } from '../page-cursor.ts'
import { patchedEvent } from '../../core/order-history.ts'
import { parseInstant } from '../../../schemas/date-time.ts'
import { keepSourceText, sourceTextOf } from '../json-source-text.ts'
import type { SqliteOutbox } from './sqlite-outbox.ts'

type NewEvent = Omit<OrderEvent, 'id' | 'orderId' | 'revision'>
interface OrderDocRow { id: string; doc: string; revision: number; raw: string | null; order_has_raw: number; changed_by?: string | null }

function storedOrder(row: OrderDocRow): StoredOrder {
  return { order: readOrder(row), revision: row.revision, changedBy: row.changed_by ?? null }
}
interface OrderEventRow {
  id: number; order_id: string; revision: number; kind: string; from_status: OrderEvent['fromStatus']
  to_status: OrderEvent['toStatus']; source: string; at: number; detail: string
}
/** status, total_amount, currency, created_at, updated_at, revision, tags, exception_type, assigned_team, doc */
type OrderColumns = [string, number, string, number, number, number, string, string | null, string | null, string]
/** raw, order_has_raw */
type RawColumns = [string | null, number]

/**
 * The order as stored: the doc, with its raw payload put back when it was the order's own. The raw
 * text stays its source text, so it is stored again and served exactly as it arrived.
 */
function readOrder(row: OrderDocRow): Order {
  const order = JSON.parse(row.doc) as Order
  if (row.order_has_raw === 1 && row.raw !== null) {
    const raw = JSON.parse(row.raw) as NonNullable<Order['raw']>
    keepSourceText(raw, row.raw)
    order.raw = raw
  }
  return order
}

/**
 * The raw payload goes into its own column, as the text it arrived as when that was kept (digits
 * of 64-bit ids intact), else serialised: the order's own `raw` when it has one, else the payload
 * given to ingest (kept only for replay, not part of the order).
 */
function rawColumns(order: Order, payload: unknown): RawColumns {
  if (order.raw !== undefined) return [rawText(order.raw), 1]
  return [payload === undefined ? null : rawText(payload), 0]
}

function rawText(payload: unknown): string {
  return sourceTextOf(payload) ?? JSON.stringify(payload)
}

/** The order's JSON without its raw payload (that has a column of its own). */
function docJson(order: Order): string {
  if (order.raw === undefined) return JSON.stringify(order)
  const { raw: _raw, ...doc } = order
  return JSON.stringify(doc)
}

/** Parses an ISO timestamp for an epoch-ms column; a NaN would break sorting and paging silently. */
function epochMs(iso: string, field: string, orderId: string): number {
  const ms = parseInstant(iso)
  if (ms === null) throw new RangeError(`order ${orderId}: ${field} "${iso}" is not an ISO 8601 timestamp`)
  return ms
}

function prepareStatements(db: Database.Database) {
  return {
    byPlatformId: db.prepare<[string, string], OrderDocRow>(
      'SELECT id, doc, revision, raw, order_has_raw, changed_by FROM orders WHERE platform = ? AND platform_order_id = ?'),
    byId: db.prepare<[string], OrderDocRow>('SELECT id, doc, revision, raw, order_has_raw, changed_by FROM orders WHERE id = ?'),
    // Patches never touch the raw payload, so they need not read it.
    byIdForPatch: db.prepare<[string], Omit<OrderDocRow, 'raw' | 'order_has_raw'>>('SELECT id, doc, revision FROM orders WHERE id = ?'),
    insert: db.prepare<[string, string, string, ...OrderColumns, ...RawColumns, string | null]>(
      `INSERT INTO orders (id, platform, platform_order_id, status, total_amount, currency, created_at, updated_at,
         revision, tags, exception_type, assigned_team, doc, raw, order_has_raw, changed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    updateWithRaw: db.prepare<[...OrderColumns, ...RawColumns, string | null, string]>(
      `UPDATE orders SET status = ?, total_amount = ?, currency = ?, created_at = ?, updated_at = ?, revision = ?,
         tags = ?, exception_type = ?, assigned_team = ?, doc = ?, raw = ?, order_has_raw = ?, changed_by = ? WHERE id = ?`),
    // Run patches keep the raw payload: it is what the platform sent, not what Ordo made of it.
    update: db.prepare<[...OrderColumns, string]>(
      `UPDATE orders SET status = ?, total_amount = ?, currency = ?, created_at = ?, updated_at = ?, revision = ?,
         tags = ?, exception_type = ?, assigned_team = ?, doc = ? WHERE id = ?`),
    insertTag: db.prepare<[string, string]>('INSERT INTO order_tags (order_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    deleteTag: db.prepare<[string, string]>('DELETE FROM order_tags WHERE order_id = ? AND tag = ?'),
    // DO NOTHING (not OR IGNORE) so only the idempotency index can skip a row; a NOT NULL violation still throws.
    insertEvent: db.prepare<[string, number, string, string | null, string | null, string, number, string, string | null]>(
      `INSERT INTO order_events (order_id, revision, kind, from_status, to_status, source, at, detail, idempotency_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    history: db.prepare<[string], OrderEventRow>(
      `SELECT id, order_id, revision, kind, from_status, to_status, source, at, detail
       FROM order_events WHERE order_id = ? ORDER BY id`),
  }
}

/** Repository of orders over one connection. */
export class SqliteOrders {
  private readonly q: ReturnType<typeof prepareStatements>
  /** listOrders statements by filter shape: at most 2^6 shapes, each prepared once. */
  private readonly listStatements = new Map<string, Database.Statement<unknown[], OrderDocRow & { updated_at: number }>>()

  constructor(private readonly db: Database.Database, private readonly outbox?: SqliteOutbox) {
    this.q = prepareStatements(db)
  }

  /**
   * Writes a batch in input order, each order's plan as the planner made it; `startRun` inserts a
   * run and its effects (false: its trigger key exists). The caller wraps it in one transaction.
   */
  ingest(batch: ReadonlyArray<{ input: OrderInput; raw: unknown }>, plan: IngestPlanner, startRun: (run: NewRun) => boolean): IngestResult[] {
    const results: IngestResult[] = new Array(batch.length)
    for (let i = 0; i < batch.length; i++) {
      const { input, raw } = batch[i]
      const row = this.q.byPlatformId.get(input.platform, input.platformOrderId)
      const existing: StoredOrder | null = row ? storedOrder(row) : null
      const decision = plan(existing, input, raw)
      // 'unchanged' writes nothing but its events, whatever order the plan carries.
      const order = decision.outcome === 'unchanged' ? existing?.order : decision.order
      if (!order) throw new Error(`ingest plan for ${input.platform}/${input.platformOrderId} gave no order for a new order`)
      if (existing && order.id !== existing.order.id) throw new Error(`ingest plan for ${existing.order.id} renamed it ${order.id}`)
      const doc = decision.outcome !== 'unchanged' ? docJson(order) : null
      if (doc !== null) {
        if (row && existing) {
          this.outbox?.keepOrderDocs(order.id, row.doc)
          this.q.updateWithRaw.run(...this.columns(order, decision.revision, doc), ...rawColumns(order, raw), decision.changedBy, order.id)
          this.syncTags(order.id, existing.order.tags, order.tags)
        } else {
          this.q.insert.run(order.id, order.platform, order.platformOrderId, ...this.columns(order, decision.revision, doc), ...rawColumns(order, raw), decision.changedBy)
          this.syncTags(order.id, [], order.tags)
        }
      }
      for (const event of decision.events) {
        const id = this.appendEvent(order.id, event.revision, event, event.idempotencyKey ?? null)
        // Only changes go out: a stale or refused update changed nothing anyone should hear about.
        if (id !== null && doc !== null && this.outbox) this.outbox.offer({ id, orderId: order.id, ...event }, order, event.at)
      }
      const runIds: string[] = []
      for (const run of decision.runs) if (startRun(run)) runIds.push(run.state.runId)
      results[i] = { id: order.id, platform: input.platform, platformOrderId: input.platformOrderId, outcome: decision.outcome, runIds }
    }
    return results
  }

  /**
   * Applies a run's patch once per idempotency key: the 'patched' event is inserted first, and the
   * order is written only if that insert took effect. The patcher sees the order without its raw
   * payload, which a run cannot change. The caller wraps it in the step's transaction.
   */
  applyPatch(effect: OrderPatchEffect, patchOrder: OrderPatcher, now: number): boolean {
    const row = this.q.byIdForPatch.get(effect.orderId)
    if (!row) throw new NotFoundError(`order ${effect.orderId} does not exist`)
    const order = JSON.parse(row.doc) as Order
    const tagsBefore = order.tags.slice()
    const result = patchOrder(order, effect.patch, now)
    const changed = result.changed.length > 0
    const revision = changed ? row.revision + 1 : row.revision
    const event = patchedEvent(order, result, effect.source, effect.idempotencyKey, now, revision)
    const eventId = this.appendEvent(row.id, revision, event, effect.idempotencyKey)
    if (eventId === null || !changed) return false
    const patched = result.order.id === row.id ? result.order : { ...result.order, id: row.id }
    const doc = docJson(patched)
    this.outbox?.keepOrderDocs(row.id, row.doc)
    this.q.update.run(...this.columns(patched, revision, doc), row.id)
    this.syncTags(row.id, tagsBefore, patched.tags)
    this.outbox?.offer({ ...event, id: eventId, orderId: row.id, revision }, patched, now)
    return true
  }

  /** Reads one order with its revision. */
  get(id: string): StoredOrder | null {
    const row = this.q.byId.get(id)
    return row ? storedOrder(row) : null
  }

  /** Orders most recently updated first (updated_at DESC, id DESC), keyset paged. */
  list(filter: OrderFilter): Page<Order> {
    const where: string[] = []
    const params: unknown[] = []
    let from = 'orders o'
    if (filter.tag !== undefined) { from += ' JOIN order_tags t ON t.order_id = o.id AND t.tag = ?'; params.push(filter.tag) }
    if (filter.status !== undefined) { where.push('o.status = ?'); params.push(filter.status) }
    if (filter.platform !== undefined) { where.push('o.platform = ?'); params.push(filter.platform) }
    if (filter.exception !== undefined) { where.push('o.exception_type = ?'); params.push(filter.exception) }
    if (filter.updatedBefore !== undefined) { where.push('o.updated_at < ?'); params.push(filter.updatedBefore) }
    if (filter.cursor !== undefined) {
      const [updatedAt, id] = decodeCursor(filter.cursor, ['number', 'string'])
      where.push('(o.updated_at, o.id) < (?, ?)')
      params.push(updatedAt, id)
    }
    const sql = `SELECT o.id, o.doc, o.revision, o.raw, o.order_has_raw, o.updated_at FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY o.updated_at DESC, o.id DESC LIMIT ?`
    let stmt = this.listStatements.get(sql)
    if (!stmt) {
      stmt = this.db.prepare<unknown[], OrderDocRow & { updated_at: number }>(sql)
      this.listStatements.set(sql, stmt)
    }
    const limit = pageLimit(filter.limit)
    return keysetPage(stmt.all(...params, limit + 1), limit, (r) => [r.updated_at, r.id], readOrder)
  }

  /** An order's history, oldest first. */
  history(orderId: string): OrderEvent[] {
    return this.q.history.all(orderId).map((r) => ({
      id: r.id, orderId: r.order_id, revision: r.revision, kind: r.kind, fromStatus: r.from_status,
      toStatus: r.to_status, source: r.source, at: r.at, detail: JSON.parse(r.detail) as Record<string, unknown>,
    }))
  }

  /** Appends one history entry; its id, or null when its idempotency key was already recorded. */
  private appendEvent(orderId: string, revision: number, event: NewEvent, idempotencyKey: string | null): number | null {
    const result = this.q.insertEvent.run(orderId, revision, event.kind, event.fromStatus, event.toStatus, event.source,
      event.at, JSON.stringify(event.detail), idempotencyKey)
    return result.changes === 1 ? Number(result.lastInsertRowid) : null
  }

  private columns(order: Order, revision: number, doc = docJson(order)): OrderColumns {
    return [
      order.status, order.totalAmount, order.currency, epochMs(order.createdAt, 'createdAt', order.id),
      epochMs(order.updatedAt, 'updatedAt', order.id), revision, JSON.stringify(order.tags),
      order.exception?.type ?? null, order.assignedTeam ?? null, doc,
    ]
  }

  /** Keeps order_tags equal to the doc's tags, touching only the tags that changed. */
  private syncTags(orderId: string, before: readonly string[], after: readonly string[]): void {
    if (before.length > 0) {
      const keep = new Set(after)
      for (const tag of before) if (!keep.has(tag)) this.q.deleteTag.run(orderId, tag)
    }
    const had = new Set(before)
    for (const tag of after) if (!had.has(tag)) this.q.insertTag.run(orderId, tag)
  }
}
