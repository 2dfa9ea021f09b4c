/**
 * Pulls every enabled shop's changed orders from its platform's open API, so that no order changed
 * between two polls is missed and none is taken in twice. Each shop has a durable cursor (how far
 * its orders are pulled through); a pull lists the window [cursor − overlap, now − settle] page by
 * page, fetches the details the listing leaves out, hands them to the shops' one way in (the engine
 * dedupes: the same detail twice is one change, an older one leaves the status), and only then
 * moves the cursor to the window's end. A crash in between repeats the window: at least once.
 *
 * Periodic work runs on the injected clock: `pullDue()` pulls the shops whose time has come (tests
 * move a manual clock and call it); `start()` calls it on a wall-clock loop.
 */
import { createHash } from 'node:crypto'
import type { Clock } from '../core/clock.ts'
import type { IntegrationEntry, Store } from '../store/store.ts'
import type { ShopDirectory, ShopRecord } from './shop-directory.ts'
import type { EngineLogger } from './run-executor.ts'
import type { PlatformName } from '../../connectors/platforms/adapter.ts'
import { PlatformApiError, type ChangedOrder, type PlatformApi, type ShopCall } from '../../connectors/platforms/platform-api.ts'
import type { CallRecord, HttpClient } from '../../connectors/sdk/perform.ts'
import { createPerformSession, Redactor } from '../../connectors/sdk/perform-runtime.ts'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/** How often a shop is pulled unless told otherwise. */
export const DEFAULT_PULL_INTERVAL_MS = MINUTE
/** A window starts this long before the last one ended: orders a platform indexes late are still seen. */
export const DEFAULT_PULL_OVERLAP_MS = 2 * MINUTE
/** A window ends this long before now: the platform's latest changes are still being written. */
export const DEFAULT_PULL_SETTLE_MS = 10 * SECOND
/** A shop's first pull looks back this far. */
export const DEFAULT_FIRST_LOOK_BACK_MS = 24 * HOUR
/** The first wait after a failed pull (doubling with each failure in a row), and the longest. */
export const PULL_BACKOFF_BASE_MS = 10 * SECOND
export const PULL_BACKOFF_MAX_MS = 15 * MINUTE

/**
 * The longest window a platform's changed-orders listing takes; longer windows are pulled as
 * several. Taobao taobao.trades.sold.increment.get: start and end modified within one day;
 * Pinduoduo pdd.order.number.list.increment.get: at most 30 minutes.
 */
export const PULL_WINDOW_CAPS_MS: Readonly<Partial<Record<PlatformName, number>>> = {
  taobao: 24 * HOUR,
  pinduoduo: 30 * MINUTE,
}

/**
 * How many times one window is walked at most. Listings page by offset: an order that changes while
 * a later page is read leaves the window and moves every order behind it up a place, so one may be
 * skipped. A window of more than one page is walked again until a walk brings nothing new.
 */
export const MAX_WALKS_PER_WINDOW = 4

/** Details fetched at once for one shop (listings that carry only ids). */
const DETAIL_CONCURRENCY = 4
/** Scheduled pulls at once (a slow shop holds one slot; the others go on). */
const SHOP_CONCURRENCY = 4
/** How long the calls of one pull may take together. */
const PULL_DEADLINE_MS = 10 * MINUTE

/** What one pull did: orders handed in (distinct), how many of them changed the pool, pages listed, and the window (ISO 8601). */
export interface PullSummary {
  shopId: string
  orders: number
  changed: number
  pages: number
  window: { from: string; to: string }
}

/** What a re-pull of named orders did; `notFound` are the ids the platform does not know. */
export interface RepullSummary {
  shopId: string
  orders: number
  changed: number
  notFound: string[]
}

/** A shop that cannot be pulled as asked: unknown, disabled, or its platform has no API client in this build. */
export class ShopPullRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ShopPullRefused'
  }
}

export interface ShopPullerOptions {
  store: Pick<Store, 'shopPullCursor' | 'saveShopPullCursor' | 'appendIntegrationLog'>
  directory: ShopDirectory
  /** The open-API client of a platform, or undefined when this build has none (its shops are not pulled). */
  platformApi(platform: PlatformName): PlatformApi | undefined
  clock: Clock
  log?: EngineLogger
  /** ms between a shop's pulls (default 60 s); `shopIntervalsMs` sets it per shop id. */
  intervalMs?: number
  shopIntervalsMs?: Readonly<Record<string, number>>
  overlapMs?: number
  settleMs?: number
  firstLookBackMs?: number
  /** Replaces PULL_WINDOW_CAPS_MS entries (tests, a platform that changed its limit). */
  windowCapsMs?: Readonly<Partial<Record<PlatformName, number>>>
  /**
   * The HTTP client a shop's calls go through, logging them itself; by default fetch with the pull's
   * deadline and abort signal, its calls written to the integration log as connector platform.pull-orders.
   */
  http?(shop: ShopRecord, signal: AbortSignal): HttpClient | undefined
  /** Replaces the global fetch of the default client (tests). */
  fetch?: typeof fetch
  /** How often `start()`'s wall-clock loop looks for due shops (default 1 s). */
  loopMs?: number
}

/** The connector name a pull's calls are logged under (the node that also pulls). */
export const PULL_CONNECTOR = 'platform.pull-orders'

/** One pull's call context and the calls it made (empty when the caller's client logs its own). */
interface ShopSession { call: ShopCall<Record<string, string>>; calls: CallRecord[] }

/** What the puller knows of one shop between pulls (in memory: a restart pulls every shop at once). */
interface ShopPullState {
  nextAt: number
  failures: number
  /** The fingerprint of the credentials the platform called expired: the shop waits until they change. */
  expiredCredentials?: string
  /** The pull of this shop in flight: pulls of one shop never overlap. */
  queue: Promise<unknown>
  /** Whether a scheduled pull of the shop is under way (later rounds leave it be). */
  scheduled: boolean
  /**
   * Changes taken in lately ("modifiedAt:id"), by modification time: the overlap lists them again,
   * and asking for their details again would spend the platform's quota for nothing.
   */
  taken: Map<string, number>
}

const silent: EngineLogger = { error() {}, warn() {}, info() {} }

/** Pulls the orders of every enabled shop. */
export class ShopPuller {
  private readonly states = new Map<string, ShopPullState>()
  private readonly log: EngineLogger
  private controller = new AbortController()
  private loop: NodeJS.Timeout | null = null
  private readonly rounds = new Set<Promise<void>>()
  private readonly slots = new Slots(SHOP_CONCURRENCY)

  constructor(private readonly o: ShopPullerOptions) {
    this.log = o.log ?? silent
  }

  /** Pulls due shops now and then on a wall-clock loop. */
  start(): void {
    if (this.loop) return
    if (this.controller.signal.aborted) this.controller = new AbortController()
    const round = () => { void this.pullDue().catch((err) => this.log.error({ err }, 'a round of shop pulls failed')) }
    this.loop = setInterval(round, this.o.loopMs ?? SECOND)
    this.loop.unref()
    round()
  }

  /** Stops the loop, aborts the pulls in flight (their windows are pulled again later) and waits for them. */
  async stop(): Promise<void> {
    if (this.loop) clearInterval(this.loop)
    this.loop = null
    this.controller.abort(new DOMException('Ordo is shutting down', 'AbortError'))
    await Promise.allSettled([...this.rounds, ...[...this.states.values()].map((s) => s.queue)])
  }

  /**
   * Pulls every enabled shop whose pull is due at the clock's now, and resolves when they are done.
   * Rounds may overlap: a shop whose pull is still under way is left to it.
   */
  pullDue(): Promise<void> {
    const round = this.pullDueShops()
    this.rounds.add(round)
    return round.finally(() => this.rounds.delete(round))
  }

  /** Pulls one shop now, whatever its schedule (a stopped shop too: its credentials may be fixed). */
  async pullNow(shopId: string): Promise<PullSummary> {
    const shop = await this.enabledShop(shopId)
    return this.exclusive(shop.id, () => this.pullShop(shop))
  }

  /** Fetches these orders' details now and hands them in (a stale order asked about again). */
  async repull(shopId: string, platformOrderIds: readonly string[]): Promise<RepullSummary> {
    const shop = await this.enabledShop(shopId)
    const api = this.apiOf(shop)
    let credentials: Record<string, string> = {}
    let session: ShopSession | undefined
    const notFound: string[] = []
    try {
      credentials = await this.o.directory.credentials(shop.id)
      session = await this.sessionFor(shop, credentials)
      const call = session.call
      const ids = [...new Set(platformOrderIds)]
      const details = await mapLimited(ids, DETAIL_CONCURRENCY, async (id) => {
        const detail = await fetchDetail(api, call, id)
        if (detail === null) notFound.push(id)
        return detail
      })
      const found = details.filter((d): d is string => d !== null)
      const results = found.length ? await this.o.directory.ingestDetails(shop.id, found, 'pull') : []
      return { shopId: shop.id, orders: results.length, changed: results.filter((r) => r.outcome !== 'unchanged').length, notFound }
    } catch (err) {
      throw this.failed(shop, err, credentials, false)
    } finally {
      await this.logCalls(shop, session, `repull:${shop.id}`)
    }
  }

  /**
   * Pulls now the enabled shops `select` names (every shop with a client when it names none), one
   * after another; a shop that cannot be pulled is reported with the reason, not thrown.
   */
  async pullShops(select: { platforms?: readonly PlatformName[]; shopIds?: readonly string[] } = {}): Promise<Array<PullSummary | { shopId: string; error: string }>> {
    const shops = await this.o.directory.list()
    const out: Array<PullSummary | { shopId: string; error: string }> = []
    // Named shops are pulled as named (an unknown or disabled one is reported); otherwise the enabled ones.
    const chosen = select.shopIds ?? shops
      .filter((s) => s.enabled && (select.platforms ? select.platforms.includes(s.platform) : this.o.platformApi(s.platform) !== undefined))
      .map((s) => s.id)
    for (const shopId of chosen) {
      try {
        out.push(await this.pullNow(shopId))
      } catch (err) {
        out.push({ shopId, error: err instanceof Error ? err.message : String(err) })
      }
    }
    return out
  }

  /**
   * Asks the enabled shops of `platform` for one order's detail now, until one has it, and hands it
   * in; the summary of the shop that had it, or `notFound` naming the order when none has it.
   */
  async repullOrder(platform: PlatformName, platformOrderId: string): Promise<RepullSummary> {
    const shops = (await this.o.directory.list()).filter((s) => s.enabled && s.platform === platform)
    if (shops.length === 0) throw new ShopPullRefused(`no enabled ${platform} shop to pull order ${platformOrderId} from`)
    let last: RepullSummary | undefined
    let refused: unknown
    for (const shop of shops) {
      try {
        last = await this.repull(shop.id, [platformOrderId])
      } catch (err) {
        // Another shop's order is often refused rather than not found: ask the next shop.
        if (!(err instanceof PlatformApiError && (err.kind === 'invalid' || err.kind === 'not-found'))) throw err
        refused = err
        continue
      }
      if (last.notFound.length === 0) return last
    }
    if (last) return last
    throw refused
  }

  private async pullDueShops(): Promise<void> {
    let shops: ShopRecord[]
    try {
      shops = await this.o.directory.list()
    } catch (err) {
      this.log.error({ err }, 'could not list the shops to pull; the next round tries again')
      return
    }
    const now = this.o.clock.now()
    const due = shops.filter((s) => s.enabled && !this.stateOf(s.id).scheduled && this.stateOf(s.id).nextAt <= now)
    for (const shop of due) this.stateOf(shop.id).scheduled = true
    await Promise.all(due.map((shop) => this.slots.run(() => this.pullIfDue(shop, now)).finally(() => { this.stateOf(shop.id).scheduled = false })))
  }

  private async pullIfDue(shop: ShopRecord, now: number): Promise<void> {
    if (this.controller.signal.aborted) return
    const state = this.stateOf(shop.id)
    if (!this.o.platformApi(shop.platform)) {
      state.nextAt = now + this.intervalOf(shop)
      return
    }
    if (state.expiredCredentials !== undefined) {
      // Asking the platform with the same expired session again only earns refusals.
      const fingerprint = await this.o.directory.credentials(shop.id).then(fingerprintOf, () => state.expiredCredentials)
      if (fingerprint === state.expiredCredentials) {
        state.nextAt = now + this.intervalOf(shop)
        return
      }
      state.expiredCredentials = undefined
    }
    // The failure is recorded in the shop's health and sets its next try: nothing more to do with it here.
    await this.exclusive(shop.id, () => this.pullShop(shop)).catch(() => {})
  }

  /** One pull of a shop: every window from its cursor to now − settle, each pulled whole before the cursor moves. */
  private async pullShop(shop: ShopRecord): Promise<PullSummary> {
    const state = this.stateOf(shop.id)
    const api = this.apiOf(shop)
    const startedAt = this.o.clock.now()
    let credentials: Record<string, string> = {}
    let session: ShopSession | undefined
    try {
      credentials = await this.o.directory.credentials(shop.id)
      session = await this.sessionFor(shop, credentials)
      const cursor = await this.o.store.shopPullCursor(shop.id)
      const to = startedAt - (this.o.settleMs ?? DEFAULT_PULL_SETTLE_MS)
      const from = cursor === null ? startedAt - (this.o.firstLookBackMs ?? DEFAULT_FIRST_LOOK_BACK_MS) : cursor - (this.o.overlapMs ?? DEFAULT_PULL_OVERLAP_MS)
      const ids = new Set<string>()
      let changed = 0
      let pages = 0
      for (const [key, at] of state.taken) if (at < from) state.taken.delete(key)
      for (const span of splitWindow(from, to, this.capOf(shop.platform))) {
        const pulled = await this.pullSpan(shop, api, session.call, span)
        for (const id of pulled.ids) ids.add(id)
        changed += pulled.changed
        pages += pulled.pages
        await this.o.store.saveShopPullCursor(shop.id, span.to, this.o.clock.now())
      }
      const end = Math.max(from, to)
      const now = this.o.clock.now()
      state.failures = 0
      state.expiredCredentials = undefined
      state.nextAt = now + this.intervalOf(shop)
      this.recordHealth(shop, { kind: 'pull-ok', at: now, lagMs: Math.max(0, now - end) })
      return { shopId: shop.id, orders: ids.size, changed, pages, window: { from: iso(from), to: iso(end) } }
    } catch (err) {
      throw this.failed(shop, err, credentials)
    } finally {
      await this.logCalls(shop, session, `pull:${shop.id}:${startedAt}`)
    }
  }

  /** Lists one window (walked again while a walk finds orders the one before skipped) and hands in what it finds. */
  private async pullSpan(shop: ShopRecord, api: PlatformApi, call: ShopCall<Record<string, string>>, span: { from: number; to: number }) {
    const seen = new Set<string>()
    const taken = this.stateOf(shop.id).taken
    const ids = new Set<string>()
    let changed = 0
    let pages = 0
    for (let walk = 1; ; walk++) {
      let fresh = 0
      let walkPages = 0
      let page: string | undefined
      do {
        if (this.controller.signal.aborted) throw this.controller.signal.reason
        const answer = await api.listChangedOrders(call, { from: span.from, to: span.to, ...(page !== undefined ? { page } : {}) })
        walkPages += 1
        // One change of an order is one (id, modification time): the same one on two pages is taken once.
        const todo: ChangedOrder[] = []
        for (const o of answer.orders) {
          const key = `${o.modifiedAt}:${o.platformOrderId}`
          if (seen.has(key)) continue
          seen.add(key)
          fresh += 1
          if (!taken.has(key)) todo.push(o)
        }
        const details = await mapLimited(todo, DETAIL_CONCURRENCY, (o) => o.detail !== undefined ? Promise.resolve(o.detail) : fetchDetail(api, call, o.platformOrderId))
        const found = details.filter((d): d is string => d !== null)
        if (found.length) {
          const results = await this.o.directory.ingestDetails(shop.id, found, 'pull')
          changed += results.filter((r) => r.outcome !== 'unchanged').length
        }
        // Only once they are in: a failed ingest leaves them to be asked for again.
        for (const o of todo) {
          ids.add(o.platformOrderId)
          taken.set(`${o.modifiedAt}:${o.platformOrderId}`, o.modifiedAt)
        }
        page = answer.nextPage
      } while (page !== undefined)
      pages += walkPages
      // A one-page walk read the window in one answer: nothing could move under it.
      if (walk === 1 ? walkPages <= 1 : fresh === 0) break
      if (walk >= MAX_WALKS_PER_WINDOW) {
        this.log.warn({ shopId: shop.id, platform: shop.platform, from: iso(span.from), to: iso(span.to), walks: walk }, 'orders kept moving while a pull window was listed; going on with what was found')
        break
      }
    }
    return { ids, changed, pages }
  }

  /**
   * Records a failed call against the shop and sets its next try; the error to throw, secrets taken
   * out. A failed re-pull of named orders (`cursorPull` false) moves the shop's next pull only when the
   * whole shop is refused (throttled, session expired): one order the platform will not give must not
   * hold back the shop's pulls.
   */
  private failed(shop: ShopRecord, err: unknown, credentials: Record<string, string>, cursorPull = true): Error {
    const state = this.stateOf(shop.id)
    const now = this.o.clock.now()
    const redactor = new Redactor()
    redactor.addShopCredentials(credentials)
    const message = redactor.text(err instanceof Error ? err.message : String(err))
    const shutdown = this.controller.signal.aborted
    if (shutdown) return err instanceof Error ? err : new Error(message)
    const shopWide = err instanceof PlatformApiError && (err.kind === 'throttled' || err.kind === 'session-expired')
    if (!cursorPull && !shopWide) {
      const code = err instanceof PlatformApiError ? err.code : undefined
      this.recordHealth(shop, { kind: 'pull-error', at: now, error: message, ...(code !== undefined ? { code } : {}) })
      return err instanceof PlatformApiError ? new PlatformApiError(err.kind, err.code, message, err.retryAfterMs) : new Error(message)
    }
    state.failures += 1
    const backoff = Math.min(PULL_BACKOFF_MAX_MS, PULL_BACKOFF_BASE_MS * 2 ** (state.failures - 1))
    let out: Error
    if (err instanceof PlatformApiError) {
      out = new PlatformApiError(err.kind, err.code, message, err.retryAfterMs)
      if (err.kind === 'session-expired') {
        state.expiredCredentials = fingerprintOf(credentials)
        state.nextAt = now + this.intervalOf(shop)
      } else {
        state.nextAt = now + (err.kind === 'throttled' && err.retryAfterMs !== undefined ? Math.max(0, err.retryAfterMs) : backoff)
      }
    } else {
      out = new Error(message)
      state.nextAt = now + backoff
    }
    const code = err instanceof PlatformApiError ? err.code : undefined
    this.recordHealth(shop, { kind: 'pull-error', at: now, error: message, ...(code !== undefined ? { code } : {}) })
    this.log.warn({ shopId: shop.id, platform: shop.platform, code, kind: err instanceof PlatformApiError ? err.kind : undefined, retryAt: iso(state.nextAt) },
      `pulling a shop's orders failed: ${message}`)
    return out
  }

  private recordHealth(shop: ShopRecord, event: Parameters<ShopDirectory['recordHealth']>[1]): void {
    try {
      this.o.directory.recordHealth(shop.id, event)
    } catch (err) {
      this.log.error({ err, shopId: shop.id }, 'could not record a shop\'s pull health')
    }
  }

  private async enabledShop(shopId: string): Promise<ShopRecord> {
    const shop = await this.o.directory.get(shopId)
    if (!shop) throw new ShopPullRefused(`no shop has the id ${shopId}`)
    if (!shop.enabled) throw new ShopPullRefused(`shop ${shopId} is disabled`)
    return shop
  }

  private apiOf(shop: ShopRecord): PlatformApi {
    const api = this.o.platformApi(shop.platform)
    if (!api) throw new ShopPullRefused(`this build has no ${shop.platform} API client to pull shop ${shop.id} with`)
    return api
  }

  /**
   * The call context of one pull or re-pull: the caller's HTTP client, or fetch with the pull's
   * deadline whose calls are kept for the integration log, every credential value redacted from them.
   */
  private async sessionFor(shop: ShopRecord, credentials: Record<string, string>): Promise<ShopSession> {
    const signal = this.controller.signal
    const now = () => this.o.clock.now()
    const own = this.o.http?.(shop, signal)
    if (own) return { call: { shopId: shop.id, credentials, http: own, now, signal }, calls: [] }
    const session = createPerformSession({
      node: { id: shop.id, type: PULL_CONNECTOR }, runId: `pull:${shop.id}`, workflowId: '', config: {}, order: null, variables: {},
      idempotencyKey: `pull:${shop.id}`, attempt: 1, signal, deadline: now() + PULL_DEADLINE_MS, now,
      secrets: { async get(name) { return credentials[name] ?? '' } },
      log: { info() {}, warn() {}, error() {} },
      ...(this.o.fetch ? { fetch: this.o.fetch } : {}),
    })
    // Read through the session, every credential is known to its redactor before any call is made.
    for (const name of Object.keys(credentials)) await session.ctx.secrets.get(name)
    return { call: { shopId: shop.id, credentials, http: session.ctx.http, now, signal }, calls: session.calls }
  }

  /** Writes a pull's calls to the integration log; a log that cannot be written never fails the pull. */
  private async logCalls(shop: ShopRecord, session: ShopSession | undefined, idempotencyKey: string): Promise<void> {
    if (!session || session.calls.length === 0) return
    const at = this.o.clock.now()
    const entries: IntegrationEntry[] = session.calls.map((c) => ({
      at, connector: PULL_CONNECTOR, endpoint: c.endpoint, ...(c.method ? { method: c.method } : {}), ...(c.statusCode !== undefined ? { statusCode: c.statusCode } : {}),
      latencyMs: c.latencyMs, ...(c.errorClass ? { errorClass: c.errorClass } : {}), ...(c.error ? { error: c.error } : {}), attempt: 1, idempotencyKey,
    }))
    try {
      await this.o.store.appendIntegrationLog(entries)
    } catch (err) {
      this.log.error({ err, shopId: shop.id }, 'could not log a pull\'s calls')
    }
  }

  private stateOf(shopId: string): ShopPullState {
    let state = this.states.get(shopId)
    if (!state) {
      state = { nextAt: Number.NEGATIVE_INFINITY, failures: 0, queue: Promise.resolve(), scheduled: false, taken: new Map() }
      this.states.set(shopId, state)
    }
    return state
  }

  private intervalOf(shop: ShopRecord): number {
    return this.o.shopIntervalsMs?.[shop.id] ?? this.o.intervalMs ?? DEFAULT_PULL_INTERVAL_MS
  }

  private capOf(platform: PlatformName): number | undefined {
    return this.o.windowCapsMs?.[platform] ?? PULL_WINDOW_CAPS_MS[platform]
  }

  /** Runs `work` after the shop's pull in flight, if any: a scheduled pull and one by hand never overlap. */
  private exclusive<T>(shopId: string, work: () => Promise<T>): Promise<T> {
    const state = this.stateOf(shopId)
    const result = state.queue.then(work, work)
    state.queue = result.catch(() => {})
    return result
  }
}

/** [from, to] as windows of at most `cap` ms, oldest first; none when the window is empty. */
export function splitWindow(from: number, to: number, cap?: number): Array<{ from: number; to: number }> {
  if (to <= from) return []
  if (!cap || cap <= 0) return [{ from, to }]
  const out: Array<{ from: number; to: number }> = []
  for (let start = from; start < to; start += cap) out.push({ from: start, to: Math.min(start + cap, to) })
  return out
}

/** The detail of an order, or null when the platform no longer knows it. */
async function fetchDetail(api: PlatformApi, call: ShopCall<Record<string, string>>, platformOrderId: string): Promise<string | null> {
  try {
    return await api.fetchOrder(call, platformOrderId)
  } catch (err) {
    if (err instanceof PlatformApiError && err.kind === 'not-found') return null
    throw err
  }
}

/** A digest of a shop's credentials: tells whether they changed without keeping them. */
function fingerprintOf(credentials: Record<string, string>): string {
  const sorted = Object.keys(credentials).sort().map((k) => [k, credentials[k]])
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex')
}

/** At most `size` tasks at once; the others wait their turn, first come first served. */
class Slots {
  private free: number
  private readonly waiting: Array<() => void> = []
  constructor(size: number) { this.free = size }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1
    else await new Promise<void>((resolve) => this.waiting.push(resolve))
    try {
      return await task()
    } finally {
      const next = this.waiting.shift()
      if (next) next()
      else this.free += 1
    }
  }
}

/** `fn` over `items`, at most `limit` at once, results in input order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}
