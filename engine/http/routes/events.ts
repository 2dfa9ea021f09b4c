/**
 * GET /api/events: live updates as Server-Sent Events. Browsers call it with fetch and the
 * Authorization header (EventSource cannot send one). Events: `run` ({ runId, workflowId, status,
 * orderId }), `order` ({ orderId, outcome }), `workflow` ({ workflowId, action, version? }), and to
 * their addressees only `task` ({ taskId, runId, status, assignees, previousAssignees? }) and
 * `notification` ({ id, kind, to, title, message, priority, taskId }).
 *
 * Streams are bounded: a client that stops reading is cut off once its unsent output passes
 * `maxBufferedBytes` (it reconnects after `retry`), each token may hold `maxPerPrincipal` streams
 * (429 beyond), the server `maxTotal` (503 beyond), and revoking a token ends its streams at once.
 */
import fp from 'fastify-plugin'
import type { ServerResponse } from 'node:http'
import { ALL_ROLES } from '../auth.ts'
import { errorBody } from '../errors.ts'
import { TOKEN_REVOKED, type TokenRevokedEvent } from './tokens.ts'

/** The engine events forwarded to SSE clients. */
const SSE_EVENTS = ['run', 'order', 'workflow', 'task', 'notification'] as const
/** Events meant for some people only: a task's and a message's go to their assignees (and admins). */
const ADDRESSED = new Set(['task', 'notification'])

type Addressees = { users: string[]; roles: string[] }

/**
 * Is an addressed event for this principal? A task's goes to its assignees and, when it was
 * reassigned, to those it left; a message to whom it is for. An event that names nobody (a task
 * closed) goes to everyone.
 */
function addressedTo(payload: unknown, principal: { name: string; role: string }): boolean {
  if (principal.role === 'admin') return true
  const p = payload as { assignees?: Addressees | null; previousAssignees?: Addressees; to?: Addressees }
  const to = p.assignees ?? p.to
  if (!to) return true
  return [to, p.previousAssignees].some((a) => a !== undefined && (a.users.includes(principal.name) || a.roles.includes(principal.role)))
}
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000
/** What a client's EventSource-like reader waits before reconnecting. */
const RETRY_MS = 3000
/** A stream whose unsent output passes this many bytes is ended: its client is not reading. */
const MAX_BUFFERED_BYTES = 1024 * 1024
/** Open streams one token (principal) may hold. */
const MAX_STREAMS_PER_PRINCIPAL = 5
/** Open streams the server holds in all. */
const MAX_STREAMS_TOTAL = 500

export interface EventStreamLimits {
  maxBufferedBytes: number
  maxPerPrincipal: number
  maxTotal: number
}

/** One open stream; `end` removes its listeners and ends (or destroys) its response. */
interface OpenStream { res: ServerResponse; end(destroy?: boolean): void }

/** The open SSE streams, by principal id. */
export class EventStreams {
  readonly limits: EventStreamLimits
  private readonly byPrincipal = new Map<string, Set<OpenStream>>()
  private total = 0
  constructor(limits: Partial<EventStreamLimits> = {}) {
    this.limits = {
      maxBufferedBytes: limits.maxBufferedBytes ?? MAX_BUFFERED_BYTES,
      maxPerPrincipal: limits.maxPerPrincipal ?? MAX_STREAMS_PER_PRINCIPAL,
      maxTotal: limits.maxTotal ?? MAX_STREAMS_TOTAL,
    }
  }
  get size(): number { return this.total }
  countFor(principalId: string): number { return this.byPrincipal.get(principalId)?.size ?? 0 }
  /** Why a new stream for `principalId` may not open, or null when it may. */
  refusal(principalId: string): { statusCode: 429 | 503; message: string; reason: string } | null {
    if (this.countFor(principalId) >= this.limits.maxPerPrincipal) {
      return { statusCode: 429, message: 'too many open event streams for this token', reason: `this token already has ${this.limits.maxPerPrincipal} open event streams; close one first` }
    }
    if (this.total >= this.limits.maxTotal) {
      return { statusCode: 503, message: 'too many open event streams', reason: `the server already holds ${this.limits.maxTotal} open event streams; retry later` }
    }
    return null
  }
  add(principalId: string, stream: OpenStream): void {
    let set = this.byPrincipal.get(principalId)
    if (!set) this.byPrincipal.set(principalId, (set = new Set()))
    if (!set.has(stream)) { set.add(stream); this.total += 1 }
  }
  delete(principalId: string, stream: OpenStream): void {
    const set = this.byPrincipal.get(principalId)
    if (!set?.delete(stream)) return
    this.total -= 1
    if (set.size === 0) this.byPrincipal.delete(principalId)
  }
  /** Ends every stream of `principalId` (its token was revoked). */
  endPrincipal(principalId: string): void {
    for (const s of [...(this.byPrincipal.get(principalId) ?? [])]) s.end()
  }
  /** Ends every stream (the app is closing). */
  endAll(): void {
    for (const set of [...this.byPrincipal.values()]) for (const s of [...set]) s.end()
  }
}

declare module 'fastify' {
  interface FastifyInstance { eventStreams: EventStreams }
}

/**
 * Registers GET /api/events and decorates the app with `eventStreams` (its limits may be changed at
 * run time). Not encapsulated, so the registry is reachable from the app.
 */
export const eventRoutes = fp<Partial<EventStreamLimits>>(async (app, options) => {
  const { engine } = app
  const streams = new EventStreams(options)
  app.decorate('eventStreams', streams)
  // Each open stream listens to each event: room for all of them without leak warnings.
  engine.events.setMaxListeners(Math.max(engine.events.getMaxListeners(), streams.limits.maxTotal + 100))
  // An event goes to every open stream: serialise its payload once, not once per stream.
  const serialised = new WeakMap<object, string>()
  const dataOf = (payload: unknown): string => {
    if (typeof payload !== 'object' || payload === null) return JSON.stringify(payload)
    let text = serialised.get(payload)
    if (text === undefined) serialised.set(payload, (text = JSON.stringify(payload)))
    return text
  }

  const onRevoked = (e: TokenRevokedEvent) => streams.endPrincipal(e.tokenId)
  engine.events.on(TOKEN_REVOKED, onRevoked)
  // Hijacked streams never end by themselves: end them so app.close() does not wait for clients.
  app.addHook('preClose', async () => { streams.endAll() })
  app.addHook('onClose', async () => { engine.events.off(TOKEN_REVOKED, onRevoked) })

  app.get('/api/events', {
    config: { roles: ALL_ROLES },
    schema: {
      tags: ['events'],
      summary: 'Live updates (text/event-stream): event run {runId, workflowId, status, orderId}, order {orderId, outcome}, workflow {workflowId, action, version?}, task {taskId, runId, status, assignees, previousAssignees?} and notification {id, kind, to, title, priority, taskId} (these two only to their assignees; a reassigned task also to those it left)',
      description: `At most ${streams.limits.maxPerPrincipal} open streams per token (429 beyond) and ${streams.limits.maxTotal} in all (503 beyond). ` +
        'A client that stops reading is disconnected and should reconnect. Revoking a token ends its streams.',
    },
  }, (request, reply) => {
    const principalId = request.principal!.id
    const refused = streams.refusal(principalId)
    if (refused) {
      return reply.code(refused.statusCode).header('retry-after', String(Math.ceil(RETRY_MS / 1000)))
        .send(errorBody(refused.statusCode, refused.message, [{ pointer: '/authorization', in: 'header', reason: refused.reason }]))
    }

    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      // The stream is the connection's last response: once it ends the socket closes (no idle keep-alive to wait for).
      connection: 'close',
      'x-accel-buffering': 'no',
    })

    let closed = false
    const stream: OpenStream = {
      res,
      end(destroy = false) {
        if (closed) return
        closed = true
        clearInterval(keepalive)
        for (const { name, listener } of listeners) engine.events.off(name, listener)
        streams.delete(principalId, stream)
        if (destroy) res.destroy()
        else if (!res.writableEnded) {
          res.end()
          // A client that is not reading would keep the socket: close it once what is queued is flushed.
          res.socket?.destroySoon()
        }
      },
    }
    /** Writes a chunk; a client whose unsent output passes the limit is cut off (it reconnects). */
    const send = (chunk: string) => {
      if (closed || res.writableEnded || res.destroyed) return
      res.write(chunk)
      if (res.writableLength > streams.limits.maxBufferedBytes) {
        request.log.warn({ principal: principalId, buffered: res.writableLength }, 'event stream client is not reading; disconnecting')
        stream.end(true)
      }
    }

    let seq = 0
    const principal = { name: request.principal!.name, role: request.principal!.role }
    const listeners = SSE_EVENTS.map((name) => {
      const listener = (payload: unknown) => {
        if (ADDRESSED.has(name) && !addressedTo(payload, principal)) return
        seq += 1
        send(`id: ${seq}\nevent: ${name}\ndata: ${dataOf(payload)}\n\n`)
      }
      engine.events.on(name, listener)
      return { name, listener }
    })
    const keepalive = setInterval(() => send(': keepalive\n\n'), KEEPALIVE_MS)
    keepalive.unref()
    streams.add(principalId, stream)

    const close = () => stream.end()
    res.on('close', close)
    res.on('error', close)
    send(`retry: ${RETRY_MS}\n\n`)
    // Not request.raw 'close': Node emits it once the (empty) request body is read, not on disconnect.
    if (request.raw.socket?.destroyed) close()
  })
}, { name: 'ordo-events' })
