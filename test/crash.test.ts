/**
 * Durability: the real server runs as a child process, orders stream in, and the test kills it with
 * SIGKILL mid-stream, several times at different moments. Every acknowledged order must survive,
 * every run must finish, and each step's side effect must have happened once per idempotency key.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { sampleOrder } from './harness.ts'
import { freePort, kill9, startServer as startOrdo, stopServer } from './support/server-process.ts'

const token = 'ordo_crash-test-admin-token'
const startServer = (dbPath: string, port: number) => startOrdo({ dbPath, port, token })

describe('crash safety (kill -9 mid-stream)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-crash-'))
  const dbPath = join(dir, 'ordo.db')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('loses no acknowledged order, finishes every run and applies each side effect once', async () => {
    const port = await freePort()
    const acknowledged = new Map<string, { id: string; vip: boolean }>()
    let n = 0
    // Kill at different moments: early, mid, later in the stream.
    for (const killAfterMs of [150, 600, 1100]) {
      const child = await startServer(dbPath, port)
      let stop = false
      const sender = async () => {
        while (!stop) {
          const batch = Array.from({ length: 10 }, () => {
            n += 1
            const vip = n % 3 === 0
            return sampleOrder({ platform: 'douyin', platformOrderId: `crash-${n}`, totalAmount: vip ? 150000 + n : 5000, presale: n % 5 === 0 })
          })
          try {
            const res = await fetch(`http://127.0.0.1:${port}/api/orders`, {
              method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(batch),
            })
            if (res.status !== 200) throw new Error(`status ${res.status}`)
            const { results } = await res.json() as { results: Array<{ id: string; platformOrderId: string }> }
            for (const r of results) acknowledged.set(r.platformOrderId, { id: r.id, vip: Number(r.platformOrderId.slice(6)) % 3 === 0 })
          } catch {
            return // the server died under us: whatever was not acknowledged may be lost
          }
        }
      }
      const senders = [sender(), sender(), sender()]
      await new Promise((r) => setTimeout(r, killAfterMs))
      await kill9(child)
      stop = true
      await Promise.all(senders)
    }
    expect(acknowledged.size).toBeGreaterThan(30)

    // Restart: every run resumes and finishes.
    const child = await startServer(dbPath, port)
    const get = async (path: string) => (await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<any>
    // A deadline, not a number of polls: on a loaded machine the restarted server needs longer to
    // work off what the crashes left, and a run still going when the checks start is not a loss.
    const settleBy = Date.now() + 60_000
    while (Date.now() < settleBy) {
      const [running, waiting] = await Promise.all([get('/api/runs?status=running&limit=1'), get('/api/runs?status=waiting&limit=1')])
      if (running.items.length === 0 && waiting.items.length === 0) break
      await new Promise((r) => setTimeout(r, 100))
    }
    expect((await get('/api/runs?status=running')).items).toEqual([])
    expect((await get('/api/runs?status=waiting')).items.map((r: any) => ({ id: r.id, waitingFor: r.waitingFor ?? r.waiting }))).toEqual([])
    expect((await get('/api/runs?status=failed')).items).toEqual([])

    for (const [platformOrderId, { id, vip }] of acknowledged) {
      const detail = await get(`/api/orders/${id}`)
      expect(detail.order?.platformOrderId, `order ${platformOrderId}`).toBe(platformOrderId)
      expect(detail.runs.every((r: any) => r.status === 'completed'), `runs of ${platformOrderId}`).toBe(true)
      if (vip) expect(detail.order.assignedTeam, `team of ${platformOrderId}`).toBe('vip-service')
    }
    await stopServer(child)

    const db = new Database(dbPath, { readonly: true })
    try {
      // Each order change a step made is in the history exactly once: tag + assign for a vip order,
      // one tag for a presale order (the routing flows), whatever the crashes interrupted. The
      // status-sync compensation runs on the wall clock's five-minute marks and tags orders whose
      // sample times are long past as stale: its changes are not the ones counted here.
      const routingChange = `e.source LIKE 'run:%' AND NOT EXISTS (SELECT 1 FROM runs r
        WHERE r.workflow_id = 'status-sync-recheck' AND e.source LIKE 'run:' || r.id || ':%')`
      const patches = new Map((db.prepare(`SELECT o.platform_order_id AS id, COUNT(e.id) AS c FROM orders o
        LEFT JOIN order_events e ON e.order_id = o.id AND ${routingChange} GROUP BY o.id`).all() as Array<{ id: string; c: number }>).map((r) => [r.id, r.c]))
      const runChanges = db.prepare<[string], Record<string, unknown>>(`SELECT e.kind, e.source, e.detail FROM order_events e JOIN orders o ON o.id = e.order_id
        WHERE o.platform_order_id = ? AND ${routingChange} ORDER BY e.id`)
      for (const platformOrderId of acknowledged.keys()) {
        const n = Number(platformOrderId.slice(6))
        const expected = (n % 3 === 0 ? 2 : 0) + (n % 5 === 0 ? 1 : 0)
        // On a mismatch the message lists the changes themselves, so a failure says which step did what.
        if (patches.get(platformOrderId) !== expected) expect.fail(`changes to ${platformOrderId}: expected ${expected}, got ${JSON.stringify(runChanges.all(platformOrderId))}`)
      }
      const stepsTwice = db.prepare(`SELECT run_id, node_id, visit, COUNT(*) AS c FROM steps WHERE status = 'completed' GROUP BY run_id, node_id, visit HAVING c > 1`).all()
      expect(stepsTwice).toEqual([])
      // Exactly one run per order: its created event started the workflow once, and none was lost.
      const runsPerOrder = db.prepare(`SELECT o.platform_order_id AS id, COUNT(r.id) AS c FROM orders o LEFT JOIN runs r ON r.order_id = o.id GROUP BY o.id HAVING c <> 1`).all()
      expect(runsPerOrder).toEqual([])
    } finally {
      db.close()
    }
  }, 120_000)
})
