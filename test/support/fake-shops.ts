/**
 * Test support for pulling orders: a platform whose orders change while Ordo lists them (offset
 * pages over its live, modification-ordered list, as the real listings page), and a shop directory
 * that reads details with the real adapters and ingests them through the real engine.
 */
import type { OrderEngine } from '../../engine/runtime/order-engine.ts'
import type { ShopDirectory, ShopHealthEvent, ShopRecord, ShopSource } from '../../engine/runtime/shop-directory.ts'
import type { IngestResult } from '../../engine/store/store.ts'
import { platformAdapter } from '../../connectors/platforms/index.ts'
import type { PlatformName } from '../../connectors/platforms/adapter.ts'
import { PlatformApiError, type ChangeWindow, type ChangedOrdersPage, type PlatformApi, type ShopCall } from '../../connectors/platforms/platform-api.ts'
import { fixture, num, withChanges } from '../../connectors/platforms/fixtures/fixtures.ts'

/** Pinduoduo order_status: 1 paid (待发货), 2 shipped, 3 delivered. */
export type PddShipping = 1 | 2 | 3

/** One order as the fake platform holds it. */
export interface PlatformOrder { id: string; modifiedAt: number; shipping: PddShipping }

/** A listing call the fake platform answered (or refused). */
export interface ListCall { shopId: string; from: number; to: number; page?: string }

/** YYYY-MM-DD HH:mm:ss in Asia/Shanghai, as Pinduoduo writes times. */
function shanghaiTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')
}

/** A pdd.order.information.get answer for `order`, from the sample payload. */
export function pinduoduoDetail(order: PlatformOrder): string {
  const at = '/order_info_get_response/order_info'
  return withChanges(fixture('pinduoduo'), {
    [`${at}/order_sn`]: order.id,
    [`${at}/updated_at`]: shanghaiTime(order.modifiedAt),
    [`${at}/order_status`]: order.shipping,
    [`${at}/shipping_time`]: order.shipping >= 2 ? shanghaiTime(order.modifiedAt) : '',
  })
}

/** A Shopify order object for `order` (paid, or fulfilled once shipped), from the sample payload. */
export function shopifyDetail(order: PlatformOrder): string {
  return withChanges(fixture('shopify'), {
    '/id': num(order.id),
    '/updated_at': new Date(order.modifiedAt).toISOString(),
    '/fulfillment_status': order.shipping >= 2 ? 'fulfilled' : null,
  })
}

/**
 * One platform's orders for its shops, changing while they are listed: `onList` runs before each
 * listing call is answered (change orders there to change them between pages), `afterList` once the
 * answer is made and before Ordo reads it (an order changed while its page is read), `refuse`
 * queues refusals for the next calls.
 */
export class FakePlatform implements PlatformApi<Record<string, string>> {
  readonly orders = new Map<string, PlatformOrder>()
  readonly listCalls: ListCall[] = []
  readonly fetched: string[] = []
  /** Every change made to an order after it was first written, by order id. */
  readonly changes = new Map<string, number>()
  onList: ((call: ListCall) => void) | null = null
  afterList: ((call: ListCall) => void) | null = null
  private readonly refusals: PlatformApiError[] = []

  constructor(
    readonly platform: PlatformName,
    /** Orders per page. */
    private readonly pageSize = 2,
    /** Whether listings carry whole orders (Shopify) or only ids (Pinduoduo). */
    private readonly listsDetails = platform === 'shopify',
  ) {}

  /** Writes an order as the platform changes it at `at`. */
  put(id: string, at: number, shipping: PddShipping): void {
    if (this.orders.has(id)) this.changes.set(id, (this.changes.get(id) ?? 0) + 1)
    this.orders.set(id, { id, modifiedAt: at, shipping })
  }

  /** The next calls (listing or detail) are refused with these, one each. */
  refuse(...errors: PlatformApiError[]): void {
    this.refusals.push(...errors)
  }

  private detailOf(order: PlatformOrder): string {
    return this.platform === 'shopify' ? shopifyDetail(order) : pinduoduoDetail(order)
  }

  async fetchOrder(call: ShopCall<Record<string, string>>, platformOrderId: string): Promise<string> {
    this.checkSession(call)
    const refusal = this.refusals.shift()
    if (refusal) throw refusal
    this.fetched.push(platformOrderId)
    const order = this.orders.get(platformOrderId)
    if (!order) throw new PlatformApiError('not-found', '404', `order ${platformOrderId} does not exist`)
    return this.detailOf(order)
  }

  async listChangedOrders(call: ShopCall<Record<string, string>>, window: ChangeWindow): Promise<ChangedOrdersPage> {
    const listed: ListCall = { shopId: call.shopId, from: window.from, to: window.to, ...(window.page !== undefined ? { page: window.page } : {}) }
    this.listCalls.push(listed)
    this.checkSession(call)
    const refusal = this.refusals.shift()
    if (refusal) throw refusal
    this.onList?.(listed)
    const inWindow = [...this.orders.values()]
      .filter((o) => o.modifiedAt >= window.from && o.modifiedAt <= window.to)
      .sort((a, b) => a.modifiedAt - b.modifiedAt || a.id.localeCompare(b.id))
    const offset = window.page === undefined ? 0 : Number(window.page)
    const page = inWindow.slice(offset, offset + this.pageSize)
    const answer = {
      orders: page.map((o) => ({ platformOrderId: o.id, modifiedAt: o.modifiedAt, ...(this.listsDetails ? { detail: this.detailOf(o) } : {}) })),
      ...(offset + this.pageSize < inWindow.length ? { nextPage: String(offset + this.pageSize) } : {}),
    }
    this.afterList?.(listed)
    return answer
  }

  async shipNotice(): Promise<void> { throw new PlatformApiError('invalid', 'unsupported', 'the fake platform takes no ship notices') }
  async updateStock(): Promise<void> { throw new PlatformApiError('invalid', 'unsupported', 'the fake platform takes no stock levels') }

  /** Sessions whose access token is "expired" are refused, as an expired Pinduoduo token is (10019). */
  private checkSession(call: ShopCall<Record<string, string>>): void {
    if (call.credentials.accessToken === 'expired') throw new PlatformApiError('session-expired', '10019', 'access_token 已过期')
  }
}

/** Shops in memory whose order details are read with the real adapters and ingested through the engine. */
export class FakeShopDirectory implements ShopDirectory {
  readonly shops = new Map<string, ShopRecord & { credentials: Record<string, string> }>()
  readonly health: Array<{ shopId: string; event: ShopHealthEvent }> = []
  readonly unreadable: Array<{ shopId: string; detail: string }> = []

  constructor(private readonly engine: Pick<OrderEngine, 'ingest'>) {}

  add(id: string, platform: PlatformName, credentials: Record<string, string> = { clientId: 'c', clientSecret: 's3cret-value', accessToken: 'token-1' }): ShopRecord {
    const shop = { id, platform, name: `${platform} shop ${id}`, createdAt: 0, enabled: true, credentials }
    this.shops.set(id, shop)
    return shop
  }

  async list(): Promise<ShopRecord[]> {
    return [...this.shops.values()].map(({ credentials: _, ...shop }) => shop)
  }

  async get(shopId: string): Promise<ShopRecord | undefined> {
    return (await this.list()).find((s) => s.id === shopId)
  }

  async credentials(shopId: string): Promise<Record<string, string>> {
    const shop = this.shops.get(shopId)
    if (!shop) throw new Error(`no shop ${shopId}`)
    return { ...shop.credentials }
  }

  async ingestDetails(shopId: string, details: string[], source: ShopSource): Promise<IngestResult[]> {
    const shop = this.shops.get(shopId)
    if (!shop) throw new Error(`no shop ${shopId}`)
    const adapter = platformAdapter(shop.platform)!
    const inputs = []
    for (const detail of details) {
      const read = adapter.normalize(detail)
      if (!read.ok) { this.unreadable.push({ shopId, detail }); continue }
      for (const input of read.orders) inputs.push({ input, raw: input.raw })
    }
    return inputs.length ? this.engine.ingest(inputs, `${source}:${shopId}`) : []
  }

  recordHealth(shopId: string, event: ShopHealthEvent): void {
    this.health.push({ shopId, event })
  }

  /** The health events of one shop, by kind and code. */
  healthOf(shopId: string): Array<{ kind: string; code?: string }> {
    return this.health.filter((h) => h.shopId === shopId).map(({ event }) => ({ kind: event.kind, ...('code' in event && event.code !== undefined ? { code: event.code } : {}) }))
  }
}
