/**
 * Stock in SQLite: levels per SKU, listings with allocations, reservations, the ledger of every
 * movement and the queue of pushes to shops. Every method that writes runs inside the caller's
 * IMMEDIATE transaction (SqliteStore), so a reservation's check and its write see the same levels,
 * in this process and in any other that opens the file: SQLite lets one writer in at a time.
 */
import type Database from 'better-sqlite3'
import type {
  Page, StockAllocation, StockCause, StockChange, StockItem, StockLedgerRow, StockLevels, StockListing, StockPush, StockPushOutcome,
  StockPushState, StockReleaseOutcome, StockReleaseRequest, StockReservationOutcome, StockReservationRequest,
} from '../store.ts'
import type { SqliteIntegrations } from './sqlite-integrations.ts'
import { decodeCursor, keysetPage, pageLimit } from '../page-cursor.ts'

interface ItemRecord { sku: string; on_hand: number; reserved: number; updated_at: number }
interface ListingRecord { sku: string; shop_id: string; platform_sku_id: string | null; cap: number | null; share_percent: number | null }
interface PushRecord {
  shop_id: string; sku: string; platform_sku_id: string | null; quantity: number; generation: number; status: StockPushState['status']
  attempts: number; next_try_at: number; lease_until: number | null; last_error: string | null; queued_at: number
  pushed_quantity: number | null; pushed_at: number | null
}
interface LedgerRecord {
  id: number; sku: string; kind: StockLedgerRow['kind']; on_hand_delta: number; reserved_delta: number; on_hand_after: number; reserved_after: number
  order_id: string | null; run_id: string | null; idempotency_key: string; source: string; at: number
}

/** The level a shop may sell of what is available: never below 0, at most its share, at most its cap. */
export function sellableLevel(available: number, allocation: StockAllocation): number {
  let level = Math.max(0, available)
  // Integer units: a share rounds down, so the shops' shares never add up to more than there is.
  if (allocation.sharePercent !== null) level = Math.floor((level * allocation.sharePercent) / 100)
  if (allocation.cap !== null) level = Math.min(level, allocation.cap)
  return level
}

function toLevels(r: ItemRecord): StockLevels {
  return { sku: r.sku, onHand: r.on_hand, reserved: r.reserved, available: r.on_hand - r.reserved, updatedAt: r.updated_at }
}

function toPushState(r: PushRecord): StockPushState {
  return {
    status: r.status, quantity: r.quantity, attempts: r.attempts, nextTryAt: r.next_try_at, lastError: r.last_error, queuedAt: r.queued_at,
    pushedQuantity: r.pushed_quantity, pushedAt: r.pushed_at,
  }
}

function toLedger(r: LedgerRecord): StockLedgerRow {
  return {
    id: r.id, sku: r.sku, kind: r.kind, onHandDelta: r.on_hand_delta, reservedDelta: r.reserved_delta, onHandAfter: r.on_hand_after,
    reservedAfter: r.reserved_after, orderId: r.order_id, runId: r.run_id, idempotencyKey: r.idempotency_key, source: r.source, at: r.at,
  }
}

function prepareStatements(db: Database.Database) {
  return {
    item: db.prepare<[string], ItemRecord>('SELECT * FROM stock_items WHERE sku = ?'),
    insertItem: db.prepare<[string, number, number]>('INSERT INTO stock_items (sku, on_hand, reserved, updated_at) VALUES (?, ?, 0, ?)'),
    setOnHand: db.prepare<[number, number, string]>('UPDATE stock_items SET on_hand = ?, updated_at = ? WHERE sku = ?'),
    // The guard is the reservation's own check: it cannot take what another writer took first.
    reserve: db.prepare<{ sku: string; quantity: number; now: number }>(
      'UPDATE stock_items SET reserved = reserved + @quantity, updated_at = @now WHERE sku = @sku AND on_hand - reserved >= @quantity'),
    unreserve: db.prepare<{ sku: string; quantity: number; sold: number; now: number }>(
      'UPDATE stock_items SET reserved = reserved - @quantity, on_hand = on_hand - @sold, updated_at = @now WHERE sku = @sku'),
    itemsFirst: db.prepare<[number], ItemRecord>('SELECT * FROM stock_items ORDER BY sku LIMIT ?'),
    itemsAfter: db.prepare<[string, number], ItemRecord>('SELECT * FROM stock_items WHERE sku > ? ORDER BY sku LIMIT ?'),

    listings: db.prepare<[string], ListingRecord>('SELECT * FROM stock_listings WHERE sku = ? ORDER BY shop_id'),
    deleteListings: db.prepare<[string]>('DELETE FROM stock_listings WHERE sku = ?'),
    insertListing: db.prepare<{ sku: string; shopId: string; platformSkuId: string | null; cap: number | null; sharePercent: number | null }>(
      'INSERT INTO stock_listings (sku, shop_id, platform_sku_id, cap, share_percent) VALUES (@sku, @shopId, @platformSkuId, @cap, @sharePercent)'),

    reservationsOfKey: db.prepare<[string], { sku: string; quantity: number }>('SELECT sku, quantity FROM stock_reservations WHERE idempotency_key = ? ORDER BY sku'),
    insertReservation: db.prepare<{ key: string; sku: string; orderId: string | null; runId: string | null; quantity: number; now: number }>(
      `INSERT INTO stock_reservations (idempotency_key, sku, order_id, run_id, quantity, status, created_at) VALUES (@key, @sku, @orderId, @runId, @quantity, 'held', @now)`),
    heldOfOrder: db.prepare<[string], { idempotency_key: string; sku: string; quantity: number }>(
      `SELECT idempotency_key, sku, quantity FROM stock_reservations WHERE order_id = ? AND status = 'held' ORDER BY sku, idempotency_key`),
    heldOfRun: db.prepare<[string], { idempotency_key: string; sku: string; quantity: number }>(
      `SELECT idempotency_key, sku, quantity FROM stock_reservations WHERE run_id = ? AND order_id IS NULL AND status = 'held' ORDER BY sku, idempotency_key`),
    settleReservation: db.prepare<[string, number, string, string]>(
      `UPDATE stock_reservations SET status = ?, settled_at = ? WHERE idempotency_key = ? AND sku = ? AND status = 'held'`),

    insertLedger: db.prepare<{ sku: string; kind: StockLedgerRow['kind']; onHandDelta: number; reservedDelta: number; onHandAfter: number; reservedAfter: number; orderId: string | null; runId: string | null; key: string; source: string; at: number }>(
      `INSERT INTO stock_ledger (sku, kind, on_hand_delta, reserved_delta, on_hand_after, reserved_after, order_id, run_id, idempotency_key, source, at)
       VALUES (@sku, @kind, @onHandDelta, @reservedDelta, @onHandAfter, @reservedAfter, @orderId, @runId, @key, @source, @at)`),
    ledgerFirst: db.prepare<[string, number], LedgerRecord>('SELECT * FROM stock_ledger WHERE sku = ? ORDER BY id DESC LIMIT ?'),
    ledgerAfter: db.prepare<[string, number, number], LedgerRecord>('SELECT * FROM stock_ledger WHERE sku = ? AND id < ? ORDER BY id DESC LIMIT ?'),

    pushesOfSku: db.prepare<[string], PushRecord>('SELECT * FROM stock_pushes WHERE sku = ?'),
    // One row per (shop, SKU): a newer level replaces the one not yet sent. An unchanged level is
    // not sent again unless its last push failed or a sync asks for it (force).
    queuePush: db.prepare<{ shopId: string; sku: string; platformSkuId: string | null; quantity: number; now: number; force: number }>(
      `INSERT INTO stock_pushes (shop_id, sku, platform_sku_id, quantity, generation, status, attempts, next_try_at, queued_at)
       VALUES (@shopId, @sku, @platformSkuId, @quantity, 1, 'pending', 0, @now, @now)
       ON CONFLICT (shop_id, sku) DO UPDATE SET platform_sku_id = excluded.platform_sku_id, quantity = excluded.quantity,
         generation = stock_pushes.generation + 1, status = 'pending', attempts = 0, next_try_at = excluded.next_try_at,
         last_error = NULL, queued_at = excluded.queued_at
       WHERE @force = 1 OR stock_pushes.quantity != excluded.quantity OR stock_pushes.status = 'failed'
         OR (stock_pushes.platform_sku_id IS NOT excluded.platform_sku_id)`),
    deletePushesNotListed: db.prepare<[string, string]>(
      `DELETE FROM stock_pushes WHERE sku = ? AND shop_id NOT IN (SELECT value FROM json_each(?))`),
    duePushes: db.prepare<[number, number, number], PushRecord>(
      `SELECT * FROM stock_pushes WHERE status = 'pending' AND next_try_at <= ? AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_try_at LIMIT ?`),
    leasePush: db.prepare<[number, string, string]>('UPDATE stock_pushes SET lease_until = ? WHERE shop_id = ? AND sku = ?'),
    pushed: db.prepare<{ shopId: string; sku: string; generation: number; quantity: number; now: number }>(
      `UPDATE stock_pushes SET status = CASE WHEN generation = @generation THEN 'pushed' ELSE status END,
         attempts = CASE WHEN generation = @generation THEN attempts + 1 ELSE attempts END,
         pushed_quantity = @quantity, pushed_at = @now, lease_until = NULL,
         last_error = CASE WHEN generation = @generation THEN NULL ELSE last_error END
       WHERE shop_id = @shopId AND sku = @sku`),
    // A newer level queued meanwhile (another generation) is left as it stands: it goes out next.
    pushFailed: db.prepare<{ shopId: string; sku: string; generation: number; status: string; nextTryAt: number; error: string }>(
      `UPDATE stock_pushes SET status = CASE WHEN generation = @generation THEN @status ELSE status END,
         attempts = CASE WHEN generation = @generation THEN attempts + 1 ELSE attempts END,
         next_try_at = CASE WHEN generation = @generation THEN @nextTryAt ELSE next_try_at END,
         last_error = CASE WHEN generation = @generation THEN @error ELSE last_error END, lease_until = NULL
       WHERE shop_id = @shopId AND sku = @sku`),
    releaseLeases: db.prepare('UPDATE stock_pushes SET lease_until = NULL WHERE lease_until IS NOT NULL'),
    // A push in flight is not due again before its lease ends: counting it as due would wake the worker
    // at once, again and again, for as long as the platform takes to answer.
    nextDue: db.prepare<[], number | null>(`SELECT MIN(MAX(next_try_at, COALESCE(lease_until, 0))) FROM stock_pushes WHERE status = 'pending'`).pluck(),
  }
}

/** Repository of stock over one connection; its writes run in the caller's transaction. */
export class SqliteStock {
  private readonly q: ReturnType<typeof prepareStatements>
  private readonly listeners = new Set<() => void>()

  constructor(db: Database.Database, private readonly integrations: SqliteIntegrations) {
    this.q = prepareStatements(db)
  }

  /** Reserves all lines or none; the caller's transaction makes the check and the write one. */
  reserve(request: StockReservationRequest, now: number): { result: StockReservationOutcome; queued: number } {
    const earlier = this.q.reservationsOfKey.all(request.idempotencyKey)
    if (earlier.length > 0) return { result: { outcome: 'reserved', lines: earlier, repeated: true }, queued: 0 }
    const wanted = new Map<string, number>()
    for (const line of request.lines) wanted.set(line.sku, (wanted.get(line.sku) ?? 0) + line.quantity)
    const lines = [...wanted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sku, quantity]) => ({ sku, quantity }))
    const short: Array<{ sku: string; requested: number; available: number }> = []
    for (const line of lines) {
      const item = this.q.item.get(line.sku)
      const available = item ? item.on_hand - item.reserved : 0
      if (available < line.quantity) short.push({ sku: line.sku, requested: line.quantity, available: Math.max(0, available) })
    }
    if (short.length > 0) return { result: { outcome: 'insufficient', short }, queued: 0 }
    let queued = 0
    for (const line of lines) {
      // Checked above in this same transaction; the guard makes a broken caller fail, never oversell.
      if (this.q.reserve.run({ sku: line.sku, quantity: line.quantity, now }).changes !== 1) throw new Error(`stock of ${line.sku} changed inside its reservation's transaction`)
      this.q.insertReservation.run({ key: request.idempotencyKey, sku: line.sku, orderId: request.orderId, runId: request.runId, quantity: line.quantity, now })
      const item = this.q.item.get(line.sku)!
      this.ledger(item, 'reservation', 0, line.quantity, request, now)
      queued += this.queueLevels(item, now, false)
    }
    return { result: { outcome: 'reserved', lines, repeated: false }, queued }
  }

  /** Releases (or sells) what the order or run holds. */
  release(request: StockReleaseRequest, now: number): { result: StockReleaseOutcome; queued: number } {
    const held = request.orderId ? this.q.heldOfOrder.all(request.orderId) : request.runId ? this.q.heldOfRun.all(request.runId) : []
    const bySku = new Map<string, number>()
    for (const r of held) {
      if (request.sku !== undefined && r.sku !== request.sku) continue
      this.q.settleReservation.run(request.as === 'sale' ? 'sold' : 'released', now, r.idempotency_key, r.sku)
      bySku.set(r.sku, (bySku.get(r.sku) ?? 0) + r.quantity)
    }
    let queued = 0
    const lines: Array<{ sku: string; quantity: number }> = []
    for (const [sku, quantity] of bySku) {
      const sold = request.as === 'sale' ? quantity : 0
      this.q.unreserve.run({ sku, quantity, sold, now })
      const item = this.q.item.get(sku)!
      this.ledger(item, request.as === 'sale' ? 'sale' : 'release', -sold, -quantity, request, now)
      // A sale leaves available as it was: nothing to tell the shops.
      if (request.as === 'release') queued += this.queueLevels(item, now, false)
      lines.push({ sku, quantity })
    }
    return { result: { as: request.as, lines }, queued }
  }

  /** Sets on hand and/or replaces the listings; queues the levels that changed. */
  put(sku: string, change: StockChange, cause: StockCause, now: number): { item: StockItem; queued: number } {
    let item = this.q.item.get(sku)
    if (!item) {
      this.q.insertItem.run(sku, 0, now)
      item = this.q.item.get(sku)!
    }
    if (change.onHand !== undefined && change.onHand !== item.on_hand) {
      const delta = change.onHand - item.on_hand
      this.q.setOnHand.run(change.onHand, now, sku)
      item = this.q.item.get(sku)!
      this.ledger(item, 'adjustment', delta, 0, cause, now)
    }
    if (change.listings) {
      this.q.deleteListings.run(sku)
      for (const l of change.listings) {
        this.q.insertListing.run({ sku, shopId: l.shopId, platformSkuId: l.platformSkuId ?? null, cap: l.cap ?? null, sharePercent: l.sharePercent ?? null })
      }
      // A shop that no longer lists the SKU is not told about it any more.
      this.q.deletePushesNotListed.run(sku, JSON.stringify(change.listings.map((l) => l.shopId)))
    }
    const queued = this.queueLevels(item, now, false)
    return { item: this.get(sku)!, queued }
  }

  /** Queues each SKU's current level to every listing, changed or not. */
  queueNow(skus: readonly string[], now: number): Array<{ shopId: string; sku: string; quantity: number }> {
    const queued: Array<{ shopId: string; sku: string; quantity: number }> = []
    for (const sku of new Set(skus)) {
      const item = this.q.item.get(sku)
      if (!item) continue
      for (const l of this.q.listings.all(sku)) {
        const quantity = sellableLevel(item.on_hand - item.reserved, { cap: l.cap, sharePercent: l.share_percent })
        this.q.queuePush.run({ shopId: l.shop_id, sku, platformSkuId: l.platform_sku_id, quantity, now, force: 1 })
        queued.push({ shopId: l.shop_id, sku, quantity })
      }
    }
    return queued
  }

  get(sku: string): StockItem | null {
    const item = this.q.item.get(sku)
    if (!item) return null
    const pushes = new Map(this.q.pushesOfSku.all(sku).map((p) => [p.shop_id, p]))
    const available = item.on_hand - item.reserved
    const listings: StockListing[] = this.q.listings.all(sku).map((l) => {
      const push = pushes.get(l.shop_id)
      return {
        shopId: l.shop_id, platformSkuId: l.platform_sku_id, cap: l.cap, sharePercent: l.share_percent,
        sellable: sellableLevel(available, { cap: l.cap, sharePercent: l.share_percent }), push: push ? toPushState(push) : null,
      }
    })
    return { ...toLevels(item), listings }
  }

  list(filter: { limit: number; cursor?: string }): Page<StockLevels> {
    const n = pageLimit(filter.limit)
    const rows = filter.cursor === undefined ? this.q.itemsFirst.all(n + 1) : this.q.itemsAfter.all(decodeCursor(filter.cursor, ['string'])[0], n + 1)
    return keysetPage(rows, n, (r) => [r.sku], toLevels)
  }

  ledgerOf(sku: string, limit: number, cursor?: string): Page<StockLedgerRow> {
    const n = pageLimit(limit)
    const rows = cursor === undefined ? this.q.ledgerFirst.all(sku, n + 1) : this.q.ledgerAfter.all(sku, decodeCursor(cursor, ['number'])[0], n + 1)
    return keysetPage(rows, n, (r) => [r.id], toLedger)
  }

  claim(now: number, limit: number, leaseUntil: number): StockPush[] {
    const rows = this.q.duePushes.all(now, now, limit)
    for (const r of rows) this.q.leasePush.run(leaseUntil, r.shop_id, r.sku)
    return rows.map((r) => ({ shopId: r.shop_id, sku: r.sku, platformSkuId: r.platform_sku_id, quantity: r.quantity, generation: r.generation, attempts: r.attempts, queuedAt: r.queued_at }))
  }

  settle(outcomes: readonly StockPushOutcome[], now: number): void {
    for (const o of outcomes) {
      if (o.outcome === 'pushed') this.q.pushed.run({ shopId: o.shopId, sku: o.sku, generation: o.generation, quantity: o.quantity, now })
      else {
        this.q.pushFailed.run({
          shopId: o.shopId, sku: o.sku, generation: o.generation, status: o.outcome === 'failed' ? 'failed' : 'pending',
          nextTryAt: o.nextTryAt ?? now, error: o.error ?? 'the push failed',
        })
      }
      this.integrations.append(o.log)
    }
  }

  releaseLeases(): number { return this.q.releaseLeases.run().changes }
  nextDueAt(): number | null { return this.q.nextDue.get() ?? null }

  /** Registers a listener for commits that queued pushes. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  /** Tells the listeners, after the commit, that pushes are waiting. */
  notifyQueued(): void {
    for (const l of this.listeners) {
      try { l() } catch { /* a listener's failure is its own; the commit stands */ }
    }
  }

  private ledger(item: ItemRecord, kind: StockLedgerRow['kind'], onHandDelta: number, reservedDelta: number, cause: StockCause, now: number): void {
    this.q.insertLedger.run({
      sku: item.sku, kind, onHandDelta, reservedDelta, onHandAfter: item.on_hand, reservedAfter: item.reserved,
      orderId: cause.orderId, runId: cause.runId, key: cause.idempotencyKey, source: cause.source, at: now,
    })
  }

  /** Queues the SKU's sellable level for every listing whose level changed; how many were queued. */
  private queueLevels(item: ItemRecord, now: number, force: boolean): number {
    let queued = 0
    for (const l of this.q.listings.all(item.sku)) {
      const quantity = sellableLevel(item.on_hand - item.reserved, { cap: l.cap, sharePercent: l.share_percent })
      queued += this.q.queuePush.run({ shopId: l.shop_id, sku: item.sku, platformSkuId: l.platform_sku_id, quantity, now, force: force ? 1 : 0 }).changes
    }
    return queued
  }
}
