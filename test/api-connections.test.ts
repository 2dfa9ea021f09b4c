/**
 * Connections on a real listening server, driven by raw sockets: slow or unauthenticated clients
 * cannot hold the process's sockets (and with them its file descriptors) for long.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { connect, type Socket } from 'node:net'
import { request as httpRequest } from 'node:http'
import { createHarness, type Harness } from './harness.ts'
import type { ConnectionLimits } from '../engine/http/connection-limits.ts'

/** A raw TCP client: what it received so far, and a promise of the server closing it. */
interface RawClient {
  socket: Socket
  received(): string
  closed: Promise<void>
  /** Writes `chunk` every `everyMs` until the socket closes. */
  drip(chunk: string, everyMs: number): void
}

function rawClient(port: number): RawClient {
  const socket = connect(port, '127.0.0.1')
  let text = ''
  socket.setEncoding('latin1')
  socket.on('data', (d: string) => { text += d })
  // Writing on after the server closed is what these clients do: ECONNRESET and EPIPE are expected.
  socket.on('error', () => {})
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  return {
    socket,
    received: () => text,
    closed,
    drip(chunk, everyMs) {
      const timer = setInterval(() => { if (!socket.destroyed) socket.write(chunk) }, everyMs)
      void closed.then(() => clearInterval(timer))
    },
  }
}

/** Rejects naming `what` unless `promise` settles within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms) })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

/** Status code, lower-cased headers and body of the first response in `raw`. */
function parseResponse(raw: string): { status: number; headers: Record<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n')
  if (end < 0) throw new Error(`no complete response in ${JSON.stringify(raw)}`)
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const i = line.indexOf(':')
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: raw.slice(end + 4) }
}

/** GET over a fresh connection (no pooling), closed after the answer. */
function getFresh(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => { body += d })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

async function openConnections(h: Harness): Promise<number> {
  return new Promise((resolve, reject) => h.app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))))
}

/** Waits (polling briefly) until the server holds `n` connections. */
async function untilConnections(h: Harness, n: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await openConnections(h)) === n) return
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`the server never held ${n} connections (it holds ${await openConnections(h)})`)
}

describe('connections on a listening server', () => {
  let h: Harness | undefined
  const clients: RawClient[] = []

  async function listen(connections: Partial<ConnectionLimits> = {}): Promise<number> {
    h = await createHarness({ app: { connections } })
    await h.app.listen({ port: 0, host: '127.0.0.1' })
    return (h.app.server.address() as { port: number }).port
  }
  function client(port: number): RawClient {
    const c = rawClient(port)
    clients.push(c)
    return c
  }
  function uploadHead(contentLength: number, token?: string): string {
    return `POST /api/orders HTTP/1.1\r\nHost: ordo\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\n` +
      (token ? `Authorization: Bearer ${token}\r\n` : '') + '\r\n['
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.socket.destroy()
    await h?.close()
    h = undefined
  })

  it('answers an unauthenticated slow upload with 401 and then closes the socket', async () => {
    const port = await listen()
    const c = client(port)
    c.socket.write(uploadHead(1_000_000))
    c.drip('{"x":1},', 50)
    await within(c.closed, 1500, 'the server closing the socket after its 401')
    const res = parseResponse(c.received())
    expect(res.status).toBe(401)
    expect(res.headers.connection).toBe('close')
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 401, error: 'Unauthorized', details: [] })
  })

  it('closes the socket after a 401 on an unknown API path whose body is still arriving', async () => {
    const port = await listen()
    const c = client(port)
    c.socket.write('PUT /api/no-such-thing HTTP/1.1\r\nHost: ordo\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n[')
    c.drip('1,', 50)
    await within(c.closed, 1500, 'the server closing the socket after its 401')
    expect(parseResponse(c.received()).status).toBe(401)
  })

  it('closes the socket after a 401 to an endless chunked upload', async () => {
    const port = await listen()
    const c = client(port)
    c.socket.write('POST /api/orders HTTP/1.1\r\nHost: ordo\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n[\r\n')
    c.drip('2\r\n1,\r\n', 50)
    await within(c.closed, 1500, 'the server closing the socket after its 401')
    expect(parseResponse(c.received()).status).toBe(401)
  })

  it('answers a declared oversized upload with 413 and then closes the socket', async () => {
    const port = await listen()
    const c = client(port)
    c.socket.write(uploadHead(50 * 1024 * 1024, h!.adminToken))
    c.drip('{"x":1},', 50)
    await within(c.closed, 1500, 'the server closing the socket after its 413')
    const res = parseResponse(c.received())
    expect(res.status).toBe(413)
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 413, details: [{ pointer: '/' }] })
  })

  it('keeps the connection of an answered complete request alive', async () => {
    const port = await listen()
    const c = client(port)
    c.socket.write('GET /api/orders HTTP/1.1\r\nHost: ordo\r\n\r\n')
    await within(new Promise<void>((r) => { const t = setInterval(() => { if (c.received().includes('\r\n\r\n')) { clearInterval(t); r() } }, 5) }), 1000, 'the 401')
    const res = parseResponse(c.received())
    expect(res.status).toBe(401)
    expect(res.headers.connection).toBe('keep-alive')
    expect(c.socket.destroyed).toBe(false)
  })

  it('answers bytes that are not HTTP with 400 in the standard shape and closes the socket', async () => {
    const port = await listen()
    const c = client(port)
    c.socket.write('HELLO ORDO\r\n\r\n')
    await within(c.closed, 1000, 'the server closing the socket')
    const res = parseResponse(c.received())
    expect(res.status).toBe(400)
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String), details: [{ pointer: '/' }] })
  })

  it('cuts off a slow authenticated upload at the request timeout with a 408 in the standard shape', async () => {
    const port = await listen({ requestTimeoutMs: 400, headersTimeoutMs: 300 })
    const c = client(port)
    const started = Date.now()
    c.socket.write(uploadHead(1_000_000, h!.adminToken))
    c.drip('{"x":1},', 50)
    await within(c.closed, 2000, 'the server cutting off the upload')
    expect(Date.now() - started).toBeGreaterThanOrEqual(350)
    const res = parseResponse(c.received())
    expect(res.status).toBe(408)
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 408, error: 'Request Timeout', message: expect.any(String), details: [{ pointer: '/' }] })
  })

  it('cuts off a client that sends its headers slowly at the headers timeout', async () => {
    const port = await listen({ requestTimeoutMs: 2000, headersTimeoutMs: 300 })
    const c = client(port)
    const started = Date.now()
    c.socket.write('GET /api/health HTTP/1.1\r\n')
    c.drip('X-Slow: 1\r\n', 50)
    await within(c.closed, 1500, 'the server cutting off the slow headers')
    expect(Date.now() - started).toBeLessThan(1500)
    expect(parseResponse(c.received()).status).toBe(408)
  })

  it('closes a connection that sends nothing', async () => {
    const port = await listen({ requestTimeoutMs: 2000, headersTimeoutMs: 300 })
    const c = client(port)
    await within(c.closed, 1500, 'the server closing a silent connection')
  })

  it('answers /api/health beside slow connections up to the cap, refuses connections at the cap, and recovers when the timeout frees them', async () => {
    const cap = 8
    // Slow uploads are cut off after 2 s: time enough to fill the cap first, even on a busy machine.
    const port = await listen({ maxConnections: cap, requestTimeoutMs: 2000, headersTimeoutMs: 1000 })
    const slow = Array.from({ length: cap - 1 }, () => {
      const c = client(port)
      c.socket.write(uploadHead(1_000_000, h!.adminToken))
      c.drip('{"x":1},', 50)
      return c
    })
    await untilConnections(h!, cap - 1)
    // One place left: health gets it.
    expect((await getFresh(port, '/api/health')).status).toBe(200)
    await untilConnections(h!, cap - 1)

    const last = client(port)
    last.socket.write(uploadHead(1_000_000, h!.adminToken))
    last.drip('{"x":1},', 50)
    await untilConnections(h!, cap)
    // At the cap a new connection is accepted and closed at once, before a byte is read or written.
    const refused = client(port)
    refused.socket.write('GET /api/health HTTP/1.1\r\nHost: ordo\r\n\r\n')
    await within(refused.closed, 1000, 'the refused connection closing')
    expect(refused.received()).toBe('')

    // The request timeout frees the slow connections; health answers again.
    await within(Promise.all([...slow, last].map((c) => c.closed)), 3500, 'the slow uploads being cut off')
    expect((await getFresh(port, '/api/health')).status).toBe(200)
  })
})
