/**
 * Outside work: http.request activities performed per second against a local endpoint (bare: the
 * same POSTs from a plain fetch loop at the same concurrency), and an order's status change → its
 * event at a RabbitMQ consumer at 1,000 changes a second (bare: amqplib publishing on a confirm
 * channel at the same pace, publish → consumer). RabbitMQ comes from ORDO_TEST_RABBITMQ_URL, or is
 * started for the run with .ci/rabbitmq.sh when Debian's rabbitmq-server is installed.
 */
import { Agent as HttpAgent, createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { connect, type ConsumeMessage } from 'amqplib'
import { openSqliteStore } from '../engine/store/sqlite/sqlite-store.ts'
import { createRegistry } from '../engine/core/registry.ts'
import { builtinNodeTypes } from '../engine/runtime/node-catalog.ts'
import { OrderEngine } from '../engine/runtime/order-engine.ts'
import { ManualClock } from '../engine/runtime/clocks.ts'
import { importWorkflows } from '../engine/runtime/workflow-import.ts'
import { generateToken } from '../engine/http/auth.ts'
import type { WorkflowDefinition } from '../schemas/generated/workflow.ts'
import { makeOrders } from './orders.ts'
import { pace, pct } from './latency.ts'
import { measureOrdoIngest, type HttpFigures, type Load } from './ingest-http.ts'
import { removeDir, startChild, tempDir } from './resources.ts'

/** Batch ingest with one webhook subscription taking every created and status_changed event. */
export interface SubscribedIngest {
  ours: HttpFigures; eventsDelivered: number; pendingAtEnd: number; deliveredPerSec: number
  /** Events delivered per second in the CATCH_UP_SECONDS after the load, with nothing else to do. */
  catchUpPerSec: number
}

/** How long the subscribed-ingest bench watches the backlog drain after the load. */
const CATCH_UP_SECONDS = 3

export interface OutsideResult {
  activities: { calls: number; concurrency: number; perSec: number; barePerSec: number }
  rabbit: { skipped: true; reason: string } | { skipped: false; changes: number; ratePerSec: number; p50Ms: number; p99Ms: number; maxMs: number; answerP99Ms: number; lost: number; bareP50Ms: number; bareP99Ms: number }
}

/** A local endpoint answering every POST at once with a small JSON body. */
async function startEndpoint(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume()
    req.on('end', () => { res.writeHead(201, { 'content-type': 'application/json' }); res.end('{"id":"SN-1"}') })
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()) }) }
}

const callFlow = (url: string): WorkflowDefinition => ({
  id: 'bench-call', name: 'Bench: ship notice',
  nodes: [
    { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } },
    { id: 'call', type: 'http.request', position: { x: 0, y: 100 }, config: { method: 'POST', url: `${url}/ship-notices`, body: { run: '{{run.id}}' }, responseVariables: { notice: '/id' } } },
    { id: 'done', type: 'rule.set', position: { x: 0, y: 200 }, config: { variables: { done: true } } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'call' }, { id: 'e2', source: 'call', sourceHandle: 'ok', target: 'done' }],
})

/** `n` runs each waiting on one http.request activity; the worker performs them (16 at a time, the node's limit). */
export async function measureActivities(n: number): Promise<OutsideResult['activities']> {
  const endpoint = await startEndpoint()
  const dir = tempDir('activities')
  const concurrency = 16
  try {
    const store = openSqliteStore({ path: join(dir, 'ordo.db'), sync: 'normal' })
    const clock = new ManualClock(new Date().toISOString())
    const engine = new OrderEngine({ store, registry: createRegistry(builtinNodeTypes), clock })
    await engine.start()
    await importWorkflows(engine, [callFlow(endpoint.url)], { publish: true, by: 'bench' })
    for (let i = 0; i < 200; i++) await engine.startManualRun({ workflowId: 'bench-call', by: 'bench' })
    await engine.tick() // warm-up: connections, JIT
    for (let i = 0; i < n; i++) await engine.startManualRun({ workflowId: 'bench-call', by: 'bench' })
    await engine.idle()
    const t0 = performance.now()
    await engine.tick()
    const seconds = (performance.now() - t0) / 1000
    const done = (await store.listRuns({ workflowId: 'bench-call', status: 'completed', limit: 1 })).items.length
    const waiting = (await store.listRuns({ workflowId: 'bench-call', status: 'waiting', limit: 1 })).items.length
    if (done === 0 || waiting > 0) throw new Error('activities bench: runs were left waiting after the pass')
    await engine.stop()
    await store.close()

    // Bare: the same POSTs from a plain loop, `concurrency` at a time.
    const body = JSON.stringify({ run: 'run_bench' })
    const post = () => fetch(`${endpoint.url}/ship-notices`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).then((r) => r.json())
    await Promise.all(Array.from({ length: 200 }, post))
    let next = 0
    const b0 = performance.now()
    await Promise.all(Array.from({ length: concurrency }, async () => { while (next++ < n) await post() }))
    const bareSeconds = (performance.now() - b0) / 1000
    return { calls: n, concurrency, perSec: n / seconds, barePerSec: n / bareSeconds }
  } finally {
    await endpoint.close()
    removeDir(dir)
  }
}

/** A broker for the run: the one the tests use, or a throwaway one started and stopped here. */
function broker(): { url: string; stop: () => void } | { reason: string } {
  if (process.env.ORDO_TEST_RABBITMQ_URL) return { url: process.env.ORDO_TEST_RABBITMQ_URL, stop: () => {} }
  const script = join(import.meta.dirname, '..', '.ci', 'rabbitmq.sh')
  if (!existsSync('/usr/sbin/rabbitmq-server')) return { reason: 'no RabbitMQ (install rabbitmq-server, or set ORDO_TEST_RABBITMQ_URL)' }
  try {
    const exports = execFileSync(script, ['start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120_000 })
    const env = Object.fromEntries([...exports.matchAll(/export (\w+)=['"]?([^'"\n]*)['"]?/g)].map((m) => [m[1], m[2]]))
    if (!env.ORDO_TEST_RABBITMQ_URL) return { reason: 'RabbitMQ did not start' }
    return { url: env.ORDO_TEST_RABBITMQ_URL, stop: () => { try { execFileSync(script, ['stop'], { env: { ...process.env, ...env }, stdio: 'ignore', timeout: 60_000 }) } catch { /* best effort */ } } }
  } catch (err) {
    return { reason: `RabbitMQ did not start: ${(err as Error).message.split('\n')[0]}` }
  }
}

const WARM_UP_SECONDS = 2

/**
 * Order status changes at `rate`/s to the real server (a child process, over HTTP), each change's
 * event timed from the request sent to its arrival at a consumer in this process.
 */
export async function measureRabbit(url: string, rate: number, seconds: number, nodeArgs: string[] = []): Promise<Exclude<OutsideResult['rabbit'], { skipped: true }>> {
  const exchange = `ordo.bench.${process.pid}`
  const queue = `ordo.bench.q.${process.pid}`
  const conn = await connect(url)
  const ch = await conn.createChannel()
  await ch.assertExchange(exchange, 'topic', { durable: true })
  await ch.assertQueue(queue, { durable: false, exclusive: true })
  await ch.bindQueue(queue, exchange, '#')
  // Ordo's events by the order they are about (its header), the bare messages by their id.
  const arrived = new Map<string, number>()
  const arrivedForOrder = new Map<string, number>()
  await ch.consume(queue, (m: ConsumeMessage | null) => {
    if (!m) return
    const orderId = m.properties.headers?.['x-ordo-order-id'] as string | undefined
    if (orderId) { if (!arrivedForOrder.has(orderId)) arrivedForOrder.set(orderId, performance.now()) } else arrived.set(String(m.properties.messageId), performance.now())
  }, { noAck: true })

  const dir = tempDir('rabbit-latency')
  const token = generateToken()
  const server = await startChild({ script: 'engine/server.ts', healthPath: '/api/health', nodeArgs, env: { ORDO_DB: join(dir, 'ordo.db'), ORDO_ADMIN_TOKEN: token, ORDO_LOG: 'silent' } })
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  // node:http with kept-alive sockets, not fetch: on 2 cores the client's own CPU and garbage show up
  // in the latency it measures (fetch's stalled the pacer for 20-40 ms now and then).
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 64 })
  const post = (path: string, body: unknown) => new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
    const payload = JSON.stringify(body)
    const req = httpRequest(server.url + path, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(payload)) } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => { try { resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }) } catch (err) { reject(err) } })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(payload)
  })
  try {
    const sub = await post('/api/subscriptions', { name: 'bench', events: ['status_changed'], target: { kind: 'rabbitmq', url, exchange } })
    if (sub.status !== 201) throw new Error(`subscription refused: ${JSON.stringify(sub.json)}`)
    // Warm-up at the measured rate: a slower one leaves the first quarter second of the window to
    // warm the client's connection pool and the faster paths (it read 20-60 ms there).
    const warm = Math.round(rate * WARM_UP_SECONDS)
    const total = Math.round(rate * seconds)
    const orders = makeOrders(warm + total)
    for (let i = 0; i < orders.length; i += 500) {
      const r = await post('/api/orders', orders.slice(i, i + 500))
      if (r.status !== 200) throw new Error(`seeding orders failed: ${JSON.stringify(r.json)}`)
    }
    let next = 0
    const sentAt = new Map<string, number>()
    const answeredAt = new Map<string, number>()
    let errors = 0
    let inflight: Promise<void>[] = []
    const change = (record: boolean) => {
      const o = orders[next++]!
      const t0 = performance.now()
      inflight.push(post('/api/orders', { ...o, status: 'shipped', updatedAt: new Date(Date.parse(o.updatedAt!) + 60_000).toISOString() }).then((res) => {
        if (res.status !== 200) { errors++; return }
        if (record) { const id = (res.json as { results: Array<{ id: string }> }).results[0]!.id; sentAt.set(id, t0); answeredAt.set(id, performance.now()) }
      }, () => { errors++ }))
    }
    await pace(rate, WARM_UP_SECONDS, () => change(false))
    await Promise.all(inflight)
    inflight = []
    const offered = await pace(rate, seconds, () => change(true))
    await Promise.all(inflight)
    // Every event names its order: wait for the stragglers (one that never comes counts as lost, not as slow).
    const deadline = performance.now() + 10_000
    while (performance.now() < deadline && [...sentAt.keys()].some((id) => !arrivedForOrder.has(id))) await new Promise((r) => setTimeout(r, 50))
    const lat: number[] = []
    const answer: number[] = []
    let lost = errors
    for (const [id, t0] of sentAt) {
      const t1 = arrivedForOrder.get(id)
      if (t1 === undefined) lost++
      else { lat.push(t1 - t0); answer.push(answeredAt.get(id)! - t0) }
    }
    lat.sort((a, b) => a - b)
    answer.sort((a, b) => a - b)

    // Bare: amqplib on a confirm channel at the same pace, publish → consumer.
    const bareAt = new Map<string, number>()
    const confirm = await conn.createConfirmChannel()
    const bare: number[] = []
    let n = 0
    const publish = () => {
      const id = `bare-${n++}`
      bareAt.set(id, performance.now())
      confirm.publish(exchange, 'order.status_changed', Buffer.from(JSON.stringify(orders[n % orders.length])), { messageId: id, persistent: true, contentType: 'application/json' })
    }
    await pace(rate, seconds, publish)
    await confirm.waitForConfirms()
    const bareDeadline = performance.now() + 5_000
    while (performance.now() < bareDeadline && [...bareAt.keys()].some((id) => !arrived.has(id))) await new Promise((r) => setTimeout(r, 20))
    for (const [id, t0] of bareAt) { const t1 = arrived.get(id); if (t1 !== undefined) bare.push(t1 - t0) }
    bare.sort((a, b) => a - b)
    await confirm.close()
    return { skipped: false, changes: sentAt.size, ratePerSec: offered, p50Ms: pct(lat, 50), p99Ms: pct(lat, 99), maxMs: lat[lat.length - 1] ?? NaN, answerP99Ms: pct(answer, 99), lost, bareP50Ms: pct(bare, 50), bareP99Ms: pct(bare, 99) }
  } finally {
    agent.destroy()
    await server.stop()
    removeDir(dir)
    await ch.deleteExchange(exchange).catch(() => {})
    await conn.close().catch(() => {})
  }
}

/** The outside-work figures: activities always, the RabbitMQ latency when a broker can be had. */
export async function measureOutside(log: (m: string) => void): Promise<OutsideResult> {
  const activities = await measureActivities(3_000)
  const b = broker()
  if ('reason' in b) return { activities, rabbit: { skipped: true, reason: b.reason } }
  try {
    log(`    RabbitMQ at ${b.url.replace(/\/\/[^@]*@/, '//')}`)
    return { activities, rabbit: await measureRabbit(b.url, 1_000, 5) }
  } finally { b.stop() }
}

/** Batch ingest (100 orders a request) with one webhook subscription to a receiver (its own process) answering 204. */
export async function measureSubscribedIngest(l: Load, nodeArgs: string[] = []): Promise<SubscribedIngest> {
  const receiver = await startChild({ script: 'bench/event-receiver.ts', env: {}, healthPath: '/count' })
  const count = async () => ((await (await fetch(`${receiver.url}/count`)).json()) as { received: number }).received
  let pendingAtEnd = NaN
  let window = { delivered: 0, ms: 0 }
  let catchUp = { delivered: 0, ms: 0 }
  try {
    const { ours } = await measureOrdoIngest(100, l, nodeArgs, async (server, token) => {
      const res = await fetch(`${server}/api/subscriptions`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'bench ERP', events: ['created', 'status_changed'], target: { kind: 'webhook', url: `${receiver.url}/ordo-events` } }),
      })
      if (res.status !== 201) throw new Error(`subscription refused: ${await res.text()}`)
      const id = ((await res.json()) as { id: string }).id
      const t0 = performance.now()
      const d0 = await count()
      // Read the backlog just before the load ends: the server is stopped right after it.
      setTimeout(() => {
        void Promise.all([count(), fetch(`${server}/api/subscriptions/${id}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<{ stats: { pending: number } }>)])
          .then(([d, s]) => { window = { delivered: d - d0, ms: performance.now() - t0 }; pendingAtEnd = s.stats.pending }, () => {})
      }, (l.warmupSeconds + l.seconds) * 1000 - 300).unref()
    }, async () => {
      const c0 = await count()
      const t0 = performance.now()
      await new Promise((r) => setTimeout(r, CATCH_UP_SECONDS * 1000))
      catchUp = { delivered: (await count()) - c0, ms: performance.now() - t0 }
    })
    return {
      ours, eventsDelivered: window.delivered, pendingAtEnd, deliveredPerSec: window.ms ? window.delivered / (window.ms / 1000) : NaN,
      catchUpPerSec: catchUp.ms ? catchUp.delivered / (catchUp.ms / 1000) : NaN,
    }
  } finally {
    await receiver.stop()
  }
}
