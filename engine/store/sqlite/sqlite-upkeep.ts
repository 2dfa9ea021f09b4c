/**
 * Housekeeping of the SQLite store: pruning old rows, WAL checkpoints and size figures.
 */
import type Database from 'better-sqlite3'

// Only runs nobody can act on again are pruned: failed runs stay as incidents an operator may retry,
// and a run whose detached work (a notification still being pushed) is pending waits for it.
// A slice at a time (oldest first), so pruning a large backlog never holds the write lock or the event loop for long.
const PRUNABLE = `SELECT id FROM runs r WHERE status IN ('completed', 'cancelled') AND finished_at < ?
  AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.run_id = r.id AND a.status = 'pending')
  ORDER BY finished_at, id LIMIT ?`
// The slice's run ids, bound once as a JSON array so every delete below removes the same runs.
const IDS = 'SELECT value FROM json_each(?)'

function prepareStatements(db: Database.Database) {
  return {
    prunable: db.prepare<[number, number], string>(PRUNABLE).pluck(),
    // Every table that refers to a run (directly or through a task, notification or child group),
    // children before parents: the foreign keys refuse orphans.
    deleteRunRows: [
      `DELETE FROM task_assignees WHERE task_id IN (SELECT id FROM tasks WHERE run_id IN (${IDS}))`,
      `DELETE FROM tasks WHERE run_id IN (${IDS})`,
      `DELETE FROM notification_recipients WHERE notification_id IN (SELECT id FROM notifications WHERE run_id IN (${IDS}))`,
      `DELETE FROM notifications WHERE run_id IN (${IDS})`,
      `DELETE FROM activities WHERE run_id IN (${IDS})`,
      `DELETE FROM run_events WHERE run_id IN (${IDS})`,
      `DELETE FROM subscriptions WHERE run_id IN (${IDS})`,
      `DELETE FROM child_runs WHERE group_id IN (SELECT id FROM child_groups WHERE parent_run_id IN (${IDS}))`,
      `DELETE FROM child_groups WHERE parent_run_id IN (${IDS})`,
      `DELETE FROM timers WHERE run_id IN (${IDS})`,
    ].map((sql) => db.prepare<[string]>(sql)),
    deleteSteps: db.prepare<[string]>(`DELETE FROM steps WHERE run_id IN (${IDS})`),
    deleteRuns: db.prepare<[string]>(`DELETE FROM runs WHERE id IN (${IDS})`),
    deleteAudit: db.prepare<[number, number]>('DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ? ORDER BY id LIMIT ?)'),
    deleteIntegration: db.prepare<[number, number]>('DELETE FROM integration_log WHERE id IN (SELECT id FROM integration_log WHERE at < ? ORDER BY id LIMIT ?)'),
    deleteMinutes: db.prepare<[number]>('DELETE FROM integration_minutes WHERE minute < ?'),
    deleteDelivered: db.prepare<[number, number]>("DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status = 'delivered' AND created_at < ? ORDER BY created_at LIMIT ?)"),
    // A shop's pushes once their orders are in (or they were pings); unreadable and failed ones stay for a replay.
    deleteShopPushes: db.prepare<[number, number]>("DELETE FROM shop_pushes WHERE id IN (SELECT id FROM shop_pushes WHERE status IN ('processed', 'ignored') AND received_at < ? ORDER BY id LIMIT ?)"),
    deleteShopMinutes: db.prepare<[number]>('DELETE FROM shop_health_minutes WHERE minute < ?'),
    countOrders: db.prepare<[], number>('SELECT count(*) FROM orders').pluck(),
    runsByStatus: db.prepare<[], { status: string; n: number }>('SELECT status, count(*) AS n FROM runs GROUP BY status'),
    pageCount: db.prepare<[], number>('PRAGMA page_count').pluck(),
    pageSize: db.prepare<[], number>('PRAGMA page_size').pluck(),
  }
}

/** What one prune removed: runs and their steps, audit entries and the rows of the logs (integration calls, delivered events, processed shop pushes). */
export interface PruneCounts { runs: number; steps: number; audit: number; log: number }

/** Pruning, checkpoints and statistics over one connection. */
export class SqliteUpkeep {
  private readonly q: ReturnType<typeof prepareStatements>
  /** Deletes, in one transaction, finished runs (with everything that refers to them) and old log rows. */
  readonly prune: (before: number, limit?: number) => PruneCounts

  constructor(private readonly db: Database.Database) {
    const q = prepareStatements(db)
    this.q = q
    this.prune = db.transaction((before: number, limit = 1_000_000_000): PruneCounts => {
      const ids = JSON.stringify(q.prunable.all(before, limit))
      for (const statement of q.deleteRunRows) statement.run(ids)
      const steps = q.deleteSteps.run(ids).changes
      const runs = q.deleteRuns.run(ids).changes
      const audit = q.deleteAudit.run(before, limit).changes
      const log = q.deleteIntegration.run(before, limit).changes + q.deleteDelivered.run(before, limit).changes + q.deleteShopPushes.run(before, limit).changes
      q.deleteMinutes.run(before)
      q.deleteShopMinutes.run(before)
      return { runs, steps, audit, log }
    }).immediate
  }

  /** Copies the WAL into the database file and truncates it, so the log does not grow without bound. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)')
  }

  /** Order count, runs by status and the database size in bytes. */
  stats(): { orders: number; runs: Record<string, number>; dbBytes: number } {
    const runs: Record<string, number> = {}
    for (const { status, n } of this.q.runsByStatus.all()) runs[status] = n
    return { orders: this.q.countOrders.get() ?? 0, runs, dbBytes: (this.q.pageCount.get() ?? 0) * (this.q.pageSize.get() ?? 0) }
  }
}
