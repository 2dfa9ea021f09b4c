/**
 * Status sync out in SQLite: the event subscriptions and their outbox. Every order event a
 * subscription wants is written to the outbox in the transaction of the order change, so a change
 * that commits is offered, and one that does not never is. Deliveries take an order's events one
 * at a time: the head of each (subscription, order) queue is its lowest pending id.
 *
 * A row names its event rather than holding its body: the body is built when it is sent, from the
 * event's history row and the order. The order after the event is the order's own document until
 * the order changes again; the change that overwrites it copies it into the order's undelivered rows
 * first (`keepOrderDocs`), and a dead letter takes its copy when it dies. So the common case, an
 * event delivered before its order's next change, costs ingest one small row, not a second copy of
 * the order.
 */
import type Database from 'better-sqlite3'
import type { Order } from '../../../schemas/generated/order.ts'
import { compileRule, isTruthy, type CompiledRule } from '../../core/json-logic.ts'
import type { EventSubscriptionRow, IntegrationEntry, OutboxDelivery, OutboxOutcome, OutboxRow, Page, SubscriptionStats } from '../store.ts'
import { decodeCursor, keysetPage, pageLimit } from '../page-cursor.ts'
import type { SqliteIntegrations } from './sqlite-integrations.ts'

/** The order-history kinds a subscription may ask for. */
export const SUBSCRIBABLE_KINDS = ['created', 'status_changed', 'updated', 'patched'] as const

interface SubscriptionRecordRow {
  id: string; name: string; events: string; filter: string | null; target: string; sealed_secret: Buffer | null; created_at: number; created_by: string
}

interface OutboxRecordRow {
  id: number; subscription_id: string; order_id: string; event: number; revision: number; kind: string; status: OutboxRow['status']
  attempts: number; next_try_at: number; lease_until: number | null; last_error: string | null; last_status: number | null; created_at: number; delivered_at: number | null
  /** From the event and the order; null only if they could not be found (never expected: neither is deleted). */
  from_status: string | null; to_status: string | null; at: number | null; platform: string | null; platform_order_id: string | null
  /** The order after the event: the row's copy, else the order's document (see the file's comment). */
  order_json: string | null
}

/** What a delivery needs beside the row: its event, its order, and the order after the event. */
const BODY_SOURCES = `o.*, e.from_status, e.to_status, e.at, d.platform, d.platform_order_id, COALESCE(o.order_doc, d.doc) AS order_json
  FROM outbox o LEFT JOIN order_events e ON e.id = o.event LEFT JOIN orders d ON d.id = o.order_id`

const eventIdOf = (event: number) => `evt_${event}`

/** The delivered body (see "Subscriptions" in docs/http-api.md); its fields in this order. */
function eventBody(r: OutboxRecordRow): string {
  return `{"id":"${eventIdOf(r.event)}","kind":${JSON.stringify(r.kind)},"orderId":${JSON.stringify(r.order_id)},` +
    `"platform":${JSON.stringify(r.platform)},"platformOrderId":${JSON.stringify(r.platform_order_id)},"revision":${r.revision},` +
    `"fromStatus":${JSON.stringify(r.from_status)},"toStatus":${JSON.stringify(r.to_status)},"at":${r.at === null ? 'null' : `"${new Date(r.at).toISOString()}"`},` +
    `"order":${r.order_json ?? 'null'}}`
}

function toSubscription(r: SubscriptionRecordRow): EventSubscriptionRow {
  return {
    id: r.id, name: r.name, events: JSON.parse(r.events) as string[], filter: r.filter === null ? null : JSON.parse(r.filter) as unknown,
    target: JSON.parse(r.target) as EventSubscriptionRow['target'], sealedSecret: r.sealed_secret, createdAt: r.created_at, createdBy: r.created_by,
  }
}

function toOutbox(r: OutboxRecordRow): OutboxRow {
  return {
    id: r.id, subscriptionId: r.subscription_id, orderId: r.order_id, eventId: eventIdOf(r.event), revision: r.revision, kind: r.kind, payload: eventBody(r),
    status: r.status, attempts: r.attempts, nextTryAt: r.next_try_at, lastError: r.last_error, lastStatus: r.last_status, createdAt: r.created_at, deliveredAt: r.delivered_at,
  }
}

function prepareStatements(db: Database.Database) {
  return {
    insertSubscription: db.prepare(`INSERT INTO event_subscriptions (id, name, events, filter, target, sealed_secret, created_at, created_by)
      VALUES (@id, @name, @events, @filter, @target, @sealedSecret, @createdAt, @createdBy)`),
    activeSubscriptions: db.prepare<[], SubscriptionRecordRow>('SELECT * FROM event_subscriptions WHERE deleted_at IS NULL ORDER BY created_at, id'),
    subscriptionById: db.prepare<[string], SubscriptionRecordRow>('SELECT * FROM event_subscriptions WHERE id = ? AND deleted_at IS NULL'),
    deleteSubscription: db.prepare<[number, string]>('UPDATE event_subscriptions SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL'),
    // A deleted subscription's undelivered events (pending and dead letters) go with it: nobody can replay them any more.
    dropUndelivered: db.prepare<[string]>(`DELETE FROM outbox WHERE subscription_id = ? AND status IN ('pending', 'dead')`),
    insertOutbox: db.prepare<[string, string, number, number, string, number, number]>(`INSERT INTO outbox
      (subscription_id, order_id, event, revision, kind, status, next_try_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`),
    // Before an order's document is overwritten: its undelivered events keep the order they were about.
    keepOrderDocs: db.prepare<[string, string]>(`UPDATE outbox SET order_doc = ? WHERE order_id = ? AND status = 'pending' AND order_doc IS NULL`),
    // Heads only: no lower pending id of the same subscription and order (the partial index answers it).
    dueHeads: db.prepare<{ now: number; limit: number }, OutboxRecordRow>(`SELECT ${BODY_SOURCES}
      WHERE o.status = 'pending' AND o.next_try_at <= @now AND (o.lease_until IS NULL OR o.lease_until <= @now)
        AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.subscription_id = o.subscription_id AND p.order_id = o.order_id AND p.status = 'pending' AND p.id < o.id)
      ORDER BY o.next_try_at, o.id LIMIT @limit`),
    lease: db.prepare<[number, number, number]>(`UPDATE outbox SET lease_until = ?, attempts = attempts + 1 WHERE id = ? AND status = 'pending' AND (lease_until IS NULL OR lease_until <= ?)`),
    delivered: db.prepare<[number, number | null, number]>(`UPDATE outbox SET status = 'delivered', delivered_at = ?, last_status = ?, lease_until = NULL, last_error = NULL WHERE id = ? AND status = 'pending'`),
    retry: db.prepare<[number, string, number | null, number]>(`UPDATE outbox SET next_try_at = ?, last_error = ?, last_status = ?, lease_until = NULL WHERE id = ? AND status = 'pending'`),
    // A dead letter may be replayed long after its order moved on: it takes its copy of the order now.
    dead: db.prepare<[string, number | null, number, number]>(`UPDATE outbox SET status = 'dead', last_error = ?, last_status = ?, delivered_at = ?, lease_until = NULL,
      order_doc = COALESCE(order_doc, (SELECT doc FROM orders WHERE id = outbox.order_id)) WHERE id = ? AND status = 'pending'`),
    releaseLeases: db.prepare(`UPDATE outbox SET lease_until = NULL WHERE status = 'pending' AND lease_until IS NOT NULL`),
    // Only a head can be due: an order's later events wait for it, whatever their next_try_at says.
    nextDue: db.prepare<[], number | null>(`SELECT max(o.next_try_at, COALESCE(o.lease_until, 0)) FROM outbox o
      WHERE o.status = 'pending'
        AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.subscription_id = o.subscription_id AND p.order_id = o.order_id AND p.status = 'pending' AND p.id < o.id)
      ORDER BY o.next_try_at, o.id LIMIT 1`).pluck(),
    replay: db.prepare<[number, string, number]>(`UPDATE outbox SET status = 'pending', attempts = 0, next_try_at = ?, last_error = NULL, delivered_at = NULL WHERE subscription_id = ? AND id = ? AND status = 'dead'`),
    replayAll: db.prepare<[number, string]>(`UPDATE outbox SET status = 'pending', attempts = 0, next_try_at = ?, last_error = NULL, delivered_at = NULL WHERE subscription_id = ? AND status = 'dead'`),
    stats: db.prepare<[{ id: string }], { pending: number; dead: number; oldest: number | null }>(`SELECT
      (SELECT count(*) FROM outbox WHERE subscription_id = @id AND status = 'pending') AS pending,
      (SELECT count(*) FROM outbox WHERE subscription_id = @id AND status = 'dead') AS dead,
      (SELECT min(created_at) FROM outbox WHERE subscription_id = @id AND status = 'pending') AS oldest`),
    lastDelivered: db.prepare<[string], { delivered_at: number }>(`SELECT delivered_at FROM outbox WHERE subscription_id = ? AND status = 'delivered' ORDER BY id DESC LIMIT 1`),
    pendingCount: db.prepare<[], number>(`SELECT count(*) FROM outbox WHERE status = 'pending'`).pluck(),
  }
}

interface LiveSubscription { id: string; kinds: Set<string>; filter: CompiledRule | null }

/** Repository of the event subscriptions and their outbox over one connection. */
export class SqliteOutbox {
  private readonly q: ReturnType<typeof prepareStatements>
  /** The active subscriptions as ingest needs them, read once and kept until one is created or deleted. */
  private live: LiveSubscription[] | null = null

  constructor(private readonly db: Database.Database, private readonly integrations: SqliteIntegrations) {
    this.q = prepareStatements(db)
  }

  private subscriptions(): LiveSubscription[] {
    if (!this.live) {
      this.live = this.q.activeSubscriptions.all().map((r) => {
        const s = toSubscription(r)
        let filter: CompiledRule | null = null
        // A filter that no longer compiles matches nothing rather than everything.
        try { filter = s.filter === null ? null : compileRule(s.filter) } catch { filter = () => false }
        return { id: s.id, kinds: new Set(s.events), filter }
      })
    }
    return this.live
  }

  /**
   * Offers one order event to the subscriptions, inside the caller's transaction, after `order` (the
   * order after the event) has been written to the order's row.
   */
  offer(event: { id: number; orderId: string; revision: number; kind: string; fromStatus: string | null; toStatus: string | null }, order: Order, now: number): void {
    const subs = this.subscriptions()
    if (subs.length === 0) return
    // A status_changed subscriber hears of every status change, a flow's (a patch) included.
    const statusMoved = event.fromStatus !== null && event.toStatus !== null && event.fromStatus !== event.toStatus
    for (const s of subs) {
      if (!s.kinds.has(event.kind) && !(statusMoved && s.kinds.has('status_changed'))) continue
      if (s.filter) {
        let pass = false
        try { pass = isTruthy(s.filter({ order, event: { kind: event.kind, fromStatus: event.fromStatus, toStatus: event.toStatus } })) } catch { pass = false }
        if (!pass) continue
      }
      // The event by reference: its body is built when it is sent (see the file's comment).
      this.q.insertOutbox.run(s.id, event.orderId, event.id, event.revision, event.kind, now, now)
    }
  }

  /**
   * Called, inside the caller's transaction, before an order's document is overwritten with
   * `previousDoc` being the document now in its row: the order's undelivered events keep it.
   */
  keepOrderDocs(orderId: string, previousDoc: string): void {
    // No subscription, no undelivered rows: deleting a subscription drops its rows.
    if (this.subscriptions().length === 0) return
    this.q.keepOrderDocs.run(previousDoc, orderId)
  }

  createSubscription(row: Omit<EventSubscriptionRow, 'createdAt' | 'createdBy'>, now: number, by: string): EventSubscriptionRow {
    this.q.insertSubscription.run({
      id: row.id, name: row.name, events: JSON.stringify(row.events), filter: row.filter === null ? null : JSON.stringify(row.filter),
      target: JSON.stringify(row.target), sealedSecret: row.sealedSecret, createdAt: now, createdBy: by,
    })
    this.live = null
    return { ...row, createdAt: now, createdBy: by }
  }

  listSubscriptions(): EventSubscriptionRow[] {
    return this.q.activeSubscriptions.all().map(toSubscription)
  }

  getSubscription(id: string): EventSubscriptionRow | null {
    const r = this.q.subscriptionById.get(id)
    return r ? toSubscription(r) : null
  }

  /** Ends a subscription; what it had not delivered yet is dropped (dead letters stay to be read). */
  deleteSubscription(id: string, now: number): boolean {
    const gone = this.q.deleteSubscription.run(now, id).changes === 1
    if (gone) { this.q.dropUndelivered.run(id); this.live = null }
    return gone
  }

  /** Takes the heads of due (subscription, order) queues for one delivery try each, until `leaseUntil`. */
  claimHeads(now: number, limit: number, leaseUntil: number): OutboxDelivery[] {
    const out: OutboxDelivery[] = []
    for (const r of this.q.dueHeads.all({ now, limit: pageLimit(limit) })) {
      if (this.q.lease.run(leaseUntil, r.id, now).changes === 1) out.push({ ...toOutbox(r), attempts: r.attempts + 1 })
    }
    return out
  }

  /** Records delivery outcomes and their log entries. */
  settle(outcomes: readonly OutboxOutcome[], now: number): void {
    const log: IntegrationEntry[] = []
    for (const o of outcomes) {
      if (o.outcome === 'delivered') this.q.delivered.run(now, o.statusCode ?? null, o.id)
      else if (o.outcome === 'retry') this.q.retry.run(o.nextTryAt!, o.error ?? 'failed', o.statusCode ?? null, o.id)
      else this.q.dead.run(o.error ?? 'failed', o.statusCode ?? null, now, o.id)
      if (o.log) log.push(o.log)
    }
    this.integrations.append(log)
  }

  releaseLeases(): number {
    return this.q.releaseLeases.run().changes
  }

  nextDueAt(): number | null {
    return this.q.nextDue.get() ?? null
  }

  /** Dead letters of a subscription, newest first. */
  deadLetters(subscriptionId: string, limit: number, cursor?: string): Page<OutboxRow> {
    const params: unknown[] = [subscriptionId]
    let where = `o.subscription_id = ? AND o.status = 'dead'`
    if (cursor) {
      const [id] = decodeCursor(cursor, ['number'] as const)
      where += ' AND o.id < ?'
      params.push(id)
    }
    const n = pageLimit(limit)
    const rows = this.db.prepare(`SELECT ${BODY_SOURCES}
      WHERE ${where} ORDER BY o.id DESC LIMIT ${n + 1}`).all(...params) as OutboxRecordRow[]
    return keysetPage(rows, n, (r) => [r.id], toOutbox)
  }

  /** Puts dead letters back in line (all of the subscription's when `ids` is omitted); how many. */
  replay(subscriptionId: string, ids: readonly number[] | undefined, now: number): number {
    if (!ids) return this.q.replayAll.run(now, subscriptionId).changes
    let n = 0
    for (const id of ids) n += this.q.replay.run(now, subscriptionId, id).changes
    return n
  }

  stats(subscriptionId: string): SubscriptionStats {
    const s = this.q.stats.get({ id: subscriptionId })!
    return { pending: s.pending, dead: s.dead, oldestPendingAt: s.oldest, lastDeliveredAt: this.q.lastDelivered.get(subscriptionId)?.delivered_at ?? null }
  }

  pendingCount(): number {
    return this.q.pendingCount.get() ?? 0
  }

}
