/** Stock in the SQLite store beyond the Store contract (engine/store/contract/stock.contract.ts): allocation arithmetic, reopening the file, the migration. */
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqliteStore, type SqliteStore } from './sqlite-store.ts'
import { sellableLevel } from './sqlite-stock.ts'
import { migrations, migrate } from './migrations.ts'
import Database from 'better-sqlite3'

const T0 = Date.parse('2026-11-20T02:00:00Z')
const ADMIN = { idempotencyKey: 'api:1', orderId: null, runId: null, source: 'api:test admin' }
const cause = (n: number) => ({ idempotencyKey: `run_${n}:hold:1`, orderId: `ord_${n}`, runId: `run_${n}`, source: `run:run_${n}:hold` })

describe('stock in SQLite', () => {
  let store: SqliteStore
  const dirs: string[] = []
  afterEach(async () => {
    await store?.close()
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  it('gives each shop the share and cap of available its allocation allows, never below 0, in whole units', () => {
    expect(sellableLevel(10, { cap: null, sharePercent: null })).toBe(10)
    expect(sellableLevel(10, { cap: 4, sharePercent: null })).toBe(4)
    expect(sellableLevel(9, { cap: null, sharePercent: 50 })).toBe(4)
    expect(sellableLevel(100, { cap: 30, sharePercent: 50 })).toBe(30)
    expect(sellableLevel(-3, { cap: 5, sharePercent: null })).toBe(0)
  })

  it('keeps levels, reservations and queued pushes across a reopen of the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ordo-stock-'))
    dirs.push(dir)
    const path = join(dir, 'ordo.db')
    store = openSqliteStore({ path })
    await store.putStock('A', { onHand: 4, listings: [{ shopId: 'shop_tb' }] }, ADMIN, T0)
    await store.reserveStock({ ...cause(1), lines: [{ sku: 'A', quantity: 1 }] }, T0)
    await store.claimStockPushes(T0, 10, T0 + 60_000)
    await store.close()
    store = openSqliteStore({ path })
    expect(await store.getStock('A')).toMatchObject({ onHand: 4, reserved: 1, available: 3 })
    // The crashed process's lease is given up at start: the push goes out again at once.
    expect(await store.releaseStockPushLeases()).toBe(1)
    expect((await store.claimStockPushes(T0 + 1, 10, T0 + 60_000)).map((p) => p.quantity)).toEqual([3])
    expect((await store.reserveStock({ ...cause(1), lines: [{ sku: 'A', quantity: 1 }] }, T0 + 2))).toMatchObject({ outcome: 'reserved', repeated: true })
  })

  it('migrates a database that lacks versions 10 and 12 (written in parallel): the runner applies what is missing, gap or not', () => {
    const db = new Database(':memory:')
    const applied = migrate(db, migrations.filter((m) => m.version <= 9 || m.version === 11))
    expect(applied).toContain(11)
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'stock_%' ORDER BY name`).pluck().all()).toEqual(['stock_items', 'stock_ledger', 'stock_listings', 'stock_pushes', 'stock_reservations'])
    db.close()
  })
})
