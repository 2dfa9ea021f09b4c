/**
 * How far each shop's orders have been pulled, in SQLite: the end of the last modification-time
 * window whose every page was ingested. The shop puller reads it before a pull and moves it after.
 */
import type Database from 'better-sqlite3'

function prepareStatements(db: Database.Database) {
  return {
    get: db.prepare<[string], number>('SELECT pulled_through FROM shop_pull_cursors WHERE shop_id = ?').pluck(),
    // max(): a pull that finishes after a later one (a re-pull by hand beside the schedule) never moves it back.
    save: db.prepare<[string, number, number]>(`INSERT INTO shop_pull_cursors (shop_id, pulled_through, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (shop_id) DO UPDATE SET pulled_through = max(pulled_through, excluded.pulled_through), updated_at = excluded.updated_at`),
  }
}

/** Repository of the shops' pull cursors over one connection. */
export class SqliteShopCursors {
  private readonly q: ReturnType<typeof prepareStatements>

  constructor(db: Database.Database) {
    this.q = prepareStatements(db)
  }

  /** UTC epoch ms the shop's orders are pulled through, or null before its first pull. */
  get(shopId: string): number | null {
    return this.q.get.get(shopId) ?? null
  }

  /** Moves the shop's cursor forward to `pulledThrough` (one statement: its own transaction). */
  save(shopId: string, pulledThrough: number, now: number): void {
    this.q.save.run(shopId, pulledThrough, now)
  }
}
