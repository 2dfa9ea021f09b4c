/**
 * The platform simulator: one local HTTP server that plays the order APIs of Taobao, JD, Pinduoduo,
 * Douyin, Shopify and WooCommerce as Ordo's clients call them, over orders it generates and moves
 * on (paid → shipped → completed, some refunds), and that pushes signed order webhooks to Ordo.
 * It records what Ordo tells it (ship notices, stock levels), so a test can check that a sale on one
 * platform reaches the other five as stock pushes. Faults on demand: latency, errors, timeouts,
 * throttling, duplicate and out-of-order deliveries.
 *
 *   const sim = await startSimulator({ pushTarget: 'http://127.0.0.1:3000' })
 *   sim.shops()       // credentials per platform, apiBaseUrl pointing at the simulator
 *   sim.sell('douyin', 'CUP-500-WHT', 2)
 *
 * Control API (JSON) under /_sim/: GET shops is not offered (credentials stay in process);
 * POST /_sim/orders {platform, sku?, quantity?, status?}, POST /_sim/sell {platform, sku, quantity},
 * POST /_sim/orders/:platform/:id/move {to}, GET /_sim/orders?platform=, GET /_sim/stock-updates,
 * GET /_sim/ship-notices, GET /_sim/pushes, GET /_sim/stock?platform=, POST /_sim/settings {…},
 * POST /_sim/tick.
 */
import { EventEmitter } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { PlatformName } from '../platforms/adapter.ts'
import { CATALOG, type SimOrder, type SimStatus } from './sim-orders.ts'
import { PLATFORM_ROUTES, type SimFault, type SimReply, type SimRequest } from './platform-routes.ts'
import { signedPush, type PushRecord } from './pushes.ts'
import { generateCredentials, PLATFORMS, SimState, type NewOrder, type OrderChanged, type ShipNoticeRecord, type SimCredentials, type StockUpdateRecord } from './sim-state.ts'

export type { OrderChanged, ShipNoticeRecord, StockUpdateRecord, PushRecord, SimCredentials, NewOrder }
export { CATALOG, PLATFORMS }

/** Faults the simulator plays, as shares of calls (0 to 1) and a delay. */
export interface SimSettings {
  /** Added to every API answer, ms. */
  latencyMs: number
  /** Calls answered with the platform's "service unavailable" error. */
  errorRate: number
  /** Calls never answered (the client's timeout ends them). */
  timeoutRate: number
  /** Calls answered with the platform's throttle error. */
  throttleRate: number
  /** Pushes delivered twice. */
  duplicateRate: number
  /** Pushes held back and delivered after the next one of the same shop. */
  outOfOrderRate: number
}

/** How orders move on by themselves (each `tick`). */
export interface SimLifecycle {
  /** New orders per hour per platform (0: only those asked for). */
  ordersPerHour: number
  /** A paid order ships this long after payment, unless Ordo's ship notice came first (null: never by itself). */
  shipAfterMs: number | null
  /** A shipped order is completed (the buyer confirms) this long after shipping (null: never). */
  completeAfterMs: number | null
  /** Share of paid orders whose buyer asks for a refund (refunded an hour later). */
  refundRate: number
}

export interface SimulatorOptions {
  port?: number
  host?: string
  /** The clock (UTC epoch ms); tests pass their own and call `tick()`. */
  now?: () => number
  /** The random seed: the same seed makes the same orders. */
  seed?: number
  /** Orders each platform starts with. */
  initialOrders?: number
  /** Where pushes go: Ordo's base URL (pushes are POST <pushTarget>/webhooks/:platform/:shopId); none when omitted. */
  pushTarget?: string
  /** The shop id each platform's pushes and events name (Ordo's shop id); `sim-<platform>` when omitted. */
  shopIds?: Partial<Record<PlatformName, string>>
  settings?: Partial<SimSettings>
  lifecycle?: Partial<SimLifecycle>
}

export interface Simulator {
  /** http://host:port */
  url: string
  server: Server
  /** 'order-changed' with an OrderChanged, for every change of every order. */
  events: EventEmitter
  /** Credentials per platform, as POST /api/shops takes them, apiBaseUrl pointing here. */
  shops(): Record<PlatformName, SimCredentials>
  /** A new order on a platform (paid unless said otherwise), with its push. */
  createOrder(input: NewOrder): SimOrder
  /** A buyer buys `quantity` of `sku` on `platform`: a paid order, and the platform's stock goes down. */
  sell(platform: PlatformName, sku: string, quantity: number): SimOrder
  /** Moves an order on by hand. */
  moveOrder(platform: PlatformName, platformOrderId: string, to: SimStatus): SimOrder
  order(platform: PlatformName, platformOrderId: string): SimOrder | undefined
  orders(platform?: PlatformName): SimOrder[]
  /** Sellable units of `sku` on `platform`. */
  stock(platform: PlatformName, sku: string): number
  stockUpdates(): StockUpdateRecord[]
  shipNotices(): ShipNoticeRecord[]
  pushes(): PushRecord[]
  /** Resolves when every push sent so far has been answered (held ones are sent first). */
  settled(): Promise<void>
  /** Moves orders on and makes new ones as the clock says (the CLI calls it every second). */
  tick(): void
  configure(settings: Partial<SimSettings>): void
  /** The next `count` API calls to `platform` meet `fault`, whatever the rates say. */
  failNext(platform: PlatformName, fault: SimFault | 'timeout', count?: number): void
  /** The shop's session expires (every call refused as such) or is authorized again. */
  expireSession(platform: PlatformName, expired?: boolean): void
  /** Sends pushes to `baseUrl` from now on (null: none), naming the shops by `shopIds`. */
  setPushTarget(baseUrl: string | null, shopIds?: Partial<Record<PlatformName, string>>): void
  stop(): Promise<void>
}

const DEFAULT_SETTINGS: SimSettings = { latencyMs: 0, errorRate: 0, timeoutRate: 0, throttleRate: 0, duplicateRate: 0, outOfOrderRate: 0 }
const DEFAULT_LIFECYCLE: SimLifecycle = { ordersPerHour: 0, shipAfterMs: 6 * 3600_000, completeAfterMs: 3 * 24 * 3600_000, refundRate: 0.05 }
const MAX_BODY = 1024 * 1024

/** Starts the simulator on a free loopback port unless told otherwise. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const now = options.now ?? (() => Date.now())
  const state = new SimState(now, options.seed ?? 20261111)
  let settings: SimSettings = { ...DEFAULT_SETTINGS, ...options.settings }
  const lifecycle: SimLifecycle = { ...DEFAULT_LIFECYCLE, ...options.lifecycle }
  const forced = new Map<PlatformName, Array<SimFault | 'timeout'>>()
  let pushTarget = options.pushTarget?.replace(/\/+$/, '') ?? null
  const pushLog: PushRecord[] = []
  const inFlight = new Set<Promise<void>>()
  const held = new Map<PlatformName, Array<() => Promise<void>>>()
  const refundAsked = new Set<string>()
  let lastTick = now()
  let orderDebt = 0

  const server = createServer((req, res) => { void serve(req, res) })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`
  for (const platform of PLATFORMS) state.addShop(platform, options.shopIds?.[platform] ?? `sim-${platform}`, generateCredentials(platform, url))

  // ---- pushes ----
  // A push is written when the change happens (a snapshot of the order then), so one held back and
  // delivered late carries an older state than the one delivered before it.
  const deliver = (change: OrderChanged, late: boolean, duplicate: boolean) => {
    const order = state.order(change.platform, change.platformOrderId)
    const shop = state.shop(change.platform)
    const push = order && signedPush(change.platform, order, change.event, shop.credentials)
    const target = `${pushTarget}/webhooks/${change.platform}/${encodeURIComponent(shop.shopId)}`
    return async () => {
      if (!push) return
      const record: PushRecord = { platform: change.platform, shopId: shop.shopId, platformOrderId: change.platformOrderId, event: change.event, url: target, status: 0, duplicate, late }
      pushLog.push(record)
      try {
        const answer = await fetch(target, { method: 'POST', headers: push.headers, body: push.body, signal: AbortSignal.timeout(15_000) })
        await answer.arrayBuffer()
        record.status = answer.status
      } catch (err) {
        record.error = (err as Error).message
      }
    }
  }
  // One shop's pushes go out one after the other, so the order they are sent in is the order they arrive in.
  const chains = new Map<PlatformName, Promise<void>>()
  const send = (platform: PlatformName, job: () => Promise<void>) => {
    const p = (chains.get(platform) ?? Promise.resolve()).then(job)
    chains.set(platform, p)
    inFlight.add(p)
    void p.finally(() => inFlight.delete(p))
  }
  state.events.on('order-changed', (change: OrderChanged) => {
    if (!pushTarget || !['shopify', 'woocommerce', 'douyin'].includes(change.platform)) return
    if (state.random.chance(settings.outOfOrderRate)) {
      held.set(change.platform, [...(held.get(change.platform) ?? []), deliver(change, true, false)])
      return
    }
    send(change.platform, deliver(change, false, false))
    if (state.random.chance(settings.duplicateRate)) send(change.platform, deliver(change, false, true))
    for (const late of held.get(change.platform) ?? []) send(change.platform, late)
    held.delete(change.platform)
  })

  // ---- API ----
  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    let size = 0
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length
        if (size > MAX_BODY) return reply(res, { status: 413, body: JSON.stringify({ error: 'body too large' }) })
        chunks.push(chunk)
      }
    } catch {
      return
    }
    const parsed = new URL(req.url ?? '/', 'http://simulator')
    const request: SimRequest = { method: req.method ?? 'GET', path: parsed.pathname, query: parsed.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
    try {
      if (request.path.startsWith('/_sim/')) return reply(res, control(request))
      const routes = PLATFORM_ROUTES.find((r) => r.matches(request.path))
      if (!routes) return reply(res, { status: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: `no platform API at ${request.path}` }) })
      const shop = state.shop(routes.platform)
      const refusal = routes.authenticate(request, shop)
      if (refusal) return reply(res, refusal)
      const fault = forced.get(routes.platform)?.shift()
        ?? (state.random.chance(settings.timeoutRate) ? 'timeout' : state.random.chance(settings.throttleRate) ? 'throttled' : state.random.chance(settings.errorRate) ? 'error' : undefined)
      if (settings.latencyMs > 0) await sleep(settings.latencyMs)
      if (fault === 'timeout') return // never answered: the caller's deadline ends it (stop() closes the socket)
      if (fault) return reply(res, routes.refuse(fault, request))
      if (shop.sessionExpired) return reply(res, routes.refuse('session-expired', request))
      return reply(res, routes.handle(request, state))
    } catch (err) {
      const status = err instanceof SyntaxError || err instanceof RangeError ? 400 : 500
      return reply(res, { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: (err as Error).message }) })
    }
  }

  function control(req: SimRequest): SimReply {
    const ok = (value: unknown, status = 200): SimReply => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) })
    const body = req.body ? JSON.parse(req.body) as Record<string, unknown> : {}
    const platformOf = (value: unknown): PlatformName => {
      if (!PLATFORMS.includes(value as PlatformName)) throw new RangeError(`platform must be one of ${PLATFORMS.join(', ')}`)
      return value as PlatformName
    }
    const summary = (o: SimOrder) => ({ platform: o.platform, shopId: o.shopId, platformOrderId: o.platformOrderId, status: o.status, updatedAt: new Date(o.updatedAt).toISOString(), revision: o.revision })
    const route = `${req.method} ${req.path}`
    let m: RegExpExecArray | null
    if (route === 'POST /_sim/orders') {
      const o = sim.createOrder({ platform: platformOf(body.platform), sku: body.sku as string | undefined, quantity: body.quantity as number | undefined, status: body.status as NewOrder['status'] })
      return ok(summary(o), 201)
    }
    if (route === 'POST /_sim/sell') return ok(summary(sim.sell(platformOf(body.platform), String(body.sku), Number(body.quantity ?? 1))), 201)
    if (req.method === 'POST' && (m = /^\/_sim\/orders\/([a-z]+)\/([^/]+)\/move$/.exec(req.path))) return ok(summary(sim.moveOrder(platformOf(m[1]), decodeURIComponent(m[2]!), body.to as SimStatus)))
    if (route === 'GET /_sim/orders') return ok({ orders: sim.orders(req.query.get('platform') ? platformOf(req.query.get('platform')) : undefined).map(summary) })
    if (route === 'GET /_sim/stock-updates') return ok({ stockUpdates: sim.stockUpdates().map((u) => ({ ...u, at: new Date(u.at).toISOString() })) })
    if (route === 'GET /_sim/ship-notices') return ok({ shipNotices: sim.shipNotices().map((s) => ({ ...s, at: new Date(s.at).toISOString() })) })
    if (route === 'GET /_sim/pushes') return ok({ pushes: sim.pushes() })
    if (route === 'GET /_sim/stock') {
      const platform = platformOf(req.query.get('platform'))
      return ok({ platform, stock: Object.fromEntries(CATALOG.map((p) => [p.sku, sim.stock(platform, p.sku)])) })
    }
    if (route === 'POST /_sim/settings') {
      sim.configure(body as Partial<SimSettings>)
      return ok({ settings })
    }
    if (route === 'POST /_sim/tick') {
      sim.tick()
      return ok({ orders: state.orders.size })
    }
    return ok({ error: `no control route ${route}` }, 404)
  }

  function reply(res: ServerResponse, answer: SimReply): void {
    if (res.destroyed) return
    res.writeHead(answer.status, answer.headers)
    res.end(answer.body)
  }

  const sim: Simulator = {
    url, server, events: state.events,
    shops: () => Object.fromEntries(PLATFORMS.map((p) => [p, { ...state.shop(p).credentials }])) as Record<PlatformName, SimCredentials>,
    createOrder: (input) => state.createOrder(input),
    sell: (platform, sku, quantity) => state.createOrder({ platform, sku, quantity, status: 'paid' }),
    moveOrder(platform, platformOrderId, to) {
      const order = state.order(platform, platformOrderId)
      if (!order) throw new RangeError(`no ${platform} order ${platformOrderId}`)
      if (!['pending_payment', 'paid', 'shipped', 'completed', 'refunding', 'refunded'].includes(to)) throw new RangeError(`cannot move an order to ${String(to)}`)
      state.move(order, to)
      return order
    },
    order: (platform, id) => state.order(platform, id),
    orders: (platform) => [...state.orders.values()].filter((o) => !platform || o.platform === platform),
    stock: (platform, sku) => state.shop(platform).stock.get(sku) ?? 0,
    stockUpdates: () => [...state.stockUpdates],
    shipNotices: () => [...state.shipNotices],
    pushes: () => pushLog.map((p) => ({ ...p })),
    async settled() {
      for (const [platform, jobs] of held) { held.delete(platform); for (const job of jobs) send(platform, job) }
      while (inFlight.size) await Promise.all([...inFlight])
    },
    tick() {
      const at = now()
      if (lifecycle.ordersPerHour > 0) {
        orderDebt += ((at - lastTick) / 3600_000) * lifecycle.ordersPerHour
        for (; orderDebt >= 1; orderDebt -= 1) for (const platform of PLATFORMS) state.createOrder({ platform, at })
      }
      lastTick = at
      for (const order of state.orders.values()) {
        const key = `${order.platform}:${order.platformOrderId}`
        if (order.status === 'paid' && !refundAsked.has(key)) {
          refundAsked.add(key) // each paid order is asked at most once whether its buyer wants a refund
          if (state.random.chance(lifecycle.refundRate)) { state.move(order, 'refunding', at); continue }
        }
        if (order.status === 'refunding' && at - order.updatedAt >= 3600_000) state.move(order, 'refunded', at)
        else if (order.status === 'paid' && lifecycle.shipAfterMs !== null && order.paidAt !== undefined && at - order.paidAt >= lifecycle.shipAfterMs) {
          state.shipBySeller(order)
        } else if (order.status === 'shipped' && lifecycle.completeAfterMs !== null && order.shippedAt !== undefined && at - order.shippedAt >= lifecycle.completeAfterMs) state.move(order, 'completed', at)
      }
    },
    configure(next) {
      settings = { ...settings, ...Object.fromEntries(Object.entries(next).filter(([k, v]) => k in DEFAULT_SETTINGS && typeof v === 'number' && v >= 0)) }
    },
    failNext(platform, fault, count = 1) {
      forced.set(platform, [...(forced.get(platform) ?? []), ...Array.from({ length: count }, () => fault)])
    },
    expireSession(platform, expired = true) {
      state.shop(platform).sessionExpired = expired
    },
    setPushTarget(baseUrl, shopIds) {
      pushTarget = baseUrl?.replace(/\/+$/, '') ?? null
      for (const [platform, id] of Object.entries(shopIds ?? {})) state.shop(platform as PlatformName).shopId = id!
    },
    async stop() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await Promise.allSettled([...inFlight])
    },
  }

  for (const platform of PLATFORMS) {
    for (let i = 0; i < (options.initialOrders ?? 0); i++) state.createOrder({ platform, at: now() - state.random.int(60, 6 * 3600) * 1000 })
  }
  return sim
}
