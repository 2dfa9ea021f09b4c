/**
 * The calls Ordo makes to a platform's open API for one shop: fetch an order's detail, list the
 * orders changed in a time window (pull), tell the platform an order shipped, set a SKU's stock.
 * One client per platform (connectors/platforms/api/), each signing requests the platform's way.
 * Every call goes through the caller's HttpClient, so it lands in the integration log with the
 * shop's secrets kept out of it. A client keeps no state between calls, but for what a platform
 * issues to be reused (Douyin's access token, kept while it is valid).
 */
import type { HttpClient } from '../sdk/perform.ts'
import type { PlatformName } from './adapter.ts'

/** What a client needs for one shop's calls. */
export interface ShopCall<Credentials> {
  shopId: string
  /** The shop's credentials as the shops API keeps them (secrets), `apiBaseUrl` included when set. */
  credentials: Credentials
  http: HttpClient
  /** UTC epoch ms (request timestamps the platform signs). */
  now(): number
  signal?: AbortSignal
}

/** A window of modification times to list, [from, to] in UTC epoch ms, and which page of it. */
export interface ChangeWindow {
  from: number
  to: number
  /** The platform's page token or number from the previous page's `nextPage`; absent for the first page. */
  page?: string
}

/** One order the platform says changed in the window. */
export interface ChangedOrder {
  platformOrderId: string
  /** The platform's modification time of the order, UTC epoch ms. */
  modifiedAt: number
  /**
   * The order's detail as the platform sent it, normalizable by the adapter's `normalize`, when the
   * list answer carries whole orders (Shopify, WooCommerce); absent when only ids come back and the
   * detail must be fetched with `fetchOrder`.
   */
  detail?: string
}

/** One page of a changed-orders listing. */
export interface ChangedOrdersPage {
  orders: ChangedOrder[]
  /** Give it back as `ChangeWindow.page` for the next page; absent on the last page. */
  nextPage?: string
}

/** A shipment to tell the platform about. */
export interface ShipNotice {
  platformOrderId: string
  /** Ordo's carrier code (`sf`, `zto`, `yto`, `sto`, `yunda`, `jd`, `ems`, `ups`, `fedex`, `dhl`, `usps`...), mapped to the platform's own logistics company code by the client. */
  carrier: string
  trackingNumber: string
}

/** A SKU's sellable level to set on the platform. */
export interface StockLevel {
  /** The merchant's SKU code (Taobao outer_sku_id, Douyin out_sku_id, Shopify sku). */
  sku: string
  /** The platform's own id of the SKU, when Ordo knows it (Shopify inventory item, Taobao sku_id...). */
  platformSkuId?: string
  /** Units the platform may sell, ≥ 0. */
  quantity: number
}

/** Why a platform refused a call, as the puller and the connector nodes act on it. */
export type PlatformErrorKind =
  /** The session or access token expired or was revoked: an operator must re-authorize the shop. */
  | 'session-expired'
  /** Rate-limited: try again after `retryAfterMs` (or a backoff). */
  | 'throttled'
  /** The order or SKU does not exist on the platform. */
  | 'not-found'
  /** The request is wrong as it is (bad parameter, unknown carrier): do not retry. */
  | 'invalid'
  /** The platform failed; trying again may help. */
  | 'unavailable'

/** A platform's refusal: its own error code and message, and what kind of refusal it is. */
export class PlatformApiError extends Error {
  readonly kind: PlatformErrorKind
  /** The platform's code (Taobao `27` / `isv.session-expired`, JD `19`, Pinduoduo `10019`, HTTP `429`...). */
  readonly code: string
  readonly retryAfterMs?: number

  constructor(kind: PlatformErrorKind, code: string, message: string, retryAfterMs?: number) {
    super(message)
    this.name = 'PlatformApiError'
    this.kind = kind
    this.code = code
    this.retryAfterMs = retryAfterMs
  }
}

/** One platform's open API. */
export interface PlatformApi<Credentials = unknown> {
  platform: PlatformName
  /** The order's detail answer, as text the adapter's `normalize` reads (Taobao trade_fullinfo_get_response, ...). */
  fetchOrder(call: ShopCall<Credentials>, platformOrderId: string): Promise<string>
  /** Orders modified in the window, a page at a time, oldest first where the platform allows it. */
  listChangedOrders(call: ShopCall<Credentials>, window: ChangeWindow): Promise<ChangedOrdersPage>
  shipNotice(call: ShopCall<Credentials>, notice: ShipNotice): Promise<void>
  updateStock(call: ShopCall<Credentials>, level: StockLevel): Promise<void>
}
