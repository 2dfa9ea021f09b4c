/**
 * Outside work survives kill -9: the real server is killed while http.request activities and webhook
 * deliveries are in flight against a local receiver. After a restart every activity completes,
 * every subscription gets every event of every order, in order per order, and no idempotency key is
 * ever performed with two different payloads (a repeat is the same call again, at least once).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { apiClient, freePort, kill9, startServer, stopServer } from './support/server-process.ts'
import { startTestServer, type ReceivedRequest } from '../connectors/sdk/testing.ts'
import { sampleOrder } from './harness.ts'

const token = 'ordo_outside-crash-admin-token'
const ORDERS = 40

const notifyWarehouse = (wmsUrl: string) => ({
  id: 'notify-wms', name: '通知仓库',
  nodes: [
    { id: 'start', type: 'trigger.order-event', position: { x: 0, y: 0 }, config: { events: ['created'] } },
    {
      id: 'call', type: 'http.request', position: { x: 0, y: 120 }, config: {
        method: 'POST', url: `${wmsUrl}/wms/ship-notices`, timeout: 'PT5S', retries: 5,
        body: { orderNo: '{{order.platformOrderId}}', amount: '{{order.totalAmount}}' },
      },
    },
    { id: 'done', type: 'order.tag', position: { x: 0, y: 240 }, config: { add: ['wms-notified'] } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'call' }, { id: 'e2', source: 'call', sourceHandle: 'ok', target: 'done' }],
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
async function until(what: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await sleep(100)
  }
}

describe('outside work across kill -9', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-outside-crash-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('completes every activity and delivers every event in order per order, each key with one payload', async () => {
    // Slow answers keep calls in flight when the kill comes.
    const receiver = await startTestServer(() => ({ status: 200, json: { ok: true }, delayMs: 20 + Math.floor(Math.random() * 60) }))
    const port = await freePort()
    const dbPath = join(dir, 'ordo.db')
    const api = apiClient(port, token)
    let child = await startServer({ dbPath, port, token })
    try {
      expect((await api('POST', '/api/workflows/import?publish=true', notifyWarehouse(receiver.url))).status).toBe(201)
      const sub = await api('POST', '/api/subscriptions', { name: 'ERP', events: ['created', 'status_changed'], target: { kind: 'webhook', url: `${receiver.url}/erp/events` } })
      expect(sub.status).toBe(201)

      const orders = Array.from({ length: ORDERS }, (_, i) => sampleOrder({ platformOrderId: `CRASH-${1000 + i}`, status: 'paid', totalAmount: 1000 + i }))
      expect((await api('POST', '/api/orders', orders)).status).toBe(200)
      // Each order then ships and is delivered: three events per order, three revisions.
      const shipped = orders.map((o) => ({ ...o, status: 'shipped', updatedAt: '2026-11-20T10:30:00+08:00' }))
      expect((await api('POST', '/api/orders', shipped)).status).toBe(200)
      const delivered = orders.map((o) => ({ ...o, status: 'delivered', updatedAt: '2026-11-21T10:30:00+08:00' }))
      const deliveredPosted = api('POST', '/api/orders', delivered)

      // Kill once calls and deliveries are under way, and well before they are all done.
      await until(async () => receiver.requests.filter((r) => r.url === '/wms/ship-notices').length >= 5 && receiver.requests.some((r) => r.url === '/erp/events'), 20_000)
      expect((await deliveredPosted).status).toBe(200)
      await kill9(child)
      const beforeRestart = receiver.requests.length
      expect(beforeRestart).toBeLessThan(ORDERS + ORDERS * 3)

      child = await startServer({ dbPath, port, token })
      await until(async () => {
        const s = (await api('GET', `/api/subscriptions/${sub.json.id}`)).json
        const runs = (await api('GET', '/api/runs?workflowId=notify-wms&status=completed&limit=100')).json
        return s.stats.pending === 0 && runs.items.length === ORDERS
      }, 60_000)

      const notified = (await api('GET', '/api/orders?tag=wms-notified&limit=100')).json.items as Array<{ platformOrderId: string; status: string }>
      expect(notified.map((o) => o.platformOrderId).sort()).toEqual(orders.map((o) => o.platformOrderId).sort())
      expect(notified.every((o) => o.status === 'delivered')).toBe(true)

      // Every idempotency key carried one payload, however often it was sent.
      const calls = receiver.requests.filter((r) => r.url === '/wms/ship-notices')
      const byKey = new Map<string, Set<string>>()
      for (const r of calls) {
        const key = String(r.headers['idempotency-key'])
        byKey.set(key, (byKey.get(key) ?? new Set()).add(r.body))
      }
      expect(byKey.size).toBe(ORDERS)
      for (const [key, bodies] of byKey) expect(bodies.size, key).toBe(1)
      expect(new Set(calls.map((r) => (r.json() as { orderNo: string }).orderNo)).size).toBe(ORDERS)

      // Every order's three events arrived, none out of order (a repeat comes before the next one).
      const events = receiver.requests.filter((r) => r.url === '/erp/events').map((r: ReceivedRequest) => r.json() as { id: string; platformOrderId: string; revision: number; kind: string })
      const perOrder = new Map<string, typeof events>()
      for (const e of events) perOrder.set(e.platformOrderId, [...(perOrder.get(e.platformOrderId) ?? []), e])
      expect(perOrder.size).toBe(ORDERS)
      for (const [orderNo, list] of perOrder) {
        const revisions = list.map((e) => e.revision)
        expect(revisions, orderNo).toEqual([...revisions].sort((a, b) => a - b))
        expect(new Set(list.map((e) => e.id)).size, orderNo).toBe(3)
        const firstKinds = [...new Map(list.map((e) => [e.id, e.kind])).values()]
        expect(firstKinds, orderNo).toEqual(['created', 'status_changed', 'status_changed'])
      }
    } finally {
      await stopServer(child)
      await receiver.close()
    }
  }, 120_000)
})
