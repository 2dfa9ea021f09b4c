/**
 * Status sync out: delivers the outbox to the subscriptions, at least once and in order per order.
 * An order's next event waits until its previous one is delivered or dead-lettered; other orders go
 * on meanwhile, so one failing receiver or one stuck order holds back only itself. A failed try is
 * tried again with back-off, then the event becomes a dead letter an operator can replay.
 *
 * Webhooks follow Standard Webhooks 1.0 (webhook-id is the event's id, the same on every retry);
 * RabbitMQ deliveries wait for the broker's publisher confirm. Outcomes are recorded in batches,
 * with their integration log entries, so a thousand deliveries a second are a few transactions.
 */
import type { Clock } from '../core/clock.ts'
import { parseRetryPolicy, retryDelay } from '../core/retry-policy.ts'
import type { EventSubscriptionRow, OutboxDelivery, OutboxOutcome, Store } from '../store/store.ts'
import type { EngineLogger } from './run-executor.ts'
import type { Metrics } from './metrics.ts'
import type { SecretVault } from './secret-vault.ts'
import { describeFailure, errorForStatus, type ErrorClass } from '../../connectors/sdk/errors.ts'
import { endpointOf } from '../../connectors/sdk/perform-runtime.ts'
import { signWebhook } from '../../connectors/publish/standard-webhooks.ts'
import { redactAmqpUrl, sharedAmqpPublisher } from '../../connectors/publish/amqp-connections.ts'
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { performance } from 'node:perf_hooks'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'

/** One delivery try's deadline. */
export const DELIVERY_TIMEOUT_MS = 10_000
/** Tries before an event becomes a dead letter: about half an hour of back-off in all (1 s doubling, at most 15 min apart). */
export const DELIVERY_RETRY = parseRetryPolicy({ maxAttempts: 12, initialInterval: 'PT1S', backoffRate: 2, maxInterval: 'PT15M', jitter: 0.2 })
/** Deliveries in flight at once in one process. */
export const DELIVERY_CONCURRENCY = 256
/**
 * When ingest is driven hard and the event loop is saturated (a flash sale), deliveries give way:
 * at most BUSY_BATCH are started every BUSY_PUMP_MS, and their outcomes are recorded once a round,
 * so they cost a few transactions a second instead of one per claim. Taking an order in is what a
 * platform waits for; its events are safe in the outbox and catch up as soon as the burst is over.
 * Below that, deliveries start at once.
 */
export const BUSY_PUMP_MS = 50
export const BUSY_BATCH = 16
/** Ingest counts as driven hard when its commits took at least this share of the last ~100 ms. */
export const HOT_INGEST_LOAD = 0.5
/** Event-loop utilization (over the last ~100 ms) above which the loop counts as saturated. */
export const SATURATED_ELU = 0.85

/** Sends one event to one subscription's target; resolves with the receiver's status, throws for a failure. */
export type DeliveryTransport = (row: OutboxDelivery, subscription: ResolvedSubscription, signal: AbortSignal) => Promise<{ statusCode?: number; endpoint: string }>

/** A subscription with its secret opened. */
export interface ResolvedSubscription { row: EventSubscriptionRow; secret: string | null }

export interface OutboxDispatcherOptions {
  store: Store
  clock: Clock
  log: EngineLogger
  vault: SecretVault
  metrics?: Metrics
  concurrency?: number
  /** Orders are being taken in now: deliveries step aside (see BUSY_PUMP_MS). */
  ingestBusy?: () => boolean
  /** The event loop is saturated (default: its utilization over the last ~100 ms above SATURATED_ELU). */
  saturated?: () => boolean
}

/** The dispatcher of one process. */
export class OutboxDispatcher {
  private readonly inFlight = new Map<number, Promise<void>>()
  private readonly settled: OutboxOutcome[] = []
  private flushing: Promise<void> | null = null
  private pumping: Promise<void> | null = null
  private pumpAgain = false
  private stopped = false
  private subscriptions: Map<string, ResolvedSubscription> | null = null
  // The process's one publisher, shared with publish.rabbitmq nodes (the server closes it at shutdown).
  private readonly amqp = sharedAmqpPublisher
  private readonly transports: Record<EventSubscriptionRow['target']['kind'], DeliveryTransport>

  constructor(private readonly o: OutboxDispatcherOptions) {
    this.transports = { webhook: (row, sub, signal) => this.webhook(row, sub, signal), rabbitmq: (row, sub, signal) => this.rabbitmq(row, sub, signal) }
  }

  /** Forgets the subscriptions it read (one was created or deleted). */
  subscriptionsChanged(): void {
    this.subscriptions = null
  }

  /**
   * Starts due deliveries soon, without waiting for them. Kicks within one turn of the event loop
   * (every commit of a busy second kicks) share one claim: one transaction, not one per commit.
   */
  kick(): void {
    if (this.stopped || this.kickScheduled) return
    if (this.pumping) { this.pumpAgain = true; return }
    this.schedulePump()
  }

  private elu = performance.eventLoopUtilization()
  private eluAt = performance.now()
  private hot = false

  /** Ingest is busy and the loop saturated: deliveries step aside. */
  private givingWay(): boolean {
    if (!this.o.ingestBusy?.()) return false
    if (this.o.saturated) return this.o.saturated()
    const now = performance.now()
    if (now - this.eluAt >= 100) {
      const sample = performance.eventLoopUtilization()
      this.hot = performance.eventLoopUtilization(sample, this.elu).utilization > SATURATED_ELU
      this.elu = sample
      this.eluAt = now
    }
    return this.hot
  }

  private schedulePump(): void {
    if (this.kickScheduled) return
    this.kickScheduled = true
    const pumpNow = () => { if (this.kickScheduled) this.startPump() }
    if (this.givingWay()) setTimeout(pumpNow, BUSY_PUMP_MS)
    else setImmediate(pumpNow)
  }

  private kickScheduled = false

  private startPump(): void {
    // A kick still scheduled would find this pump running: it is done by this call.
    this.kickScheduled = false
    if (this.stopped) return
    if (this.pumping) { this.pumpAgain = true; return }
    this.pumping = this.pump().catch((err) => this.o.log.error({ err }, 'could not start deliveries')).finally(() => { this.pumping = null })
  }

  /** Delivers everything due now, and what becomes due by it (the next events of the same orders); for tests and `tick()`. */
  async deliverDue(): Promise<void> {
    for (;;) {
      this.startPump()
      await this.pumping
      if (this.inFlight.size === 0) {
        await this.flush()
        // Nothing was due, and nothing settled freed an order's next event: the rest waits for its time.
        if (this.inFlight.size === 0 && !this.pumping && !this.kickScheduled) return
        continue
      }
      await Promise.all([...this.inFlight.values()])
      await this.flush()
    }
  }


  async stop(): Promise<void> {
    this.stopped = true
    await Promise.allSettled([...this.inFlight.values()])
    await this.flush()
  }

  private async resolved(): Promise<Map<string, ResolvedSubscription>> {
    if (!this.subscriptions) {
      const map = new Map<string, ResolvedSubscription>()
      for (const row of await this.o.store.listEventSubscriptions()) {
        let secret: string | null = null
        try { secret = row.sealedSecret ? this.o.vault.openFor(`subscription:${row.id}`, row.sealedSecret) : null } catch (err) {
          this.o.log.error({ subscriptionId: row.id, err }, 'a subscription\'s secret cannot be opened with this key: its deliveries fail')
        }
        map.set(row.id, { row, secret })
      }
      this.subscriptions = map
    }
    return this.subscriptions
  }

  private async pump(): Promise<void> {
    const limit = this.o.concurrency ?? DELIVERY_CONCURRENCY
    do {
      this.pumpAgain = false
      const busy = this.givingWay()
      const free = Math.min(limit - this.inFlight.size, busy ? BUSY_BATCH : Infinity)
      if (free <= 0 || this.stopped) return
      const now = this.o.clock.now()
      const heads = await this.o.store.claimOutboxHeads(now, free, now + DELIVERY_TIMEOUT_MS + 30_000)
      if (heads.length === 0) return
      const subs = await this.resolved()
      for (const row of heads) {
        const done = this.deliver(row, subs.get(row.subscriptionId) ?? null).finally(() => { this.inFlight.delete(row.id) })
        this.inFlight.set(row.id, done)
      }
      if (heads.length >= free) this.pumpAgain = true
      // Busy: the rest waits for the next, deferred, pump.
      if (busy && this.pumpAgain) { this.pumpAgain = false; this.schedulePump(); return }
    } while (this.pumpAgain && !this.stopped)
  }

  private async deliver(row: OutboxDelivery, sub: ResolvedSubscription | null): Promise<void> {
    const started = performance.now()
    let outcome: OutboxOutcome
    let endpoint = sub ? (sub.row.target.kind === 'webhook' ? endpointOf(sub.row.target.url) : `${sub.row.target.displayUrl}/${sub.row.target.exchange}`) : '(deleted subscription)'
    let statusCode: number | undefined
    let errorClass: ErrorClass | undefined
    let error: string | undefined
    if (!sub) {
      outcome = { id: row.id, outcome: 'dead', error: 'the subscription was deleted' }
    } else {
      const signal = AbortSignal.timeout(DELIVERY_TIMEOUT_MS)
      try {
        const r = await this.transports[sub.row.target.kind](row, sub, signal)
        statusCode = r.statusCode
        endpoint = r.endpoint
        outcome = { id: row.id, outcome: 'delivered', ...(statusCode !== undefined ? { statusCode } : {}) }
      } catch (err) {
        const f = describeFailure(err)
        errorClass = f.errorClass
        error = f.message.slice(0, 500)
        statusCode = f.status
        const last = row.attempts >= DELIVERY_RETRY.maxAttempts
        outcome = last
          ? { id: row.id, outcome: 'dead', error: `${f.errorClass}: ${error} (after ${row.attempts} tries)`, ...(statusCode !== undefined ? { statusCode } : {}) }
          : { id: row.id, outcome: 'retry', error: `${f.errorClass}: ${error}`, nextTryAt: this.o.clock.now() + retryDelay(DELIVERY_RETRY, row.attempts, row.eventId), ...(statusCode !== undefined ? { statusCode } : {}) }
      }
    }
    const latencyMs = Math.round(performance.now() - started)
    const connector = sub ? `subscription.${sub.row.target.kind}` : 'subscription'
    outcome.log = {
      at: this.o.clock.now(), connector, endpoint, ...(sub?.row.target.kind === 'webhook' ? { method: 'POST' } : {}),
      ...(statusCode !== undefined ? { statusCode } : {}), latencyMs, ...(errorClass ? { errorClass } : {}), ...(error ? { error } : {}),
      attempt: row.attempts, idempotencyKey: row.eventId, subscriptionId: row.subscriptionId, eventId: row.eventId, orderId: row.orderId,
    }
    this.o.metrics?.outsideCalls.inc({ connector, outcome: errorClass ?? 'ok' })
    this.o.metrics?.outsideCallSeconds.observe({ connector }, latencyMs / 1000)
    if (outcome.outcome === 'dead') this.o.log.warn({ subscriptionId: row.subscriptionId, eventId: row.eventId, orderId: row.orderId, error: outcome.error }, 'an order event could not be delivered: it is a dead letter now')
    this.settled.push(outcome)
    this.scheduleFlush()
  }

  private scheduleFlush(): void {
    if (this.flushing) return
    // Giving way, outcomes wait for the round: one transaction for many deliveries.
    const wait = this.givingWay() ? (resolve: () => void) => setTimeout(resolve, BUSY_PUMP_MS) : (resolve: () => void) => setImmediate(resolve)
    this.flushing = new Promise<void>(wait).then(() => this.flushNow()).finally(() => {
      this.flushing = null
      if (this.settled.length > 0) this.scheduleFlush()
    })
  }

  private async flush(): Promise<void> {
    while (this.flushing) await this.flushing
    if (this.settled.length > 0) await this.flushNow()
  }

  private async flushNow(): Promise<void> {
    const batch = this.settled.splice(0, this.settled.length)
    if (batch.length === 0) return
    try {
      await this.o.store.settleOutbox(batch, this.o.clock.now())
    } catch (err) {
      // Not recorded: the leases run out and the events go again (at least once).
      this.o.log.error({ err, deliveries: batch.length }, 'could not record deliveries; they are tried again')
      return
    }
    // The next event of each delivered order is the head of its queue now.
    if (batch.some((o) => o.outcome !== 'retry')) this.kick()
  }

  private async webhook(row: OutboxDelivery, sub: ResolvedSubscription, signal: AbortSignal): Promise<{ statusCode: number; endpoint: string }> {
    const target = sub.row.target as Extract<EventSubscriptionRow['target'], { kind: 'webhook' }>
    if (!sub.secret) throw errorForStatus(401, 'the subscription has no signing secret this key can open')!
    const headers = signWebhook({ id: row.eventId, timestamp: Math.floor(this.o.clock.now() / 1000), body: row.payload, secret: sub.secret })
    const status = await postEvent(target.url, row.payload, { 'content-type': 'application/json', 'user-agent': 'Ordo', ...headers }, signal)
    const failure = errorForStatus(status, `the receiver answered ${status}`)
    // Any non-2xx is tried again (a 4xx may be a receiver being deployed); the back-off ends in a dead letter.
    if (failure) throw Object.assign(failure, { retryable: true })
    return { statusCode: status, endpoint: endpointOf(target.url) }
  }

  private async rabbitmq(row: OutboxDelivery, sub: ResolvedSubscription, signal: AbortSignal): Promise<{ endpoint: string }> {
    const target = sub.row.target as Extract<EventSubscriptionRow['target'], { kind: 'rabbitmq' }>
    if (!sub.secret) throw errorForStatus(401, 'the subscription\'s broker URL cannot be opened with this key')!
    await this.amqp.publish({
      url: sub.secret, exchange: target.exchange, routingKey: target.routingKey ?? `order.${row.kind}`,
      content: Buffer.from(row.payload), messageId: row.eventId, contentType: 'application/json',
      headers: { 'x-ordo-order-id': row.orderId, 'x-ordo-revision': row.revision, 'x-ordo-kind': row.kind },
    }, signal)
    return { endpoint: `${redactAmqpUrl(sub.secret)}/${target.exchange}` }
  }
}

// Kept-alive connections per receiver: node:http costs a fraction of fetch's CPU per request, which
// matters when every order event of a busy shop is a POST.
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 })
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 })

/** POSTs one event and resolves with the receiver's status (its body is read and dropped); redirects are not followed. */
function postEvent(url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const https = url.startsWith('https:')
    const req = (https ? httpsRequest : httpRequest)(url, {
      method: 'POST', signal, agent: https ? httpsAgent : httpAgent,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    }, (res: IncomingMessage) => {
      res.on('error', (err) => reject(signal.aborted ? signal.reason : err))
      res.on('end', () => resolve(res.statusCode ?? 0))
      res.resume()
    })
    // An aborted request fails with the abort's reason (a TimeoutError is the timeout class).
    req.on('error', (err) => reject(signal.aborted ? signal.reason : err))
    req.end(body)
  })
}
