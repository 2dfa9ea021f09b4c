/**
 * Shops, their push inbox and their health in SQLite. Credentials arrive sealed and leave sealed:
 * this part never sees them in the clear.
 */
import type Database from 'better-sqlite3'
import type { ShopPlatform, ShopPushStatus } from '../../../schemas/generated/shop.ts'
import type { IntegrationEntry, Page, ShopHealthCounts, ShopHealthDelta, ShopPushOutcome, ShopPushRow, ShopRow } from '../store.ts'
import { ConflictError } from '../store.ts'
import { decodeCursor, keysetPage, pageLimit } from '../page-cursor.ts'
import type { SqliteIntegrations } from './sqlite-integrations.ts'

const MINUTE = 60_000

interface ShopRecordRow {
  id: string; platform: ShopPlatform; name: string; enabled: number; sealed_credentials: Buffer; created_at: number; updated_at: number
  last_push_at: number | null; last_message_at: number | null; last_pull_at: number | null; lag_ms: number | null
  last_error: string | null; last_error_code: string | null; last_error_at: number | null
}

interface PushRecordRow {
  id: number; shop_id: string; kind: 'push' | 'message'; dedupe_key: string; body: Buffer; headers: string; received_at: number
  status: ShopPushStatus; attempts: number; next_try_at: number | null; error: string | null; processed_at: number | null
}

function toShop(r: ShopRecordRow): ShopRow {
  return {
    id: r.id, platform: r.platform, name: r.name, enabled: r.enabled === 1, sealedCredentials: r.sealed_credentials,
    createdAt: r.created_at, updatedAt: r.updated_at,
    health: {
      lastPushAt: r.last_push_at, lastMessageAt: r.last_message_at, lastPullAt: r.last_pull_at, lagMs: r.lag_ms,
      lastError: r.last_error === null || r.last_error_at === null ? null
        : { at: r.last_error_at, message: r.last_error, ...(r.last_error_code ? { code: r.last_error_code } : {}) },
    },
  }
}

function toPush(r: PushRecordRow): ShopPushRow {
  return {
    id: r.id, shopId: r.shop_id, kind: r.kind, dedupeKey: r.dedupe_key, body: r.body, headers: JSON.parse(r.headers) as Record<string, string>,
    receivedAt: r.received_at, status: r.status, attempts: r.attempts, nextTryAt: r.next_try_at, error: r.error, processedAt: r.processed_at,
  }
}

function prepareStatements(db: Database.Database) {
  return {
    insertShop: db.prepare<[string, ShopPlatform, string, number, Buffer, number, number]>(
      `INSERT INTO shops (id, platform, name, enabled, sealed_credentials, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`),
    shop: db.prepare<[string], ShopRecordRow>('SELECT * FROM shops WHERE id = ? AND deleted_at IS NULL'),
    shops: db.prepare<[], ShopRecordRow>('SELECT * FROM shops WHERE deleted_at IS NULL ORDER BY created_at, id'),
    updateShop: db.prepare<{ id: string; name: string | null; enabled: number | null; sealed: Buffer | null; now: number }>(
      `UPDATE shops SET name = coalesce(@name, name), enabled = coalesce(@enabled, enabled),
         sealed_credentials = coalesce(@sealed, sealed_credentials), updated_at = @now
       WHERE id = @id AND deleted_at IS NULL`),
    deleteShop: db.prepare<[number, string]>('UPDATE shops SET deleted_at = ?, enabled = 0 WHERE id = ? AND deleted_at IS NULL'),
    health: db.prepare<{ id: string; lastPushAt: number | null; lastMessageAt: number | null; lastPullAt: number | null; lagMs: number | null; error: string | null; code: string | null; at: number }>(
      `UPDATE shops SET
         last_push_at = max(coalesce(last_push_at, 0), coalesce(@lastPushAt, last_push_at)),
         last_message_at = max(coalesce(last_message_at, 0), coalesce(@lastMessageAt, last_message_at)),
         last_pull_at = max(coalesce(last_pull_at, 0), coalesce(@lastPullAt, last_pull_at)),
         lag_ms = CASE WHEN @lagMs IS NULL THEN lag_ms ELSE @lagMs END,
         last_error = CASE WHEN @error IS NULL THEN last_error ELSE @error END,
         last_error_code = CASE WHEN @error IS NULL THEN last_error_code ELSE @code END,
         last_error_at = CASE WHEN @error IS NULL THEN last_error_at ELSE @at END
       WHERE id = @id`),
    addMinute: db.prepare<[string, number, number, number, number]>(
      `INSERT INTO shop_health_minutes (shop_id, minute, events, errors, rejected) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (shop_id, minute) DO UPDATE SET events = events + excluded.events, errors = errors + excluded.errors, rejected = rejected + excluded.rejected`),
    counts: db.prepare<[string, number], { events: number | null; errors: number | null; rejected: number | null }>(
      'SELECT sum(events) AS events, sum(errors) AS errors, sum(rejected) AS rejected FROM shop_health_minutes WHERE shop_id = ? AND minute >= ?'),
    pending: db.prepare<[string], number>(`SELECT count(*) FROM shop_pushes WHERE shop_id = ? AND status = 'received'`).pluck(),
    insertPush: db.prepare<{ shopId: string; kind: string; dedupeKey: string; body: Buffer; headers: string; receivedAt: number; status: string; nextTryAt: number | null; error: string | null }>(
      `INSERT INTO shop_pushes (shop_id, kind, dedupe_key, body, headers, received_at, status, next_try_at, error)
       VALUES (@shopId, @kind, @dedupeKey, @body, @headers, @receivedAt, @status, @nextTryAt, @error)
       ON CONFLICT (shop_id, dedupe_key) DO NOTHING`),
    pushByKey: db.prepare<[string, string], number>('SELECT id FROM shop_pushes WHERE shop_id = ? AND dedupe_key = ?').pluck(),
    duePushes: db.prepare<[number, number], PushRecordRow>(
      `SELECT * FROM shop_pushes WHERE status = 'received' AND next_try_at <= ? ORDER BY next_try_at, id LIMIT ?`),
    nextPush: db.prepare<[], number | null>(`SELECT min(next_try_at) FROM shop_pushes WHERE status = 'received'`).pluck(),
    push: db.prepare<[string, number], PushRecordRow>('SELECT * FROM shop_pushes WHERE shop_id = ? AND id = ?'),
    pushesFirst: db.prepare<[string, number], PushRecordRow>('SELECT * FROM shop_pushes WHERE shop_id = ? ORDER BY id DESC LIMIT ?'),
    pushesAfter: db.prepare<[string, number, number], PushRecordRow>('SELECT * FROM shop_pushes WHERE shop_id = ? AND id < ? ORDER BY id DESC LIMIT ?'),
    settlePush: db.prepare<{ id: number; status: string; error: string | null; nextTryAt: number | null; now: number }>(
      `UPDATE shop_pushes SET status = @status, error = @error, next_try_at = @nextTryAt, attempts = attempts + 1,
         processed_at = CASE WHEN @status = 'received' THEN processed_at ELSE @now END
       WHERE id = @id`),
  }
}

/** Repository of shops and their inboxes over one connection; the writes run inside the caller's transaction where it has one. */
export class SqliteShops {
  private readonly q: ReturnType<typeof prepareStatements>
  private readonly settleTx: (id: number, outcome: ShopPushOutcome, calls: readonly IntegrationEntry[], now: number) => void
  private readonly healthTx: (shopId: string, delta: ShopHealthDelta) => void

  constructor(db: Database.Database, integrations: SqliteIntegrations) {
    this.q = prepareStatements(db)
    this.settleTx = db.transaction((id: number, outcome: ShopPushOutcome, calls: readonly IntegrationEntry[], now: number) => {
      this.q.settlePush.run({ id, status: outcome.status, error: outcome.error, nextTryAt: outcome.status === 'received' ? outcome.nextTryAt ?? now : null, now })
      integrations.append(calls)
    }).immediate
    this.healthTx = db.transaction((shopId: string, d: ShopHealthDelta) => {
      this.q.health.run({
        id: shopId, lastPushAt: d.lastPushAt ?? null, lastMessageAt: d.lastMessageAt ?? null, lastPullAt: d.lastPullAt ?? null,
        lagMs: d.lagMs ?? null, error: d.error?.message ?? null, code: d.error?.code ?? null, at: d.at,
      })
      if (d.events || d.errors || d.rejected) this.q.addMinute.run(shopId, Math.floor(d.at / MINUTE) * MINUTE, d.events ?? 0, d.errors ?? 0, d.rejected ?? 0)
    }).immediate
  }

  create(row: { id: string; platform: ShopPlatform; name: string; enabled: boolean; sealedCredentials: Buffer }, now: number): ShopRow {
    if (this.q.insertShop.run(row.id, row.platform, row.name, row.enabled ? 1 : 0, row.sealedCredentials, now, now).changes === 0) {
      throw new ConflictError(`shop ${row.id} already exists`)
    }
    return this.get(row.id)!
  }

  get(id: string): ShopRow | null {
    const row = this.q.shop.get(id)
    return row ? toShop(row) : null
  }

  list(): ShopRow[] {
    return this.q.shops.all().map(toShop)
  }

  update(id: string, change: { name?: string; enabled?: boolean; sealedCredentials?: Buffer }, now: number): ShopRow | null {
    const enabled = change.enabled === undefined ? null : change.enabled ? 1 : 0
    const done = this.q.updateShop.run({ id, name: change.name ?? null, enabled, sealed: change.sealedCredentials ?? null, now })
    return done.changes === 1 ? this.get(id) : null
  }

  delete(id: string, now: number): boolean {
    return this.q.deleteShop.run(now, id).changes === 1
  }

  recordHealth(shopId: string, delta: ShopHealthDelta): void {
    this.healthTx(shopId, delta)
  }

  counts(shopIds: readonly string[], since: number): Map<string, ShopHealthCounts> {
    const out = new Map<string, ShopHealthCounts>()
    const from = Math.floor(since / MINUTE) * MINUTE
    for (const id of shopIds) {
      const c = this.q.counts.get(id, from)
      out.set(id, { events: c?.events ?? 0, errors: c?.errors ?? 0, rejected: c?.rejected ?? 0, pending: this.q.pending.get(id) ?? 0 })
    }
    return out
  }

  insertPush(push: Omit<ShopPushRow, 'id' | 'attempts' | 'error' | 'processedAt' | 'nextTryAt'> & { error?: string | null }): { id: number; duplicate: boolean } {
    const done = this.q.insertPush.run({
      shopId: push.shopId, kind: push.kind, dedupeKey: push.dedupeKey, body: push.body, headers: JSON.stringify(push.headers),
      receivedAt: push.receivedAt, status: push.status, nextTryAt: push.status === 'received' ? push.receivedAt : null, error: push.error ?? null,
    })
    if (done.changes === 1) return { id: Number(done.lastInsertRowid), duplicate: false }
    return { id: this.q.pushByKey.get(push.shopId, push.dedupeKey)!, duplicate: true }
  }

  due(now: number, limit: number): ShopPushRow[] {
    return this.q.duePushes.all(now, limit).map(toPush)
  }

  nextDueAt(): number | null {
    return this.q.nextPush.get() ?? null
  }

  getPush(shopId: string, id: number): ShopPushRow | null {
    const row = this.q.push.get(shopId, id)
    return row ? toPush(row) : null
  }

  listPushes(shopId: string, limit: number, cursor?: string): Page<ShopPushRow> {
    const n = pageLimit(limit)
    const rows = cursor === undefined
      ? this.q.pushesFirst.all(shopId, n + 1)
      : this.q.pushesAfter.all(shopId, decodeCursor(cursor, ['number'])[0], n + 1)
    return keysetPage(rows, n, (r) => [r.id], toPush)
  }

  settle(id: number, outcome: ShopPushOutcome, calls: readonly IntegrationEntry[], now: number): void {
    this.settleTx(id, outcome, calls, now)
  }
}
