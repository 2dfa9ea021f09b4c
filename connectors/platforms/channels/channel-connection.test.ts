import { createHash } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'
import { ChannelConnection, type ChannelEvent } from './channel-connection.ts'
import { openPinduoduoChannel } from './pinduoduo-channel.ts'
import { decodeTmcFrame, encodeTmcFrame, openTmcChannel, TMC_KINDS, TMC_MESSAGE_TYPES } from './tmc-channel.ts'
import { connectWebSocket, createWebSocketServer, WebSocketRefusedError } from './websocket.ts'

const quietLog = { error: () => {}, warn: () => {}, info: () => {} }
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** An http.Server on a free port whose upgrade requests go to `onUpgrade`; answers its ws:// origin. */
async function listen(onUpgrade: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void): Promise<string> {
  const server = http.createServer((_, res) => res.writeHead(404).end())
  const sockets = new Set<Duplex>()
  server.on('upgrade', (req, socket: Duplex, head) => {
    sockets.add(socket)
    socket.on('error', () => {})
    onUpgrade(req, socket, head)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy()
    server.close(() => resolve())
  }))
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** A WebSocket server (Ordo's settings unless given one) handing each accepted connection to `onConnection`. */
async function serve(onConnection: (ws: WebSocket) => void, wss: WebSocketServer = createWebSocketServer()): Promise<string> {
  return listen((req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('error', () => {})
    onConnection(ws)
  }))
}

/** Completes the upgrade by hand and then leaves the socket to the test: a peer that is no WebSocket. */
function fakeUpgrade(req: http.IncomingMessage, socket: Duplex): void {
  const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64')
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`)
  // What the client sends is read and ignored, and a client that ends its side is let go at once.
  socket.resume()
  socket.on('end', () => socket.end())
}

async function until(what: string, done: () => boolean, ms = 1500): Promise<void> {
  const deadline = Date.now() + ms
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('the WebSocket both ends use', () => {
  it('carries text and binary messages each way, each as the kind it was sent', async () => {
    const origin = await serve((server) => {
      server.on('message', (data, isBinary) => server.send(isBinary ? Buffer.concat([data as Buffer, data as Buffer]) : data.toString()))
    })
    const client = await connectWebSocket(origin)
    cleanups.push(() => client.terminate())
    const received: Array<{ data: Buffer; isBinary: boolean }> = []
    client.on('message', (data, isBinary) => received.push({ data: data as Buffer, isBinary }))
    client.resume()
    const big = Buffer.alloc(70_000, 7)
    client.send(big)
    client.send('订单 3921847562019384756')
    await until('both echoes arrive', () => received.length === 2)
    expect(received[0].isBinary).toBe(true)
    expect(received[0].data.equals(Buffer.concat([big, big]))).toBe(true)
    expect(received[1]).toEqual({ data: Buffer.from('订单 3921847562019384756'), isBinary: false })
  })

  it('hands the client over paused, so a message sent right behind the upgrade is not lost', async () => {
    const origin = await serve((server) => server.send('first'))
    const client = await connectWebSocket(origin)
    cleanups.push(() => client.terminate())
    await new Promise((r) => setTimeout(r, 30)) // the message has long arrived; nobody listens yet
    const messages: string[] = []
    client.on('message', (data) => messages.push(data.toString()))
    client.resume()
    await until('the message is emitted', () => messages.length === 1)
    expect(messages).toEqual(['first'])
  })

  it('reports an upgrade the server answers with an HTTP status', async () => {
    const body = '{"error":"invalid sign"}'
    const origin = await listen((_, socket) => socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`))
    const refusal = await connectWebSocket(origin).catch((err: unknown) => err)
    expect(refusal).toBeInstanceOf(WebSocketRefusedError)
    expect(refusal).toMatchObject({ statusCode: 401, body: '{"error":"invalid sign"}' })
  })

  it('closes a connection whose peer sends a message over its size limit', async () => {
    const serverErrors: string[] = []
    const origin = await serve((server) => server.on('error', (err) => serverErrors.push(err.message)), createWebSocketServer(1024))
    const client = await connectWebSocket(origin)
    const clientCloses: number[] = []
    client.on('close', (code) => clientCloses.push(code))
    client.resume()
    client.send(Buffer.alloc(2048))
    await until('the client hears the close', () => clientCloses.length === 1)
    expect(clientCloses).toEqual([1009])
    expect(serverErrors).toEqual(['Max payload size exceeded'])
  })
})

describe('a kept-open channel connection', () => {
  it('drops a peer that answers nothing within the heartbeat timeout, and connects again', async () => {
    let upgrades = 0
    // A server that never answers a ping, and sends nothing.
    const origin = await serve(() => { upgrades += 1 }, new WebSocketServer({ noServer: true, autoPong: false }))
    const events: ChannelEvent[] = []
    const channel = new ChannelConnection({
      label: 'test channel', log: quietLog,
      protocol: { url: () => origin, readyOnOpen: true, received: () => {} },
      heartbeat: { intervalMs: 20, timeoutMs: 80 },
      backoff: { initialMs: 10, maxMs: 20 },
      onEvent: (e) => events.push(e),
    })
    cleanups.push(() => channel.close())
    channel.start()
    await until('it was dropped and reconnected', () => upgrades >= 2)
    expect(events.find((e) => e.kind === 'lost')).toMatchObject({ kind: 'lost', error: 'the platform sent nothing for 80 ms' })
  })

  it('backs off further from a peer that accepts the connection and drops it at once', async () => {
    const origin = await serve((ws) => ws.close(1008, 'duplicate connection'))
    const events: ChannelEvent[] = []
    const channel = new ChannelConnection({
      label: 'test channel', log: quietLog,
      protocol: { url: () => origin, readyOnOpen: true, received: () => {} },
      heartbeat: { intervalMs: 1000, timeoutMs: 5000 },
      backoff: { initialMs: 10, maxMs: 1000 },
      random: () => 1,
      onEvent: (e) => events.push(e),
    })
    cleanups.push(() => channel.close())
    channel.start()
    await until('it was dropped three times', () => events.filter((e) => e.kind === 'lost').length >= 3)
    expect(events.flatMap((e) => (e.kind === 'lost' ? [e.retryInMs] : [])).slice(0, 3)).toEqual([10, 20, 40])
  })

  it('keeps a peer that answers its pings past the timeout', async () => {
    let upgrades = 0
    const origin = await serve(() => { upgrades += 1 })
    const events: ChannelEvent[] = []
    const channel = new ChannelConnection({
      label: 'test channel', log: quietLog,
      protocol: { url: () => origin, readyOnOpen: true, received: () => {} },
      heartbeat: { intervalMs: 20, timeoutMs: 60 },
      onEvent: (e) => events.push(e),
    })
    cleanups.push(() => channel.close())
    channel.start()
    await new Promise((r) => setTimeout(r, 200))
    expect(upgrades).toBe(1)
    expect(events).toEqual([{ kind: 'ready' }])
    expect(channel.connected).toBe(true)
  })

  it('closes with a closing handshake and does not reconnect', async () => {
    const closes: number[] = []
    let upgrades = 0
    const origin = await serve((server) => {
      upgrades += 1
      server.on('close', (code) => closes.push(code))
    })
    const channel = new ChannelConnection({ label: 'test channel', log: quietLog, protocol: { url: () => origin, readyOnOpen: true, received: () => {} }, backoff: { initialMs: 10, maxMs: 10 } })
    channel.start()
    await until('connected', () => channel.connected)
    await channel.close()
    await until('the server saw the close', () => closes.length === 1)
    expect(closes).toEqual([1000])
    await new Promise((r) => setTimeout(r, 50))
    expect(upgrades).toBe(1)
  })

  it('reports an address it cannot reach and retries, never throwing', async () => {
    const events: ChannelEvent[] = []
    const channel = new ChannelConnection({
      label: 'test channel', log: quietLog,
      protocol: { url: () => 'http://127.0.0.1:1/not-a-websocket', readyOnOpen: true, received: () => {} },
      backoff: { initialMs: 10, maxMs: 10 },
      onEvent: (e) => events.push(e),
    })
    cleanups.push(() => channel.close())
    channel.start()
    await until('two attempts failed', () => events.length >= 2)
    expect(events[0]).toMatchObject({ kind: 'lost', error: 'the channel address must be ws: or wss:, not http:' })
  })

  it('drops a peer that sends bytes that are no WebSocket frame, and connects again, never throwing', async () => {
    let upgrades = 0
    const origin = await listen((req, socket) => {
      upgrades += 1
      fakeUpgrade(req, socket)
      socket.write(Buffer.from([0x83, 0x00])) // opcode 3 is reserved
    })
    const events: ChannelEvent[] = []
    const channel = new ChannelConnection({
      label: 'test channel', log: quietLog,
      protocol: { url: () => origin, readyOnOpen: true, received: () => {} },
      backoff: { initialMs: 10, maxMs: 10 },
      onEvent: (e) => events.push(e),
    })
    cleanups.push(() => channel.close())
    channel.start()
    await until('it was dropped and reconnected', () => upgrades >= 2)
    expect(events.find((e) => e.kind === 'lost')).toMatchObject({ kind: 'lost', error: 'Invalid WebSocket frame: invalid opcode 3' })
  })

  it('closes within a second when the peer never answers the closing handshake', async () => {
    const origin = await listen((req, socket) => fakeUpgrade(req, socket))
    const channel = new ChannelConnection({ label: 'test channel', log: quietLog, protocol: { url: () => origin, readyOnOpen: true, received: () => {} } })
    channel.start()
    await until('connected', () => channel.connected)
    const started = Date.now()
    await channel.close()
    expect(Date.now() - started).toBeLessThan(1500)
  })
})

describe('a channel given what it cannot read', () => {
  it('Pinduoduo: drops a frame that is not JSON, acknowledges and drops a message it cannot read, and takes the next one', async () => {
    const fromClient: string[] = []
    const origin = await serve((server) => {
      server.on('message', (data) => fromClient.push(data.toString()))
      server.send('not json at all')
      server.send('{"commandType":"Common","id":5,"sendTime":1,"message":{"type":"pdd_trade_TradeConfirmed","mallID":1,"content":"{\\"no_tid\\":1}"}}')
      server.send('{"commandType":"Common","id":6,"sendTime":1,"message":{"type":"pdd_trade_TradeConfirmed","mallID":1,"content":"{\\"tid\\":\\"261202-6\\"}"}}')
    })
    const accepted: string[] = []
    const errors: string[] = []
    const channel = openPinduoduoChannel({
      shopId: 'pdd-1', credentials: { clientId: 'c', clientSecret: 's', accessToken: 't', channelUrl: origin },
      acceptRefs: async (_, refs) => { accepted.push(refs[0].platformOrderId) },
      clock: { now: () => 1764651600000 }, log: { ...quietLog, error: (_: object, msg: string) => { errors.push(msg) } },
    })
    cleanups.push(() => channel.close())
    await until('two acks arrive', () => fromClient.filter((m) => m.includes('"Ack"')).length === 2)
    expect(accepted).toEqual(['261202-6'])
    expect(fromClient.filter((m) => m.includes('"Ack"'))).toEqual([
      '{"commandType":"Ack","id":5,"sendTime":1764651600000}',
      '{"commandType":"Ack","id":6,"sendTime":1764651600000}',
    ])
    expect(errors).toEqual(['a Pinduoduo message cannot be read; acknowledged and dropped', 'a Pinduoduo message cannot be read; acknowledged and dropped'])
    expect(channel.connected).toBe(true)
  })

  it('TMC: drops bytes that are no TMC message and stays connected', async () => {
    const kinds: unknown[] = []
    const origin = await serve((server) => {
      server.on('message', (data) => {
        const frame = decodeTmcFrame(data as Buffer)
        if (frame.messageType === TMC_MESSAGE_TYPES.connect) {
          server.send(encodeTmcFrame({ messageType: TMC_MESSAGE_TYPES.connectAck, token: 't', content: {} }))
          server.send(Buffer.from([2, 2, 1, 0, 99])) // cut short
          server.send(encodeTmcFrame({ messageType: TMC_MESSAGE_TYPES.send, content: { __kind: TMC_KINDS.data, id: 77n, topic: 'taobao_trade_TradeChanged', content: '{"tid":3921847562019384756}' } }))
        } else kinds.push(frame.content.__kind)
      })
    })
    const accepted: string[] = []
    const channel = openTmcChannel({
      shopId: 'tb-1', credentials: { appKey: 'k', appSecret: 's', sessionKey: 'x', channelUrl: origin },
      acceptRefs: async (_, refs) => { accepted.push(refs[0].platformOrderId) }, clock: { now: () => 1764651600000 }, log: quietLog,
    })
    cleanups.push(() => channel.close())
    await until('the message is confirmed', () => kinds.includes(TMC_KINDS.confirm))
    expect(accepted).toEqual(['3921847562019384756'])
    expect(kinds).toEqual([TMC_KINDS.pullRequest, TMC_KINDS.confirm])
    expect(channel.connected).toBe(true)
  })
})
