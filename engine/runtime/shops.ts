/**
 * The shops service: the ShopDirectory over the store and the secret vault, and each shop's inbox.
 * A push or a long-connection message is committed to the inbox before the platform is answered;
 * a background worker then reads it with the platform's adapter, fetches the details a push only
 * names through the platform's open API, and ingests the orders. Nothing acknowledged is lost: a
 * row still 'received' after a crash is worked off on the next start, a failing fetch is tried
 * again with backoff, and an unreadable body stays for a replay once the adapter is fixed.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { PlatformName, PulledOrderRef, PushHeaders, PushReading } from '../../connectors/platforms/adapter.ts'
import { platformAdapter } from '../../connectors/platforms/index.ts'
import { PlatformApiError, type PlatformApi, type ShopCall } from '../../connectors/platforms/platform-api.ts'
import { createPerformSession } from '../../connectors/sdk/perform-runtime.ts'
import type { OrderInput } from '../../schemas/generated/order-input.ts'
import type { ShopPlatform, ShopPushStatus } from '../../schemas/generated/shop.ts'
import { ajv, toErrorDetails, type ErrorDetail } from '../../schemas/index.ts'
import { NotFoundError, type IngestResult, type IntegrationEntry, type ShopHealthCounts, type ShopHealthDelta, type ShopPushRow, type ShopRow, type Store } from '../store/store.ts'
import { newId } from './ids.ts'
import type { EngineLogger, OrderEngine } from './order-engine.ts'
import type { ShopDirectory, ShopHealthEvent, ShopRecord, ShopSource } from './shop-directory.ts'

/** Finds the open-API client of a platform (connectors/platforms/api/), or undefined when it has none. */
import { ShopPullRefused, type PullSummary } from './shop-puller.ts'
import { parseRetryPolicy, retryDelay } from '../core/retry-policy.ts'

/** How a push that could not be processed is tried again: 5 s doubling to an hour, twelve tries (about six hours), then failed and kept for a replay. */
export const SHOP_PUSH_RETRY = parseRetryPolicy({ maxAttempts: 12, initialInterval: 'PT5S', backoffRate: 2, maxInterval: 'PT1H', jitter: 0.2 })

export type PlatformApiLookup = (platform: PlatformName) => PlatformApi | undefined

export interface ShopServiceOptions {
  engine: OrderEngine
  platformApi?: PlatformApiLookup
  log?: EngineLogger
  /** Work the inbox off on the wall clock (the server); tests call `drain()` instead. */
  autoRun?: boolean
  /** The longest the worker sleeps between looks at the inbox when no push wakes it (ms; it wakes for a due retry sooner). */
  pollMs?: number
  /** First wait after a failed try (ms; doubles per try, up to `retryMaxMs`): SHOP_PUSH_RETRY's unless given. */
  retryBaseMs?: number
  retryMaxMs?: number
  /** The window the health's counts and error rate cover (ms). */
  healthWindowMs?: number
  /** Replaces the global fetch for the platform clients (tests). */
  fetch?: typeof fetch
}

/** Headers a push keeps beside its body: what tells pushes apart and what they are about, never a signature. */
const KEPT_HEADERS = [
  'content-type', 'user-agent',
  'x-shopify-topic', 'x-shopify-webhook-id', 'x-shopify-event-id', 'x-shopify-shop-domain', 'x-shopify-triggered-at', 'x-shopify-api-version',
  'x-wc-webhook-topic', 'x-wc-webhook-resource', 'x-wc-webhook-event', 'x-wc-webhook-id', 'x-wc-webhook-delivery-id', 'x-wc-webhook-source',
  'app-id', 'msg-type',
] as const

/** The header each platform names a delivery by (the same across the platform's retries of it). */
const DELIVERY_ID_HEADERS: Partial<Record<PlatformName, string>> = {
  shopify: 'x-shopify-webhook-id',
  woocommerce: 'x-wc-webhook-delivery-id',
}

/** How many pushes one worker round takes at once (their ingests share group commits). */
const BATCH = 64
/** How long one detail fetch may take. */
const FETCH_TIMEOUT_MS = 30_000

/** What taking a push came to, for the webhook's answer. */
export type PushReceipt =
  | { kind: 'not-found'; reason: string }
  | { kind: 'unauthorized'; reason: string }
  | { kind: 'unreadable'; pushId: number; duplicate: boolean; details: ErrorDetail[] }
  | { kind: 'taken'; pushId: number; duplicate: boolean; ping: boolean }

/** One try at a push: how it ended, the orders it ingested and what could not be read. */
export interface PushAttempt {
  status: ShopPushStatus
  error: string | null
  nextTryAt: number | null
  results: IngestResult[]
  details: ErrorDetail[]
}

/** A shop's health as the API shows it, in epoch ms. */
export interface ShopHealthReport {
  lastPushAt: number | null
  lastMessageAt: number | null
  lastPullAt: number | null
  lagMs: number | null
  lastError: { at: number; message: string; code?: string } | null
  windowMs: number
  counts: ShopHealthCounts
}

/** Credentials refused, each by its JSON pointer under `/credentials`; empty when they are the platform's. */
export function credentialProblems(platform: ShopPlatform, credentials: unknown): ErrorDetail[] {
  const validate = ajv.getSchema(`https://ordo.dev/schemas/shop.schema.json#/definitions/${platform}Credentials`)
  if (!validate) return [{ pointer: '/platform', reason: `is not a platform Ordo keeps shops of` }]
  return validate(credentials) ? [] : toErrorDetails(validate.errors, '/credentials')
}

/** The shops of one Ordo, their credentials and their inboxes. */
export class ShopService implements ShopDirectory {
  private readonly store: Store
  private readonly credentialCache = new Map<string, Record<string, string>>()
  private readonly log: EngineLogger
  private readonly abort = new AbortController()
  private timer: NodeJS.Timeout | null = null
  private round: Promise<void> | null = null
  private again = false
  private stopped = false

  private readonly changeListeners = new Set<() => void>()
  private pullHook: ((shopId: string) => Promise<PullSummary>) | null = null

  /** Calls `listener` after a shop is created, changed or deleted (message channels reopen, say); returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener)
    return () => { this.changeListeners.delete(listener) }
  }

  private changed(): void {
    for (const listener of this.changeListeners) {
      try { listener() } catch (err) { this.log.error({ err }, 'a shop change listener failed') }
    }
  }

  /** Lets `POST /api/shops/:id/pull` pull now, through the process's shop puller. */
  attachPuller(pull: (shopId: string) => Promise<PullSummary>): void {
    this.pullHook = pull
  }

  /** Pulls a shop's changed orders now; ShopPullRefused when this process pulls no shops. */
  async pullNow(shopId: string): Promise<PullSummary> {
    if (!this.pullHook) throw new ShopPullRefused('this Ordo does not pull shops (no shop puller is running)')
    return this.pullHook(shopId)
  }

  constructor(private readonly o: ShopServiceOptions) {
    this.store = o.engine.store
    this.log = o.log ?? { error() {}, warn() {}, info() {} }
  }

  private get now(): number { return this.o.engine.clock.now() }
  private get windowMs(): number { return this.o.healthWindowMs ?? 3_600_000 }

  // The directory

  async list(): Promise<ShopRecord[]> {
    return (await this.store.listShops()).map(record)
  }

  async get(shopId: string): Promise<ShopRecord | undefined> {
    const row = await this.store.getShop(shopId)
    return row ? record(row) : undefined
  }

  async credentials(shopId: string): Promise<Record<string, string>> {
    const cached = this.credentialCache.get(shopId)
    if (cached) return cached
    const row = await this.store.getShop(shopId)
    if (!row) throw new NotFoundError(`shop ${shopId} not found`)
    const credentials = JSON.parse(this.o.engine.secrets.openFor(sealLabel(shopId), row.sealedCredentials)) as Record<string, string>
    this.credentialCache.set(shopId, credentials)
    return credentials
  }

  async ingestDetails(shopId: string, details: string[], source: ShopSource): Promise<IngestResult[]> {
    const shop = await this.requireShop(shopId)
    const read = readDetails(shop.platform, details)
    const now = this.now
    const error = read.problems.length ? { message: `${read.problems.length} of ${details.length} order details could not be read: ${describeDetails(read.problems)}` } : undefined
    if (error) this.log.warn({ shopId, problems: read.problems }, 'order details the shop brought could not be read; skipped')
    const results = read.orders.length ? await this.o.engine.ingest(read.orders.map((input) => ({ input })), sourceOf(shopId, source)) : []
    await this.store.recordShopHealth(shopId, { at: now, events: details.length, errors: read.problems.length, ...(error ? { error } : {}) })
    return results
  }

  recordHealth(shopId: string, event: ShopHealthEvent): void {
    const delta: ShopHealthDelta = event.kind === 'push' ? { at: event.at, lastPushAt: event.at }
      : event.kind === 'message' ? { at: event.at, lastMessageAt: event.at }
        : event.kind === 'pull-ok' ? { at: event.at, events: 1, lastPullAt: event.at, lagMs: Math.max(0, Math.round(event.lagMs)) }
          : { at: event.at, events: 1, errors: 1, error: { message: event.error, ...(event.code ? { code: event.code } : {}) } }
    this.store.recordShopHealth(shopId, delta).catch((err: unknown) => this.log.error({ err, shopId }, 'could not record a shop\'s health'))
  }

  /** The shops whose sealed credentials this process's secret key cannot open (a changed ORDO_SECRET_KEY), by name. */
  async unreadableCredentials(): Promise<Array<{ id: string; name: string }>> {
    const out: Array<{ id: string; name: string }> = []
    for (const row of await this.store.listShops()) {
      try { this.o.engine.secrets.openFor(sealLabel(row.id), row.sealedCredentials) } catch { out.push({ id: row.id, name: row.name }) }
    }
    return out
  }

  // Administration (the routes check roles and shapes)

  async create(input: { platform: ShopPlatform; name: string; credentials: Record<string, string> }): Promise<ShopRow> {
    const id = newId('shop', this.now)
    const sealedCredentials = this.o.engine.secrets.sealFor(sealLabel(id), JSON.stringify(input.credentials))
    const row = await this.store.createShop({ id, platform: input.platform, name: input.name, enabled: true, sealedCredentials }, this.now)
    this.changed()
    return row
  }

  async update(shopId: string, change: { name?: string; enabled?: boolean; credentials?: Record<string, string> }): Promise<ShopRow | null> {
    const sealedCredentials = change.credentials ? this.o.engine.secrets.sealFor(sealLabel(shopId), JSON.stringify(change.credentials)) : undefined
    const row = await this.store.updateShop(shopId, { name: change.name, enabled: change.enabled, sealedCredentials }, this.now)
    this.credentialCache.delete(shopId)
    if (row) this.changed()
    return row
  }

  async delete(shopId: string): Promise<boolean> {
    this.credentialCache.delete(shopId)
    const deleted = await this.store.deleteShop(shopId, this.now)
    if (deleted) this.changed()
    return deleted
  }

  /** Health of each shop: what its row keeps, and the counts of the recent window. */
  async health(shops: readonly ShopRow[]): Promise<Map<string, ShopHealthReport>> {
    const counts = await this.store.shopHealthCounts(shops.map((s) => s.id), this.now - this.windowMs)
    return new Map(shops.map((s) => [s.id, { ...s.health, windowMs: this.windowMs, counts: counts.get(s.id)! }]))
  }

  // The inbox

  /**
   * Takes an HTTP push for a shop: checks the platform and the shop, then the signature over the
   * raw bytes, then keeps the push (durably, once per dedupe key) before anything is answered.
   */
  async receivePush(platform: string, shopId: string, rawBody: Buffer, headers: PushHeaders): Promise<PushReceipt> {
    const adapter = platformAdapter(platform)
    if (!adapter) return { kind: 'not-found', reason: `no platform ${platform}` }
    if (!adapter.verifyPush || !adapter.readPush) return { kind: 'not-found', reason: `${platform} does not push over HTTP (its messages come over a long connection)` }
    const shop = await this.store.getShop(shopId)
    // One answer for a shop that is not there, is another platform's or is disabled: a push learns nothing about the others.
    if (!shop || shop.platform !== platform || !shop.enabled) return { kind: 'not-found', reason: `no enabled ${platform} shop ${shopId}` }
    const now = this.now
    const verdict = adapter.verifyPush(rawBody, headers, await this.credentials(shopId))
    if (!verdict.ok) {
      this.log.warn({ shopId, platform, bytes: rawBody.length, reason: verdict.reason }, 'push refused: its signature is missing or wrong')
      await this.store.recordShopHealth(shopId, { at: now, rejected: 1 })
      this.o.engine.metrics.shopPushes.inc({ platform, outcome: 'refused' })
      return { kind: 'unauthorized', reason: verdict.reason }
    }
    const reading = readSafely(adapter.readPush, rawBody, (err) => this.log.error({ err, shopId, platform }, 'the adapter failed reading a push; it is kept and tried again later'))
    const details = reading && !reading.ok ? reading.details : null
    const status: ShopPushStatus = details ? 'unreadable' : reading?.ok && reading.push.kind === 'ping' ? 'ignored' : 'received'
    const taken = await this.store.insertShopPush({
      shopId, kind: 'push', dedupeKey: dedupeKeyOf(shop.platform, rawBody, headers), body: rawBody, headers: keptHeaders(headers),
      receivedAt: now, status, error: details ? describeDetails(details) : null,
    })
    // A redelivery still shows the platform reaches Ordo; only a new push is counted.
    await this.store.recordShopHealth(shopId, {
      at: now, lastPushAt: now,
      ...(details && !taken.duplicate ? { events: 1, errors: 1, error: { message: `push ${taken.id} could not be read: ${describeDetails(details)}` } } : {}),
    })
    if (!taken.duplicate && status === 'received') this.kick()
    const outcome = taken.duplicate ? 'duplicate' : status === 'unreadable' ? 'unreadable' : status === 'ignored' ? 'ping' : 'taken'
    this.o.engine.metrics.shopPushes.inc({ platform, outcome })
    if (details) return { kind: 'unreadable', pushId: taken.id, duplicate: taken.duplicate, details }
    return { kind: 'taken', pushId: taken.id, duplicate: taken.duplicate, ping: status === 'ignored' }
  }

  /**
   * Keeps orders a long connection named (Taobao TMC, Pinduoduo, JD messages) in the shop's inbox,
   * durably; the channel acknowledges the platform once this resolves. Their details are fetched
   * and ingested in the background. The same refs again are fetched again: a detail ingested twice
   * is one change.
   */
  async acceptRefs(shopId: string, refs: PulledOrderRef[]): Promise<void> {
    const shop = await this.requireShop(shopId)
    if (refs.length === 0) return
    const body = Buffer.from(JSON.stringify(refs.map((r) => ({ platformOrderId: r.platformOrderId, event: r.event }))))
    const now = this.now
    await this.store.insertShopPush({ shopId, kind: 'message', dedupeKey: `message:${randomUUID()}`, body, headers: {}, receivedAt: now, status: 'received' })
    await this.store.recordShopHealth(shopId, { at: now, lastMessageAt: now })
    this.o.engine.metrics.shopPushes.inc({ platform: shop.platform, outcome: 'taken' })
    this.kick()
  }

  /** Processes a stored push again from its raw body (after an adapter fix), whatever its status; answers how it went. */
  async replay(shopId: string, pushId: number): Promise<{ attempt: PushAttempt; push: ShopPushRow }> {
    const row = await this.store.getShopPush(shopId, pushId)
    if (!row) throw new NotFoundError(`shop ${shopId} has no push ${pushId}`)
    const attempt = await this.attempt(row, 'replay')
    return { attempt, push: (await this.store.getShopPush(shopId, pushId))! }
  }

  /** Works off what is left from before a restart, and (with autoRun) keeps polling. */
  async start(): Promise<void> {
    this.kick()
  }

  /** Stops taking work and waits for the round in flight. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.abort.abort(new Error('Ordo is shutting down'))
    await this.round
  }

  /** Processes every push due now (tests; the server's worker does it on its own). */
  async drain(): Promise<void> {
    while (this.round) await this.round
    this.round = this.work()
    await this.round
  }

  /** Starts a round now, or right after the one in flight. */
  private kick(): void {
    if (this.stopped || !this.o.autoRun) return
    if (this.round) { this.again = true; return }
    this.round = this.work()
  }

  private async work(): Promise<void> {
    try {
      do {
        this.again = false
        for (let batches = 0; batches < 100 && !this.stopped; batches++) {
          const due = await this.store.dueShopPushes(this.now, BATCH)
          if (due.length === 0) break
          await Promise.all(due.map((row) => this.attempt(row, row.kind === 'message' ? 'message' : 'push').catch(async (err: unknown) => {
            // Something this build did not foresee (a key that no longer opens the credentials): try again later, not in a hot loop.
            this.log.error({ err, pushId: row.id, shopId: row.shopId }, 'could not process a push; it is tried again later')
            const error = `could not process: ${err instanceof Error ? err.message : String(err)}`
            await this.store.settleShopPush(row.id, this.withinTries(row, { ...done('received', error), nextTryAt: this.retryAt(row) }), [], this.now)
              .catch((again: unknown) => this.log.error({ err: again, pushId: row.id }, 'could not record a failed try at a push'))
          })))
          if (due.length < BATCH) break
        }
      } while (this.again && !this.stopped)
    } finally {
      this.round = null
      this.sleepUntilDue().catch((err: unknown) => this.log.error({ err }, 'could not read when the next push is due; the inbox is looked at again soon'))
    }
  }

  /** Sleeps until the next push is due (a retry), at most `pollMs`: a new push wakes the worker at once. */
  private async sleepUntilDue(): Promise<void> {
    if (!this.o.autoRun || this.stopped) return
    const idleMs = this.o.pollMs ?? 10_000
    let wait = idleMs
    try {
      const next = await this.store.nextShopPushAt()
      // Still due after a round (a settle that failed, a round cut short): a short pause, not a hot loop.
      if (next !== null) wait = Math.min(idleMs, Math.max(50, next - this.now))
    } finally {
      if (this.timer) clearTimeout(this.timer)
      if (!this.stopped) {
        this.timer = setTimeout(() => this.kick(), wait)
        this.timer.unref()
      }
    }
  }

  /** One try at a push: read it, fetch what it only names, ingest, and record how it went. */
  private async attempt(row: ShopPushRow, source: ShopSource): Promise<PushAttempt> {
    const now = this.now
    const calls: IntegrationEntry[] = []
    const shop = await this.store.getShop(row.shopId)
    const attempt = this.withinTries(row, shop ? await this.process(shop, row, source, calls) : done('failed', `shop ${row.shopId} is deleted`))
    await this.store.settleShopPush(row.id, attempt, calls, now)
    const failed = attempt.status === 'failed' || attempt.status === 'unreadable' || attempt.error !== null
    if (shop) {
      await this.store.recordShopHealth(shop.id, {
        at: now, events: 1, errors: failed ? 1 : 0, ...(attempt.error ? { error: { message: `push ${row.id}: ${attempt.error}` } } : {}),
      })
    }
    return attempt
  }

  private async process(shop: ShopRow, row: ShopPushRow, source: ShopSource, calls: IntegrationEntry[]): Promise<PushAttempt> {
    const adapter = platformAdapter(shop.platform)!
    let orders: OrderInput[]
    let refs: PulledOrderRef[]
    if (row.kind === 'message') {
      refs = JSON.parse(row.body.toString('utf8')) as PulledOrderRef[]
      orders = []
    } else {
      if (!adapter.readPush) return done('failed', `${shop.platform} does not push over HTTP`)
      const reading = adapter.readPush(row.body)
      if (!reading.ok) return { ...done('unreadable', describeDetails(reading.details)), details: reading.details }
      if (reading.push.kind === 'ping') return done('ignored', null)
      orders = reading.push.kind === 'orders' ? reading.push.orders : []
      refs = reading.push.kind === 'pull' ? reading.push.orders : []
    }
    const fetched = refs.length ? await this.fetchDetails(shop, row, refs, calls) : { details: [], retry: null, failure: null }
    const read = readDetails(shop.platform, fetched.details)
    orders.push(...read.orders)
    let results: IngestResult[] = []
    try {
      if (orders.length) results = await this.o.engine.ingest(orders.map((input) => ({ input })), sourceOf(shop.id, source))
    } catch (err) {
      return { ...done('received', `could not ingest: ${(err as Error).message}`), nextTryAt: this.retryAt(row) }
    }
    if (fetched.retry) return { ...done('received', fetched.retry.error), nextTryAt: fetched.retry.at, results }
    if (read.problems.length) return { ...done('failed', `order details could not be read: ${describeDetails(read.problems)}`), results, details: read.problems }
    if (fetched.failure) return { ...done('failed', fetched.failure), results }
    return { ...done('processed', null), results }
  }

  /** The details of the orders a push names, fetched from the platform; what failed, to try again or not. */
  private async fetchDetails(shop: ShopRow, row: ShopPushRow, refs: readonly PulledOrderRef[], calls: IntegrationEntry[]) {
    const details: string[] = []
    const api = this.o.platformApi?.(shop.platform)
    if (!api) return { details, retry: { at: this.retryAt(row), error: `no open-API client for ${shop.platform} to fetch the order details with` }, failure: null }
    const credentials = await this.credentials(shop.id)
    const now = this.now
    const idempotencyKey = `shop-push:${row.id}`
    const session = createPerformSession({
      node: { id: 'shop-inbox', type: `platform.${shop.platform}` }, runId: '', workflowId: '', config: {}, order: null, variables: {},
      idempotencyKey, attempt: row.attempts + 1, signal: this.abort.signal, deadline: now + FETCH_TIMEOUT_MS, now: () => this.now,
      secrets: { get: async (name) => credentials[name] ?? '' }, log: connectorLog(this.log, shop.id), fetch: this.o.fetch,
    })
    session.redactor.addShopCredentials(credentials)
    const call: ShopCall<unknown> = { shopId: shop.id, credentials, http: session.ctx.http, now: () => this.now, signal: this.abort.signal }
    let retry: { at: number; error: string } | null = null
    const failures: string[] = []
    for (const platformOrderId of new Set(refs.map((r) => r.platformOrderId))) {
      try {
        details.push(await api.fetchOrder(call, platformOrderId))
      } catch (err) {
        const message = session.redactor.text(err instanceof Error ? err.message : String(err))
        if (err instanceof PlatformApiError && (err.kind === 'not-found' || err.kind === 'invalid')) {
          failures.push(`order ${platformOrderId}: ${err.kind} (${err.code}) ${message}`)
          continue
        }
        const after = err instanceof PlatformApiError && err.retryAfterMs !== undefined ? now + err.retryAfterMs : 0
        const at = Math.max(this.retryAt(row), after)
        const kind = err instanceof PlatformApiError ? `${err.kind} (${err.code}) ` : ''
        retry = { at, error: `could not fetch order ${platformOrderId}: ${kind}${message}; trying again at ${new Date(at).toISOString()}` }
        // A platform that is throttling or down is not asked for the push's other orders now.
        break
      }
    }
    for (const c of session.calls) {
      calls.push({ at: now, connector: `platform.${shop.platform}`, endpoint: c.endpoint, method: c.method, statusCode: c.statusCode, latencyMs: c.latencyMs, errorClass: c.errorClass, error: c.error, attempt: row.attempts + 1, idempotencyKey })
    }
    return { details, retry, failure: failures.length ? failures.join('; ') : null }
  }

  /** When push `row` is tried again after its try number `attempts + 1` failed: backoff with jitter, so pushes that failed together do not retry together. */
  private retryAt(row: Pick<ShopPushRow, 'id' | 'attempts'>): number {
    const settings = { ...SHOP_PUSH_RETRY, initialIntervalMs: this.o.retryBaseMs ?? SHOP_PUSH_RETRY.initialIntervalMs, maxIntervalMs: this.o.retryMaxMs ?? SHOP_PUSH_RETRY.maxIntervalMs }
    return this.now + retryDelay(settings, row.attempts + 1, `shop-push:${row.id}`)
  }

  /** A try that would go again after the last one allowed: the push fails instead (kept, to replay once the cause is fixed). */
  private withinTries(row: ShopPushRow, attempt: PushAttempt): PushAttempt {
    if (attempt.status !== 'received' || row.attempts + 1 < SHOP_PUSH_RETRY.maxAttempts) return attempt
    return { ...attempt, status: 'failed', nextTryAt: null, error: `gave up after ${row.attempts + 1} tries: ${attempt.error}` }
  }

  private async requireShop(shopId: string): Promise<ShopRow> {
    const shop = await this.store.getShop(shopId)
    if (!shop) throw new NotFoundError(`shop ${shopId} not found`)
    return shop
  }
}

/**
 * A push read by the adapter. An adapter that throws (a bug, not bad input) must not lose a push the
 * signature vouched for: null, the push is kept to process, and the worker's tries and a replay follow.
 */
function readSafely(readPush: (raw: Buffer) => PushReading, rawBody: Buffer, failed: (err: unknown) => void): PushReading | null {
  try {
    return readPush(rawBody)
  } catch (err) {
    failed(err)
    return null
  }
}

function record(row: ShopRow): ShopRecord {
  return { id: row.id, platform: row.platform, name: row.name, createdAt: row.createdAt, enabled: row.enabled }
}

/** What the vault binds a shop's sealed credentials to, so they cannot be moved to another shop. */
function sealLabel(shopId: string): string {
  return `shop:${shopId}:credentials`
}

/** The source an order's history names: the shop and how the detail came. */
export function sourceOf(shopId: string, source: ShopSource): string {
  return `shop:${shopId}:${source}`
}

/** The platform's delivery id where it sends one, else the sha256 of the body. */
function dedupeKeyOf(platform: PlatformName, rawBody: Buffer, headers: PushHeaders): string {
  const header = DELIVERY_ID_HEADERS[platform]
  const id = header ? headers[header] : undefined
  if (typeof id === 'string' && id.trim() !== '') return `delivery:${id.trim().slice(0, 200)}`
  return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`
}

function keptHeaders(headers: PushHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of KEPT_HEADERS) {
    const value = headers[name]
    if (typeof value === 'string') out[name] = value.slice(0, 1000)
  }
  return out
}

/** Order details normalized with the platform's adapter, and where each unreadable one failed. */
function readDetails(platform: PlatformName, details: readonly string[]): { orders: OrderInput[]; problems: ErrorDetail[] } {
  const adapter = platformAdapter(platform)!
  const orders: OrderInput[] = []
  const problems: ErrorDetail[] = []
  details.forEach((detail, i) => {
    const read = adapter.normalize(detail)
    if (read.ok) orders.push(...read.orders)
    else for (const d of read.details) problems.push({ pointer: details.length > 1 ? `/${i}${d.pointer === '/' ? '' : d.pointer}` : d.pointer, reason: d.reason })
  })
  return { orders, problems }
}

/** The first details of a refusal, as one line (`/pointer reason; …`). */
export function describeDetails(details: readonly ErrorDetail[]): string {
  return details.slice(0, 5).map((d) => `${d.pointer} ${d.reason}`).join('; ')
}

function done(status: ShopPushStatus, error: string | null): PushAttempt {
  return { status, error, nextTryAt: null, results: [], details: [] }
}

function connectorLog(log: EngineLogger, shopId: string) {
  return {
    info: (m: string, d?: Record<string, unknown>) => log.info({ shopId, ...d }, m),
    warn: (m: string, d?: Record<string, unknown>) => log.warn({ shopId, ...d }, m),
    error: (m: string, d?: Record<string, unknown>) => log.error({ shopId, ...d }, m),
  }
}
