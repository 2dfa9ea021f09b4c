import { randomUUID } from 'node:crypto'
import { rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { Store } from '../store.ts'
import { describeStoreContract } from '../store-contract.ts'
import { T0, makePlanner, newRun, orderInput, patchOrder, runState, stepEffect, workflowDef } from '../contract/contract-fixtures.ts'
import { migrate, migrations } from './migrations.ts'
import { openSqliteStore, type SqliteStore } from './sqlite-store.ts'

const tempPaths: string[] = []
const filesOf = new Map<Store, string>()

function tempPath(): string {
  const path = join(tmpdir(), `ordo-store-${randomUUID()}.db`)
  tempPaths.push(path)
  return path
}

function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true })
}

describeStoreContract('sqlite file', async () => {
  const path = tempPath()
  const store = openSqliteStore({ path })
  filesOf.set(store, path)
  return store
}, async (store) => {
  await store.close()
  const path = filesOf.get(store)
  if (path) removeDatabase(path)
})

describeStoreContract('sqlite :memory:', async () => openSqliteStore({ path: ':memory:' }))

describe('SQLite store', () => {
  const open: SqliteStore[] = []
  const openAt = (path: string, sync?: 'normal' | 'full') => {
    const store = openSqliteStore({ path, sync })
    open.push(store)
    return store
  }

  afterEach(async () => {
    for (const store of open.splice(0)) await store.close()
    for (const path of tempPaths.splice(0)) removeDatabase(path)
  })

  it('runs in WAL mode with synchronous NORMAL by default', () => {
    const store = openAt(tempPath())
    expect(store.pragma('journal_mode')).toBe('wal')
    expect(store.pragma('synchronous')).toBe(1)
    expect(store.pragma('foreign_keys')).toBe(1)
    expect(store.pragma('busy_timeout')).toBe(5000)
  })

  it('checkpoints the WAL in a worker thread: the database file takes the commits, the main connection only as a fallback', async () => {
    const path = tempPath()
    const store = openAt(path)
    expect(store.pragma('wal_autocheckpoint')).toBe(100_000)
    await store.ingestOrders(Array.from({ length: 300 }, (_, i) => ({ input: orderInput({ platformOrderId: `WAL-${i}` }), raw: null })), makePlanner(), T0)
    const before = statSync(path).size
    await store.checkpoint()
    // The rows were in the log only; after the worker's checkpoint the file holds them.
    expect(statSync(path).size).toBeGreaterThan(before)
    expect((await store.stats()).orders).toBe(300)
  })

  it('syncs every commit (synchronous FULL) when asked', () => {
    expect(openAt(tempPath(), 'full').pragma('synchronous')).toBe(2)
  })

  it('refuses to read settings it does not expose', () => {
    expect(() => openAt(':memory:').pragma('journal_mode = DELETE')).toThrow(RangeError)
  })

  it('applies each migration once, however often the database is opened', async () => {
    const path = tempPath()
    await openAt(path).close()
    await openAt(path).close()
    const db = new Database(path)
    try {
      const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()
      expect(rows).toEqual(migrations.map(({ version, name }) => ({ version, name })))
      expect(migrate(db)).toEqual([])
    } finally {
      db.close()
    }
  })

  it('delivers an event offered before the outbox kept its events by reference with the body it was offered with', async () => {
    const path = tempPath()
    const db = new Database(path)
    migrate(db, migrations.filter((m) => m.version <= 12))
    const paidAt = Date.parse('2026-11-20T02:00:00Z')
    // The order has shipped since; the old rows still carry it as it was when paid.
    const shipped = { id: 'ord_1', platform: 'jd', platformOrderId: 'JD-1', status: 'shipped', totalAmount: 12_900, currency: 'CNY' }
    db.prepare(`INSERT INTO orders (id, platform, platform_order_id, status, total_amount, currency, created_at, updated_at, revision, tags, exception_type,
      assigned_team, doc, raw, order_has_raw, changed_by) VALUES ('ord_1', 'jd', 'JD-1', 'shipped', 12900, 'CNY', ?, ?, 2, '[]', NULL, NULL, ?, NULL, 0, NULL)`).run(paidAt, paidAt, JSON.stringify(shipped))
    const event = db.prepare(`INSERT INTO order_events (order_id, revision, kind, from_status, to_status, source, at, detail) VALUES ('ord_1', ?, ?, ?, ?, 'api', ?, '{}')`)
    const created = Number(event.run(1, 'created', null, 'paid', paidAt).lastInsertRowid)
    const moved = Number(event.run(2, 'status_changed', 'paid', 'shipped', paidAt + 60_000).lastInsertRowid)
    const body = (id: number, kind: string, revision: number, fromStatus: string | null, toStatus: string, at: number, order: unknown) => ({
      id: `evt_${id}`, kind, orderId: 'ord_1', platform: 'jd', platformOrderId: 'JD-1', revision, fromStatus, toStatus, at: new Date(at).toISOString(), order,
    })
    const createdBody = body(created, 'created', 1, null, 'paid', paidAt, { ...shipped, status: 'paid' })
    const movedBody = body(moved, 'status_changed', 2, 'paid', 'shipped', paidAt + 60_000, shipped)
    const insert = db.prepare(`INSERT INTO outbox (subscription_id, order_id, event_id, revision, kind, payload, status, next_try_at, created_at) VALUES (?, 'ord_1', ?, ?, ?, ?, ?, ?, ?)`)
    insert.run('sub_1', createdBody.id, 1, 'created', JSON.stringify(createdBody), 'pending', T0, T0)
    insert.run('sub_2', createdBody.id, 1, 'created', JSON.stringify(createdBody), 'dead', T0, T0)
    insert.run('sub_2', movedBody.id, 2, 'status_changed', JSON.stringify(movedBody), 'pending', T0, T0)
    db.close()
    const store = openAt(path)
    const heads = await store.claimOutboxHeads(T0, 10, T0 + 60_000)
    expect(heads.map((h) => [h.subscriptionId, h.eventId, JSON.parse(h.payload)])).toEqual([['sub_1', createdBody.id, createdBody], ['sub_2', movedBody.id, movedBody]])
    expect(JSON.parse((await store.deadLetters('sub_2', 10)).items[0]!.payload)).toEqual(createdBody)
    const check = new Database(path, { readonly: true })
    try {
      expect(check.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' ORDER BY name`).pluck().all()).toEqual(['outbox_dead', 'outbox_done', 'outbox_due', 'outbox_order'])
    } finally { check.close() }
  })

  it('refuses a database migrated by a newer build', async () => {
    const path = tempPath()
    await openAt(path).close()
    const db = new Database(path)
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(999, 'future', T0)
    db.close()
    expect(() => openSqliteStore({ path })).toThrow(/999/)
  })

  it('keeps published workflow versions immutable, even to raw SQL', async () => {
    const path = tempPath()
    const store = openAt(path)
    await store.createWorkflow(workflowDef('wf'), T0)
    await store.publishVersion('wf', workflowDef('wf'), T0, 'ann')
    const db = new Database(path)
    try {
      expect(() => db.prepare("UPDATE workflow_versions SET definition = '{}'").run()).toThrow(/immutable/)
      expect(() => db.prepare('DELETE FROM workflow_versions').run()).toThrow(/immutable/)
    } finally {
      db.close()
    }
    expect((await store.getVersion('wf', 1))?.definition.name).toBe('Workflow wf')
  })

  it('keeps everything across close and reopen', async () => {
    const path = tempPath()
    const first = openAt(path)
    const [order] = await first.ingestOrders([{ input: orderInput({ tags: ['vip'] }), raw: { id: 1001 } }], makePlanner(), T0)
    await first.createRuns([newRun(runState({ runId: 'r1', orderId: order.id }))])
    await first.commitTransitions([{
      state: runState({ runId: 'r1', orderId: order.id, status: 'waiting' }),
      effects: [stepEffect('r1', 'n1', 1, 1), { kind: 'schedule-timer', timer: { id: 't1', runId: 'r1', tokenId: 'k', dueAt: T0 + 60, purpose: 'retry' } }],
    }], patchOrder, T0)
    await first.createWorkflow(workflowDef('wf'), T0)
    await first.publishVersion('wf', workflowDef('wf'), T0, 'ann')
    await first.close()

    const second = openAt(path)
    expect(await second.getOrder(order.id)).toMatchObject({ revision: 1, order: { tags: ['vip'] } })
    expect((await second.listOrders({ limit: 5, tag: 'vip' })).items).toHaveLength(1)
    expect((await second.getRun('r1'))?.state.status).toBe('waiting')
    expect(await second.listSteps('r1')).toHaveLength(1)
    expect(await second.nextTimerDue()).toBe(T0 + 60)
    expect((await second.latestVersions()).map((v) => v.version)).toEqual([1])
  })

  it('keeps the raw payload beside the order for replay', async () => {
    const path = tempPath()
    const store = openAt(path)
    const [order] = await store.ingestOrders([{ input: orderInput(), raw: { tid: '4036514345897812345' } }], makePlanner(), T0)
    const db = new Database(path, { readonly: true })
    try {
      const row = db.prepare('SELECT raw, order_has_raw, updated_at, revision FROM orders WHERE id = ?').get(order.id)
      expect(row).toEqual({ raw: '{"tid":"4036514345897812345"}', order_has_raw: 0, updated_at: T0, revision: 1 })
    } finally {
      db.close()
    }
  })

  it("stores an order's own raw payload once, outside the order document", async () => {
    const path = tempPath()
    const store = openAt(path)
    const [order] = await store.ingestOrders([{ input: orderInput(), raw: { tid: 'T1' } }], makePlanner({ keepRaw: true }), T0)
    const db = new Database(path, { readonly: true })
    try {
      const row = db.prepare<[string], { doc: string; raw: string; order_has_raw: number }>(
        'SELECT doc, raw, order_has_raw FROM orders WHERE id = ?').get(order.id)
      expect(row && JSON.parse(row.doc)).not.toHaveProperty('raw')
      expect(row).toMatchObject({ raw: '{"tid":"T1"}', order_has_raw: 1 })
    } finally {
      db.close()
    }
    expect((await store.getOrder(order.id))?.order.raw).toEqual({ tid: 'T1' })
  })

  it('refuses an order whose timestamps cannot be parsed', async () => {
    const store = openAt(':memory:')
    await expect(store.ingestOrders([{ input: orderInput({ updatedAt: 'yesterday' }), raw: null }], makePlanner(), T0))
      .rejects.toThrow(/updatedAt/)
  })

  it('reports the size of the database file', async () => {
    const store = openAt(tempPath())
    expect((await store.stats()).dbBytes).toBeGreaterThan(0)
  })
})
