/**
 * A small WebSocket (RFC 6455, https://www.rfc-editor.org/rfc/rfc6455) for the platforms' message
 * channels, both ends: the client Ordo opens to a platform, and the simulator's server side.
 *
 * Why hand-written: node_modules has neither `ws` nor `undici`, and Node 20's global WebSocket
 * client is behind --experimental-websocket (and Node has no server side at all). It covers what
 * the channels use: text and binary messages (fragmented ones too), ping/pong, the closing
 * handshake, client masking, a cap on message size. No extensions (permessage-deflate) and no
 * subprotocols are offered, so none are negotiated. `WebSocketConnection` is the one type the
 * channels see; moving to `ws` replaces this file only.
 */
import { createHash, randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import http from 'node:http'
import https from 'node:https'
import type { Duplex } from 'node:stream'

/** RFC 6455 §1.3: the GUID the server appends to the client's key. */
const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
const OP_CONTINUATION = 0x0
const OP_TEXT = 0x1
const OP_BINARY = 0x2
const OP_CLOSE = 0x8
const OP_PING = 0x9
const OP_PONG = 0xa

/** A message larger than this closes the connection with 1009 (a platform message is a few KiB). */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024

/** The handshake answer a server gives for a client's Sec-WebSocket-Key. */
export function acceptKeyFor(key: string): string {
  return createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64')
}

/** The far side refused the upgrade with an HTTP answer (a bad signature: 401/403). */
export class WebSocketRefusedError extends Error {
  constructor(readonly statusCode: number, readonly body: string) {
    super(`the server refused the WebSocket upgrade with HTTP ${statusCode}${body ? `: ${body.slice(0, 200)}` : ''}`)
    this.name = 'WebSocketRefusedError'
  }
}

export interface WebSocketConnectionEvents {
  message: [data: Buffer, isBinary: boolean]
  pong: [data: Buffer]
  close: [code: number, reason: string]
  error: [err: Error]
}

/**
 * One open WebSocket. Emits `message`, `pong`, `error` (a protocol fault; `close` follows) and, once,
 * `close` with the code the peer sent (1005 none, 1006 the connection was lost without a close frame).
 */
export class WebSocketConnection extends EventEmitter<WebSocketConnectionEvents> {
  private buffered: Buffer = Buffer.alloc(0)
  private fragments: Buffer[] = []
  private fragmentsOpcode = 0
  private fragmentsBytes = 0
  private closeSent = false
  private closed = false
  private peerCode = 1006
  private peerReason = ''
  private started = false
  /** A protocol fault was found: nothing more is read from the peer. */
  private broken = false
  private readonly head: Buffer

  constructor(
    private readonly socket: Duplex,
    /** A client masks what it sends (RFC 6455 §5.3); a server does not. */
    private readonly role: 'client' | 'server',
    head: Buffer = Buffer.alloc(0),
    private readonly maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
  ) {
    super()
    this.head = head
    socket.on('error', (err) => { if (this.started && !this.closed && this.listenerCount('error')) this.emit('error', err) })
    socket.on('close', () => { if (this.started) this.finish() })
    socket.on('end', () => socket.end())
  }

  /**
   * Starts reading, once the owner listens: nothing is emitted before, so no message can arrive
   * while nobody hears it. A connection lost before it started emits `close` here.
   */
  start(): void {
    if (this.started) return
    this.started = true
    if (this.socket.destroyed) { this.finish(); return }
    if (this.head.length) this.receive(this.head)
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk))
  }

  /** Whether messages can still be sent. */
  get open(): boolean {
    return !this.closed && !this.closeSent && !this.socket.destroyed
  }

  /** Sends text (a string) or binary (a Buffer) as one message; after close, drops it. */
  send(data: string | Buffer): void {
    if (!this.open) return
    this.write(typeof data === 'string' ? OP_TEXT : OP_BINARY, typeof data === 'string' ? Buffer.from(data, 'utf8') : data)
  }

  ping(data: Buffer = Buffer.alloc(0)): void {
    if (this.open) this.write(OP_PING, data)
  }

  /** Starts the closing handshake; the socket ends when the peer answers (or is destroyed after 1 s). */
  close(code = 1000, reason = ''): void {
    if (this.closed || this.closeSent) return
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason))
    payload.writeUInt16BE(code, 0)
    payload.write(reason, 2, 'utf8')
    this.write(OP_CLOSE, payload)
    this.closeSent = true
    setTimeout(() => this.socket.destroy(), 1000).unref()
  }

  /** Drops the connection at once, without a closing handshake (a dead peer, a test's cut cable). */
  terminate(): void {
    this.socket.destroy()
  }

  private finish(): void {
    if (this.closed) return
    this.closed = true
    this.emit('close', this.peerCode, this.peerReason)
  }

  private write(opcode: number, payload: Buffer): void {
    const masked = this.role === 'client'
    const length = payload.length
    const lengthBytes = length < 126 ? 0 : length < 65536 ? 2 : 8
    const header = Buffer.alloc(2 + lengthBytes + (masked ? 4 : 0))
    header[0] = 0x80 | opcode
    header[1] = (masked ? 0x80 : 0) | (lengthBytes === 0 ? length : lengthBytes === 2 ? 126 : 127)
    if (lengthBytes === 2) header.writeUInt16BE(length, 2)
    else if (lengthBytes === 8) header.writeBigUInt64BE(BigInt(length), 2)
    let body = payload
    if (masked) {
      const mask = randomBytes(4)
      mask.copy(header, 2 + lengthBytes)
      body = Buffer.alloc(length)
      for (let i = 0; i < length; i++) body[i] = payload[i] ^ mask[i & 3]
    }
    this.socket.write(Buffer.concat([header, body]))
  }

  private receive(chunk: Buffer): void {
    if (this.broken) return
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk
    while (!this.closed && !this.broken) {
      const frame = this.nextFrame()
      if (!frame) return
      if (!this.handle(frame)) return
    }
  }

  /** The next whole frame in the buffer, or undefined when it has not all arrived. */
  private nextFrame(): { fin: boolean; opcode: number; payload: Buffer } | undefined {
    const b = this.buffered
    if (b.length < 2) return undefined
    const fin = (b[0] & 0x80) !== 0
    const opcode = b[0] & 0x0f
    const masked = (b[1] & 0x80) !== 0
    let length = b[1] & 0x7f
    let offset = 2
    if (length === 126) {
      if (b.length < 4) return undefined
      length = b.readUInt16BE(2)
      offset = 4
    } else if (length === 127) {
      if (b.length < 10) return undefined
      const long = b.readBigUInt64BE(2)
      if (long > BigInt(this.maxMessageBytes)) { this.fail(1009, 'message too big'); return undefined }
      length = Number(long)
      offset = 10
    }
    if (length > this.maxMessageBytes) { this.fail(1009, 'message too big'); return undefined }
    const maskOffset = offset
    if (masked) offset += 4
    if (b.length < offset + length) return undefined
    let payload = b.subarray(offset, offset + length)
    if (masked) {
      const unmasked = Buffer.alloc(length)
      for (let i = 0; i < length; i++) unmasked[i] = payload[i] ^ b[maskOffset + (i & 3)]
      payload = unmasked
    } else {
      payload = Buffer.from(payload)
    }
    this.buffered = b.subarray(offset + length)
    return { fin, opcode, payload }
  }

  /** Acts on one frame; false when the connection was failed by it. */
  private handle({ fin, opcode, payload }: { fin: boolean; opcode: number; payload: Buffer }): boolean {
    switch (opcode) {
      case OP_PING:
        if (this.open) this.write(OP_PONG, payload)
        return true
      case OP_PONG:
        this.emit('pong', payload)
        return true
      case OP_CLOSE:
        this.peerCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005
        this.peerReason = payload.length > 2 ? payload.subarray(2).toString('utf8') : ''
        if (!this.closeSent) {
          this.write(OP_CLOSE, payload.subarray(0, 2))
          this.closeSent = true
        }
        this.socket.end()
        return false
      case OP_TEXT:
      case OP_BINARY:
      case OP_CONTINUATION: {
        if (opcode !== OP_CONTINUATION) {
          if (this.fragments.length) return this.fail(1002, 'a new message began inside a fragmented one')
          this.fragmentsOpcode = opcode
        } else if (!this.fragments.length) {
          return this.fail(1002, 'a continuation frame without a message')
        }
        this.fragmentsBytes += payload.length
        if (this.fragmentsBytes > this.maxMessageBytes) return this.fail(1009, 'message too big')
        this.fragments.push(payload)
        if (!fin) return true
        const data = this.fragments.length === 1 ? this.fragments[0] : Buffer.concat(this.fragments)
        this.fragments = []
        this.fragmentsBytes = 0
        this.emit('message', data, this.fragmentsOpcode === OP_BINARY)
        return true
      }
      default:
        return this.fail(1002, `unknown opcode ${opcode}`)
    }
  }

  private fail(code: number, reason: string): false {
    this.broken = true
    this.buffered = Buffer.alloc(0)
    // An owner that does not listen for errors still gets the close; an unheard 'error' would throw.
    if (this.listenerCount('error')) this.emit('error', new Error(`WebSocket protocol error: ${reason}`))
    this.close(code, reason)
    this.socket.end()
    return false
  }
}

export interface ConnectOptions {
  /** Gives up when the handshake has not finished by then. */
  timeoutMs?: number
  maxMessageBytes?: number
}

/**
 * Opens a WebSocket to `url` (ws: or wss:). Rejects with WebSocketRefusedError when the server
 * answers the upgrade with an HTTP status instead, with an Error when it cannot be reached.
 */
export function connectWebSocket(url: string, options: ConnectOptions = {}): Promise<WebSocketConnection> {
  return new Promise((resolve, reject) => {
    let target: URL
    try {
      target = new URL(url)
    } catch {
      reject(new Error('the channel address is not a URL'))
      return
    }
    if (target.protocol !== 'ws:' && target.protocol !== 'wss:') {
      reject(new Error(`the channel address must be ws: or wss:, not ${target.protocol}`))
      return
    }
    const key = randomBytes(16).toString('base64')
    const request = (target.protocol === 'wss:' ? https : http).request({
      hostname: target.hostname.replace(/^\[|\]$/g, ''),
      port: target.port || (target.protocol === 'wss:' ? 443 : 80),
      path: target.pathname + target.search,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13' },
    })
    const timer = setTimeout(() => request.destroy(new Error(`the WebSocket handshake took longer than ${options.timeoutMs} ms`)), options.timeoutMs ?? 10_000)
    timer.unref()
    request.on('upgrade', (res, socket, head) => {
      clearTimeout(timer)
      if (res.headers['sec-websocket-accept'] !== acceptKeyFor(key)) {
        socket.destroy()
        reject(new Error('the server answered the upgrade with a wrong Sec-WebSocket-Accept'))
        return
      }
      socket.setNoDelay(true)
      resolve(new WebSocketConnection(socket, 'client', head, options.maxMessageBytes))
    })
    request.on('response', (res) => {
      clearTimeout(timer)
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => { if (size < 4096) { chunks.push(chunk); size += chunk.length } })
      res.on('end', () => reject(new WebSocketRefusedError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))))
      res.on('error', () => reject(new WebSocketRefusedError(res.statusCode ?? 0, '')))
    })
    request.on('error', (err) => { clearTimeout(timer); reject(err) })
    request.end()
  })
}

/** Whether an HTTP request asks for a WebSocket (RFC 6455 §4.2.1). */
export function isWebSocketUpgrade(req: http.IncomingMessage): boolean {
  return req.headers.upgrade?.toLowerCase() === 'websocket' && typeof req.headers['sec-websocket-key'] === 'string'
}

/** Completes a server's handshake on an `upgrade` event's socket. */
export function acceptWebSocket(req: http.IncomingMessage, socket: Duplex, head: Buffer, maxMessageBytes?: number): WebSocketConnection {
  const key = req.headers['sec-websocket-key'] as string
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    `Sec-WebSocket-Accept: ${acceptKeyFor(key)}\r\n\r\n`,
  )
  return new WebSocketConnection(socket, 'server', head, maxMessageBytes)
}

/** Answers an upgrade request with an HTTP status and a JSON body instead, and ends the socket. */
export function refuseWebSocket(socket: Duplex, statusCode: number, body: object): void {
  const text = JSON.stringify(body)
  socket.end(
    `HTTP/1.1 ${statusCode} ${http.STATUS_CODES[statusCode] ?? ''}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  )
}
