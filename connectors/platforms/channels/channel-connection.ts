/**
 * What every platform message channel shares: one long connection the client opens and keeps open.
 * It reconnects after any loss with exponential backoff and jitter (so a platform restart does not
 * see every shop's channel come back in the same millisecond), detects a silent peer by a heartbeat
 * the far side must answer within a timeout, and closes cleanly. A protocol (TMC, Pinduoduo, JD)
 * plugs in the address, what to say on open, the heartbeat it sends and what to do with a message.
 *
 * The waits here are socket-level (real timers); no business time is measured with them.
 */
import { WebSocket } from 'ws'
import type { Clock } from '../../../engine/core/clock.ts'
import type { PulledOrderRef } from '../adapter.ts'
import { connectWebSocket, WebSocketRefusedError } from './websocket.ts'

/** The engine's logger shape (EngineLogger), so the channels log through the app's redacting logger. */
export interface ChannelLogger {
  error(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  info(obj: object, msg: string): void
}

/** Reconnect delays: `initialMs` doubling (× `factor`) up to `maxMs`, each drawn in [½, 1] of itself. */
export interface BackoffSettings {
  initialMs: number
  maxMs: number
  factor?: number
}

export const DEFAULT_BACKOFF: BackoffSettings = { initialMs: 1000, maxMs: 60_000, factor: 2 }

/**
 * The wait before reconnect attempt `attempt` (0 for the first after a loss): "equal jitter", half
 * fixed and half random, so waits still grow but two clients lost together do not retry together.
 */
export function backoffDelay(settings: BackoffSettings, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.maxMs, settings.initialMs * (settings.factor ?? 2) ** attempt)
  return Math.round(ceiling / 2 + (ceiling / 2) * random())
}

/** How often the client shows it is alive, and how long the peer may be silent before it counts as gone. */
export interface HeartbeatSettings {
  intervalMs: number
  /** No frame at all from the peer for this long (a pong or a heartbeat answer included): the connection is dropped and remade. */
  timeoutMs: number
}

/** What a protocol does on one open connection. */
export interface ChannelSession {
  /** The open socket, to send on. */
  socket: WebSocket
  /** The protocol's handshake went through (TMC's connectack; the upgrade itself elsewhere): the backoff starts over. */
  ready(): void
  /** The protocol cannot go on (a refused connect): drop this connection and reconnect after backoff. */
  fail(error: Error): void
}

export interface ChannelProtocol {
  /** The address for the next attempt, signed afresh (the signature covers a timestamp). */
  url(): string
  /** True when the upgrade itself is the protocol's handshake (Pinduoduo, JD): ready at once. */
  readyOnOpen: boolean
  opened?(session: ChannelSession): void
  /** A message from the platform; a throw is logged and the message left unacknowledged. */
  received(session: ChannelSession, data: Buffer, isBinary: boolean): void | Promise<void>
  /** Sends the protocol's heartbeat; default a WebSocket ping (the peer's pong answers it). */
  heartbeat?(session: ChannelSession): void
}

/** What the connection reports, for the shop's health and the supervisor's logs. */
export type ChannelEvent =
  | { kind: 'ready' }
  | { kind: 'lost'; error: string; code?: string; retryInMs: number }

export interface ChannelConnectionOptions {
  protocol: ChannelProtocol
  /** Names the channel in logs ("taobao shop s1"); never a credential. */
  label: string
  log: ChannelLogger
  backoff?: BackoffSettings
  heartbeat?: HeartbeatSettings
  /** Handshake timeout of one attempt. */
  connectTimeoutMs?: number
  random?: () => number
  onEvent?(event: ChannelEvent): void
}

export const DEFAULT_HEARTBEAT: HeartbeatSettings = { intervalMs: 5000, timeoutMs: 20_000 }

/** A kept-open channel: `start` it once, `close` it once. */
export class ChannelConnection {
  private socket: WebSocket | undefined
  private attempt = 0
  private stopped = false
  private started = false
  private closing: Promise<void> | undefined
  private retryTimer: NodeJS.Timeout | undefined
  private heartbeatTimer: NodeJS.Timeout | undefined
  private closedSignal: (() => void) | undefined
  private readonly backoff: BackoffSettings
  private readonly heartbeatSettings: HeartbeatSettings

  constructor(private readonly o: ChannelConnectionOptions) {
    this.backoff = o.backoff ?? DEFAULT_BACKOFF
    this.heartbeatSettings = o.heartbeat ?? DEFAULT_HEARTBEAT
  }

  /** Whether a connection is open now. */
  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN
  }

  /** Opens the connection, and keeps it open until `close()`; a second call does nothing. */
  start(): void {
    if (this.started) return
    this.started = true
    void this.connect()
  }

  /** Stops reconnecting and closes the connection with a closing handshake; resolves once it is gone. */
  close(): Promise<void> {
    this.closing ??= this.closeOnce()
    return this.closing
  }

  private async closeOnce(): Promise<void> {
    this.stopped = true
    clearTimeout(this.retryTimer)
    clearInterval(this.heartbeatTimer)
    const socket = this.socket
    if (!socket) return
    await new Promise<void>((resolve) => {
      this.closedSignal = resolve
      socket.close(1000, 'client closing')
    })
  }

  private async connect(): Promise<void> {
    if (this.stopped) return
    let url: string
    try {
      url = this.o.protocol.url()
    } catch (err) {
      this.lost(err)
      return
    }
    let socket: WebSocket
    try {
      socket = await connectWebSocket(url, { timeoutMs: this.o.connectTimeoutMs })
    } catch (err) {
      this.lost(err)
      return
    }
    if (this.stopped) {
      socket.terminate()
      return
    }
    this.socket = socket
    let lastHeard = Date.now()
    let failure: unknown
    let readyAt: number | undefined
    const session: ChannelSession = {
      socket,
      ready: () => {
        readyAt = Date.now()
        this.report({ kind: 'ready' })
      },
      fail: (error) => {
        failure = error
        socket.terminate()
      },
    }
    socket.on('message', (data, isBinary) => {
      lastHeard = Date.now()
      try {
        // binaryType is ws's default 'nodebuffer': a message, fragmented or not, arrives as one Buffer.
        const done = this.o.protocol.received(session, data as Buffer, isBinary)
        if (done) done.catch((err: unknown) => this.o.log.error({ channel: this.o.label, err }, 'a channel message could not be handled; it stays unacknowledged'))
      } catch (err) {
        this.o.log.error({ channel: this.o.label, err }, 'a channel message could not be handled; it stays unacknowledged')
      }
    })
    socket.on('pong', () => { lastHeard = Date.now() })
    socket.on('error', (err) => { failure ??= err })
    socket.on('close', (code, reasonBytes) => {
      const reason = reasonBytes.toString('utf8')
      clearInterval(this.heartbeatTimer)
      if (this.socket === socket) this.socket = undefined
      this.closedSignal?.()
      if (this.stopped) return
      // The backoff starts over only after a connection that held: a platform that accepts and then
      // drops the connection at once (a duplicate connection, a refusal after the upgrade) would
      // otherwise be called again every second, forever.
      if (readyAt !== undefined && Date.now() - readyAt >= this.heartbeatSettings.timeoutMs) this.attempt = 0
      this.lost(failure ?? new Error(`the platform closed the channel (${code}${reason ? ` ${reason}` : ''})`))
    })
    clearInterval(this.heartbeatTimer)
    this.heartbeatTimer = setInterval(() => {
      if (Date.now() - lastHeard > this.heartbeatSettings.timeoutMs) {
        failure = new Error(`the platform sent nothing for ${this.heartbeatSettings.timeoutMs} ms`)
        socket.terminate()
        return
      }
      try {
        if (this.o.protocol.heartbeat) this.o.protocol.heartbeat(session)
        else socket.ping()
      } catch (err) {
        session.fail(err instanceof Error ? err : new Error(String(err)))
      }
    }, this.heartbeatSettings.intervalMs)
    this.heartbeatTimer.unref()
    socket.resume() // connectWebSocket hands it over paused, so nothing came before these listeners
    if (this.o.protocol.readyOnOpen) session.ready()
    try {
      this.o.protocol.opened?.(session)
    } catch (err) {
      session.fail(err instanceof Error ? err : new Error(String(err)))
    }
  }

  private report(event: ChannelEvent): void {
    try {
      this.o.onEvent?.(event)
    } catch (err) {
      this.o.log.error({ channel: this.o.label, err }, 'a message channel\'s event listener failed')
    }
  }

  /** An attempt failed or a connection was lost: report it and try again after the backoff. */
  private lost(err: unknown): void {
    if (this.stopped) return
    const retryInMs = backoffDelay(this.backoff, this.attempt, this.o.random)
    this.attempt += 1
    const error = err instanceof Error ? err.message : String(err)
    const code = err instanceof WebSocketRefusedError ? String(err.statusCode) : (err as { code?: unknown } | null)?.code
    this.o.log.warn({ channel: this.o.label, error, retryInMs }, 'the message channel is down; reconnecting')
    this.report({ kind: 'lost', error, ...(typeof code === 'string' ? { code } : {}), retryInMs })
    clearTimeout(this.retryTimer)
    this.retryTimer = setTimeout(() => void this.connect(), retryInMs)
    this.retryTimer.unref()
  }
}

/**
 * Takes the orders a message names durably (stores them to fetch and ingest); a channel acknowledges
 * the message only once this resolved, and leaves it unacknowledged when it threw, so the platform
 * delivers it again.
 */
export type AcceptRefs = (shopId: string, refs: PulledOrderRef[]) => Promise<void>

/** What every platform's channel client takes for one shop. */
export interface ShopChannelOptions<Credentials> {
  shopId: string
  /**
   * The shop's credentials as the shops directory keeps them; the client checks the keys it needs
   * when it opens. `channelUrl` points the channel elsewhere (the simulator). Never logged.
   */
  credentials: Partial<Credentials> & { channelUrl?: string }
  acceptRefs: AcceptRefs
  /** Signs connect timestamps and heartbeats. */
  clock: Clock
  log: ChannelLogger
  backoff?: BackoffSettings
  heartbeat?: HeartbeatSettings
  connectTimeoutMs?: number
  random?: () => number
  onEvent?(event: ChannelEvent): void
}

/** The connection settings of a shop's channel options. */
export function connectionSettings(o: ShopChannelOptions<unknown>, label: string): Omit<ChannelConnectionOptions, 'protocol'> {
  return { label, log: o.log, backoff: o.backoff, heartbeat: o.heartbeat, connectTimeoutMs: o.connectTimeoutMs, random: o.random, onEvent: o.onEvent }
}

/**
 * Hands one message's refs to acceptRefs, then acknowledges; when acceptance throws, logs it and
 * calls `refuse` (a protocol's negative acknowledgement, or nothing) instead.
 */
export async function acceptThenAck(
  o: ShopChannelOptions<unknown>, label: string, messageId: string, refs: PulledOrderRef[], ack: () => void, refuse?: () => void,
): Promise<void> {
  try {
    await o.acceptRefs(o.shopId, refs)
  } catch (err) {
    o.log.error({ channel: label, messageId, err }, 'a channel message was not accepted; it stays unacknowledged and the platform delivers it again')
    refuse?.()
    return
  }
  ack()
}

/** A credential the shop must have for its channel; its absence names the key, never a value. */
export function requiredCredential(credentials: object, key: string): string {
  const value = (credentials as Readonly<Record<string, unknown>>)[key]
  if (typeof value !== 'string' || value === '') throw new Error(`the shop's credentials have no ${key}`)
  return value
}
