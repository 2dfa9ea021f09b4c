/**
 * Stock sync: tells every shop that lists a SKU its new sellable level, so a SKU sold out on one
 * platform stops selling on the others. The store queues one push per (shop, SKU) in the very
 * transaction that changed the level, coalesced so only the latest level waits; this worker wakes
 * on the store's word that a commit queued pushes (not on a slow poll), sends them through the
 * platform's open API (`updateStock`), and records each try with its calls in the integration log.
 * A failed push is tried again with backoff from its row, so it survives a restart; a refusal that
 * trying again cannot fix (the request is invalid, the SKU unknown, the session expired) waits for
 * the next level change or an `inventory.sync`.
 */
import type { Clock } from '../core/clock.ts'
import { parseRetryPolicy, retryDelay, type RetrySettings } from '../core/retry-policy.ts'
import type { IntegrationEntry, StockPush, StockPushOutcome, Store } from '../store/store.ts'
import type { ShopDirectory, ShopRecord } from './shop-directory.ts'
import type { EngineLogger } from './run-executor.ts'
import type { Metrics } from './metrics.ts'
import type { PlatformName } from '../../connectors/platforms/adapter.ts'
import { PlatformApiError, type PlatformApi } from '../../connectors/platforms/platform-api.ts'
import { createPerformSession } from '../../connectors/sdk/perform-runtime.ts'
import { describeFailure, PermanentError } from '../../connectors/sdk/errors.ts'

/** The connector the integration log names stock pushes by: the node type that asks for them. */
export const STOCK_SYNC_CONNECTOR = 'inventory.sync'
/** One push's deadline. */
export const STOCK_PUSH_TIMEOUT_MS = 15_000
/** Tries of one level before it waits for the next change: 1 s doubling, at most 5 min apart (about 20 min in all). */
export const STOCK_PUSH_RETRY = parseRetryPolicy({ maxAttempts: 10, initialInterval: 'PT1S', backoffRate: 2, maxInterval: 'PT5M', jitter: 0.2 })
/** Pushes in flight at once in one process. */
export const STOCK_PUSH_CONCURRENCY = 16
/** A lease outlives the push's deadline by this much before another process may take it. */
const LEASE_GRACE_MS = 30_000
/** The longest the worker sleeps between looks at the queue when nothing wakes it (a retry's due time is usually sooner). */
const MAX_SLEEP_MS = 60_000

export interface StockSyncOptions {
  store: Store
  clock: Clock
  /** Who the shops are and their credentials. */
  shops: ShopDirectory
  /** The open-API client of a platform (undefined: none in this build). */
  platformApi: (platform: PlatformName) => PlatformApi | undefined
  log?: EngineLogger
  /** The engine's metrics: pushes count as outside calls (ordo_outside_calls_total). */
  metrics?: Metrics
  /** Replaces the global fetch for the clients' HTTP (tests). */
  fetch?: typeof fetch
  concurrency?: number
  timeoutMs?: number
  retry?: RetrySettings
  /** Sleep until the next retry is due on the wall clock (default true); tests with a manual clock call `pushDue()`. */
  timers?: boolean
}

export interface StockSync {
  /** Stops taking pushes and waits for those in flight (an aborted one goes again after a restart). */
  stop(): Promise<void>
  /** Looks at the queue now (a commit queued pushes). */
  wake(): void
  /** Sends every push due now and waits until they are settled (tests, `tick()`). */
  pushDue(): Promise<void>
}

const silent: EngineLogger = { error() {}, warn() {}, info() {} }

/** Permanent refusals: trying the same level again cannot help. */
const PERMANENT_KINDS = new Set(['invalid', 'not-found', 'session-expired'])

/** Starts the stock sync worker of one process. */
export function startStockSync(options: StockSyncOptions): StockSync {
  const o = {
    log: silent, concurrency: STOCK_PUSH_CONCURRENCY, timeoutMs: STOCK_PUSH_TIMEOUT_MS, retry: STOCK_PUSH_RETRY, timers: true, ...options,
  }
  const inFlight = new Map<string, { controller: AbortController; done: Promise<void> }>()
  let pumping: Promise<void> | null = null
  let again = false
  let stopped = false
  let sleeper: NodeJS.Timeout | null = null
  // What a crashed process held is free again: this process is the store's only user (SQLite).
  const ready = o.store.releaseStockPushLeases().catch((err) => o.log.error({ err }, 'could not free the stock pushes a previous process held'))

  const wake = (): void => {
    if (stopped) return
    if (pumping) { again = true; return }
    pumping = pump().catch((err) => o.log.error({ err }, 'could not take due stock pushes')).finally(() => { pumping = null; void sleepUntilDue() })
  }

  const pump = async (): Promise<void> => {
    await ready
    do {
      again = false
      const room = o.concurrency - inFlight.size
      if (room <= 0 || stopped) return
      const now = o.clock.now()
      const pushes = await o.store.claimStockPushes(now, room, now + o.timeoutMs + LEASE_GRACE_MS)
      for (const push of pushes) start(push)
      if (pushes.length >= room) again = true
    } while (again && !stopped)
  }

  const start = (push: StockPush): void => {
    const key = `${push.shopId}\u0000${push.sku}`
    const controller = new AbortController()
    const done = send(push, controller)
      .catch((err) => o.log.error({ err, shopId: push.shopId, sku: push.sku }, 'could not record a stock push; it is tried again when its lease ends'))
      .finally(() => { inFlight.delete(key); wake() })
    inFlight.set(key, { controller, done })
  }

  const sleepUntilDue = async (): Promise<void> => {
    if (!o.timers || stopped) return
    const next = await o.store.nextStockPushAt()
    if (sleeper) clearTimeout(sleeper)
    sleeper = null
    if (next === null || stopped) return
    sleeper = setTimeout(wake, Math.min(MAX_SLEEP_MS, Math.max(0, next - o.clock.now())))
    sleeper.unref()
  }

  /** Sends one push and records how it went. */
  const send = async (push: StockPush, controller: AbortController): Promise<void> => {
    const attempt = push.attempts + 1
    const idempotencyKey = `stock:${push.shopId}:${push.sku}:${push.generation}`
    const started = performance.now()
    const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${o.timeoutMs} ms`, 'TimeoutError')), o.timeoutMs)
    timer.unref()
    let shop: ShopRecord | undefined
    const session = createPerformSession({
      node: { id: 'stock-sync', type: STOCK_SYNC_CONNECTOR }, runId: '', workflowId: '', config: {}, order: null, variables: {},
      idempotencyKey, attempt, signal: controller.signal, deadline: o.clock.now() + o.timeoutMs, now: () => o.clock.now(), fetch: o.fetch,
      secrets: { get: async (name) => { throw new PermanentError(`a stock push reads no secret (asked for "${name}")`) } },
      log: { info: (m, d) => o.log.info({ ...d, shopId: push.shopId, sku: push.sku }, m), warn: (m, d) => o.log.warn({ ...d, shopId: push.shopId, sku: push.sku }, m), error: (m, d) => o.log.error({ ...d, shopId: push.shopId, sku: push.sku }, m) },
    })
    let failure: unknown = null
    try {
      shop = await o.shops.get(push.shopId)
      if (!shop) throw new PlatformApiError('not-found', 'shop', `shop ${push.shopId} is not known: remove it from the SKU's listings or add the shop`)
      if (!shop.enabled) throw new PlatformApiError('invalid', 'shop-disabled', `shop ${push.shopId} is disabled: it takes no pushes`)
      const api = o.platformApi(shop.platform)
      if (!api) throw new PlatformApiError('invalid', 'no-client', `no open-API client for ${shop.platform} in this build`)
      const credentials = await o.shops.credentials(push.shopId)
      // Nothing a shop's credentials hold may reach the log, the error or the queue.
      session.redactor.addShopCredentials(credentials)
      const level = { sku: push.sku, quantity: push.quantity, ...(push.platformSkuId !== null ? { platformSkuId: push.platformSkuId } : {}) }
      const call = { shopId: push.shopId, credentials, http: session.ctx.http, now: () => o.clock.now(), signal: controller.signal }
      await Promise.race([
        api.updateStock(call, level),
        // A client that ignores its signal still ends its try at the deadline.
        new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true })),
      ])
    } catch (err) {
      failure = err
    } finally {
      clearTimeout(timer)
    }
    if (stopped && failure) return // shutting down: the lease ends, and the push goes again after the restart
    const now = o.clock.now()
    if (failure) session.failedAfterCalls(failure)
    const log = logEntries(session.calls, { idempotencyKey, attempt, now, platform: shop?.platform, tookMs: performance.now() - started, failure, redact: (t) => session.redactor.text(t) })
    const outcome: StockPushOutcome = { shopId: push.shopId, sku: push.sku, generation: push.generation, quantity: push.quantity, outcome: 'pushed', log }
    if (failure) {
      const error = session.redactor.text(failure instanceof Error ? failure.message : String(failure))
      const permanent = failure instanceof PlatformApiError ? PERMANENT_KINDS.has(failure.kind) : !describeFailure(failure).retryable
      if (permanent || attempt >= o.retry.maxAttempts) {
        outcome.outcome = 'failed'
        o.log.warn({ shopId: push.shopId, sku: push.sku, quantity: push.quantity, attempt, error }, 'stock push failed; it waits for the next level change or a sync')
      } else {
        outcome.outcome = 'retry'
        const backoff = retryDelay(o.retry, attempt, idempotencyKey)
        const retryAfter = failure instanceof PlatformApiError && failure.kind === 'throttled' ? failure.retryAfterMs ?? 0 : 0
        outcome.nextTryAt = now + Math.max(backoff, retryAfter)
      }
      outcome.error = error
    }
    await o.store.settleStockPushes([outcome], now)
    for (const e of log) {
      o.metrics?.outsideCalls.inc({ connector: e.connector, outcome: e.errorClass ?? 'ok' })
      o.metrics?.outsideCallSeconds.observe({ connector: e.connector }, e.latencyMs / 1000)
    }
  }

  const unsubscribe = o.store.onStockPushesQueued(wake)
  wake()

  return {
    wake,
    async pushDue() {
      for (;;) {
        wake()
        await pumping
        if (inFlight.size === 0) return
        await Promise.all([...inFlight.values()].map((f) => f.done))
      }
    },
    async stop() {
      stopped = true
      unsubscribe()
      if (sleeper) clearTimeout(sleeper)
      for (const f of inFlight.values()) f.controller.abort(new DOMException('Ordo is shutting down', 'AbortError'))
      await pumping
      await Promise.allSettled([...inFlight.values()].map((f) => f.done))
    },
  }
}

/** The integration log's rows for one push: the HTTP calls its client made, or one row for the whole try when it made none. */
function logEntries(
  calls: ReadonlyArray<{ endpoint: string; method?: string; statusCode?: number; latencyMs: number; errorClass?: string; error?: string }>,
  o: { idempotencyKey: string; attempt: number; now: number; platform: PlatformName | undefined; tookMs: number; failure: unknown; redact: (text: string) => string },
): IntegrationEntry[] {
  const base = { at: o.now, connector: STOCK_SYNC_CONNECTOR, attempt: o.attempt, idempotencyKey: o.idempotencyKey }
  if (calls.length > 0) {
    return calls.map((c) => ({
      ...base, endpoint: c.endpoint, latencyMs: c.latencyMs, ...(c.method ? { method: c.method } : {}), ...(c.statusCode !== undefined ? { statusCode: c.statusCode } : {}),
      ...(c.errorClass ? { errorClass: c.errorClass } : {}), ...(c.error ? { error: c.error } : {}),
    }))
  }
  const failure = o.failure ? describeFailure(o.failure) : null
  const errorClass = o.failure instanceof PlatformApiError ? platformErrorClass(o.failure) : failure?.errorClass
  return [{
    ...base, endpoint: `${o.platform ?? 'platform'}:updateStock`, latencyMs: Math.round(o.tookMs),
    ...(failure ? { errorClass, error: o.redact(failure.message) } : {}), ...(failure?.status ? { statusCode: failure.status } : {}),
  }]
}

/** How the integration log counts a platform's refusal. */
function platformErrorClass(err: PlatformApiError): string {
  switch (err.kind) {
    case 'session-expired': return 'auth'
    case 'throttled': case 'invalid': case 'not-found': return '4xx'
    case 'unavailable': return '5xx'
  }
}
