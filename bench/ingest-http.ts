/**
 * Ingest over real HTTP: Ordo (engine/server.ts) and the bare baseline (bench/bare-server.ts) each run
 * as a child process on a fresh temp database, loaded by autocannon from this process with the same
 * settings. Every request carries new platformOrderIds, so every order is a create.
 */
import autocannon from 'autocannon'
import { join } from 'node:path'
import { makeOrder, makeOrders } from './orders.ts'
import { removeDir, startChild, tempDir } from './resources.ts'

/** The load: connections, seconds measured, seconds of warm-up before. */
export interface Load { connections: number; seconds: number; warmupSeconds: number }

/** One side of an ingest measurement. */
export interface HttpFigures {
  ordersPerSec: number
  requestsPerSec: number
  latencyP50Ms: number
  latencyP99Ms: number
  non2xx: number
  errors: number
}

/** Ordo's extra figures: the runs its orders start (inline in the ingest transaction, the rest by the executor). */
export interface RunFigures {
  ordersCreated: number
  runsFinishedInWindowPerSec: number
  backlogAtEnd: number
  drainMs: number | null
  drainedRuns: number
  runsLeft: number
}

/** The result of one ingest scenario. */
export interface IngestResult { batch: number; ours: HttpFigures; bare: HttpFigures; runs: RunFigures }

const TOKEN = `ordo_bench_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`
const DRAIN_LIMIT_MS = 30_000

/** Runs autocannon against `url` POSTing `batch` fresh orders per request (warm-up first, discarded). */
async function load(url: string, batch: number, headers: Record<string, string>, l: Load, between?: () => Promise<void>): Promise<HttpFigures> {
  const body = () => JSON.stringify(batch === 1 ? makeOrder() : makeOrders(batch))
  const run = (duration: number) => autocannon({
    url, connections: l.connections, duration, method: 'POST', timeout: 30,
    headers: { 'content-type': 'application/json', ...headers },
    requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }],
  })
  await run(l.warmupSeconds)
  await between?.()
  const r = await run(l.seconds)
  return {
    ordersPerSec: (r['2xx'] * batch) / r.duration,
    requestsPerSec: r['2xx'] / r.duration,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  }
}

/** Reads Ordo's counters from GET /metrics. */
async function counters(url: string): Promise<{ created: number; finished: number; at: number }> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text()
  const sum = (prefix: string) => text.split('\n').filter((l) => l.startsWith(prefix)).reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)
  return { created: sum('ordo_orders_ingested_total{outcome="created"}'), finished: sum('ordo_runs_finished_total{'), at: performance.now() }
}

/** Measures the bare baseline then Ordo with batches of `batch` orders per request; `nodeArgs` go to Ordo's node (e.g. --cpu-prof). */
export async function measureIngest(batch: number, l: Load, nodeArgs: string[] = []): Promise<IngestResult> {
  const bareDir = tempDir('bare-http')
  let bare: HttpFigures
  try {
    const server = await startChild({ script: 'bench/bare-server.ts', env: { BARE_DB: join(bareDir, 'bare.db') }, healthPath: '/health' })
    try { bare = await load(`${server.url}/orders`, batch, {}, l) } finally { await server.stop() }
  } finally { removeDir(bareDir) }
  const { ours, runs } = await measureOrdoIngest(batch, l, nodeArgs)
  return { batch, ours, bare, runs }
}

/**
 * Ordo alone under the ingest load; `setup` runs against the fresh server first (e.g. subscribes a
 * receiver), `after` right after the load, before the runs' backlog is read.
 */
export async function measureOrdoIngest(batch: number, l: Load, nodeArgs: string[] = [], setup?: (url: string, token: string) => Promise<void>, after?: (url: string, token: string) => Promise<void>): Promise<{ ours: HttpFigures; runs: RunFigures }> {
  const dir = tempDir('ordo-http')
  try {
    const server = await startChild({
      script: 'engine/server.ts', healthPath: '/api/health', nodeArgs,
      env: { ORDO_DB: join(dir, 'ordo.db'), ORDO_ADMIN_TOKEN: TOKEN, ORDO_LOG: 'silent' },
    })
    try {
      await setup?.(server.url, TOKEN)
      let start = { created: 0, finished: 0, at: 0 }
      const ours = await load(`${server.url}/api/orders`, batch, { authorization: `Bearer ${TOKEN}` }, l, async () => { start = await counters(server.url) })
      await after?.(server.url, TOKEN)
      const end = await counters(server.url)
      let last = end
      while (last.finished < last.created && last.at - end.at < DRAIN_LIMIT_MS) {
        await new Promise((r) => setTimeout(r, 100))
        last = await counters(server.url)
      }
      const runs: RunFigures = {
        ordersCreated: last.created,
        runsFinishedInWindowPerSec: (end.finished - start.finished) / ((end.at - start.at) / 1000),
        backlogAtEnd: end.created - end.finished,
        drainMs: last.finished >= last.created ? last.at - end.at : null,
        drainedRuns: last.finished - end.finished,
        runsLeft: last.created - last.finished,
      }
      return { ours, runs }
    } finally { await server.stop() }
  } finally { removeDir(dir) }
}
