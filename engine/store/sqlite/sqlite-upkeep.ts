/**
 * Housekeeping of the SQLite store: pruning old rows, WAL checkpoints and size figures.
 */
import type Database from 'better-sqlite3'

// Only runs nobody can act on again are pruned: failed runs stay as incidents an operator may retry.
// A slice at a time (oldest first), so pruning a large backlog never holds the write lock or the event loop for long.
const PRUNABLE = `SELECT id FROM runs WHERE status IN ('completed', 'cancelled') AND finished_at < ? ORDER BY finished_at, id LIMIT ?`

function prepareStatements(db: Database.Database) {
  return {
    deleteSteps: db.prepare<[number, number]>(`DELETE FROM steps WHERE run_id IN (${PRUNABLE})`),
    deleteTimers: db.prepare<[number, number]>(`DELETE FROM timers WHERE run_id IN (${PRUNABLE})`),
    deleteTasks: db.prepare<[number, number]>(`DELETE FROM tasks WHERE run_id IN (${PRUNABLE})`),
    deleteRuns: db.prepare<[number, number]>(`DELETE FROM runs WHERE id IN (${PRUNABLE})`),
    deleteAudit: db.prepare<[number, number]>('DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ? ORDER BY id LIMIT ?)'),
    deleteIntegration: db.prepare<[number, number]>('DELETE FROM integration_log WHERE id IN (SELECT id FROM integration_log WHERE at < ? ORDER BY id LIMIT ?)'),
    deleteOutbox: db.prepare<[number, number]>("DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status = 'done' AND created_at < ? ORDER BY id LIMIT ?)"),
    countOrders: db.prepare<[], number>('SELECT count(*) FROM orders').pluck(),
    runsByStatus: db.prepare<[], { status: string; n: number }>('SELECT status, count(*) AS n FROM runs GROUP BY status'),
    pageCount: db.prepare<[], number>('PRAGMA page_count').pluck(),
    pageSize: db.prepare<[], number>('PRAGMA page_size').pluck(),
  }
}

/** Pruning, checkpoints and statistics over one connection. */
export class SqliteUpkeep {
  private readonly q: ReturnType<typeof prepareStatements>
  /** Deletes, in one transaction, finished runs (with their steps, timers and tasks) and old log rows. */
  readonly prune: (before: number, limit?: number) => { runs: number; steps: number; audit: number }

  constructor(private readonly db: Database.Database) {
    const q = prepareStatements(db)
    this.q = q
    this.prune = db.transaction((before: number, limit = 1_000_000_000) => {
      // Children first: the foreign keys from steps, timers and tasks refuse orphans. Each statement
      // selects the same oldest `limit` runs, as none of them is deleted before the last statement.
      const steps = q.deleteSteps.run(before, limit).changes
      q.deleteTimers.run(before, limit)
      q.deleteTasks.run(before, limit)
      const runs = q.deleteRuns.run(before, limit).changes
      const audit = q.deleteAudit.run(before, limit).changes
      q.deleteIntegration.run(before, limit)
      q.deleteOutbox.run(before, limit)
      return { runs, steps, audit }
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
