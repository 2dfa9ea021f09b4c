/**
 * The simulator's orders: one platform-neutral record per order (who bought what, where it stands),
 * generated from a seeded random source so a run can be repeated, and written out per platform in
 * exactly the answer shapes the adapters read (connectors/platforms/*.ts): Taobao, JD and Pinduoduo
 * times in Asia/Shanghai, Douyin Unix seconds and fen, 64-bit ids as JSON numbers where the
 * platform sends numbers, money as decimal text.
 */
import type { PlatformName } from '../platforms/adapter.ts'
import { JsonNumber, type LosslessJson } from '../platforms/lossless-json.ts'
import { losslessText, shanghaiText } from '../platforms/api/answers.ts'

/** Where a simulated order stands. */
export type SimStatus = 'pending_payment' | 'paid' | 'shipped' | 'completed' | 'refunding' | 'refunded'

/** One product the merchant sells on every platform, under the same SKU code. */
export interface SimProduct {
  sku: string
  title: { 'zh-CN': string; en: string }
  /** Unit price in minor units per currency. */
  price: { CNY: number; USD: number; EUR: number }
  /** Starting stock on every platform. */
  stock: number
}

/** The platform's own ids of one product. */
export interface PlatformSkuIds {
  /** Taobao num_iid / Pinduoduo goods_id / Douyin product_id / Shopify product_id / WooCommerce product id. */
  itemId: string
  /** Taobao sku_id / JD skuId / Pinduoduo sku_id / Douyin sku_id / Shopify variant_id. */
  skuId: string
  /** Shopify inventory_item_id (Shopify only). */
  inventoryItemId?: string
}

export const CATALOG: readonly SimProduct[] = [
  { sku: 'JACKET-01-BLK-L', title: { 'zh-CN': '轻薄羽绒服 男款 黑色 L', en: 'Light Down Jacket - Black / L' }, price: { CNY: 29900, USD: 6900, EUR: 6490 }, stock: 120 },
  { sku: 'KETTLE-1.7L-WHT', title: { 'zh-CN': '电热水壶 1.7L 白色', en: 'Electric Kettle 1.7 L - White' }, price: { CNY: 14900, USD: 3900, EUR: 3590 }, stock: 80 },
  { sku: 'TOWEL-COTTON-BLUE-2P', title: { 'zh-CN': '纯棉毛巾 2条装 蓝色', en: 'Cotton Towels, pack of 2 - Blue' }, price: { CNY: 3980, USD: 1250, EUR: 1190 }, stock: 300 },
  { sku: 'CUP-500-WHT', title: { 'zh-CN': '保温杯 500ml 白色', en: 'Insulated Cup 500 ml - White' }, price: { CNY: 12900, USD: 2900, EUR: 2790 }, stock: 150 },
  { sku: 'MUG-CERAMIC-BLK', title: { 'zh-CN': '陶瓷马克杯 黑色', en: 'Ceramic Mug - Black' }, price: { CNY: 5900, USD: 1600, EUR: 1490 }, stock: 200 },
  { sku: 'TEA-LONGJING-250G', title: { 'zh-CN': '西湖龙井 明前特级 250g', en: 'Longjing Green Tea 250 g' }, price: { CNY: 36800, USD: 5800, EUR: 5400 }, stock: 60 },
]

/** The platform ids of the catalog's `index`th product: fixed, so a test can name them. */
export function platformSkuIds(platform: PlatformName, index: number): PlatformSkuIds {
  const n = String(index + 1).padStart(2, '0')
  switch (platform) {
    case 'taobao': return { itemId: `7123456789${n}`, skuId: `50123456789${n}` }
    case 'jd': return { itemId: `100012345${n}`, skuId: `1000123456${n}` }
    case 'pinduoduo': return { itemId: `3216549${n}`, skuId: `12345678901${n}` }
    case 'douyin': return { itemId: `36600000000000000${n}`, skuId: `34100000000000${n}` }
    case 'shopify': return { itemId: `80615368297${n}`, skuId: `446105692080${n}`, inventoryItemId: `466105692080${n}` }
    case 'woocommerce': return { itemId: String(1040 + index), skuId: String(1040 + index) }
  }
}

/** A line of a simulated order. */
export interface SimLine { product: number; quantity: number; unitPrice: number }

/** A buyer and where the order goes. */
export interface SimBuyer {
  name: string
  phone: string
  email?: string
  address: { country: string; province: string; city: string; district?: string; street: string; detail: string; postalCode: string }
}

/** A simulated order. */
export interface SimOrder {
  platform: PlatformName
  shopId: string
  platformOrderId: string
  /** WooCommerce's and Shopify's order number ("#1042"); the id elsewhere. */
  number: string
  status: SimStatus
  currency: 'CNY' | 'USD' | 'EUR'
  lines: SimLine[]
  /** Shipping fee, minor units. */
  shipping: number
  buyer: SimBuyer
  /** UTC epoch ms, whole seconds. */
  createdAt: number
  paidAt?: number
  shippedAt?: number
  completedAt?: number
  updatedAt: number
  shipment?: { carrierCode: string; trackingNumber: string }
  /** Bumped at every change: pushes carry it so an out-of-order delivery can be told. */
  revision: number
}

/** What the buyer pays: the lines and the shipping fee. */
export function orderTotal(order: SimOrder): number {
  return order.lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0) + order.shipping
}

/** Decimal text of minor units ("13.30"), by integer arithmetic. */
export function decimalText(minor: number, digits = 2): string {
  const sign = minor < 0 ? '-' : ''
  const abs = String(Math.abs(minor)).padStart(digits + 1, '0')
  return `${sign}${abs.slice(0, abs.length - digits)}.${abs.slice(abs.length - digits)}`
}

/** A seeded random source (mulberry32): the same seed gives the same orders. */
export class SimRandom {
  private state: number
  constructor(seed: number) { this.state = seed >>> 0 }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  int(min: number, max: number): number { return min + Math.floor(this.next() * (max - min + 1)) }
  pick<T>(list: readonly T[]): T { return list[Math.floor(this.next() * list.length)]! }
  digits(n: number): string { let s = ''; for (let i = 0; i < n; i++) s += String(this.int(0, 9)); return s }
  chance(p: number): boolean { return p > 0 && this.next() < p }
}

const SURNAMES = ['张', '王', '李', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭']
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '桂英', '志强', '晓东', '雨涵']
const CN_PLACES = [
  { province: '浙江省', city: '杭州市', district: '西湖区', street: '文新街道', road: '文一西路', postalCode: '310012' },
  { province: '上海市', city: '上海市', district: '浦东新区', street: '花木街道', road: '锦绣路', postalCode: '200135' },
  { province: '北京市', city: '北京市', district: '朝阳区', street: '望京街道', road: '阜通东大街', postalCode: '100102' },
  { province: '广东省', city: '深圳市', district: '南山区', street: '粤海街道', road: '科技南十二路', postalCode: '518057' },
  { province: '四川省', city: '成都市', district: '武侯区', street: '玉林街道', road: '玉林南路', postalCode: '610041' },
  { province: '江苏省', city: '南京市', district: '鼓楼区', street: '湖南路街道', road: '中山北路', postalCode: '210008' },
  { province: '湖北省', city: '武汉市', district: '洪山区', street: '珞南街道', road: '珞喻路', postalCode: '430070' },
]
const EN_FIRST = ['Alex', 'Sam', 'Jordan', 'Taylor', 'Morgan', 'Casey', 'Riley', 'Jamie', 'Avery', 'Quinn']
const EN_LAST = ['Miller', 'Johnson', 'Brown', 'Garcia', 'Wilson', 'Anderson', 'Clark', 'Lewis', 'Walker', 'Young']
const US_PLACES = [
  { province: 'Illinois', code: 'IL', city: 'Springfield', street: 'Oak Street', postalCode: '62701' },
  { province: 'Washington', code: 'WA', city: 'Seattle', street: 'Pine Street', postalCode: '98101' },
  { province: 'Texas', code: 'TX', city: 'Austin', street: 'Congress Avenue', postalCode: '78701' },
]
const EU_PLACES = [
  { country: 'DE', province: 'BE', city: 'Berlin', street: 'Torstrasse', postalCode: '10119' },
  { country: 'FR', province: 'IDF', city: 'Paris', street: 'Rue de Rivoli', postalCode: '75004' },
  { country: 'NL', province: 'NH', city: 'Amsterdam', street: 'Prinsengracht', postalCode: '1016' },
]

/** A buyer of the platform's market: Chinese for the Chinese platforms, US for Shopify, EU for WooCommerce. */
export function generateBuyer(platform: PlatformName, random: SimRandom): SimBuyer {
  if (platform === 'shopify' || platform === 'woocommerce') {
    const first = random.pick(EN_FIRST)
    const last = random.pick(EN_LAST)
    const email = `${first}.${last}${random.int(1, 99)}@example.com`.toLowerCase()
    if (platform === 'shopify') {
      const p = random.pick(US_PLACES)
      return { name: `${first} ${last}`, phone: `+1 555-01${random.digits(2)}-${random.digits(4)}`, email, address: { country: 'US', province: p.province, city: p.city, street: `${random.int(1, 999)} ${p.street}`, detail: `Apt ${random.int(1, 40)}`, postalCode: p.postalCode } }
    }
    const p = random.pick(EU_PLACES)
    return { name: `${first} ${last}`, phone: `+49 30 ${random.digits(7)}`, email, address: { country: p.country, province: p.province, city: p.city, street: `${p.street} ${random.int(1, 120)}`, detail: '', postalCode: p.postalCode } }
  }
  const p = random.pick(CN_PLACES)
  const name = random.pick(SURNAMES) + random.pick(GIVEN)
  const phone = `1${random.pick(['38', '39', '58', '86', '87', '35'])}${random.digits(8)}`
  return {
    name, phone,
    address: { country: 'CN', province: p.province, city: p.city, district: p.district, street: p.street, detail: `${p.road}${random.int(1, 999)}号${random.int(1, 20)}幢${random.int(1, 30)}0${random.int(1, 4)}室`, postalCode: p.postalCode },
  }
}

/** A new id of the platform's form. */
export function generateOrderId(platform: PlatformName, random: SimRandom, at: number, sequence: number): string {
  switch (platform) {
    case 'taobao': return `39${random.digits(17)}` // a 19-digit tid, beyond a double's 53 bits
    case 'jd': return `29${random.digits(10)}`
    case 'pinduoduo': return `${shanghaiText(at).slice(2, 10).replace(/-/g, '')}-${random.digits(15)}`
    case 'douyin': return `69${random.digits(17)}`
    case 'shopify': return `59${random.digits(11)}`
    case 'woocommerce': return String(7000 + sequence)
  }
}

export function currencyOf(platform: PlatformName): SimOrder['currency'] {
  return platform === 'shopify' ? 'USD' : platform === 'woocommerce' ? 'EUR' : 'CNY'
}

/** Masks a name as the Chinese platforms show it (张*明, 李*). */
function maskedName(name: string): string {
  return name.length <= 2 ? `${name[0]}*` : `${name[0]}${'*'.repeat(name.length - 2)}${name.at(-1)}`
}
function maskedPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`
}

const n = (text: string | number): JsonNumber => new JsonNumber(String(text))
const seconds = (ms: number): JsonNumber => n(Math.floor(ms / 1000))

// ---- Taobao -------------------------------------------------------------------------------------

const TAOBAO_STATUS: Record<SimStatus, string> = {
  pending_payment: 'WAIT_BUYER_PAY', paid: 'WAIT_SELLER_SEND_GOODS', shipped: 'WAIT_BUYER_CONFIRM_GOODS', completed: 'TRADE_FINISHED', refunding: 'WAIT_SELLER_SEND_GOODS', refunded: 'TRADE_CLOSED',
}

/** The trade of taobao.trade.fullinfo.get. */
export function taobaoTrade(o: SimOrder): LosslessJson {
  const total = orderTotal(o)
  const refund = o.status === 'refunding' ? 'WAIT_SELLER_AGREE' : o.status === 'refunded' ? 'SUCCESS' : 'NO_REFUND'
  return {
    tid: n(o.platformOrderId), type: 'fixed', status: TAOBAO_STATUS[o.status], seller_nick: '示例旗舰店', buyer_open_uid: `AAF${o.platformOrderId.slice(-10)}`,
    created: shanghaiText(o.createdAt), pay_time: o.paidAt ? shanghaiText(o.paidAt) : null, modified: shanghaiText(o.updatedAt),
    consign_time: o.shippedAt ? shanghaiText(o.shippedAt) : null, end_time: o.completedAt ? shanghaiText(o.completedAt) : null,
    total_fee: decimalText(total - o.shipping), payment: decimalText(total), post_fee: decimalText(o.shipping), discount_fee: '0.00', step_trade_status: null,
    receiver_name: maskedName(o.buyer.name), receiver_mobile: maskedPhone(o.buyer.phone), receiver_phone: '', receiver_country: '',
    receiver_state: o.buyer.address.province, receiver_city: o.buyer.address.city, receiver_district: o.buyer.address.district ?? '',
    receiver_town: o.buyer.address.street, receiver_address: o.buyer.address.detail, receiver_zip: o.buyer.address.postalCode,
    orders: {
      order: o.lines.map((l, i) => {
        const ids = platformSkuIds('taobao', l.product)
        const product = CATALOG[l.product]!
        return {
          oid: n((BigInt(o.platformOrderId) + BigInt(i + 1)).toString()), num_iid: n(ids.itemId), sku_id: ids.skuId,
          outer_iid: product.sku.split('-').slice(0, 2).join('-'), outer_sku_id: product.sku, title: product.title['zh-CN'],
          price: decimalText(l.unitPrice), num: n(l.quantity), total_fee: decimalText(l.unitPrice * l.quantity), payment: decimalText(l.unitPrice * l.quantity),
          status: TAOBAO_STATUS[o.status], refund_status: refund,
          ...(o.shipment ? { invoice_no: o.shipment.trackingNumber, logistics_company: o.shipment.carrierCode } : {}),
        }
      }),
    },
  }
}

export function taobaoDetail(o: SimOrder, requestId: string): string {
  return losslessText({ trade_fullinfo_get_response: { trade: taobaoTrade(o), request_id: requestId } })
}

// ---- JD -----------------------------------------------------------------------------------------

const JD_STATE: Record<SimStatus, string> = {
  pending_payment: 'WAIT_SELLER_STOCK_OUT', paid: 'WAIT_SELLER_STOCK_OUT', shipped: 'WAIT_GOODS_RECEIVE_CONFIRM', completed: 'FINISHED_L', refunding: 'LOCKED', refunded: 'TRADE_CANCELED',
}

export function jdOrderInfo(o: SimOrder): LosslessJson {
  const total = orderTotal(o)
  return {
    orderId: o.platformOrderId, venderId: '10012345', orderType: '22', payType: '4-在线支付', orderTotalPrice: decimalText(total - o.shipping),
    orderSellerPrice: decimalText(total - o.shipping), orderPayment: decimalText(total), freightPrice: decimalText(o.shipping), sellerDiscount: '0.00',
    orderState: JD_STATE[o.status], orderStateRemark: '', orderStartTime: shanghaiText(o.createdAt),
    paymentConfirmTime: o.paidAt ? shanghaiText(o.paidAt) : '', modified: shanghaiText(o.updatedAt), orderEndTime: o.completedAt ? shanghaiText(o.completedAt) : '',
    pin: `jd_${o.platformOrderId.slice(-8)}`, open_id_buyer: `OPENID-${o.platformOrderId.slice(-10)}`,
    consigneeInfo: {
      fullname: maskedName(o.buyer.name), telephone: '', mobile: maskedPhone(o.buyer.phone),
      fullAddress: `${o.buyer.address.province}${o.buyer.address.city}${o.buyer.address.district ?? ''}${o.buyer.address.detail}`,
      province: o.buyer.address.province, city: o.buyer.address.city, county: o.buyer.address.district ?? '', town: o.buyer.address.street,
    },
    itemInfoList: o.lines.map((l) => {
      const product = CATALOG[l.product]!
      return { skuId: platformSkuIds('jd', l.product).skuId, outerSkuId: product.sku, skuName: product.title['zh-CN'], jdPrice: decimalText(l.unitPrice), itemTotal: String(l.quantity), wareId: platformSkuIds('jd', l.product).itemId }
    }),
    waybill: o.shipment?.trackingNumber ?? '', logisticsId: o.shipment?.carrierCode ?? '',
  }
}

export function jdDetail(o: SimOrder): string {
  return losslessText({ jingdong_pop_order_get_responce: { code: '0', orderDetailInfo: { orderInfo: jdOrderInfo(o) } } })
}

// ---- Pinduoduo ----------------------------------------------------------------------------------

export function pinduoduoOrderInfo(o: SimOrder): LosslessJson {
  const total = orderTotal(o)
  const orderStatus = o.status === 'shipped' ? 2 : o.status === 'completed' ? 3 : 1
  const refundStatus = o.status === 'refunding' ? 3 : o.status === 'refunded' ? 4 : 1
  return {
    order_sn: o.platformOrderId, trade_type: n(0), confirm_status: n(1), group_status: n(1), order_status: n(orderStatus), refund_status: n(refundStatus),
    risk_control_status: n(0), is_pre_sale: n(0), created_time: shanghaiText(o.createdAt), confirm_time: o.paidAt ? shanghaiText(o.paidAt) : '',
    pay_time: o.paidAt ? shanghaiText(o.paidAt) : '', updated_at: shanghaiText(o.updatedAt), shipping_time: o.shippedAt ? shanghaiText(o.shippedAt) : '',
    receive_time: o.completedAt ? shanghaiText(o.completedAt) : '',
    // Pinduoduo writes yuan as JSON numbers (39.8); written here with both decimals, read as text.
    goods_amount: n(decimalText(total - o.shipping)), discount_amount: n('0'), postage: n(decimalText(o.shipping)), pay_amount: n(decimalText(total)), pay_type: 'WEIXIN',
    country: '中国', province: o.buyer.address.province, city: o.buyer.address.city, town: o.buyer.address.district ?? '',
    address: `${o.buyer.address.province}${o.buyer.address.city}${o.buyer.address.district ?? ''}${o.buyer.address.detail}`,
    receiver_address: o.buyer.address.detail, receiver_name: maskedName(o.buyer.name), receiver_phone: maskedPhone(o.buyer.phone),
    logistics_id: n(0), tracking_number: o.shipment?.trackingNumber ?? '',
    item_list: o.lines.map((l) => {
      const product = CATALOG[l.product]!
      const ids = platformSkuIds('pinduoduo', l.product)
      return { goods_id: n(ids.itemId), sku_id: n(ids.skuId), outer_id: product.sku, outer_goods_id: product.sku.split('-')[0]!, goods_name: product.title['zh-CN'], goods_price: n(decimalText(l.unitPrice)), goods_count: n(l.quantity) }
    }),
  }
}

export function pinduoduoDetail(o: SimOrder): string {
  return losslessText({ order_info_get_response: { order_info: pinduoduoOrderInfo(o) } })
}

// ---- Douyin -------------------------------------------------------------------------------------

const DOUYIN_STATUS: Record<SimStatus, number> = { pending_payment: 1, paid: 2, shipped: 3, completed: 5, refunding: 2, refunded: 4 }

/** The shop_order_detail of order.orderDetail; `shopNumber` is the Douyin shop's own id (its credentials' shopId). */
export function douyinShopOrder(o: SimOrder, shopNumber: string): LosslessJson {
  const total = orderTotal(o)
  const main = o.status === 'refunded' ? (o.shippedAt ? 22 : 21) : DOUYIN_STATUS[o.status]
  const refund = o.status === 'refunding' ? 2 : o.status === 'refunded' ? 3 : 0
  return {
    order_id: o.platformOrderId, order_level: n(2), shop_id: n(shopNumber), order_status: n(DOUYIN_STATUS[o.status]), main_status: n(main),
    order_type: n(0), trade_type: n(0), pay_type: n(1), create_time: seconds(o.createdAt), pay_time: o.paidAt ? seconds(o.paidAt) : n(0), update_time: seconds(o.updatedAt),
    finish_time: o.completedAt ? seconds(o.completedAt) : n(0), order_amount: n(total - o.shipping), pay_amount: n(total), post_amount: n(o.shipping),
    doudian_open_id: `1@#${o.platformOrderId.slice(-12)}`, mask_post_receiver: maskedName(o.buyer.name), mask_post_tel: maskedPhone(o.buyer.phone),
    post_addr: {
      province: { name: o.buyer.address.province, id: '0' }, city: { name: o.buyer.address.city, id: '0' }, town: { name: o.buyer.address.district ?? '', id: '0' },
      street: { name: o.buyer.address.street, id: '0' }, encrypt_detail: '##ENCRYPTED##',
    },
    mask_post_addr: { detail: o.buyer.address.detail.replace(/\d/g, '*') },
    logistics_info: o.shipment ? [{ tracking_no: o.shipment.trackingNumber, company: o.shipment.carrierCode, ship_time: seconds(o.shippedAt ?? o.updatedAt) }] : [],
    sku_order_list: o.lines.map((l, i) => {
      const product = CATALOG[l.product]!
      const ids = platformSkuIds('douyin', l.product)
      return {
        order_id: (BigInt(o.platformOrderId) + BigInt(i + 1)).toString(), parent_order_id: o.platformOrderId, product_id: n(ids.itemId), product_name: product.title['zh-CN'],
        sku_id: n(ids.skuId), code: product.sku, out_sku_id: product.sku, item_num: n(l.quantity), origin_amount: n(l.unitPrice), sum_amount: n(l.unitPrice * l.quantity),
        pay_amount: n(l.unitPrice * l.quantity), pre_sale_type: n(0), after_sale_info: { after_sale_status: n(refund ? 6 : 0), refund_status: n(refund) },
      }
    }),
  }
}

export function douyinDetail(o: SimOrder, shopNumber: string, logId: string): string {
  return losslessText({ code: n(10000), msg: 'success', sub_code: '', sub_msg: '', log_id: logId, data: { shop_order_detail: douyinShopOrder(o, shopNumber) } })
}

// ---- Shopify ------------------------------------------------------------------------------------

/** An offset time as Shopify writes it, in the shop's zone (a fixed -05:00). */
function shopifyTime(ms: number): string {
  return new Date(ms - 5 * 3600_000).toISOString().slice(0, 19) + '-05:00'
}

export function shopifyOrder(o: SimOrder): LosslessJson {
  const total = orderTotal(o)
  const money = (minor: number) => ({ shop_money: { amount: decimalText(minor), currency_code: o.currency }, presentment_money: { amount: decimalText(minor), currency_code: o.currency } })
  const [first, ...rest] = o.buyer.name.split(' ')
  const address = {
    first_name: first, last_name: rest.join(' '), name: o.buyer.name, address1: o.buyer.address.street, address2: o.buyer.address.detail, city: o.buyer.address.city,
    province: o.buyer.address.province, country: 'United States', country_code: o.buyer.address.country, zip: o.buyer.address.postalCode, phone: o.buyer.phone,
  }
  const financial = o.status === 'pending_payment' ? 'pending' : o.status === 'refunded' ? 'refunded' : 'paid'
  const fulfilled = o.status === 'shipped' || o.status === 'completed' || (o.status === 'refunded' && o.shippedAt !== undefined)
  return {
    id: n(o.platformOrderId), admin_graphql_api_id: `gid://shopify/Order/${o.platformOrderId}`, name: `#${o.number}`, order_number: n(o.number),
    email: o.buyer.email ?? null, phone: null, currency: o.currency, presentment_currency: o.currency,
    created_at: shopifyTime(o.createdAt), updated_at: shopifyTime(o.updatedAt), processed_at: shopifyTime(o.createdAt),
    cancelled_at: null, closed_at: o.completedAt ? shopifyTime(o.completedAt) : null, financial_status: financial, fulfillment_status: fulfilled ? 'fulfilled' : null,
    gateway: 'shopify_payments', payment_gateway_names: ['shopify_payments'], taxes_included: false,
    subtotal_price: decimalText(total - o.shipping), total_price: decimalText(total), total_price_set: money(total), total_shipping_price_set: money(o.shipping),
    customer: { id: n(`70${o.platformOrderId.slice(-11)}`), email: o.buyer.email ?? null, first_name: first, last_name: rest.join(' '), phone: null },
    billing_address: address, shipping_address: address,
    line_items: o.lines.map((l, i) => {
      const product = CATALOG[l.product]!
      const ids = platformSkuIds('shopify', l.product)
      return {
        id: n(`136${o.platformOrderId.slice(-9)}${i}`), product_id: n(ids.itemId), variant_id: n(ids.skuId), sku: product.sku, title: product.title.en, name: product.title.en,
        quantity: n(l.quantity), fulfillable_quantity: n(fulfilled ? 0 : l.quantity), fulfillment_status: fulfilled ? 'fulfilled' : null,
        price: decimalText(l.unitPrice), price_set: money(l.unitPrice),
      }
    }),
    fulfillments: o.shipment ? [{ id: n(`45${o.platformOrderId.slice(-11)}`), status: 'success', shipment_status: o.completedAt ? 'delivered' : null, tracking_company: o.shipment.carrierCode, tracking_number: o.shipment.trackingNumber }] : [],
    refunds: [],
  }
}

// ---- WooCommerce --------------------------------------------------------------------------------

/** A naive UTC time as WooCommerce writes *_gmt fields. */
function wooTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19)
}
/** The site's local time (Europe/Berlin in winter, +01:00), as WooCommerce writes the fields without _gmt. */
function wooLocal(ms: number): string {
  return wooTime(ms + 3600_000)
}

const WOO_STATUS: Record<SimStatus, string> = { pending_payment: 'pending', paid: 'processing', shipped: 'completed', completed: 'completed', refunding: 'processing', refunded: 'refunded' }

export function wooOrder(o: SimOrder, meta: Array<{ key: string; value: string }> = []): LosslessJson {
  const total = orderTotal(o)
  const [first, ...rest] = o.buyer.name.split(' ')
  const person = { first_name: first, last_name: rest.join(' '), company: '', address_1: o.buyer.address.street, address_2: o.buyer.address.detail, city: o.buyer.address.city, state: o.buyer.address.province, postcode: o.buyer.address.postalCode, country: o.buyer.address.country }
  const time = (field: string, ms: number | undefined) => ({ [field]: ms ? wooLocal(ms) : null, [`${field}_gmt`]: ms ? wooTime(ms) : null })
  return {
    id: n(o.platformOrderId), parent_id: n(0), number: o.number, status: WOO_STATUS[o.status], currency: o.currency,
    ...time('date_created', o.createdAt), ...time('date_modified', o.updatedAt), ...time('date_paid', o.paidAt), ...time('date_completed', o.completedAt),
    discount_total: '0.00', shipping_total: decimalText(o.shipping), total: decimalText(total), total_tax: '0.00', prices_include_tax: false,
    customer_id: n(300 + Number(o.platformOrderId.slice(-2))), billing: { ...person, email: o.buyer.email ?? '', phone: o.buyer.phone }, shipping: { ...person, phone: '' },
    payment_method: 'stripe', payment_method_title: 'Credit Card (Stripe)', meta_data: meta.map((m, i) => ({ id: n(90000 + i), key: m.key, value: m.value })),
    line_items: o.lines.map((l, i) => {
      const product = CATALOG[l.product]!
      const ids = platformSkuIds('woocommerce', l.product)
      return {
        id: n(500 + i), name: product.title.en, product_id: n(ids.itemId), variation_id: n(0), quantity: n(l.quantity), subtotal: decimalText(l.unitPrice * l.quantity),
        subtotal_tax: '0.00', total: decimalText(l.unitPrice * l.quantity), total_tax: '0.00', sku: product.sku, price: n(decimalText(l.unitPrice)),
      }
    }),
    refunds: o.status === 'refunded' ? [{ id: n(800), reason: 'Refunded at the buyer\'s request', total: `-${decimalText(total)}` }] : [],
  }
}

/** The order-detail answer of `o` as its platform's API gives it (`douyinShopNumber`: the Douyin shop's own id). */
export function orderDetail(o: SimOrder, douyinShopNumber: string): string {
  switch (o.platform) {
    case 'taobao': return taobaoDetail(o, `sim-${o.revision}`)
    case 'jd': return jdDetail(o)
    case 'pinduoduo': return pinduoduoDetail(o)
    case 'douyin': return douyinDetail(o, douyinShopNumber, `sim-${o.revision}`)
    case 'shopify': return losslessText({ order: shopifyOrder(o) })
    case 'woocommerce': return losslessText(wooOrder(o))
  }
}
