/**
 * Waiting at scale: 10,000 open timers falling due at once and fired in one pass; the lag from due
 * time to fired while 1,000 timers a second fall due; approval tasks created and completed per
 * second over HTTP. Each beside a bare baseline measured in the same run: SQLite rows deleted by a
 * plain loop (timers), and the bare Fastify + one insert per request (tasks).
 */
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { openSqliteStore } from '../engine/store/sqlite/sqlite-store.ts'
import { createRegistry } from '../engine/core/registry.ts'
import { builtinNodeTypes } from '../engine/runtime/node-catalog.ts'
import { OrderEngine } from '../engine/runtime/order-engine.ts'
import { ManualClock, systemClock } from '../engine/runtime/clocks.ts'
import { importWorkflows } from '../engine/runtime/workflow-import.ts'
import type { WorkflowDefinition } from '../schemas/generated/workflow.ts'
import { removeDir, startChild, tempDir } from './resources.ts'

/** The figures of this part of the bench. */
export interface WaitingResult {
  burst: { timers: number; seconds: number; timersPerSec: number; bareRowsPerSec: number }
  lag: { timers: number; ratePerSec: number; p50Ms: number; p99Ms: number; maxMs: number; bareP99Ms: number }
  tasks: { tasks: number; createdPerSec: number; completedPerSec: number; bareRequestsPerSec: number }
}

const waitFlow = (duration: string): WorkflowDefinition => ({
  id: 'bench-wait', name: 'Bench wait',
  nodes: [
    { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } },
    { id: 'wait', type: 'time.wait', position: { x: 0, y: 100 }, config: { for: duration } },
    { id: 'done', type: 'rule.set', position: { x: 0, y: 200 }, config: { variables: { done: true } } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'wait' }, { id: 'e2', source: 'wait', target: 'done' }],
})

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN)

/** 10,000 timers due at once: how long the engine takes to fire them all (runs resumed and finished). */
async function burst(n: number): Promise<WaitingResult['burst']> {
  const dir = tempDir('timer-burst')
  try {
    const store = openSqliteStore({ path: join(dir, 'ordo.db') })
    const clock = new ManualClock('2026-12-01T00:00:00Z')
    const engine = new OrderEngine({ store, registry: createRegistry(builtinNodeTypes), clock })
    await engine.start()
    await importWorkflows(engine, [waitFlow('PT1M')], { publish: true, by: 'bench' })
    for (let i = 0; i < n; i++) await engine.startManualRun({ workflowId: 'bench-wait', by: 'bench' })
    await engine.idle()
    clock.advance('PT1M')
    const t0 = performance.now()
    await engine.tick()
    const seconds = (performance.now() - t0) / 1000
    const left = (await store.dueTimers(clock.now(), 10)).length
    if (left > 0) throw new Error(`${left} timers were still due after the pass`)
    await engine.stop()
    await store.close()

    // Bare: the same number of due rows selected and deleted, with a state row updated each, 1,000 per transaction.
    const db = new Database(join(dir, 'bare.db'))
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.exec('CREATE TABLE timers (id TEXT PRIMARY KEY, due_at INTEGER NOT NULL); CREATE INDEX timers_due ON timers (due_at, id); CREATE TABLE runs (id TEXT PRIMARY KEY, state TEXT NOT NULL)')
    const insert = db.prepare('INSERT INTO timers (id, due_at) VALUES (?, ?)')
    const insertRun = db.prepare('INSERT INTO runs (id, state) VALUES (?, ?)')
    db.transaction(() => { for (let i = 0; i < n; i++) { insert.run(`t${i}`, 1000); insertRun.run(`t${i}`, '{"status":"waiting"}') } })()
    const due = db.prepare<[number], { id: string }>('SELECT id FROM timers WHERE due_at <= ? ORDER BY due_at, id LIMIT 1000')
    const del = db.prepare('DELETE FROM timers WHERE id = ?')
    const upd = db.prepare('UPDATE runs SET state = ? WHERE id = ?')
    const b0 = performance.now()
    for (;;) {
      const rows = due.all(2000)
      if (rows.length === 0) break
      db.transaction(() => { for (const r of rows) { del.run(r.id); upd.run('{"status":"completed"}', r.id) } })()
    }
    const bareSeconds = (performance.now() - b0) / 1000
    db.close()
    return { timers: n, seconds, timersPerSec: n / seconds, bareRowsPerSec: n / bareSeconds }
  } finally { removeDir(dir) }
}

/** Lag from due to fired while `rate` timers a second fall due for `seconds` (real clock, the server's 250 ms loop). */
async function lag(rate: number, seconds: number): Promise<WaitingResult['lag']> {
  const dir = tempDir('timer-lag')
  try {
    const store = openSqliteStore({ path: join(dir, 'ordo.db') })
    const engine = new OrderEngine({ store, registry: createRegistry(builtinNodeTypes), clock: systemClock, autoTimers: true })
    await engine.start()
    await importWorkflows(engine, [waitFlow('PT2S')], { publish: true, by: 'bench' })
    const started: Array<{ runId: string; at: number }> = []
    const t0 = Date.now()
    for (let i = 0; i < rate * seconds; i++) {
      // Paced: run i starts (and so falls due 2 s later) at t0 + i / rate.
      const when = t0 + (i * 1000) / rate
      const ahead = when - Date.now()
      if (ahead > 2) await new Promise((r) => setTimeout(r, ahead))
      const state = await engine.startManualRun({ workflowId: 'bench-wait', by: 'bench' })
      started.push({ runId: state.runId, at: state.startedAt })
    }
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline) {
      const [running, waiting] = await Promise.all([store.listRuns({ status: 'running', limit: 1 }), store.listRuns({ status: 'waiting', limit: 1 })])
      if (running.items.length + waiting.items.length === 0) break
      await new Promise((r) => setTimeout(r, 100))
    }
    const lags: number[] = []
    for (const s of started) {
      const done = (await store.listSteps(s.runId)).find((x) => x.nodeId === 'done')
      if (done) lags.push(done.startedAt - (s.at + 2000))
    }
    await engine.stop()
    await store.close()
    lags.sort((a, b) => a - b)

    // Bare: rows falling due at the same rate, polled every 250 ms by a plain loop that deletes what is due.
    const db = new Database(join(dir, 'bare.db'))
    db.pragma('journal_mode = WAL')
    db.exec('CREATE TABLE timers (id INTEGER PRIMARY KEY, due_at INTEGER NOT NULL); CREATE INDEX timers_due ON timers (due_at)')
    const insert = db.prepare('INSERT INTO timers (due_at) VALUES (?)')
    const b0 = Date.now() + 500
    db.transaction(() => { for (let i = 0; i < rate * seconds; i++) insert.run(b0 + (i * 1000) / rate) })()
    const due = db.prepare<[number], { id: number; due_at: number }>('SELECT id, due_at FROM timers WHERE due_at <= ? ORDER BY due_at LIMIT 1000')
    const del = db.prepare('DELETE FROM timers WHERE id = ?')
    const bareLags: number[] = []
    await new Promise<void>((resolve) => {
      const loop = setInterval(() => {
        const now = Date.now()
        const rows = due.all(now)
        db.transaction(() => { for (const r of rows) { del.run(r.id); bareLags.push(now - r.due_at) } })()
        if (bareLags.length >= rate * seconds) { clearInterval(loop); resolve() }
      }, 250)
    })
    db.close()
    bareLags.sort((a, b) => a - b)
    return {
      timers: lags.length, ratePerSec: rate, p50Ms: percentile(lags, 50), p99Ms: percentile(lags, 99), maxMs: lags[lags.length - 1] ?? NaN,
      bareP99Ms: percentile(bareLags, 99),
    }
  } finally { removeDir(dir) }
}

/** Runs `jobs` with `concurrency` at a time; resolves with the seconds taken. */
async function pool(jobs: Array<() => Promise<void>>, concurrency: number): Promise<number> {
  const t0 = performance.now()
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < jobs.length) await jobs[next++]()
  }))
  return (performance.now() - t0) / 1000
}

/** Approval tasks over HTTP against the real server: runs started (each creating a task), then every task approved. */
async function tasks(n: number, concurrency: number): Promise<WaitingResult['tasks']> {
  const token = `ordo_bench_tasks_${Date.now().toString(36)}`
  const dir = tempDir('tasks-http')
  try {
    const server = await startChild({ script: 'engine/server.ts', healthPath: '/api/health', env: { ORDO_DB: join(dir, 'ordo.db'), ORDO_ADMIN_TOKEN: token, ORDO_LOG: 'silent' } })
    try {
      const call = async (t: string, method: string, path: string, body?: unknown) => {
        const res = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
        if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
        return res.json() as Promise<any>
      }
      await call(token, 'POST', '/api/workflows/import?publish=true', {
        id: 'bench-approval', name: 'Bench approval',
        nodes: [
          { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } },
          { id: 'ok', type: 'human.approval', position: { x: 0, y: 100 }, config: { title: 'OK?', assignees: { roles: ['approver'] } } },
        ],
        edges: [{ id: 'e1', source: 'start', target: 'ok' }],
      })
      const approver = (await call(token, 'POST', '/api/tokens', { name: 'bench-approver', role: 'approver' })).token as string
      const created = await pool(Array.from({ length: n }, () => async () => { await call(token, 'POST', '/api/runs', { workflowId: 'bench-approval' }) }), concurrency)
      let open: Array<{ id: string }> = []
      const deadline = Date.now() + 30_000
      while (Date.now() < deadline) {
        const count = (await call(approver, 'GET', '/api/tasks/count')).open as number
        if (count >= n) break
        await new Promise((r) => setTimeout(r, 50))
      }
      const createdSeconds = created + 0
      let cursor: string | null = null
      do {
        const page: { tasks: Array<{ id: string }>; nextCursor: string | null } = await call(approver, 'GET', `/api/tasks?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        open = open.concat(page.tasks)
        cursor = page.nextCursor
      } while (cursor)
      const completed = await pool(open.map((t) => async () => { await call(approver, 'POST', `/api/tasks/${t.id}/complete`, { decision: 'approve' }) }), concurrency)
      await server.stop()

      const bareServer = await startChild({ script: 'bench/bare-server.ts', env: { BARE_DB: join(dir, 'bare.db') }, healthPath: '/health' })
      let bareSeconds: number
      try {
        bareSeconds = await pool(Array.from({ length: n }, (_, i) => async () => {
          const res = await fetch(`${bareServer.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ task: i }) })
          await res.text()
        }), concurrency)
      } finally { await bareServer.stop() }
      return { tasks: open.length, createdPerSec: n / createdSeconds, completedPerSec: open.length / completed, bareRequestsPerSec: n / bareSeconds }
    } finally { await server.stop().catch(() => {}) }
  } finally { removeDir(dir) }
}

/** The whole waiting part of the bench. */
export async function measureWaiting(): Promise<WaitingResult> {
  return { burst: await burst(10_000), lag: await lag(1000, 5), tasks: await tasks(1000, 10) }
}
