/**
 * Publishing to RabbitMQ with publisher confirms, over one connection and one confirm channel per
 * broker URL, shared by everything in the process that publishes (the publish.rabbitmq node, the
 * subscriptions outbox):
 *
 *   import { sharedAmqpPublisher } from './amqp-connections.ts'
 *   await sharedAmqpPublisher.publish({ url, exchange: 'orders', routingKey: 'order.paid', content, messageId }, signal)
 *
 * - `publish` resolves once the broker confirmed the message (basic.ack): it is then the broker's.
 *   It rejects with a ConnectorError (connectors/sdk/errors.ts): RetryableError for what trying again
 *   can mend (network, a closed channel, a nack, a broker that is still in its backoff), PermanentError
 *   for what it cannot (wrong credentials, a missing passive exchange, an unroutable mandatory message).
 *   A timeout or abort of `signal` rejects with the signal's reason. After a timeout or a lost
 *   connection the message may still have arrived: publish again with the same messageId and let
 *   consumers deduplicate (at least once).
 * - Many publishes may be in flight on one channel at once: confirms are pipelined, not one at a time.
 * - The connection opens on first use. When it or its channel closes, the next publish opens a new
 *   one, but not before a backoff (200 ms doubling to 30 s, ±20 %, reset by a confirm) has passed:
 *   until then publishes fail at once with the last error. A broker unused for 10 minutes is closed.
 * - Exchanges are declared (durable, topic) once per channel before their first message, or only
 *   checked (`passive: true`; always for `amq.*`); the default exchange '' is neither.
 * - URLs hold passwords: nothing here logs a URL or puts one in an error; `redactAmqpUrl` is the
 *   form to show.
 */
import { connect, type ChannelModel, type ConfirmChannel, type Message } from 'amqplib'
import { ConnectorError, describeFailure, PermanentError, RetryableError, type ErrorClass } from '../sdk/index.ts'

/** One message to publish. */
export interface AmqpMessage {
  /** amqp://user:password@host:port/vhost (or amqps://). */
  url: string
  exchange: string
  routingKey: string
  content: Buffer
  /** Kept across retries of one message, so consumers can deduplicate. */
  messageId: string
  headers?: Record<string, unknown>
  /** Default application/json. */
  contentType?: string
  /** Delivery mode 2, written to disk by durable queues (default true). */
  persistent?: boolean
  /** Reject (PermanentError, '4xx') when no queue is bound for the routing key, instead of the broker dropping it (default false). */
  mandatory?: boolean
  /** Only check that the exchange exists instead of declaring it (default false). */
  passive?: boolean
  /** Unix seconds (default now). */
  timestamp?: number
  /** Default 'ordo'. */
  appId?: string
  type?: string
}

export interface AmqpPublisherOptions {
  /** How long opening a connection may take, in ms (default 10 000). */
  connectTimeoutMs?: number
  /** The wait before opening again after the n-th failure in a row: initialMs × 2^(n−1), at most maxMs, ±20 % (default 200 ms to 30 s). */
  backoff?: { initialMs?: number; maxMs?: number }
  /** Close a broker's connection nothing was published to for this long, in ms (default 10 minutes; 0 never). */
  idleMs?: number
  /** The name RabbitMQ shows for the connection (default 'ordo'). */
  connectionName?: string
}

/** amqp://user@host:port/vhost: the URL without its password and query, for logs and errors. Never throws. */
export function redactAmqpUrl(url: string): string {
  let u: URL
  try { u = new URL(url) } catch { return '(invalid AMQP URL)' }
  if (u.protocol !== 'amqp:' && u.protocol !== 'amqps:') return '(invalid AMQP URL)'
  const port = u.port || (u.protocol === 'amqps:' ? '5671' : '5672')
  return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.hostname}:${port}${u.pathname || '/'}`
}

/** How long a failed declaration is remembered, so a flood of publishes to a missing exchange asks the broker once a second. */
const DECLARE_RETRY_MS = 1_000
/** How long `close()` waits for the confirms of messages already sent. */
const CLOSE_GRACE_MS = 5_000

/** A publish waiting for its confirm; a basic.return marks it returned before its ack arrives. */
interface InFlight { exchange: string; routingKey: string; messageId: string; returned: { code: number; text: string } | null }

/** One open connection with its confirm channel. */
interface Link {
  conn: ChannelModel
  channel: ConfirmChannel
  /** Exchange declarations made on this link, by mode and name. */
  declared: Map<string, Promise<void>>
  inFlight: InFlight[]
  /** Set while the channel's write buffer is full (publish returned false), until 'drain'. */
  writable: Promise<void> | null
  releaseWriters: () => void
  /** Why the connection or the channel closed, once it did. */
  closeReason: Error | null
  blocked: string | null
  dead: boolean
  /** Resolves when the connection has closed, however it did. */
  closed: Promise<void>
}

/** A broker URL's state: its link, or the attempt to open one, or the backoff after failures. */
interface Broker {
  url: string
  /** The URL's password, kept out of every message. */
  password: string
  endpoint: string
  link: Link | null
  opening: Promise<Link> | null
  failures: number
  retryAt: number
  lastError: ConnectorError | null
  lastUsed: number
}

/** A publisher over RabbitMQ: see the top of this file. */
export class AmqpPublisher {
  private readonly brokers = new Map<string, Broker>()
  private readonly connectTimeoutMs: number
  private readonly initialMs: number
  private readonly maxMs: number
  private readonly idleMs: number
  private readonly connectionName: string
  private sweeper: ReturnType<typeof setInterval> | null = null

  constructor(options: AmqpPublisherOptions = {}) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000
    this.initialMs = options.backoff?.initialMs ?? 200
    this.maxMs = Math.max(this.initialMs, options.backoff?.maxMs ?? 30_000)
    this.idleMs = options.idleMs ?? 600_000
    this.connectionName = options.connectionName ?? 'ordo'
  }

  /** Publishes one message and resolves when the broker confirms it; see the top of this file for how it fails. */
  async publish(message: AmqpMessage, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted()
    const { exchange, routingKey, messageId } = message
    if (!Buffer.isBuffer(message.content)) throw new PermanentError('an AMQP message\'s content must be a Buffer')
    if (typeof routingKey !== 'string' || Buffer.byteLength(routingKey) > 255) throw new PermanentError('a routing key is at most 255 bytes', { errorClass: '4xx' })
    if (typeof exchange !== 'string' || Buffer.byteLength(exchange) > 255) throw new PermanentError('an exchange name is at most 255 bytes', { errorClass: '4xx' })
    const broker = this.broker(message.url)
    broker.lastUsed = Date.now()
    const link = await abortable(this.linkFor(broker), signal)
    const declared = this.declare(broker, link, exchange, message.passive === true)
    if (declared) await abortable(declared, signal)
    if (link.writable) await abortable(link.writable, signal)
    if (link.dead) throw this.lostError(broker, link)

    return new Promise<void>((resolve, reject) => {
      const entry: InFlight = { exchange, routingKey, messageId, returned: null }
      let settled = false
      const onAbort = () => {
        if (settled) return
        settled = true
        const reason = signal!.reason as { name?: string } | undefined
        reject(link.blocked && reason?.name === 'TimeoutError'
          ? new RetryableError(`${broker.endpoint}: no confirm before the deadline: the broker blocks publishers (${link.blocked})`, { errorClass: 'timeout' })
          : reason)
      }
      const finish = () => {
        const i = link.inFlight.indexOf(entry)
        if (i >= 0) link.inFlight.splice(i, 1)
        signal?.removeEventListener('abort', onAbort)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      link.inFlight.push(entry)
      try {
        const ok = link.channel.publish(exchange, routingKey, message.content, {
          persistent: message.persistent !== false,
          mandatory: message.mandatory === true,
          messageId,
          contentType: message.contentType ?? 'application/json',
          timestamp: message.timestamp ?? Math.floor(Date.now() / 1000),
          appId: message.appId ?? 'ordo',
          ...(message.type !== undefined ? { type: message.type } : {}),
          ...(message.headers ? { headers: message.headers } : {}),
        }, (err) => {
          finish()
          if (settled) return
          settled = true
          if (err) {
            reject(String((err as Error)?.message).includes('nack')
              ? new RetryableError(`${broker.endpoint}: the broker refused the message (basic.nack): a queue is full or failing`, { errorClass: '5xx' })
              : this.lostError(broker, link))
          } else if (entry.returned) {
            reject(new PermanentError(
              `${broker.endpoint}: no queue is bound to exchange "${exchange}" for routing key "${routingKey}": the broker returned the mandatory message (${entry.returned.code} ${entry.returned.text})`,
              { errorClass: '4xx' },
            ))
          } else {
            broker.failures = 0
            resolve()
          }
        })
        if (!ok && !link.writable) link.writable = new Promise<void>((release) => { link.releaseWriters = () => { link.writable = null; release() } })
      } catch (err) {
        finish()
        settled = true
        reject(err instanceof RangeError ? new PermanentError(`${broker.endpoint}: ${err.message}`, { cause: err }) : this.classify(broker, err))
      }
    })
  }

  /** What it holds now, for metrics: broker URLs known, connections open, messages waiting for their confirm. */
  stats(): { brokers: number; connected: number; inFlight: number } {
    let connected = 0
    let inFlight = 0
    for (const broker of this.brokers.values()) {
      if (broker.link && !broker.link.dead) connected++
      inFlight += broker.link?.inFlight.length ?? 0
    }
    return { brokers: this.brokers.size, connected, inFlight }
  }

  /** Closes every connection, after the confirms of messages already sent (at most 5 s). A later publish opens a new one. */
  async close(): Promise<void> {
    const brokers = [...this.brokers.values()]
    this.brokers.clear()
    this.stopSweeper()
    await Promise.all(brokers.map(async (broker) => {
      const link = broker.link ?? (await broker.opening?.catch(() => null)) ?? null
      if (!link) return
      for (const until = Date.now() + CLOSE_GRACE_MS; link.inFlight.length > 0 && !link.dead && Date.now() < until;) await new Promise((r) => setTimeout(r, 10))
      await this.closeLink(link)
    }))
  }

  private broker(url: string): Broker {
    const known = this.brokers.get(url)
    if (known) return known
    let parsed: URL
    try { parsed = new URL(url) } catch { throw new PermanentError('the broker URL cannot be read (amqp://user:password@host:port/vhost)') }
    if (parsed.protocol !== 'amqp:' && parsed.protocol !== 'amqps:') throw new PermanentError(`the broker URL must start with amqp:// or amqps://, not ${parsed.protocol}//`)
    const broker: Broker = {
      url, password: decodeURIComponent(parsed.password), endpoint: redactAmqpUrl(url),
      link: null, opening: null, failures: 0, retryAt: 0, lastError: null, lastUsed: Date.now(),
    }
    this.brokers.set(url, broker)
    this.startSweeper()
    return broker
  }

  /** The broker's link: the open one, the one being opened, or a new one unless the backoff says wait. */
  private linkFor(broker: Broker): Promise<Link> {
    if (broker.link && !broker.link.dead) return Promise.resolve(broker.link)
    if (broker.opening) return broker.opening
    const wait = broker.retryAt - Date.now()
    if (wait > 0 && broker.lastError) {
      const last = broker.lastError
      const text = `${last.message} (the next attempt to connect is in ${wait} ms)`
      return Promise.reject(last.retryable ? new RetryableError(text, { errorClass: last.errorClass }) : new PermanentError(text, { errorClass: last.errorClass }))
    }
    const opening = this.open(broker).then((link) => {
      broker.opening = null
      if (this.brokers.get(broker.url) !== broker) {
        // close() ran while this connection was being opened.
        void this.closeLink(link)
        throw new RetryableError(`${broker.endpoint}: the publisher was closed while connecting`, { errorClass: 'network' })
      }
      broker.link = link
      return link
    }, (err: unknown) => {
      broker.opening = null
      const error = this.classify(broker, err)
      this.failed(broker, error)
      throw error
    })
    opening.catch(() => {})
    broker.opening = opening
    return opening
  }

  private async open(broker: Broker): Promise<Link> {
    const conn = await connect(broker.url, { timeout: this.connectTimeoutMs, noDelay: true, clientProperties: { connection_name: this.connectionName } })
    let markClosed = () => {}
    const link: Link = {
      conn, channel: null as unknown as ConfirmChannel, declared: new Map(), inFlight: [], writable: null, releaseWriters: () => {},
      closeReason: null, blocked: null, dead: false, closed: new Promise<void>((resolve) => { markClosed = resolve }),
    }
    conn.on('error', (err: Error) => { link.closeReason ??= err })
    conn.on('close', (err?: Error) => { markClosed(); this.lost(broker, link, err) })
    conn.on('blocked', (reason: string) => { link.blocked = reason })
    conn.on('unblocked', () => { link.blocked = null })
    try {
      link.channel = await conn.createConfirmChannel()
    } catch (err) {
      link.dead = true
      void conn.close().catch(() => {})
      throw err
    }
    const channel = link.channel
    channel.on('error', (err: Error) => { link.closeReason ??= err })
    channel.on('close', () => { this.lost(broker, link, link.closeReason ?? undefined); void conn.close().catch(() => {}) })
    channel.on('drain', () => link.releaseWriters())
    channel.on('return', (m: Message) => {
      const fields = m.fields as unknown as { exchange: string; routingKey: string; replyCode?: number; replyText?: string }
      const entry = link.inFlight.find((e) => !e.returned && e.exchange === fields.exchange && e.routingKey === fields.routingKey && e.messageId === m.properties.messageId)
      if (entry) entry.returned = { code: fields.replyCode ?? 312, text: fields.replyText ?? 'NO_ROUTE' }
    })
    return link
  }

  /** The link closed without close(): the next publish opens a new one once the backoff has passed. */
  private lost(broker: Broker, link: Link, reason: Error | undefined): void {
    if (reason) link.closeReason ??= reason
    if (link.dead) return
    link.dead = true
    link.releaseWriters()
    if (broker.link === link) broker.link = null
    this.failed(broker, this.lostError(broker, link))
  }

  private lostError(broker: Broker, link: Link): RetryableError {
    const why = link.closeReason ? this.scrub(broker, link.closeReason.message) : 'the connection was closed'
    return new RetryableError(`${broker.endpoint}: the connection to the broker was lost before the confirm: ${why}`, { errorClass: 'network', cause: link.closeReason ?? undefined })
  }

  private failed(broker: Broker, error: ConnectorError): void {
    broker.failures++
    broker.lastError = error
    const base = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(broker.failures - 1, 30))
    broker.retryAt = Date.now() + Math.round(base * (0.8 + Math.random() * 0.4))
  }

  private async closeLink(link: Link): Promise<void> {
    link.dead = true
    link.releaseWriters()
    // amqplib's close() never settles when the socket dies while it waits for the broker's close-ok.
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([
      link.conn.close().catch(() => {}),
      link.closed,
      new Promise<void>((resolve) => { timer = setTimeout(resolve, CLOSE_GRACE_MS) }),
    ])
    clearTimeout(timer)
  }

  /** Declares (or checks) an exchange once per link; null for the default exchange. */
  private declare(broker: Broker, link: Link, exchange: string, passive: boolean): Promise<void> | null {
    if (exchange === '') return null
    const check = passive || exchange.startsWith('amq.')
    const key = `${check ? 'check' : 'assert'}:${exchange}`
    const known = link.declared.get(key)
    if (known) return known
    // A declaration that fails closes its channel: each gets a channel of its own, so publishes in flight never see it.
    const declaring = (async () => {
      const ch = await link.conn.createChannel()
      ch.on('error', () => {})
      try {
        if (check) await ch.checkExchange(exchange)
        else await ch.assertExchange(exchange, 'topic', { durable: true })
      } finally {
        try { void ch.close().catch(() => {}) } catch { /* closed by the broker already */ }
      }
    })().catch((err: unknown) => {
      setTimeout(() => { if (link.declared.get(key) === declaring) link.declared.delete(key) }, DECLARE_RETRY_MS).unref()
      throw this.classify(broker, err, { exchange, check })
    })
    declaring.catch(() => {})
    link.declared.set(key, declaring)
    return declaring
  }

  /** What an amqplib error means: its class and whether trying again can help. */
  private classify(broker: Broker, err: unknown, about: { exchange?: string; check?: boolean } = {}): ConnectorError {
    if (err instanceof ConnectorError) return err
    const raw = err instanceof Error ? err.message : String(err)
    const text = `${broker.endpoint}: ${this.scrub(broker, raw)}`
    const code = typeof (err as { code?: unknown })?.code === 'number' ? (err as { code: number }).code : Number(/\b([2-5]\d\d) \(/.exec(raw)?.[1] ?? NaN)
    const exchange = about.exchange ? `exchange "${about.exchange}"` : ''
    const permanent = (message: string, errorClass: ErrorClass) => new PermanentError(message, { errorClass, cause: err })
    if (code === 403 || /ACCESS[-_]REFUSED/.test(raw)) return permanent(`${text}${exchange ? ` (${exchange})` : ''}`, 'auth')
    if (code === 530 || /NOT[-_]ALLOWED/.test(raw)) return permanent(text, 'auth')
    if (code === 404 && about.exchange) return permanent(`${broker.endpoint}: the ${exchange} does not exist${about.check ? ' (it is checked, not declared)' : ''}: ${this.scrub(broker, raw)}`, '4xx')
    if (code === 406 && about.exchange) return permanent(`${broker.endpoint}: the ${exchange} exists with other settings than a durable topic exchange: ${this.scrub(broker, raw)}`, '4xx')
    if (code === 404 || code === 406) return permanent(text, '4xx')
    if (/ETIMEDOUT/.test(raw)) return new RetryableError(text, { errorClass: 'timeout', cause: err })
    const failure = describeFailure(err)
    if (failure.errorClass === 'network' || /closed|socket|handshake|ECONN|EPIPE|heartbeat/i.test(raw)) return new RetryableError(text, { errorClass: 'network', cause: err })
    return failure.retryable ? new RetryableError(text, { errorClass: failure.errorClass, cause: err }) : permanent(text, failure.errorClass)
  }

  /** The message without the URL's password, however it was written. */
  private scrub(broker: Broker, text: string): string {
    let out = text
    for (const secret of new Set([broker.url, broker.password, encodeURIComponent(broker.password)])) {
      if (secret.length >= 3) out = out.split(secret).join(secret === broker.url ? broker.endpoint : '***')
    }
    return out
  }

  private startSweeper(): void {
    if (this.sweeper || this.idleMs <= 0) return
    this.sweeper = setInterval(() => {
      const before = Date.now() - this.idleMs
      for (const [url, broker] of this.brokers) {
        if (broker.lastUsed >= before || broker.opening || (broker.link && broker.link.inFlight.length > 0)) continue
        this.brokers.delete(url)
        if (broker.link) void this.closeLink(broker.link)
      }
      if (this.brokers.size === 0) this.stopSweeper()
    }, Math.min(this.idleMs, 60_000))
    this.sweeper.unref()
  }

  private stopSweeper(): void {
    if (this.sweeper) clearInterval(this.sweeper)
    this.sweeper = null
  }
}

/** Resolves or rejects as `promise` does, or rejects with the signal's reason when it aborts first. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value) },
      (err: unknown) => { signal.removeEventListener('abort', onAbort); reject(err) },
    )
  })
}

/** The process's publisher: every node and the outbox share its connections. */
export const sharedAmqpPublisher = new AmqpPublisher()
