import { openSqliteStore } from '/work/main/engine/store/sqlite/sqlite-store.ts'
import { createRegistry } from '/work/main/engine/core/registry.ts'
import { builtinNodeTypes } from '/work/main/engine/runtime/node-catalog.ts'
import { OrderEngine } from '/work/main/engine/runtime/order-engine.ts'
import { ManualClock } from '/work/main/engine/runtime/clocks.ts'
import { buildApp } from '/work/main/engine/http/app.ts'
import { generateToken, hashToken } from '/work/main/engine/http/auth.ts'
import { makeOrders } from '/work/main/bench/orders.ts'
import { startChild } from '/work/main/bench/resources.ts'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
const receiver = await startChild({ script: 'bench/event-receiver.ts', env: {}, healthPath: '/count' })
const dir = mkdtempSync(join(tmpdir(), 'drain-'))
const store = openSqliteStore({ path: join(dir, 'o.db') })
const clock = new ManualClock(new Date().toISOString())
const engine = new OrderEngine({ store, registry: createRegistry(builtinNodeTypes), clock })
await engine.start()
const app = await buildApp({ engine, version: 'x' })
const token = generateToken()
await store.createToken({ id: 't', name: 'b', role: 'admin', hash: hashToken(token) }, Date.now())
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
const r = await app.inject({ method: 'POST', url: '/api/subscriptions', headers, payload: JSON.stringify({ name: 'b', events: ['created'], target: { kind: 'webhook', url: receiver.url + '/e' } }) })
const N = Number(process.env.N ?? 10000)
const orders = makeOrders(N)
for (let i = 0; i < N; i += 500) await engine.ingest(orders.slice(i, i + 500).map((input) => ({ input })), 'b')
console.log('pending', await store.outboxPending())
const t0 = performance.now()
await engine.tick()
const s = (performance.now() - t0) / 1000
console.log('drained', N, 'in', s.toFixed(2), 's =', (N / s).toFixed(0), '/s; pending', await store.outboxPending())
await app.close(); await engine.stop(); await store.close(); await receiver.stop(); process.exit(0)
