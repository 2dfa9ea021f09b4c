/**
 * The integration log (every outside call, activities and deliveries alike), its per-minute rollups
 * for health figures, and the sealed secrets, in SQLite.
 */
import type Database from 'better-sqlite3'
import type { IntegrationEntry, IntegrationFilter, IntegrationHealthRow, IntegrationLogRow, Page, SecretRow } from '../store.ts'
import { decodeCursor, keysetPage, pageLimit } from '../page-cursor.ts'

/** Upper bounds (ms) of the latency histogram's buckets; the last bucket is open. */
export const LATENCY_BUCKETS_MS = [1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10_000, 15_000, 20_000, 30_000, 60_000]
const MINUTE = 60_000

function bucketOf(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((b) => ms <= b)
  return i === -1 ? LATENCY_BUCKETS_MS.length : i
}

/** The latency at quantile `q` of a histogram, interpolated inside its bucket. */
export function histogramQuantile(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0)
  if (total === 0) return null
  const rank = q * total
  let seen = 0
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] ?? 0
    if (n > 0 && seen + n >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1]!
      const upper = LATENCY_BUCKETS_MS[i] ?? lower * 2
      return Math.round(lower + (upper - lower) * Math.min(1, Math.max(0, (rank - seen) / n)))
    }
    seen += n
  }
  return LATENCY_BUCKETS_MS.at(-1)!
}

interface LogRecordRow {
  id: number; at: number; connector: string; endpoint: string; method: string | null; status_code: number | null; latency_ms: number
  error_class: string | null; error: string | null; attempt: number; idempotency_key: string; run_id: string | null; node_id: string | null
  activity_id: string | null; subscription_id: string | null; event_id: string | null; order_id: string | null
}

function toLogRow(r: LogRecordRow): IntegrationLogRow {
  return {
    id: r.id, at: r.at, connector: r.connector, endpoint: r.endpoint, method: r.method, statusCode: r.status_code, latencyMs: r.latency_ms,
    errorClass: r.error_class, error: r.error, attempt: r.attempt, idempotencyKey: r.idempotency_key, runId: r.run_id, nodeId: r.node_id,
    activityId: r.activity_id, subscriptionId: r.subscription_id, eventId: r.event_id, orderId: r.order_id,
  }
}

function prepareStatements(db: Database.Database) {
  return {
    insertLog: db.prepare(`INSERT INTO integration_log (at, connector, endpoint, method, status_code, latency_ms, error_class, error, attempt,
      idempotency_key, run_id, node_id, activity_id, subscription_id, event_id, order_id) VALUES (@at, @connector, @endpoint, @method, @statusCode,
      @latencyMs, @errorClass, @error, @attempt, @idempotencyKey, @runId, @nodeId, @activityId, @subscriptionId, @eventId, @orderId)`),
    minuteRow: db.prepare<[string, number], { calls: number; errors: string; latency: string }>('SELECT calls, errors, latency FROM integration_minutes WHERE connector = ? AND minute = ?'),
    putMinute: db.prepare<[string, number, number, string, string]>(`INSERT INTO integration_minutes (connector, minute, calls, errors, latency) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (connector, minute) DO UPDATE SET calls = excluded.calls, errors = excluded.errors, latency = excluded.latency`),
    minutesSince: db.prepare<[number], { connector: string; minute: number; calls: number; errors: string; latency: string }>(
      'SELECT connector, minute, calls, errors, latency FROM integration_minutes WHERE minute >= ?'),
    lastCall: db.prepare<[string], { at: number; error_class: string | null; error: string | null }>(
      'SELECT at, error_class, error FROM integration_log WHERE connector = ? ORDER BY id DESC LIMIT 1'),
    lastFailure: db.prepare<[string], { at: number; error_class: string; error: string | null }>(
      'SELECT at, error_class, error FROM integration_log WHERE connector = ? AND error_class IS NOT NULL ORDER BY id DESC LIMIT 1'),

    putSecret: db.prepare<[string, Buffer, number, number, string]>(`INSERT INTO secrets (name, sealed, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
    secretExists: db.prepare<[string], number>('SELECT 1 FROM secrets WHERE name = ?').pluck(),
    getSecret: db.prepare<[string], { name: string; sealed: Buffer; created_at: number; updated_at: number; updated_by: string }>('SELECT * FROM secrets WHERE name = ?'),
    listSecrets: db.prepare<[], { name: string; created_at: number; updated_at: number; updated_by: string }>(
      'SELECT name, created_at, updated_at, updated_by FROM secrets ORDER BY name'),
    deleteSecret: db.prepare<[string]>('DELETE FROM secrets WHERE name = ?'),
  }
}

/** Repository of the integration log and the secrets over one connection. */
export class SqliteIntegrations {
  private readonly q: ReturnType<typeof prepareStatements>

  constructor(private readonly db: Database.Database) {
    this.q = prepareStatements(db)
  }

  /** Logs calls and adds them to their minute's figures (inside the caller's transaction). */
  append(entries: readonly IntegrationEntry[]): void {
    if (entries.length === 0) return
    const minutes = new Map<string, { connector: string; minute: number; calls: number; errors: Record<string, number>; latency: number[] }>()
    for (const e of entries) {
      this.q.insertLog.run({
        at: e.at, connector: e.connector, endpoint: e.endpoint, method: e.method ?? null, statusCode: e.statusCode ?? null, latencyMs: Math.round(e.latencyMs),
        errorClass: e.errorClass ?? null, error: e.error ?? null, attempt: e.attempt, idempotencyKey: e.idempotencyKey, runId: e.runId ?? null,
        nodeId: e.nodeId ?? null, activityId: e.activityId ?? null, subscriptionId: e.subscriptionId ?? null, eventId: e.eventId ?? null, orderId: e.orderId ?? null,
      })
      const minute = Math.floor(e.at / MINUTE) * MINUTE
      const key = `${e.connector}\u0000${minute}`
      let m = minutes.get(key)
      if (!m) {
        const row = this.q.minuteRow.get(e.connector, minute)
        m = row
          ? { connector: e.connector, minute, calls: row.calls, errors: JSON.parse(row.errors) as Record<string, number>, latency: JSON.parse(row.latency) as number[] }
          : { connector: e.connector, minute, calls: 0, errors: {}, latency: [] }
        minutes.set(key, m)
      }
      m.calls += 1
      if (e.errorClass) m.errors[e.errorClass] = (m.errors[e.errorClass] ?? 0) + 1
      const b = bucketOf(e.latencyMs)
      while (m.latency.length <= b) m.latency.push(0)
      m.latency[b]! += 1
    }
    for (const m of minutes.values()) this.q.putMinute.run(m.connector, m.minute, m.calls, JSON.stringify(m.errors), JSON.stringify(m.latency))
  }

  /** Calls, newest first, filtered. */
  list(filter: IntegrationFilter): Page<IntegrationLogRow> {
    const where: string[] = []
    const params: Record<string, unknown> = {}
    const add = (sql: string, name: string, value: unknown) => { if (value !== undefined && value !== null) { where.push(sql); params[name] = value } }
    add('connector = @connector', 'connector', filter.connector)
    add('run_id = @runId', 'runId', filter.runId)
    add('order_id = @orderId', 'orderId', filter.orderId)
    add('subscription_id = @subscriptionId', 'subscriptionId', filter.subscriptionId)
    add('idempotency_key = @idempotencyKey', 'idempotencyKey', filter.idempotencyKey)
    add('at >= @since', 'since', filter.since)
    add('at < @until', 'until', filter.until)
    if (filter.errorClass === 'ok') where.push('error_class IS NULL')
    else if (filter.errorClass === 'failed') where.push('error_class IS NOT NULL')
    else add('error_class = @errorClass', 'errorClass', filter.errorClass)
    if (filter.cursor) {
      const [id] = decodeCursor(filter.cursor, ['number'] as const)
      add('id < @before', 'before', id)
    }
    const limit = pageLimit(filter.limit)
    const sql = `SELECT * FROM integration_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit + 1}`
    const rows = this.db.prepare(sql).all(params) as LogRecordRow[]
    return keysetPage(rows, limit, (r) => [r.id], toLogRow)
  }

  /** Per connector: calls, failures by class and latency quantiles in each window ending now, and its last call. */
  health(now: number, windowsMs: readonly number[]): IntegrationHealthRow[] {
    const longest = Math.max(...windowsMs)
    const rows = this.q.minutesSince.all(Math.floor((now - longest) / MINUTE) * MINUTE)
    const connectors = new Map<string, typeof rows>()
    for (const r of rows) connectors.set(r.connector, [...(connectors.get(r.connector) ?? []), r])
    return [...connectors.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([connector, minutes]) => ({
      connector,
      windows: windowsMs.map((windowMs) => {
        const from = Math.floor((now - windowMs) / MINUTE) * MINUTE
        let calls = 0
        const errors: Record<string, number> = {}
        const latency: number[] = []
        for (const m of minutes) {
          if (m.minute < from) continue
          calls += m.calls
          for (const [k, n] of Object.entries(JSON.parse(m.errors) as Record<string, number>)) errors[k] = (errors[k] ?? 0) + n
          ;(JSON.parse(m.latency) as number[]).forEach((n, i) => { latency[i] = (latency[i] ?? 0) + n })
        }
        const failed = Object.values(errors).reduce((a, b) => a + b, 0)
        return { windowMs, calls, failed, errorRate: calls ? failed / calls : 0, errors, p50Ms: histogramQuantile(latency, 0.5), p99Ms: histogramQuantile(latency, 0.99) }
      }),
      lastAt: this.q.lastCall.get(connector)?.at ?? null,
      lastFailure: ((f) => (f ? { at: f.at, errorClass: f.error_class, error: f.error } : null))(this.q.lastFailure.get(connector)),
    }))
  }


  // ---- secrets ---------------------------------------------------------------------------------

  /** Creates or replaces a secret; true when it is new. */
  putSecret(name: string, sealed: Buffer, by: string, now: number): boolean {
    const existed = this.q.secretExists.get(name) === 1
    this.q.putSecret.run(name, sealed, now, now, by)
    return !existed
  }

  getSecret(name: string): SecretRow | null {
    const r = this.q.getSecret.get(name)
    return r ? { name: r.name, sealed: r.sealed, createdAt: r.created_at, updatedAt: r.updated_at, updatedBy: r.updated_by } : null
  }

  listSecrets(): Array<Omit<SecretRow, 'sealed'>> {
    return this.q.listSecrets.all().map((r) => ({ name: r.name, createdAt: r.created_at, updatedAt: r.updated_at, updatedBy: r.updated_by }))
  }

  deleteSecret(name: string): boolean {
    return this.q.deleteSecret.run(name).changes === 1
  }
}
