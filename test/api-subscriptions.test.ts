/**
 * Status sync out: order events offered to a webhook subscription through the outbox, signed per
 * Standard Webhooks, delivered at least once and in order per order, dead-lettered after their
 * retries and replayed by an operator. Retries wait on the injected clock.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { Webhook } from 'standardwebhooks'
import { createHarness, sampleOrder, type Harness } from './harness.ts'
import { startTestServer, type ReceivedRequest, type TestServer } from '../connectors/sdk/testing.ts'
import { DELIVERY_RETRY } from '../engine/runtime/outbox-dispatcher.ts'
import { NO_RABBITMQ_REASON, rabbitUrl, testExchange, type TestExchange } from './support/rabbitmq.ts'

interface EventBody { id: string; kind: string; orderId: string; platform: string; platformOrderId: string; revision: number; fromStatus: string | null; toStatus: string | null; at: string; order: { status: string } }
const bodyOf = (r: ReceivedRequest) => r.json() as EventBody

describe('order event subscriptions', () => {
  let h: Harness
  let server: TestServer
  beforeAll(async () => { server = await startTestServer() })
  afterAll(async () => { await server.close() })
  afterEach(async () => { await h.close() })

  async function subscribe(body: Record<string, unknown> = {}) {
    const res = await h.api('POST', '/api/subscriptions', { name: 'ERP 订单同步', events: ['created', 'status_changed'], target: { kind: 'webhook', url: `${server.url}/ordo-events` }, ...body })
    expect(res.statusCode, res.body).toBe(201)
    return res.json() as { id: string; secret: string }
  }
  const received = (from: number) => server.requests.slice(from).filter((r) => r.url === '/ordo-events')

  it('shows a generated signing secret once, and never again', async () => {
    h = await createHarness()
    const sub = await subscribe()
    expect(sub.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32,}$/)
    const listed = await h.api('GET', '/api/subscriptions')
    expect(listed.body).not.toContain(sub.secret.slice(6))
    expect(listed.json().subscriptions[0]).toMatchObject({ id: sub.id, name: 'ERP 订单同步', target: { kind: 'webhook', url: `${server.url}/ordo-events` }, stats: { pending: 0, dead: 0 } })
    // Replay without a body means all of them (none here).
    expect((await h.api('POST', `/api/subscriptions/${sub.id}/dead-letters/replay`)).json()).toEqual({ replayed: 0 })
  })

  it('delivers each order event, signed per Standard Webhooks, in the order of its revisions', async () => {
    h = await createHarness()
    server.reply(() => ({ status: 204 }))
    const sub = await subscribe()
    const before = server.requests.length
    const order = sampleOrder({ status: 'paid' })
    await h.api('POST', '/api/orders', order)
    await h.api('POST', '/api/orders', { ...order, status: 'shipped', updatedAt: '2026-11-20T10:30:00+08:00' })
    await h.engine.tick()
    const got = received(before)
    expect(got.map((r) => [bodyOf(r).kind, bodyOf(r).fromStatus, bodyOf(r).toStatus])).toEqual([['created', null, 'paid'], ['status_changed', 'paid', 'shipped']])
    const [created, shipped] = got.map(bodyOf)
    expect(shipped!.revision).toBeGreaterThan(created!.revision)
    expect(created).toMatchObject({ platform: 'douyin', platformOrderId: order.platformOrderId, order: { status: 'paid' } })
    expect(shipped!.order.status).toBe('shipped')
    const wh = new Webhook(sub.secret)
    // The receiver checks the signature's timestamp against its own clock: here, the engine's.
    vi.useFakeTimers({ toFake: ['Date'], now: h.clock.now() })
    try {
      for (const r of got) {
        expect(r.headers['webhook-id']).toBe(bodyOf(r).id)
        expect(() => wh.verify(r.body, r.headers as Record<string, string>)).not.toThrow()
      }
      // A receiver that verifies rejects a body changed on the way.
      expect(() => wh.verify(got[0]!.body.replace('paid', 'refunded'), got[0]!.headers as Record<string, string>)).toThrow()
    } finally { vi.useRealTimers() }
    const log = (await h.api('GET', `/api/integrations/log?subscriptionId=${sub.id}`)).json().entries
    expect(log).toHaveLength(2)
    expect(log[0]).toMatchObject({ connector: 'subscription.webhook', statusCode: 204, errorClass: null, attempt: 1, subscriptionName: 'ERP 订单同步', order: { platform: 'douyin' } })
  })

  it('holds an order\'s next event until its previous one is delivered, while other orders go on', async () => {
    h = await createHarness()
    const stuck = sampleOrder({ status: 'paid' })
    server.reply((r) => (bodyOf(r).platformOrderId === stuck.platformOrderId && !recovered ? { status: 503 } : { status: 200 }))
    let recovered = false
    await subscribe()
    const before = server.requests.length
    await h.api('POST', '/api/orders', stuck)
    await h.api('POST', '/api/orders', { ...stuck, status: 'shipped', updatedAt: '2026-11-20T10:30:00+08:00' })
    const other = sampleOrder()
    await h.api('POST', '/api/orders', other)
    await h.engine.tick()
    // The stuck order's first event was tried and failed; its second waits; the other order went through.
    const first = received(before).map(bodyOf).map((b) => `${b.platformOrderId}:${b.kind}`)
    expect(first).toEqual(expect.arrayContaining([`${stuck.platformOrderId}:created`, `${other.platformOrderId}:created`]))
    expect(first).not.toContain(`${stuck.platformOrderId}:status_changed`)
    recovered = true
    h.clock.advance('PT2S')
    await h.engine.tick()
    const stuckEvents = received(before).map(bodyOf).filter((b) => b.platformOrderId === stuck.platformOrderId).map((b) => b.kind)
    expect(stuckEvents).toEqual(['created', 'created', 'status_changed'])
  })

  it('dead-letters an event after its retries, lets the next one go, and replays it for an operator', async () => {
    h = await createHarness()
    let down = true
    server.reply(() => (down ? { status: 500, body: 'ERP down' } : { status: 200 }))
    const sub = await subscribe()
    const order = sampleOrder({ status: 'paid' })
    await h.api('POST', '/api/orders', order)
    await h.engine.tick()
    for (let i = 1; i < DELIVERY_RETRY.maxAttempts; i++) {
      h.clock.advance('PT20M')
      await h.engine.tick()
    }
    const operator = await h.tokenFor('operator')
    const dead = (await h.api('GET', `/api/subscriptions/${sub.id}/dead-letters`, undefined, operator)).json().deadLetters
    expect(dead).toHaveLength(1)
    expect(dead[0]).toMatchObject({ kind: 'created', attempts: DELIVERY_RETRY.maxAttempts, lastStatus: 500, order: { platform: 'douyin', platformOrderId: order.platformOrderId } })
    expect(dead[0].lastError).toContain('500')
    // The dead letter no longer holds the order's queue.
    down = false
    const before = server.requests.length
    await h.api('POST', '/api/orders', { ...order, status: 'shipped', updatedAt: '2026-11-20T10:30:00+08:00' })
    await h.engine.tick()
    expect(received(before).map((r) => bodyOf(r).kind)).toEqual(['status_changed'])
    expect((await h.api('POST', `/api/subscriptions/${sub.id}/dead-letters/replay`, {}, await h.tokenFor('approver'))).statusCode).toBe(403)
    const replay = await h.api('POST', `/api/subscriptions/${sub.id}/dead-letters/replay`, { ids: [dead[0].id] }, operator)
    expect(replay.json()).toEqual({ replayed: 1 })
    await h.engine.tick()
    const replayed = received(before).map(bodyOf)
    expect(replayed.map((b) => b.kind)).toEqual(['status_changed', 'created'])
    expect(replayed[1]!.id).toBe(dead[0].eventId)
    // Replayed after the order shipped, the event still carries the order as it was then.
    expect(replayed[1]!.order.status).toBe('paid')
    expect(replayed[0]!.order.status).toBe('shipped')
    expect((await h.api('GET', `/api/subscriptions/${sub.id}/dead-letters`)).json().deadLetters).toEqual([])
  })

  it('sends only the events its filter and kinds pick, a flow\'s status change included', async () => {
    h = await createHarness()
    server.reply(() => ({ status: 200 }))
    await subscribe({ events: ['status_changed'], filter: { '==': [{ var: 'order.platform' }, 'jd'] } })
    await h.api('POST', '/api/workflows', {
      id: 'auto-complete', name: '自动完成', nodes: [
        { id: 'start', type: 'trigger.order-event', position: { x: 0, y: 0 }, config: { events: ['created'] } },
        { id: 'done', type: 'order.update-status', position: { x: 0, y: 120 }, config: { status: 'completed' } },
      ], edges: [{ id: 'e1', source: 'start', target: 'done' }],
    })
    await h.api('POST', '/api/workflows/auto-complete/publish')
    const before = server.requests.length
    await h.api('POST', '/api/orders', sampleOrder({ platform: 'douyin' }))
    const jd = sampleOrder({ platform: 'jd', platformOrderId: 'JD-7001', status: 'delivered' })
    await h.api('POST', '/api/orders', jd)
    await h.engine.tick()
    const got = received(before).map(bodyOf)
    expect(got.map((b) => [b.platformOrderId, b.kind, b.fromStatus, b.toStatus])).toEqual([['JD-7001', 'patched', 'delivered', 'completed']])
  })

  it('refuses a filter that cannot run and a target it cannot use, naming the field', async () => {
    h = await createHarness()
    const bad = await h.api('POST', '/api/subscriptions', { name: 'x', events: ['created'], filter: { nope: [1] }, target: { kind: 'webhook', url: `${server.url}/x` } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().details[0].pointer).toBe('/filter')
    const noUrl = await h.api('POST', '/api/subscriptions', { name: 'x', events: ['created'], target: { kind: 'webhook', url: 'ftp://x' } })
    expect(noUrl.statusCode).toBe(400)
    const kinds = await h.api('POST', '/api/subscriptions', { name: 'x', events: ['deleted'], target: { kind: 'webhook', url: `${server.url}/x` } })
    expect(kinds.statusCode).toBe(400)
    expect(kinds.json().details[0].pointer).toBe('/events/0')
    expect((await h.api('POST', '/api/subscriptions', { name: 'x', events: ['created'], target: { kind: 'webhook', url: `${server.url}/x` } }, await h.tokenFor('operator'))).statusCode).toBe(403)
    const noHost = await h.api('POST', '/api/subscriptions', { name: 'x', events: ['created'], target: { kind: 'rabbitmq', url: 'amqp://', exchange: 'orders' } })
    expect(noHost.statusCode).toBe(400)
    expect(noHost.json().details[0]).toMatchObject({ pointer: '/target/url', reason: expect.stringContaining('no broker host') })
  })

  it('drops what a deleted subscription had not delivered', async () => {
    h = await createHarness()
    server.reply(() => ({ status: 503 }))
    const sub = await subscribe()
    await h.api('POST', '/api/orders', sampleOrder())
    await h.engine.tick()
    expect((await h.api('GET', `/api/subscriptions/${sub.id}`)).json().stats.pending).toBe(1)
    expect((await h.api('GET', '/metrics')).body).toMatch(/^ordo_outbox_pending 1$/m)
    expect((await h.api('DELETE', `/api/subscriptions/${sub.id}`)).statusCode).toBe(204)
    const before = server.requests.length
    h.clock.advance('PT1H')
    await h.engine.tick()
    expect(received(before)).toEqual([])
    expect(await h.engine.store.outboxPending()).toBe(0)
  })
})

describe.skipIf(!rabbitUrl)(`order event subscriptions to RabbitMQ${rabbitUrl ? '' : ` (SKIPPED: ${NO_RABBITMQ_REASON})`}`, () => {
  const url = rabbitUrl!
  const exchange = `ordo.test.subscriptions.${process.pid}`
  const queue = `ordo.test.subscriptions.q.${process.pid}`
  let h: Harness
  let mq: TestExchange
  beforeAll(async () => { mq = await testExchange(url, exchange, queue, 'order.#') })
  afterAll(async () => {
    await h?.close()
    await mq.close()
  })

  it('publishes each order event, confirmed, with the event id as message id, and never shows the broker password', async () => {
    h = await createHarness()
    const res = await h.api('POST', '/api/subscriptions', { name: 'BI 数据仓库', events: ['created', 'status_changed'], target: { kind: 'rabbitmq', url, exchange } })
    expect(res.statusCode, res.body).toBe(201)
    const password = new URL(url).password
    const listed = await h.api('GET', '/api/subscriptions')
    expect(listed.json().subscriptions[0].target).toMatchObject({ kind: 'rabbitmq', exchange })
    if (password) expect(listed.body).not.toContain(`:${password}@`)
    const order = sampleOrder({ status: 'paid' })
    await h.api('POST', '/api/orders', order)
    await h.api('POST', '/api/orders', { ...order, status: 'shipped', updatedAt: '2026-11-20T10:30:00+08:00' })
    await h.engine.tick()
    const received = await mq.arrived(2)
    expect(received.map((m) => [m.fields.routingKey, JSON.parse(m.content.toString('utf8')).toStatus])).toEqual([['order.created', 'paid'], ['order.status_changed', 'shipped']])
    const first = JSON.parse(received[0]!.content.toString('utf8')) as EventBody
    expect(received[0]!.properties).toMatchObject({ messageId: first.id, contentType: 'application/json', headers: { 'x-ordo-kind': 'created', 'x-ordo-revision': first.revision } })
    // Delivered means confirmed by the broker: nothing is left pending.
    expect((await h.api('GET', `/api/subscriptions/${res.json().id}`)).json().stats).toMatchObject({ pending: 0, dead: 0 })
    const log = (await h.api('GET', `/api/integrations/log?subscriptionId=${res.json().id}`)).json()
    expect(log.entries.map((e: { connector: string; errorClass: string | null }) => [e.connector, e.errorClass])).toEqual([['subscription.rabbitmq', null], ['subscription.rabbitmq', null]])
    if (password) expect(JSON.stringify(log)).not.toContain(`:${password}@`)
  })
})
