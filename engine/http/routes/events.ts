/**
 * GET /api/events: live updates as Server-Sent Events. Browsers call it with fetch and the
 * Authorization header (EventSource cannot send one). Events: `run` ({ runId, workflowId, status,
 * orderId }), `order` ({ orderId, outcome }), `workflow` ({ workflowId, action, version? }).
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ServerResponse } from 'node:http'
import { ALL_ROLES } from '../auth.ts'

/** The engine events forwarded to SSE clients. */
export const SSE_EVENTS = ['run', 'order', 'workflow'] as const
/** A comment line this often keeps proxies from closing an idle stream. */
export const KEEPALIVE_MS = 15_000
/** What a client's EventSource-like reader waits before reconnecting. */
const RETRY_MS = 3000

/** Registers GET /api/events. */
export const eventRoutes: FastifyPluginAsync = async (app) => {
  const { engine } = app
  const open = new Set<ServerResponse>()
  // Hijacked streams never end by themselves: end them so app.close() does not wait for clients.
  app.addHook('preClose', async () => {
    for (const res of open) { res.end(); res.socket?.destroySoon() }
    open.clear()
  })

  app.get('/api/events', {
    config: { roles: ALL_ROLES },
    schema: {
      tags: ['events'],
      summary: 'Live updates (text/event-stream): event run {runId, workflowId, status, orderId}, order {orderId, outcome}, workflow {workflowId, action, version?}',
    },
  }, (request, reply) => {
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      // The stream is the connection's last response: once it ends the socket closes (no idle keep-alive to wait for).
      connection: 'close',
      'x-accel-buffering': 'no',
    })
    res.write(`retry: ${RETRY_MS}\n\n`)
    open.add(res)

    let seq = 0
    const listeners = SSE_EVENTS.map((name) => {
      const listener = (payload: unknown) => {
        if (res.writableEnded || res.destroyed) return
        seq += 1
        res.write(`id: ${seq}\nevent: ${name}\ndata: ${JSON.stringify(payload)}\n\n`)
      }
      engine.events.on(name, listener)
      return { name, listener }
    })
    const keepalive = setInterval(() => { if (!res.writableEnded) res.write(': keepalive\n\n') }, KEEPALIVE_MS)
    keepalive.unref()

    let closed = false
    const close = () => {
      if (closed) return
      closed = true
      clearInterval(keepalive)
      for (const { name, listener } of listeners) engine.events.off(name, listener)
      open.delete(res)
      if (!res.writableEnded) res.end()
    }
    res.on('close', close)
    res.on('error', close)
    // Not request.raw 'close': Node emits it once the (empty) request body is read, not on disconnect.
    if (request.raw.socket?.destroyed) close()
  })
}
