/** Stock in the SQLite store: levels, allocations, the push queue and its coalescing. */
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

  it('queues one push per listing shop when a level changes, coalesced so only the latest level waits', async () => {
    store = openSqliteStore({ path: ':memory:' })
    let told = 0
    store.onStockPushesQueued(() => { told += 1 })
    await store.putStock('A', { onHand: 10, listings: [{ shopId: 'shop_tb', platformSkuId: 'tb-1' }, { shopId: 'shop_dy', sharePercent: 50 }] }, ADMIN, T0)
    expect(told).toBe(1)
    for (let n = 1; n <= 3; n++) await store.reserveStock({ ...cause(n), lines: [{ sku: 'A', quantity: 1 }] }, T0 + n)
    expect(told).toBe(4)
    const pushes = await store.claimStockPushes(T0 + 10, 100, T0 + 60_000)
    // Four changes, two shops: two pushes, each with the level after the last change (shop_dy gets half of 7).
    expect(pushes.map((p) => [p.shopId, p.quantity, p.platformSkuId]).sort()).toEqual([['shop_dy', 3, null], ['shop_tb', 7, 'tb-1']])
    // Taken pushes are not handed out twice while their lease lasts.
    expect(await store.claimStockPushes(T0 + 10, 100, T0 + 60_000)).toEqual([])
  })

  it('does not queue a level a shop already has, and queues it again when asked to sync', async () => {
    store = openSqliteStore({ path: ':memory:' })
    await store.putStock('A', { onHand: 100, listings: [{ shopId: 'shop_jd', cap: 10 }] }, ADMIN, T0)
    const [push] = await store.claimStockPushes(T0, 10, T0 + 60_000)
    await store.settleStockPushes([{ ...push!, outcome: 'pushed', log: [] }], T0 + 5)
    // 100 → 99 available still leaves the shop its cap of 10: nothing to tell it.
    await store.reserveStock({ ...cause(1), lines: [{ sku: 'A', quantity: 1 }] }, T0 + 10)
    expect(await store.nextStockPushAt()).toBeNull()
    expect(await store.queueStockPushes(['A', 'UNKNOWN'], T0 + 20)).toEqual([{ shopId: 'shop_jd', sku: 'A', quantity: 10 }])
    expect(await store.nextStockPushAt()).toBe(T0 + 20)
  })

  it('keeps a level queued while an older one was in flight: that push\'s success does not mark the newer one pushed', async () => {
    store = openSqliteStore({ path: ':memory:' })
    await store.putStock('A', { onHand: 5, listings: [{ shopId: 'shop_tb' }] }, ADMIN, T0)
    const [inFlight] = await store.claimStockPushes(T0, 10, T0 + 60_000)
    expect(inFlight!.quantity).toBe(5)
    await store.reserveStock({ ...cause(1), lines: [{ sku: 'A', quantity: 2 }] }, T0 + 1)
    await store.settleStockPushes([{ ...inFlight!, outcome: 'pushed', log: [] }], T0 + 2)
    const listing = (await store.getStock('A'))!.listings[0]!
    expect(listing.push).toMatchObject({ status: 'pending', quantity: 3, pushedQuantity: 5, pushedAt: T0 + 2 })
    const [next] = await store.claimStockPushes(T0 + 2, 10, T0 + 60_000)
    expect(next).toMatchObject({ shopId: 'shop_tb', quantity: 3 })
  })

  it('replaces a SKU\'s listings, stops pushing to a shop that no longer lists it, and books on-hand changes as adjustments', async () => {
    store = openSqliteStore({ path: ':memory:' })
    await store.putStock('A', { onHand: 5, listings: [{ shopId: 'shop_tb' }, { shopId: 'shop_pdd' }] }, ADMIN, T0)
    const item = await store.putStock('A', { onHand: 8, listings: [{ shopId: 'shop_tb', cap: 6 }] }, { ...ADMIN, idempotencyKey: 'api:2' }, T0 + 1)
    expect(item).toMatchObject({ sku: 'A', onHand: 8, reserved: 0, available: 8, listings: [{ shopId: 'shop_tb', cap: 6, sharePercent: null, sellable: 6, platformSkuId: null }] })
    expect((await store.claimStockPushes(T0 + 1, 10, T0 + 60_000)).map((p) => [p.shopId, p.quantity])).toEqual([['shop_tb', 6]])
    expect((await store.stockLedger('A', 10)).items.map((r) => [r.kind, r.onHandDelta, r.onHandAfter, r.source])).toEqual([
      ['adjustment', 3, 8, 'api:test admin'], ['adjustment', 5, 5, 'api:test admin'],
    ])
  })

  it('lists SKUs by code, a page at a time', async () => {
    store = openSqliteStore({ path: ':memory:' })
    for (const sku of ['C', 'A', 'B']) await store.putStock(sku, { onHand: 1 }, ADMIN, T0)
    const first = await store.listStock({ limit: 2 })
    expect(first.items.map((i) => i.sku)).toEqual(['A', 'B'])
    expect((await store.listStock({ limit: 2, cursor: first.nextCursor! })).items.map((i) => i.sku)).toEqual(['C'])
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
