/**
 * What the simulator holds: one shop per platform with its credentials and stock, the orders, and
 * what Ordo told it (ship notices, stock levels). Every change of an order goes through `changed`,
 * which bumps its revision and tells the listeners (the pushes, the message channels, tests).
 */
import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { PlatformName } from '../platforms/adapter.ts'
import { PLATFORM_CARRIERS } from '../platforms/carriers.ts'
import { CATALOG, currencyOf, generateBuyer, generateOrderId, platformSkuIds, SimRandom, type SimOrder, type SimStatus } from './sim-orders.ts'

export const PLATFORMS: readonly PlatformName[] = ['taobao', 'jd', 'pinduoduo', 'douyin', 'shopify', 'woocommerce']

/** What happened to an order, as the pushes name it. */
export type SimEvent = 'created' | 'paid' | 'shipped' | 'completed' | 'refunding' | 'refunded'

/** The 'order-changed' event. */
export interface OrderChanged { platform: PlatformName; shopId: string; platformOrderId: string; event: SimEvent; revision: number }

/** A shop's credentials, as Ordo's shops API takes them (apiBaseUrl pointing at the simulator). */
export type SimCredentials = Record<string, string>

export interface SimShop {
  platform: PlatformName
  /** The shop's id in pushes and events (Ordo's id of the shop, once it is known). */
  shopId: string
  credentials: SimCredentials
  /** Sellable units by SKU code. */
  stock: Map<string, number>
  /** An expired session or revoked token: every call is refused as such. */
  sessionExpired: boolean
}

/** A stock level Ordo set on a platform. */
export interface StockUpdateRecord { platform: PlatformName; shopId: string; sku: string; quantity: number; at: number }
/** A shipment Ordo told a platform about. */
export interface ShipNoticeRecord { platform: PlatformName; shopId: string; platformOrderId: string; carrierCode: string; trackingNumber: string; at: number }

/** The credentials of each platform's shop; secrets are random per start unless given. */
export function generateCredentials(platform: PlatformName, baseUrl: string): SimCredentials {
  const secret = () => randomBytes(16).toString('hex')
  switch (platform) {
    case 'taobao': return { appKey: '12345678', appSecret: secret(), sessionKey: `6100${secret()}`, apiBaseUrl: baseUrl }
    case 'jd': return { appKey: 'JDAPPKEYSIM0001', appSecret: secret(), accessToken: secret(), apiBaseUrl: baseUrl }
    case 'pinduoduo': return { clientId: 'pddclientsim0001', clientSecret: secret(), accessToken: secret(), apiBaseUrl: baseUrl }
    case 'douyin': return { appKey: '7000000000000000001', appSecret: secret(), shopId: '1234567', apiBaseUrl: baseUrl }
    case 'shopify': return { shopDomain: 'ordo-sim.myshopify.com', accessToken: `shpat_${secret()}`, webhookSecret: secret(), apiBaseUrl: baseUrl }
    case 'woocommerce': return { siteUrl: 'https://shop.example.com', consumerKey: `ck_${secret()}`, consumerSecret: `cs_${secret()}`, webhookSecret: secret(), apiBaseUrl: baseUrl }
  }
}

export interface NewOrder {
  platform: PlatformName
  /** SKU code from the catalog; a random product when omitted. */
  sku?: string
  quantity?: number
  /** Where it starts (default paid). */
  status?: 'pending_payment' | 'paid'
  /** UTC epoch ms (default now). */
  at?: number
}

export class SimState {
  readonly events = new EventEmitter()
  readonly shops = new Map<PlatformName, SimShop>()
  readonly orders = new Map<string, SimOrder>()
  readonly stockUpdates: StockUpdateRecord[] = []
  readonly shipNotices: ShipNoticeRecord[] = []
  readonly random: SimRandom
  private sequence = 0

  constructor(readonly now: () => number, seed: number) {
    this.random = new SimRandom(seed)
  }

  addShop(platform: PlatformName, shopId: string, credentials: SimCredentials): void {
    this.shops.set(platform, { platform, shopId, credentials, stock: new Map(CATALOG.map((p) => [p.sku, p.stock])), sessionExpired: false })
  }

  shop(platform: PlatformName): SimShop {
    return this.shops.get(platform)!
  }

  order(platform: PlatformName, platformOrderId: string): SimOrder | undefined {
    return this.orders.get(`${platform}:${platformOrderId}`)
  }

  /** The platform's orders modified in [from, to] (ms, inclusive), oldest change first. */
  changedBetween(platform: PlatformName, from: number, to: number): SimOrder[] {
    return [...this.orders.values()].filter((o) => o.platform === platform && o.updatedAt >= from && o.updatedAt <= to)
      .sort((a, b) => a.updatedAt - b.updatedAt || a.platformOrderId.localeCompare(b.platformOrderId))
  }

  /** A new order: the buyer takes the units from the platform's stock. */
  createOrder(input: NewOrder): SimOrder {
    const at = Math.floor((input.at ?? this.now()) / 1000) * 1000
    const index = input.sku === undefined ? this.random.int(0, CATALOG.length - 1) : CATALOG.findIndex((p) => p.sku === input.sku)
    if (index < 0) throw new RangeError(`the catalog has no SKU ${input.sku} (${CATALOG.map((p) => p.sku).join(', ')})`)
    const product = CATALOG[index]!
    const currency = currencyOf(input.platform)
    const quantity = input.quantity ?? this.random.int(1, 3)
    const shop = this.shop(input.platform)
    this.sequence += 1
    const status = input.status ?? 'paid'
    const id = generateOrderId(input.platform, this.random, at, this.sequence)
    const order: SimOrder = {
      platform: input.platform, shopId: shop.shopId, platformOrderId: id,
      number: input.platform === 'shopify' ? String(1000 + this.sequence) : id,
      status, currency, lines: [{ product: index, quantity, unitPrice: product.price[currency] }],
      shipping: currency === 'CNY' ? 0 : currency === 'USD' ? 800 : 490,
      buyer: generateBuyer(input.platform, this.random),
      createdAt: at, ...(status === 'paid' ? { paidAt: at } : {}), updatedAt: at, revision: 0,
    }
    this.orders.set(`${order.platform}:${id}`, order)
    if (status === 'paid') shop.stock.set(product.sku, Math.max(0, (shop.stock.get(product.sku) ?? 0) - quantity))
    this.changed(order, 'created')
    return order
  }

  /** Moves an order on (the buyer pays, the seller ships, the buyer confirms or asks for a refund). */
  move(order: SimOrder, to: SimStatus, at = this.now()): void {
    const when = Math.max(order.updatedAt + 1000, Math.floor(at / 1000) * 1000)
    order.status = to
    order.updatedAt = when
    if (to === 'paid') {
      order.paidAt = when
      const shop = this.shop(order.platform)
      for (const l of order.lines) shop.stock.set(CATALOG[l.product]!.sku, Math.max(0, (shop.stock.get(CATALOG[l.product]!.sku) ?? 0) - l.quantity))
    }
    if (to === 'shipped') order.shippedAt = when
    if (to === 'completed') order.completedAt = when
    this.changed(order, to === 'pending_payment' ? 'created' : to)
  }

  recordShipNotice(order: SimOrder, carrierCode: string, trackingNumber: string): void {
    order.shipment = { carrierCode, trackingNumber }
    this.shipNotices.push({ platform: order.platform, shopId: this.shop(order.platform).shopId, platformOrderId: order.platformOrderId, carrierCode, trackingNumber, at: this.now() })
    if (order.status === 'paid') this.move(order, 'shipped')
  }

  /** The seller ships from the platform's own back office (not through Ordo): not recorded as a ship notice. */
  shipBySeller(order: SimOrder): void {
    const codes = Object.values(PLATFORM_CARRIERS[order.platform])
    order.shipment = { carrierCode: this.random.pick(codes), trackingNumber: `SF${this.random.digits(13)}` }
    this.move(order, 'shipped')
  }

  recordStock(platform: PlatformName, sku: string, quantity: number): void {
    const shop = this.shop(platform)
    shop.stock.set(sku, quantity)
    this.stockUpdates.push({ platform, shopId: shop.shopId, sku, quantity, at: this.now() })
  }

  /** The catalog index of the product with `sku`, or of the one the platform knows by id `platformId`. */
  productOf(platform: PlatformName, by: { sku?: string; skuId?: string; itemId?: string; inventoryItemId?: string }): number {
    return CATALOG.findIndex((p, i) => {
      const ids = platformSkuIds(platform, i)
      return (by.sku !== undefined && p.sku === by.sku) || (by.skuId !== undefined && ids.skuId === by.skuId)
        || (by.itemId !== undefined && ids.itemId === by.itemId && by.skuId === undefined) || (by.inventoryItemId !== undefined && ids.inventoryItemId === by.inventoryItemId)
    })
  }

  private changed(order: SimOrder, event: SimEvent): void {
    order.revision += 1
    order.shopId = this.shop(order.platform).shopId // the shop may have been named since (setPushTarget)
    const change: OrderChanged = { platform: order.platform, shopId: order.shopId, platformOrderId: order.platformOrderId, event, revision: order.revision }
    this.events.emit('order-changed', change)
  }
}
