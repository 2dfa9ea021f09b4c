/**
 * The values orders use, for pick lists in the designer: tags from order_tags and exception types
 * from their partial index (both covering, so every order counts), teams and hold pools from the
 * most recently updated orders only (the team column and the holds in the doc have no index).
 */
import type Database from 'better-sqlite3'
import type { OrderValues } from '../store.ts'

type Column = { value: string }

/** Reads OrderValues with statements prepared once. */
export class SqliteOrderValues {
  private readonly tags: Database.Statement<[number], Column>
  private readonly exceptionTypes: Database.Statement<[number], Column>
  private readonly teams: Database.Statement<[number, number], Column>
  private readonly pools: Database.Statement<[number, number], Column>

  constructor(db: Database.Database) {
    this.tags = db.prepare('SELECT DISTINCT tag AS value FROM order_tags ORDER BY tag LIMIT ?')
    this.exceptionTypes = db.prepare(
      'SELECT DISTINCT exception_type AS value FROM orders WHERE exception_type IS NOT NULL ORDER BY exception_type LIMIT ?')
    this.teams = db.prepare(
      `SELECT DISTINCT assigned_team AS value FROM (SELECT assigned_team FROM orders ORDER BY updated_at DESC, id DESC LIMIT ?)
       WHERE assigned_team IS NOT NULL ORDER BY assigned_team LIMIT ?`)
    this.pools = db.prepare(
      `SELECT DISTINCT json_extract(h.value, '$.pool') AS value
       FROM (SELECT doc FROM orders ORDER BY updated_at DESC, id DESC LIMIT ?) o, json_each(o.doc, '$.holds') h
       WHERE json_extract(h.value, '$.pool') IS NOT NULL ORDER BY value LIMIT ?`)
  }

  read(limit: number, recentOrders: number): OrderValues {
    const values = (rows: Column[]) => rows.map((r) => r.value)
    return {
      teams: values(this.teams.all(recentOrders, limit)),
      pools: values(this.pools.all(recentOrders, limit)),
      tags: values(this.tags.all(limit)),
      exceptionTypes: values(this.exceptionTypes.all(limit)),
    }
  }
}
