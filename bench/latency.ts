/**
 * Accepted→finished latency, in-process for precision: an engine + the real HTTP app (buildApp) on a
 * temp SQLite file, orders sent through app.inject (auth, schema validation, group commit) at a paced
 * rate; a 5-node flow runs for every order. The bare baseline is the bare app, same pacing, measured
 * from send to answer (its single insert is committed before it answers).
 */
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { openSqliteStore } from '../engine/store/sqlite/sqlite-store.ts'
import { createRegistry } from '../engine/core/registry.ts'
import { builtinNodeTypes } from '../engine/runtime/node-catalog.ts'
import { OrderEngine } from '../engine/runtime/order-engine.ts'
import { systemClock } from '../engine/runtime/clocks.ts'
import { importWorkflows } from '../engine/runtime/workflow-import.ts'
import { buildApp } from '../engine/http/app.ts'
import { generateToken, hashToken } from '../engine/http/auth.ts'
import type { WorkflowDefinition } from '../schemas/generated/workflow.ts'
import { buildBareApp } from './bare-server.ts'
import { makeOrder } from './orders.ts'
import { removeDir, tempDir } from './resources.ts'

/** One paced phase: what was offered, what failed, and the latency distribution. */
export interface LatencyFigures {
  sent: number
  offeredPerSec: number
  errors: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** Ordo only: POST answered → run finished (p99; 0 when the run finished before the answer), and last accepted → last run finished. */
  acceptToFinishP99Ms?: number
  drainMs?: number
  runsFailed?: number
}

const ROUTE: WorkflowDefinition = {
  id: 'bench-route', name: 'Bench: 5-node routing',
  nodes: [
    { id: 'start', type: 'trigger.order-event', position: { x: 0, y: 0 }, config: { events: ['created'] } },
    { id: 'known', type: 'rule.condition', position: { x: 0, y: 100 }, config: { rule: { in: [{ var: 'order.platform' }, ['douyin', 'jd', 'shopify']] } } },
    { id: 'tag', type: 'order.tag', position: { x: 0, y: 200 }, config: { add: ['routed'] } },
    { id: 'assign', type: 'order.assign', position: { x: 0, y: 300 }, config: { team: 'fulfilment' } },
    { id: 'end', type: 'flow.end', position: { x: 0, y: 400 } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'known' },
    { id: 'e2', source: 'known', sourceHandle: 'true', target: 'tag' },
    { id: 'e3', source: 'tag', target: 'assign' },
    { id: 'e4', source: 'assign', target: 'end' },
  ],
}

const WARMUP_RATE = 500
const WARMUP_SECONDS = 1

/** Percentile (nearest rank) of sorted values. */
export function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

/** Calls `fire` `rate` times a second for `seconds` (catching up if a tick is late); resolves after the last call. */
export function pace(rate: number, seconds: number, fire: () => void): Promise<number> {
  const total = Math.round(rate * seconds)
  const t0 = performance.now()
  let sent = 0
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate))
      while (sent < due) { fire(); sent++ }
      if (sent >= total) { clearInterval(timer); resolve(total / ((performance.now() - t0) / 1000)) }
    }, 5)
  })
}

/**
 * Ordo at `rate` orders/s for `seconds`: request sent → its run completed. Runs usually finish inside
 * the ingest transaction, before the POST is answered, so "answered → finished" alone would read 0.
 */
export async function measureOrdoLatency(rate: number, seconds: number): Promise<LatencyFigures> {
  const dir = tempDir('latency')
  const store = openSqliteStore({ path: join(dir, 'latency.db'), sync: 'normal' })
  const engine = new OrderEngine({ store, registry: createRegistry(builtinNodeTypes), clock: systemClock })
  let app: FastifyInstance | undefined
  try {
    await engine.start()
    await importWorkflows(engine, [ROUTE], { publish: true, by: 'bench' })
    app = await buildApp({ engine, version: 'bench' })
    const token = generateToken()
    await store.createToken({ id: 'tok_bench', name: 'bench', role: 'admin', hash: hashToken(token) }, Date.now())
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }

    const sentAt = new Map<string, number>()
    const acceptedAt = new Map<string, number>()
    const finishedAt = new Map<string, number>()
    let errors = 0
    let runsFailed = 0
    let lastAccepted = 0
    engine.events.on('run', (e: { status: string; orderId: string | null }) => {
      if (!e.orderId || !['completed', 'failed', 'cancelled'].includes(e.status)) return
      finishedAt.set(e.orderId, performance.now())
      if (e.status !== 'completed') runsFailed++
    })
    let inflight: Promise<void>[] = []
    const target = app
    const send = (record: boolean) => {
      const payload = JSON.stringify(makeOrder())
      const t0 = performance.now()
      inflight.push(target.inject({ method: 'POST', url: '/api/orders', headers, payload }).then((res) => {
        const t1 = performance.now()
        if (!record) return
        if (res.statusCode !== 200) { errors++; return }
        const id = (res.json() as { results: Array<{ id: string }> }).results[0].id
        sentAt.set(id, t0)
        acceptedAt.set(id, t1)
        lastAccepted = Math.max(lastAccepted, t1)
      }, () => { if (record) errors++ }))
    }
    // Warm-up (JIT, caches) at the steady rate, not recorded.
    await pace(Math.min(rate, WARMUP_RATE), WARMUP_SECONDS, () => send(false))
    await Promise.all(inflight)
    await engine.idle()
    inflight = []
    const offered = await pace(rate, seconds, () => send(true))
    await Promise.all(inflight)
    await engine.idle()
    const lat: number[] = []
    const full: number[] = []
    let lastFinished = 0
    for (const [id, t1] of acceptedAt) {
      const done = finishedAt.get(id)
      if (done === undefined) { errors++; continue }
      lat.push(Math.max(0, done - t1))
      full.push(done - sentAt.get(id)!)
      lastFinished = Math.max(lastFinished, done)
    }
    lat.sort((a, b) => a - b)
    full.sort((a, b) => a - b)
    return {
      sent: inflight.length, offeredPerSec: offered, errors, p50Ms: pct(full, 50), p99Ms: pct(full, 99), maxMs: full[full.length - 1],
      acceptToFinishP99Ms: pct(lat, 99), drainMs: Math.max(0, lastFinished - lastAccepted), runsFailed,
    }
  } finally {
    await app?.close()
    await engine.stop()
    await store.close()
    removeDir(dir)
  }
}

/** The bare app at `rate` orders/s for `seconds`: request sent → answered (its insert committed). */
export async function measureBareLatency(rate: number, seconds: number): Promise<LatencyFigures> {
  const dir = tempDir('latency-bare')
  const { app, close } = await buildBareApp(join(dir, 'bare.db'))
  try {
    const lat: number[] = []
    let errors = 0
    let inflight: Promise<void>[] = []
    const send = (record: boolean) => {
      const payload = JSON.stringify(makeOrder())
      const t0 = performance.now()
      inflight.push(app.inject({ method: 'POST', url: '/orders', headers: { 'content-type': 'application/json' }, payload }).then((res) => {
        if (!record) return
        if (res.statusCode !== 200) errors++
        else lat.push(performance.now() - t0)
      }, () => { if (record) errors++ }))
    }
    await pace(Math.min(rate, WARMUP_RATE), WARMUP_SECONDS, () => send(false))
    await Promise.all(inflight)
    inflight = []
    const offered = await pace(rate, seconds, () => send(true))
    await Promise.all(inflight)
    lat.sort((a, b) => a - b)
    return { sent: inflight.length, offeredPerSec: offered, errors, p50Ms: pct(lat, 50), p99Ms: pct(lat, 99), maxMs: lat[lat.length - 1] }
  } finally {
    await close()
    removeDir(dir)
  }
}
