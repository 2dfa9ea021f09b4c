import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { createHarness, sampleOrder, type Harness } from './harness.ts'
import { sseReader } from './support/sse.ts'

const douyin = JSON.parse(readFileSync(new URL('../examples/douyin-vip-routing.workflow.json', import.meta.url), 'utf8'))

describe('GET /api/events (SSE)', () => {
  let h: Harness
  let base: string
  beforeEach(async () => {
    h = await createHarness()
    await h.app.listen({ port: 0, host: '127.0.0.1' })
    const addr = h.app.server.address()
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
  })
  afterEach(async () => {
    // fetch (undici) may keep a spare connection that never carried a request; Node does not count it
    // as idle, so the server would wait for the client's keep-alive timeout (4 s) to close.
    const closing = h.close()
    h.app.server.closeAllConnections()
    await closing
  })

  const waitFor = async (cond: () => boolean) => {
    for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20))
  }

  it('needs a token', async () => {
    const res = await fetch(`${base}/api/events`)
    expect(res.status).toBe(401)
    expect((await res.json()).statusCode).toBe(401)
  })

  it('streams run, order and workflow events, then lets go of its listeners', async () => {
    const before = { run: h.engine.events.listenerCount('run'), order: h.engine.events.listenerCount('order'), workflow: h.engine.events.listenerCount('workflow') }
    const designer = await h.tokenFor('designer')
    const res = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${designer}`, accept: 'text/event-stream' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(res.headers.get('cache-control')).toBe('no-cache')
    expect(res.headers.get('x-accel-buffering')).toBe('no')
    const sse = sseReader(res.body!)
    expect((await sse.next()).retry).toBe('3000')
    expect(h.engine.events.listenerCount('run')).toBe(before.run + 1)

    expect((await h.api('POST', '/api/workflows/import?publish=true', douyin)).statusCode).toBe(201)
    const wf = await sse.until((f) => f.event === 'workflow')
    expect(JSON.parse(wf.data!)).toEqual({ workflowId: 'douyin-vip-routing', action: 'published', version: 1 })

    const ingest = await h.api('POST', '/api/orders', sampleOrder({ totalAmount: 200000 }))
    const orderId = ingest.json().results[0].id
    await h.engine.idle()
    const runs = (await h.api('GET', `/api/runs?orderId=${orderId}`)).json().items
    expect(runs).toHaveLength(1)
    const runEvent = await sse.until((f) => f.event === 'run')
    expect(JSON.parse(runEvent.data!)).toEqual({ runId: runs[0].id, workflowId: 'douyin-vip-routing', status: 'completed', orderId })
    const orderEvent = sse.frames.find((f) => f.event === 'order')
    expect(orderEvent && JSON.parse(orderEvent.data!)).toEqual({ orderId, outcome: 'created' })
    // ids increase by one per event, data on one line
    const ids = sse.frames.filter((f) => f.id).map((f) => Number(f.id))
    expect(ids).toEqual(ids.map((_, i) => i + 1))
    for (const f of sse.frames.filter((x) => x.event)) expect(f.raw.split('\n').filter((l) => l.startsWith('data:'))).toHaveLength(1)

    await sse.cancel()
    await waitFor(() => h.engine.events.listenerCount('run') === before.run)
    expect(h.engine.events.listenerCount('run')).toBe(before.run)
    expect(h.engine.events.listenerCount('order')).toBe(before.order)
    expect(h.engine.events.listenerCount('workflow')).toBe(before.workflow)
  })

  it('emits run events for a manual run from start to finish', async () => {
    const flow = {
      id: 'manual', name: 'Manual',
      nodes: [
        { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
        { id: 'done', type: 'flow.end', position: { x: 0, y: 120 }, config: {} },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'done' }],
    }
    expect((await h.api('POST', '/api/workflows/import?publish=true', flow)).statusCode).toBe(201)
    const res = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${h.adminToken}` } })
    const sse = sseReader(res.body!)
    const id = (await h.api('POST', '/api/runs', { workflowId: 'manual' })).json().id
    await h.engine.idle()
    const statuses: string[] = []
    while (!statuses.includes('completed')) {
      const f = await sse.until((x) => x.event === 'run')
      const d = JSON.parse(f.data!)
      expect(d.runId).toBe(id)
      statuses.push(d.status)
    }
    expect(statuses).toEqual(['running', 'completed'])
    await sse.cancel()
  })

  const listenerCounts = () => ({ run: h.engine.events.listenerCount('run'), order: h.engine.events.listenerCount('order'), workflow: h.engine.events.listenerCount('workflow') })
  const openStream = (token: string) => fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${token}` } })
  /** Creates a token with `role` through the API and returns its id and secret. */
  const createToken = async (role: string) => {
    const res = await h.api('POST', '/api/tokens', { name: `${role} user`, role })
    expect(res.statusCode).toBe(201)
    return res.json() as { id: string; token: string }
  }

  it('allows 5 open streams per token: the 6th gets 429 until one closes', async () => {
    const designer = await h.tokenFor('designer')
    const readers = []
    for (let i = 0; i < 5; i++) {
      const res = await openStream(designer)
      expect(res.status).toBe(200)
      const sse = sseReader(res.body!)
      expect((await sse.next()).retry).toBe('3000')
      readers.push(sse)
    }
    expect(h.app.eventStreams.size).toBe(5)
    const sixth = await openStream(designer)
    expect(sixth.status).toBe(429)
    expect(sixth.headers.get('content-type')).toMatch(/^application\/json/)
    const body = await sixth.json()
    expect(body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', message: expect.any(String) })
    expect(body.details[0].reason).toMatch(/5 open event streams/)
    // Another token is not affected.
    const admin = await openStream(h.adminToken)
    expect(admin.status).toBe(200)
    const adminSse = sseReader(admin.body!)
    await adminSse.next()

    await readers[0].cancel()
    await waitFor(() => h.app.eventStreams.countFor('tok_test_admin') === 1 && h.app.eventStreams.size === 5)
    const again = await openStream(designer)
    expect(again.status).toBe(200)
    const againSse = sseReader(again.body!)
    await againSse.next()
    expect(h.app.eventStreams.size).toBe(6)
    for (const r of [...readers.slice(1), adminSse, againSse]) await r.cancel()
    await waitFor(() => h.app.eventStreams.size === 0)
    expect(h.app.eventStreams.size).toBe(0)
  })

  it('answers 503 once the server holds its maximum of streams', async () => {
    h.app.eventStreams.limits.maxTotal = 2
    const a = await h.tokenFor('operator')
    const b = await h.tokenFor('approver')
    const first = sseReader((await openStream(a)).body!)
    const second = sseReader((await openStream(b)).body!)
    await first.next(); await second.next()
    const third = await openStream(h.adminToken)
    expect(third.status).toBe(503)
    const body = await third.json()
    expect(body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' })
    expect(body.details[0].reason).toMatch(/2 open event streams/)
    await first.cancel(); await second.cancel()
  })

  it('ends the open streams of a revoked token at once, not those of others', async () => {
    const before = listenerCounts()
    const { id, token } = await createToken('operator')
    const revokedSse = sseReader((await openStream(token)).body!)
    await revokedSse.next()
    const otherSse = sseReader((await openStream(h.adminToken)).body!)
    await otherSse.next()
    expect(h.engine.events.listenerCount('run')).toBe(before.run + 2)

    expect((await h.api('DELETE', `/api/tokens/${id}`)).statusCode).toBe(204)
    // The reader sees the end of the stream (done), not an error.
    await expect(revokedSse.next()).rejects.toThrow(/stream ended/)
    expect(h.app.eventStreams.countFor(id)).toBe(0)
    expect(h.engine.events.listenerCount('run')).toBe(before.run + 1)
    // A new stream with the revoked token is refused; the other stream still gets events.
    expect((await openStream(token)).status).toBe(401)
    h.engine.events.emit('order', { orderId: 'o-1', outcome: 'created' })
    expect(JSON.parse((await otherSse.until((f) => f.event === 'order')).data!)).toEqual({ orderId: 'o-1', outcome: 'created' })
    await otherSse.cancel()
    await waitFor(() => h.engine.events.listenerCount('run') === before.run)
    expect(listenerCounts()).toEqual(before)
  })

  it('disconnects a client that stops reading once its unsent output passes the limit', async () => {
    h.app.eventStreams.limits.maxBufferedBytes = 16 * 1024
    const before = listenerCounts()
    // A reading client on the same events stays connected.
    const readingSse = sseReader((await openStream(h.adminToken)).body!)
    await readingSse.next()
    const stalled = await openStream(h.adminToken)
    expect(stalled.status).toBe(200)
    // Never read from stalled.body: the server's unsent output grows once the socket buffers are full.
    expect(h.engine.events.listenerCount('order')).toBe(before.order + 2)
    const payload = 'x'.repeat(1000)
    let emitted = 0
    for (let i = 0; i < 2000 && h.app.eventStreams.size > 1; i++) {
      for (let j = 0; j < 10; j++) h.engine.events.emit('order', { orderId: `o-${emitted++}`, outcome: 'created', payload })
      // The reading client drains as it goes.
      while (readingSse.frames.filter((f) => f.event === 'order').length < emitted) await readingSse.next()
    }
    expect(h.app.eventStreams.size).toBe(1)
    expect(h.engine.events.listenerCount('order')).toBe(before.order + 1)
    expect(h.engine.events.listenerCount('run')).toBe(before.run + 1)
    // The body is close-delimited (connection: close): a late read gets what was flushed, then the end.
    const received = await (async () => {
      const r = stalled.body!.getReader()
      const decoder = new TextDecoder()
      let text = ''
      try { for (;;) { const { value, done } = await r.read(); if (done) break; text += decoder.decode(value, { stream: true }) } } catch { /* cut off */ }
      return text.split('event: order\n').length - 1
    })()
    expect(received).toBeLessThan(emitted)
    await readingSse.cancel()
    await waitFor(() => h.engine.events.listenerCount('order') === before.order)
    expect(listenerCounts()).toEqual(before)
  })

  it('ends open streams when the app closes', async () => {
    const res = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${h.adminToken}` } })
    const sse = sseReader(res.body!)
    await sse.next()
    const closed = h.app.close()
    await expect(sse.next()).rejects.toThrow(/ended/)
    h.app.server.closeAllConnections()
    await closed
  })
})
