/**
 * The WebSocket of the platforms' message channels, both ends, on the `ws` package: the client Ordo
 * opens to a platform, and the simulator's server side on an existing http.Server's 'upgrade' event.
 * The channels use ws's WebSocket as it is; this module only sets Ordo's limits (a message cap, no
 * permessage-deflate, a short closing handshake), turns a refused upgrade into WebSocketRefusedError,
 * and answers a refused upgrade with a JSON body (ws has no public way to refuse with one).
 */
import http from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer } from 'ws'

// ws 8.23 takes `closeTimeout` (client and server); @types/ws 8.18 does not declare it yet.
declare module 'ws' {
  interface ClientOptions { closeTimeout?: number }
  interface ServerOptions { closeTimeout?: number }
}

/** A message larger than this closes the connection with 1009 (a platform message is a few KiB). */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024

/**
 * How long a closing handshake waits for the peer's answer before the socket is destroyed. ws waits
 * 30 s; a channel closing at shutdown should not hang that long on a platform that went silent.
 */
export const CLOSE_TIMEOUT_MS = 1000

/** The far side refused the upgrade with an HTTP answer (a bad signature: 401/403). */
export class WebSocketRefusedError extends Error {
  constructor(readonly statusCode: number, readonly body: string) {
    super(`the server refused the WebSocket upgrade with HTTP ${statusCode}${body ? `: ${body.slice(0, 200)}` : ''}`)
    this.name = 'WebSocketRefusedError'
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
 *
 * The socket comes paused: a message sent right behind the server's 101 would otherwise be emitted
 * before the awaiting owner has added its listeners. The owner calls `resume()` once it listens.
 */
export function connectWebSocket(url: string, options: ConnectOptions = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    let target: URL
    try {
      target = new URL(url)
    } catch {
      reject(new Error('the channel address is not a URL'))
      return
    }
    // ws would take http: and https: too; a channel address that is neither ws: nor wss: is a misconfiguration.
    if (target.protocol !== 'ws:' && target.protocol !== 'wss:') {
      reject(new Error(`the channel address must be ws: or wss:, not ${target.protocol}`))
      return
    }
    let socket: WebSocket
    try {
      socket = new WebSocket(target, {
        handshakeTimeout: options.timeoutMs ?? 10_000,
        maxPayload: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
        // Platform messages are small; no deflate means no zlib state per connection and no inflation to cap.
        perMessageDeflate: false,
        closeTimeout: CLOSE_TIMEOUT_MS,
      })
    } catch (err) {
      reject(err) // ws refuses some addresses itself (a #fragment)
      return
    }
    // Before 'open' an error fails the attempt; after it, rejecting is a no-op, and this listener keeps
    // an error the owner does not hear from being thrown (an unheard 'error' would end the process).
    socket.on('error', reject)
    socket.on('unexpected-response', (_, res) => {
      const chunks: Buffer[] = []
      let size = 0
      const refused = () => {
        reject(new WebSocketRefusedError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')))
        socket.terminate()
      }
      res.on('data', (chunk: Buffer) => { if (size < 4096) { chunks.push(chunk); size += chunk.length } })
      res.on('end', refused)
      res.on('error', refused)
    })
    socket.once('open', () => {
      socket.pause()
      resolve(socket)
    })
  })
}

/** The server side for an existing http.Server: hand it the 'upgrade' events to accept (`handleUpgrade`). */
export function createWebSocketServer(maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES): WebSocketServer {
  return new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes, perMessageDeflate: false, closeTimeout: CLOSE_TIMEOUT_MS })
}

/** Answers an upgrade request with an HTTP status and a JSON body instead, and ends the socket. */
export function refuseWebSocket(socket: Duplex, statusCode: number, body: object): void {
  const text = JSON.stringify(body)
  // http drops its own 'error' listener from an upgrade's socket: a peer that resets meanwhile must not throw.
  socket.on('error', () => socket.destroy())
  // As ws's own refusals do: once the answer is written, nothing more is read from that peer.
  socket.once('finish', () => socket.destroy())
  socket.end(
    `HTTP/1.1 ${statusCode} ${http.STATUS_CODES[statusCode] ?? ''}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  )
}
