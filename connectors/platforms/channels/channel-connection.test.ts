import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { ChannelConnection, type ChannelEvent } from './channel-connection.ts'
import { openPinduoduoChannel } from './pinduoduo-channel.ts'
import { decodeTmcFrame, encodeTmcFrame, openTmcChannel, TMC_KINDS, TMC_MESSAGE_TYPES } from './tmc-channel.ts'
import { acceptKeyFor, acceptWebSocket, connectWebSocket, WebSocketRefusedError, type WebSocketConnection } from './websocket.ts'

const quietLog = { error: () => {}, warn: () => {}, info: () => {} }
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function listen(onUpgrade: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void): Promise<string> {
  const server = http.createServer((_, res) => res.writeHead(404).end())
  const sockets = new Set<Duplex>()
  server.on('upgrade', (req, socket: Duplex, head) => {
    sockets.add(socket)
    onUpgrade(req, socket, head)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy()
    server.close(() => resolve())
  }))
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function until(what: string, done: () => boolean, ms = 1500): Promise<void> {
  const deadline = Date.now() + ms
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('the WebSocket both ends use', () => {
  it('carries a message larger than 64 KiB each way (the 64-bit length, the client\'s mask)', async () => {
    const origin = await listen((req, socket, head) => {
      const server = acceptWebSocket(req, socket, head)
      server.on('message', (data, isBinary) => server.send(isBinary ? Buffer.concat([data, data]) : data.toString('utf8')))
      server.start()
    })
    const client = await connectWebSocket(origin)
    cleanups.push(() => client.terminate())
    const received: Array<{ data: Buffer; isBinary: boolean }> = []
    client.on('message', (data, isBinary) => received.push({ data, isBinary }))
    client.start()
    const big = Buffer.alloc(70_000, 7)
    client.send(big)
    client.send('订单 3921847562019384756')
    await until('both echoes arrive', () => received.length === 2)
    expect(received[0].isBinary).toBe(true)
    expect(received[0].data.equals(Buffer.concat([big, big]))).toBe(true)
    expect(received[1]).toEqual({ data: Buffer.from('订单 3921847562019384756'), isBinary: false })
  })

  it('joins a fragmented message, answering a ping sent between its fragments', async () => {
    let serverSide: Duplex | undefined
    const origin = await listen((req, socket) => {
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKeyFor(req.headers['sec-websocket-key'] as string)}\r\n\r\n`)
      socket.write(Buffer.concat([Buffer.from([0x01, 3]), Buffer.from('Hel'), Buffer.from([0x89, 1]), Buffer.from('p'), Buffer.from([0x80, 2]), Buffer.from('lo')]))
      serverSide = socket
    })
    const fromClient: Buffer[] = []
    const client = await connectWebSocket(origin)
    cleanups.push(() => client.terminate())
    serverSide!.on('data', (chunk: Buffer) => fromClient.push(chunk))
    const messages: string[] = []
    client.on('message', (data) => messages.push(data.toString('utf8')))
    client.start()
    await until('the message is joined', () => messages.length === 1)
    expect(messages).toEqual(['Hello'])
    await until('the pong reaches the server', () => Buffer.concat(fromClient).length >= 7)
    const pong = Buffer.concat(fromClient)
    expect(pong[0]).toBe(0x8a) // FIN + pong
    expect(pong[1]).toBe(0x80 | 1) // masked, one byte
    expect(String.fromCharCode(pong[6] ^ pong[2])).toBe('p') // unmasked, the ping's own data
  })

  it('reports an upgrade the server answers with an HTTP status', async () => {
    const body = '{"error":"invalid sign"}'
    const origin = await listen((_, socket) => socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`))
    const refusal = await connectWebSocket(origin).catch((err: unknown) => err)
    expect(refusal).toBeInstanceOf(WebSocketRefusedError)
    expect(refusal).toMatchObject({ statusCode: 401, body: '{"error":"invalid sign"}' })
  })

  it('closes a connection whose peer sends a message over its size limit', async () => {
    let server: WebSocketConnection | undefined
    const closes: number[] = []
    const origin = await listen((req, socket, head) => {
      server = acceptWebSocket(req, socket, head, 1024)
      server.on('error', () => {})
      server.on('close', (code) => closes.push(code))
      server.start()
    })
    const client = await connectWebSocket(origin)
    const clientCloses: number[] = []
    client.on('close', (code) => clientCloses.push(code))
    client.start()
    client.send(Buffer.alloc(2048))
    await until('the client hears the close', () => clientCloses.length === 1)
    expect(clientCloses).toEqual([1009])
    expect(server).toBeDefined()
  })
})

describe('a kept-open channel connection', () => {
  it('drops a peer that answers nothing within the heartbeat timeout, and connects again', async () => {
    let upgrades = 0
    // A server that completes the handshake and then never answers: no pong, no data.
    const origin = await listen((req, socket) => {
      upgrades += 1
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKeyFor(req.headers['sec-websocket-key'] as string)}\r\n\r\n`)
      socket.on('data', () => {})
    })
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

  it('keeps a peer that answers its pings past the timeout', async () => {
    let upgrades = 0
    const origin = await listen((req, socket, head) => {
      upgrades += 1
      acceptWebSocket(req, socket, head).start()
    })
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
    const origin = await listen((req, socket, head) => {
      upgrades += 1
      const server = acceptWebSocket(req, socket, head)
      server.on('close', (code) => closes.push(code))
      server.start()
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
})

describe('a channel given what it cannot read', () => {
  it('Pinduoduo: drops a frame that is not JSON, acknowledges and drops a message it cannot read, and takes the next one', async () => {
    const fromClient: string[] = []
    const origin = await listen((req, socket, head) => {
      const server = acceptWebSocket(req, socket, head)
      server.on('message', (data) => fromClient.push(data.toString('utf8')))
      server.start()
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
    const origin = await listen((req, socket, head) => {
      const server = acceptWebSocket(req, socket, head)
      server.on('message', (data) => {
        const frame = decodeTmcFrame(data)
        if (frame.messageType === TMC_MESSAGE_TYPES.connect) {
          server.send(encodeTmcFrame({ messageType: TMC_MESSAGE_TYPES.connectAck, token: 't', content: {} }))
          server.send(Buffer.from([2, 2, 1, 0, 99])) // cut short
          server.send(encodeTmcFrame({ messageType: TMC_MESSAGE_TYPES.send, content: { __kind: TMC_KINDS.data, id: 77n, topic: 'taobao_trade_TradeChanged', content: '{"tid":3921847562019384756}' } }))
        } else kinds.push(frame.content.__kind)
      })
      server.start()
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
