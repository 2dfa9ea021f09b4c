import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { createHarness, sampleOrder, type Harness } from './harness.ts'

const douyin = JSON.parse(readFileSync(new URL('../examples/douyin-vip-routing.workflow.json', import.meta.url), 'utf8'))

interface SseEvent { id?: string; event?: string; data?: string; retry?: string }

/** Reads SSE frames from a fetch body as they arrive. */
function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  const frames: Array<SseEvent & { raw: string }> = []
  async function next(): Promise<SseEvent & { raw: string }> {
    for (;;) {
      const end = buffer.indexOf('\n\n')
      if (end >= 0) {
        const raw = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const frame: SseEvent & { raw: string } = { raw }
        for (const line of raw.split('\n')) {
          const m = /^([a-z]+): ?(.*)$/.exec(line)
          if (m) (frame as any)[m[1]] = m[2]
        }
        frames.push(frame)
        return frame
      }
      const { value, done } = await reader.read()
      if (done) throw new Error('stream ended')
      buffer += decoder.decode(value, { stream: true })
    }
  }
  /** The next frame matching `pred`, skipping others. */
  async function until(pred: (f: SseEvent) => boolean, timeoutMs = 3000): Promise<SseEvent> {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no matching event')), timeoutMs))
    return Promise.race([(async () => { for (;;) { const f = await next(); if (pred(f)) return f } })(), timeout])
  }
  return { next, until, frames, cancel: () => reader.cancel() }
}

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

    expect((await h.api('POST', '/api/workflows/import', douyin)).statusCode).toBe(201)
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
    expect((await h.api('POST', '/api/workflows/import', flow)).statusCode).toBe(201)
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
