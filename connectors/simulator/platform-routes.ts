/**
 * The simulator's side of each platform's open API: the same paths and parameters the clients in
 * connectors/platforms/api/ send, signatures checked against the shop's credentials with the same
 * functions the clients sign with, and answers in the platform's own shapes (errors included).
 */
import { sameSecretText } from '../platforms/push-signature.ts'
import type { PlatformName } from '../platforms/adapter.ts'
import { carrierOfPlatformCode } from '../platforms/carriers.ts'
import { JsonNumber, type LosslessJson } from '../platforms/lossless-json.ts'
import { fromShanghaiText, losslessText, shanghaiText } from '../platforms/api/answers.ts'
import { douyinSign } from '../platforms/api/douyin.ts'
import { jdAnswerKey, jdSign } from '../platforms/api/jd.ts'
import { pinduoduoSign } from '../platforms/api/pinduoduo.ts'
import { SHOPIFY_API_VERSION } from '../platforms/api/shopify.ts'
import { taobaoSign } from '../platforms/api/taobao.ts'
import { CATALOG, decimalText, douyinDetail, jdDetail, jdOrderInfo, pinduoduoDetail, platformSkuIds, shopifyOrder, taobaoDetail, wooOrder, type SimOrder } from './sim-orders.ts'
import type { SimShop, SimState } from './sim-state.ts'

/** A request as a platform handler reads it. */
export interface SimRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** An answer. */
export interface SimReply { status: number; headers?: Record<string, string>; body: string }

/** A fault the simulator plays on a call that is otherwise fine. */
export type SimFault = 'throttled' | 'error'

/** One platform's API. */
export interface PlatformRoutes {
  platform: PlatformName
  matches(path: string): boolean
  /** Checks who calls: a reply refusing the call, or null when the call is the shop's. */
  authenticate(req: SimRequest, shop: SimShop): SimReply | null
  /** The platform's answer to a throttled or failing call, or to a shop whose session expired. */
  refuse(kind: SimFault | 'session-expired', req: SimRequest): SimReply
  handle(req: SimRequest, state: SimState): SimReply
}

const json = (value: LosslessJson, status = 200, headers: Record<string, string> = {}): SimReply => ({ status, headers: { 'content-type': 'application/json;charset=utf-8', ...headers }, body: losslessText(value) })
const text = (body: string, status = 200, headers: Record<string, string> = {}): SimReply => ({ status, headers: { 'content-type': 'application/json;charset=utf-8', ...headers }, body })
const n = (v: string | number): JsonNumber => new JsonNumber(String(v))

/** Constant-time, as a platform compares: the same check the adapters use for pushes. */
const same = sameSecretText

/** Form parameters of a body, with the query's beside them. */
function formParams(req: SimRequest): Record<string, string> {
  const out: Record<string, string> = Object.fromEntries(req.query)
  for (const [k, v] of new URLSearchParams(req.body)) out[k] = v
  return out
}

function page<T>(items: T[], pageNo: number, size: number): { items: T[]; hasNext: boolean } {
  const start = (pageNo - 1) * size
  return { items: items.slice(start, start + size), hasNext: start + size < items.length }
}

function pageSize(text: string | undefined, fallback: number, max: number): number {
  const size = Number(text ?? fallback)
  return Number.isInteger(size) && size > 0 ? Math.min(size, max) : fallback
}

// ---- Taobao TOP ---------------------------------------------------------------------------------

const topError = (code: number, msg: string, sub_code?: string, sub_msg?: string): SimReply =>
  json({ error_response: { code: n(code), msg, ...(sub_code ? { sub_code } : {}), ...(sub_msg ? { sub_msg } : {}), request_id: 'sim' } })

export const taobaoRoutes: PlatformRoutes = {
  platform: 'taobao',
  matches: (path) => path === '/router/rest',
  authenticate(req, shop) {
    const p = formParams(req)
    if (p.app_key !== shop.credentials.appKey) return topError(29, 'Invalid app Key')
    if (!p.sign || !same(taobaoSign(p, shop.credentials.appSecret!), p.sign)) return topError(25, 'Invalid signature')
    if (p.session !== shop.credentials.sessionKey) return topError(27, 'Invalid session', 'invalid-sessionkey', 'SessionKey非法')
    return null
  },
  refuse(kind) {
    if (kind === 'session-expired') return topError(27, 'Invalid session', 'isv.session-expired', 'session已过期')
    if (kind === 'throttled') return topError(7, 'App Call Limited', 'accesscontrol.limited-by-app-access-count', 'This ban will last for 2 more seconds')
    return topError(15, 'Remote service error', 'isp.remote-service-error', '服务暂时不可用')
  },
  handle(req, state) {
    const p = formParams(req)
    switch (p.method) {
      case 'taobao.trade.fullinfo.get': {
        const order = state.order('taobao', p.tid ?? '')
        return order ? text(taobaoDetail(order, `sim-${order.revision}`)) : topError(15, 'Remote service error', 'isv.trade-not-exist', '交易不存在')
      }
      case 'taobao.trades.sold.increment.get': {
        const from = fromShanghaiText(p.start_modified ?? '')
        const to = fromShanghaiText(p.end_modified ?? '')
        if (Number.isNaN(from) || Number.isNaN(to)) return topError(40, 'Missing required arguments:start_modified,end_modified')
        const { items, hasNext } = page(state.changedBetween('taobao', from, to), Number(p.page_no ?? '1'), pageSize(p.page_size, 40, 100))
        return json({ trades_sold_increment_get_response: { has_next: hasNext, trades: { trade: items.map((o) => ({ tid: n(o.platformOrderId), modified: taobaoModified(o) })) } } })
      }
      case 'taobao.logistics.offline.send': {
        const order = state.order('taobao', p.tid ?? '')
        if (!order) return topError(15, 'Remote service error', 'isv.trade-not-exist', '交易不存在')
        if (!carrierOfPlatformCode('taobao', p.company_code ?? '')) return topError(15, 'Remote service error', 'isv.logistics-company-not-exist', '物流公司不存在')
        if (order.status !== 'paid') return topError(15, 'Remote service error', 'isv.logistics-offline-service-error:B04', '订单状态不允许发货')
        state.recordShipNotice(order, p.company_code!, p.out_sid ?? '')
        return json({ logistics_offline_send_response: { shipping: { is_success: true } } })
      }
      case 'taobao.skus.custom.get': {
        const i = state.productOf('taobao', { sku: p.outer_id })
        const ids = i >= 0 ? platformSkuIds('taobao', i) : undefined
        return json({ skus_custom_get_response: ids ? { skus: { sku: [{ sku_id: n(ids.skuId), num_iid: n(ids.itemId), outer_id: CATALOG[i]!.sku }] } } : {} })
      }
      case 'taobao.items.custom.get':
        return json({ items_custom_get_response: {} }) // every catalog item has SKUs
      case 'taobao.item.quantity.update': {
        const i = state.productOf('taobao', { skuId: p.sku_id, itemId: p.num_iid })
        const quantity = Number(p.quantity)
        if (i < 0) return topError(15, 'Remote service error', 'isv.item-not-exist', '商品不存在')
        if (!Number.isInteger(quantity) || quantity < 0) return topError(41, 'Invalid arguments:quantity')
        state.recordStock('taobao', CATALOG[i]!.sku, quantity)
        return json({ item_quantity_update_response: { item: { num_iid: n(p.num_iid!), num: n(quantity) } } })
      }
      default:
        return topError(22, 'Invalid method')
    }
  },
}

function taobaoModified(o: SimOrder): string {
  return shanghaiText(o.updatedAt)
}

// ---- JD JOS -------------------------------------------------------------------------------------

const josError = (code: string, zh: string, en: string): SimReply => json({ error_response: { code, zh_desc: zh, en_desc: en } })

export const jdRoutes: PlatformRoutes = {
  platform: 'jd',
  matches: (path) => path === '/routerjson',
  authenticate(req, shop) {
    const p = formParams(req)
    if (p.app_key !== shop.credentials.appKey) return josError('15', '无效的app_key', 'Invalid app_key')
    if (!p.sign || !same(jdSign(p, shop.credentials.appSecret!), p.sign)) return josError('9', '签名无效', 'Invalid signature')
    if (p.access_token !== shop.credentials.accessToken) return josError('19', 'token已过期或被删除', 'Invalid access_token: expired or deleted')
    return null
  },
  refuse(kind) {
    if (kind === 'session-expired') return josError('19', 'token已过期或被删除', 'Invalid access_token: expired or deleted')
    if (kind === 'throttled') return josError('83', '调用频率超限', 'Call frequency limit exceeded')
    return josError('66', '服务不可用', 'Service unavailable')
  },
  handle(req, state) {
    const p = formParams(req)
    let args: Record<string, unknown>
    try {
      args = JSON.parse(p['360buy_param_json'] ?? '{}') as Record<string, unknown>
    } catch {
      return josError('10', '360buy_param_json 不是 JSON', 'Invalid 360buy_param_json')
    }
    const key = jdAnswerKey(p.method ?? '')
    switch (p.method) {
      case 'jingdong.pop.order.get': {
        const order = state.order('jd', String(args.order_id ?? ''))
        return order ? text(jdDetail(order)) : json({ [key]: { code: '0', orderDetailInfo: {} } })
      }
      case 'jingdong.pop.order.search': {
        const from = fromShanghaiText(String(args.start_date ?? ''))
        const to = fromShanghaiText(String(args.end_date ?? ''))
        if (Number.isNaN(from) || Number.isNaN(to)) return josError('10', 'start_date、end_date 格式错误', 'Invalid start_date or end_date')
        const all = state.changedBetween('jd', from, to)
        const { items } = page(all, Number(args.page ?? '1'), pageSize(String(args.page_size ?? ''), 20, 100))
        return json({ [key]: { searchorderinfo_result: { apiResult: { success: true }, orderTotal: n(all.length), orderInfoList: items.map((o) => jdOrderInfo(o)) } } })
      }
      case 'jingdong.pop.order.shipment': {
        const order = state.order('jd', String(args.order_id ?? ''))
        if (!order) return json({ [key]: { sopjosshipment_result: { success: false, chineseErrCode: '订单不存在', errorCode: '10400001' } } })
        if (!carrierOfPlatformCode('jd', String(args.logistics_id ?? ''))) return json({ [key]: { sopjosshipment_result: { success: false, chineseErrCode: '物流公司不存在', errorCode: '10400002' } } })
        if (order.status !== 'paid') return json({ [key]: { sopjosshipment_result: { success: false, chineseErrCode: '订单状态不允许出库', errorCode: '10400003' } } })
        state.recordShipNotice(order, String(args.logistics_id), String(args.waybill ?? ''))
        return json({ [key]: { sopjosshipment_result: { success: true } } })
      }
      case 'jingdong.sku.read.searchSkuList': {
        const i = state.productOf('jd', { sku: String(args.outId ?? '') })
        return json({ [key]: { page: { data: i >= 0 ? [{ skuId: n(platformSkuIds('jd', i).skuId), outerId: CATALOG[i]!.sku }] : [], totalItem: n(i >= 0 ? 1 : 0) } } })
      }
      case 'jingdong.stock.write.updateSkuStock': {
        const i = state.productOf('jd', { skuId: String(args.skuId ?? '') })
        const quantity = Number(args.stockNum)
        if (i < 0) return josError('10', 'skuId 不存在', 'No such skuId')
        if (!Number.isInteger(quantity) || quantity < 0) return josError('10', 'stockNum 无效', 'Invalid stockNum')
        state.recordStock('jd', CATALOG[i]!.sku, quantity)
        return json({ [key]: { success: true } })
      }
      default:
        return josError('5', '无效的方法名', 'Invalid method')
    }
  },
}

// ---- Pinduoduo ----------------------------------------------------------------------------------

const pddError = (code: number, msg: string, sub_msg = ''): SimReply => json({ error_response: { error_code: n(code), error_msg: msg, sub_msg, sub_code: String(code), request_id: 'sim' } })

export const pinduoduoRoutes: PlatformRoutes = {
  platform: 'pinduoduo',
  matches: (path) => path === '/api/router',
  authenticate(req, shop) {
    const p = formParams(req)
    if (p.client_id !== shop.credentials.clientId) return pddError(10016, 'client_id 不存在')
    if (!p.sign || !same(pinduoduoSign(p, shop.credentials.clientSecret!), p.sign)) return pddError(10017, '签名错误', 'sign check failed')
    if (p.access_token !== shop.credentials.accessToken) return pddError(10019, 'access_token已过期')
    return null
  },
  refuse(kind) {
    if (kind === 'session-expired') return pddError(10019, 'access_token已过期')
    if (kind === 'throttled') return pddError(70031, '调用过于频繁，请调整调用频率')
    return pddError(50000, '系统内部错误')
  },
  handle(req, state) {
    const p = formParams(req)
    switch (p.type) {
      case 'pdd.order.information.get': {
        const order = state.order('pinduoduo', p.order_sn ?? '')
        return order ? text(pinduoduoDetail(order)) : pddError(10000, '业务参数错误', '订单不存在')
      }
      case 'pdd.order.number.list.increment.get': {
        const from = Number(p.start_updated_at) * 1000
        const to = Number(p.end_updated_at) * 1000
        if (!Number.isFinite(from) || !Number.isFinite(to)) return pddError(10000, '业务参数错误', 'start_updated_at、end_updated_at 必填')
        const all = state.changedBetween('pinduoduo', from, to + 999)
        const { items, hasNext } = page(all, Number(p.page ?? '1'), pageSize(p.page_size, 100, 100))
        const list = items.map((o) => ({ order_sn: o.platformOrderId, updated_at: shanghaiText(o.updatedAt) }))
        return json({ order_sn_increment_get_response: { has_next: hasNext, total_count: n(all.length), order_sn_list: list } })
      }
      case 'pdd.logistics.online.send': {
        const order = state.order('pinduoduo', p.order_sn ?? '')
        if (!order) return pddError(10000, '业务参数错误', '订单不存在')
        if (!carrierOfPlatformCode('pinduoduo', p.logistics_id ?? '')) return pddError(10000, '业务参数错误', '快递公司不存在')
        if (order.status !== 'paid') return pddError(10000, '业务参数错误', '订单已发货或状态不允许发货')
        state.recordShipNotice(order, p.logistics_id!, p.tracking_number ?? '')
        return json({ logistics_online_send_response: { is_success: true } })
      }
      case 'pdd.goods.list.get': {
        const i = state.productOf('pinduoduo', { sku: p.outer_id })
        const goods = i >= 0 ? [{ goods_id: n(platformSkuIds('pinduoduo', i).itemId), goods_name: CATALOG[i]!.title['zh-CN'], sku_list: [{ sku_id: n(platformSkuIds('pinduoduo', i).skuId), outer_id: CATALOG[i]!.sku, sku_quantity: n(state.shop('pinduoduo').stock.get(CATALOG[i]!.sku) ?? 0) }] }] : []
        return json({ goods_list_get_response: { goods_list: goods, total_count: n(goods.length) } })
      }
      case 'pdd.goods.quantity.update': {
        const i = state.productOf('pinduoduo', { skuId: p.sku_id })
        const quantity = Number(p.quantity)
        if (i < 0 || platformSkuIds('pinduoduo', i).itemId !== p.goods_id) return pddError(10000, '业务参数错误', '商品不存在')
        if (!Number.isInteger(quantity) || quantity < 0) return pddError(10000, '业务参数错误', 'quantity 无效')
        state.recordStock('pinduoduo', CATALOG[i]!.sku, quantity)
        return json({ goods_quantity_update_response: { is_success: true } })
      }
      default:
        return pddError(10001, '接口不存在')
    }
  },
}

// ---- Douyin -------------------------------------------------------------------------------------

const douyinError = (code: number, msg: string, sub_code: string, sub_msg: string): SimReply => json({ code: n(code), msg, sub_code, sub_msg, log_id: 'sim', data: {} })
const douyinOk = (data: LosslessJson): SimReply => json({ code: n(10000), msg: 'success', sub_code: '', sub_msg: '', log_id: 'sim', data })

/** The access token the simulator issues a Douyin shop: fixed per credentials, so any token.create answer is good. */
function douyinToken(shop: SimShop): string {
  return `sim-token-${shop.credentials.appKey}-${shop.credentials.shopId}`
}

export const douyinRoutes: PlatformRoutes = {
  platform: 'douyin',
  matches: (path) => /^\/(token|order|sku)\/[A-Za-z]+$/.test(path),
  authenticate(req, shop) {
    const q = Object.fromEntries(req.query)
    if (q.app_key !== shop.credentials.appKey) return douyinError(30001, 'app_key 不存在', 'isv.app-key-not-exist', '应用不存在')
    const method = req.path.slice(1).replace('/', '.')
    if (q.method !== method) return douyinError(40003, '参数错误', 'isv.parameter-invalid', 'method 与路径不符')
    const expected = douyinSign({ appKey: q.app_key, appSecret: shop.credentials.appSecret!, method, paramJson: req.body, timestamp: q.timestamp ?? '', v: q.v ?? '' })
    if (!q.sign || !same(expected, q.sign)) return douyinError(40003, '签名错误', 'isv.signature-invalid', 'sign 校验失败')
    if (method !== 'token.create' && q.access_token !== douyinToken(shop)) return douyinError(30002, 'access_token已过期', 'isv.access-token-expired', 'access_token 不存在或已过期')
    return null
  },
  refuse(kind) {
    if (kind === 'session-expired') return douyinError(30002, '授权已失效', 'isv.access-token-expired', '店铺授权已过期，请重新授权')
    if (kind === 'throttled') return douyinError(40004, '调用过于频繁', 'isv.app-call-limited', '应用调用频率超限')
    return douyinError(20000, '服务不可用', 'isp.service-error', '服务暂时不可用')
  },
  handle(req, state) {
    const shop = state.shop('douyin')
    let args: Record<string, unknown>
    try {
      args = JSON.parse(req.body || '{}') as Record<string, unknown>
    } catch {
      return douyinError(40003, '参数错误', 'isv.parameter-invalid', 'param_json 不是 JSON')
    }
    switch (req.path) {
      case '/token/create':
        if (args.grant_type !== 'authorization_self' || String(args.shop_id) !== shop.credentials.shopId) return douyinError(30001, '授权失败', 'isv.shop-id-invalid', 'shop_id 与应用不符')
        return douyinOk({ access_token: douyinToken(shop), expires_in: n(604800), refresh_token: 'sim-refresh', scope: 'SCOPE', shop_id: n(shop.credentials.shopId!), shop_name: '示例抖音小店' })
      case '/order/orderDetail': {
        const order = state.order('douyin', String(args.shop_order_id ?? ''))
        return order ? text(douyinDetail(order, shop.credentials.shopId!, `sim-${order.revision}`)) : douyinError(50002, '业务处理失败', 'isv.order-not-exist', '订单不存在')
      }
      case '/order/searchList': {
        const from = Number(args.update_time_start) * 1000
        const to = Number(args.update_time_end) * 1000
        if (!Number.isFinite(from) || !Number.isFinite(to)) return douyinError(40003, '参数错误', 'isv.parameter-invalid', 'update_time_start、update_time_end 必填')
        const all = state.changedBetween('douyin', from, to + 999)
        const size = pageSize(String(args.size ?? ''), 20, 100)
        const pageNo = Number(args.page ?? 0)
        const items = all.slice(pageNo * size, pageNo * size + size)
        const list = items.map((o) => ({ order_id: o.platformOrderId, update_time: n(Math.floor(o.updatedAt / 1000)) }))
        return douyinOk({ shop_order_list: list, page: n(pageNo), size: n(size), total: n(all.length) })
      }
      case '/order/logisticsAdd': {
        const order = state.order('douyin', String(args.order_id ?? ''))
        if (!order) return douyinError(50002, '业务处理失败', 'isv.order-not-exist', '订单不存在')
        if (!carrierOfPlatformCode('douyin', String(args.company_code ?? ''))) return douyinError(50002, '业务处理失败', 'isv.logistics-company-invalid', '物流公司编码无效')
        if (order.status !== 'paid') return douyinError(50002, '业务处理失败', 'isv.order-status-invalid', '订单状态不允许发货')
        state.recordShipNotice(order, String(args.company_code), String(args.logistics_code ?? ''))
        return douyinOk({})
      }
      case '/sku/syncStock': {
        const i = state.productOf('douyin', { sku: args.code === undefined ? undefined : String(args.code), skuId: args.sku_id === undefined ? undefined : String(args.sku_id) })
        const quantity = Number(args.stock_num)
        if (i < 0) return douyinError(50002, '业务处理失败', 'isv.sku-not-exist', 'SKU 不存在')
        if (!Number.isInteger(quantity) || quantity < 0) return douyinError(40003, '参数错误', 'isv.parameter-invalid', 'stock_num 无效')
        state.recordStock('douyin', CATALOG[i]!.sku, quantity)
        return douyinOk({})
      }
      default:
        return douyinError(40003, '参数错误', 'isv.method-not-exist', '接口不存在')
    }
  },
}

// ---- Shopify ------------------------------------------------------------------------------------

const SHOPIFY_PREFIX = `/admin/api/${SHOPIFY_API_VERSION}/`
const shopifyError = (status: number, errors: string, headers: Record<string, string> = {}): SimReply => json({ errors }, status, headers)

export const shopifyRoutes: PlatformRoutes = {
  platform: 'shopify',
  matches: (path) => path.startsWith(SHOPIFY_PREFIX),
  authenticate(req, shop) {
    const token = req.headers['x-shopify-access-token']
    if (typeof token !== 'string' || !same(token, shop.credentials.accessToken!)) return shopifyError(401, '[API] Invalid API key or access token (unrecognized login or wrong password)')
    return null
  },
  refuse(kind) {
    if (kind === 'session-expired') return shopifyError(401, '[API] Invalid API key or access token (unrecognized login or wrong password)')
    if (kind === 'throttled') return shopifyError(429, 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.', { 'retry-after': '2.0' })
    return shopifyError(503, 'Service Unavailable')
  },
  handle(req, state) {
    const path = req.path.slice(SHOPIFY_PREFIX.length)
    let m: RegExpExecArray | null
    if (req.method === 'GET' && (m = /^orders\/(\d+)\.json$/.exec(path))) {
      const order = state.order('shopify', m[1]!)
      return order ? json({ order: shopifyOrder(order) }) : shopifyError(404, 'Not Found')
    }
    if (req.method === 'GET' && path === 'orders.json') {
      let window: { from: number; to: number; offset: number }
      const pageInfo = req.query.get('page_info')
      if (pageInfo) {
        try {
          window = JSON.parse(Buffer.from(pageInfo, 'base64url').toString('utf8')) as typeof window
        } catch {
          return shopifyError(400, 'page_info - Invalid value.')
        }
        if ([...req.query.keys()].some((k) => k !== 'page_info' && k !== 'limit')) return shopifyError(400, 'page_info - Only limit may be sent with page_info.')
      } else {
        window = { from: Date.parse(req.query.get('updated_at_min') ?? ''), to: Date.parse(req.query.get('updated_at_max') ?? ''), offset: 0 }
        if (Number.isNaN(window.from) || Number.isNaN(window.to)) return shopifyError(400, 'updated_at_min and updated_at_max must be dates')
      }
      const limit = pageSize(req.query.get('limit') ?? undefined, 50, 250)
      const all = state.changedBetween('shopify', window.from, window.to)
      const items = all.slice(window.offset, window.offset + limit)
      const headers: Record<string, string> = {}
      if (window.offset + limit < all.length) {
        const next = Buffer.from(JSON.stringify({ ...window, offset: window.offset + limit })).toString('base64url')
        headers.link = `<https://${state.shop('shopify').credentials.shopDomain}${SHOPIFY_PREFIX}orders.json?limit=${limit}&page_info=${next}>; rel="next"`
      }
      return json({ orders: items.map(shopifyOrder) }, 200, headers)
    }
    if (req.method === 'GET' && (m = /^orders\/(\d+)\/fulfillment_orders\.json$/.exec(path))) {
      const order = state.order('shopify', m[1]!)
      if (!order) return shopifyError(404, 'Not Found')
      const open = order.status === 'paid'
      return json({ fulfillment_orders: [{ id: n(`${order.platformOrderId}1`), order_id: n(order.platformOrderId), status: open ? 'open' : 'closed', line_items: order.lines.map((l, i) => ({ id: n(`${order.platformOrderId}2${i}`), quantity: n(l.quantity), fulfillable_quantity: n(open ? l.quantity : 0) })) }] })
    }
    if (req.method === 'POST' && path === 'fulfillments.json') {
      const body = JSON.parse(req.body || '{}') as { fulfillment?: { line_items_by_fulfillment_order?: Array<{ fulfillment_order_id: string | number }>; tracking_info?: { company?: string; number?: string } } }
      const foId = String(body.fulfillment?.line_items_by_fulfillment_order?.[0]?.fulfillment_order_id ?? '')
      const order = [...state.orders.values()].find((o) => o.platform === 'shopify' && `${o.platformOrderId}1` === foId)
      if (!order || order.status !== 'paid') return json({ errors: ['Fulfillment order is not open'] }, 422)
      const company = body.fulfillment?.tracking_info?.company ?? ''
      if (!carrierOfPlatformCode('shopify', company)) return json({ errors: { tracking_company: ['is not a supported tracking company'] } }, 422)
      state.recordShipNotice(order, company, body.fulfillment?.tracking_info?.number ?? '')
      return json({ fulfillment: { id: n(`45${order.platformOrderId.slice(-11)}`), order_id: n(order.platformOrderId), status: 'success', tracking_company: company, tracking_number: order.shipment!.trackingNumber } }, 201)
    }
    if (req.method === 'GET' && (m = /^variants\/(\d+)\.json$/.exec(path))) {
      const i = state.productOf('shopify', { skuId: m[1]! })
      if (i < 0) return shopifyError(404, 'Not Found')
      const ids = platformSkuIds('shopify', i)
      return json({ variant: { id: n(ids.skuId), product_id: n(ids.itemId), sku: CATALOG[i]!.sku, inventory_item_id: n(ids.inventoryItemId!) } })
    }
    if (req.method === 'POST' && path === 'graphql.json') {
      const query = String((JSON.parse(req.body || '{}') as { query?: unknown }).query ?? '')
      const sku = /sku:([^"\\)]+)/.exec(query)?.[1]?.trim()
      const i = sku ? state.productOf('shopify', { sku }) : -1
      const edges = i >= 0 ? [{ node: { sku: CATALOG[i]!.sku, inventoryItem: { legacyResourceId: platformSkuIds('shopify', i).inventoryItemId! } } }] : []
      return json({ data: { productVariants: { edges } } })
    }
    if (req.method === 'GET' && path === 'inventory_levels.json') {
      const i = state.productOf('shopify', { inventoryItemId: req.query.get('inventory_item_ids') ?? '' })
      if (i < 0) return json({ inventory_levels: [] })
      return json({ inventory_levels: [{ inventory_item_id: n(platformSkuIds('shopify', i).inventoryItemId!), location_id: n(SHOPIFY_LOCATION), available: n(state.shop('shopify').stock.get(CATALOG[i]!.sku) ?? 0) }] })
    }
    if (req.method === 'POST' && path === 'inventory_levels/set.json') {
      const body = JSON.parse(req.body || '{}') as { location_id?: number; inventory_item_id?: number; available?: number }
      const i = state.productOf('shopify', { inventoryItemId: String(body.inventory_item_id ?? '') })
      if (i < 0 || String(body.location_id) !== SHOPIFY_LOCATION) return shopifyError(404, 'Not Found')
      if (!Number.isInteger(body.available) || body.available! < 0) return json({ errors: { available: ['must be an integer'] } }, 422)
      state.recordStock('shopify', CATALOG[i]!.sku, body.available!)
      return json({ inventory_level: { inventory_item_id: n(body.inventory_item_id!), location_id: n(SHOPIFY_LOCATION), available: n(body.available!) } })
    }
    return shopifyError(404, 'Not Found')
  },
}

const SHOPIFY_LOCATION = '65012345678'

// ---- WooCommerce --------------------------------------------------------------------------------

const WOO_PREFIX = '/wp-json/wc/v3/'
const wooError = (status: number, code: string, message: string, headers: Record<string, string> = {}): SimReply => json({ code, message, data: { status: n(status) } }, status, headers)

/** Order meta the simulator keeps for WooCommerce orders (tracking written by Ordo). */
const wooMeta = new WeakMap<SimOrder, Array<{ key: string; value: string }>>()

export const woocommerceRoutes: PlatformRoutes = {
  platform: 'woocommerce',
  matches: (path) => path.startsWith(WOO_PREFIX),
  authenticate(req, shop) {
    const header = req.headers.authorization
    const given = typeof header === 'string' && header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : ''
    if (!same(given, `${shop.credentials.consumerKey}:${shop.credentials.consumerSecret}`)) return wooError(401, 'woocommerce_rest_authentication_error', 'Consumer secret is invalid.')
    return null
  },
  refuse(kind) {
    if (kind === 'session-expired') return wooError(401, 'woocommerce_rest_authentication_error', 'Consumer key is invalid.')
    if (kind === 'throttled') return wooError(429, 'woocommerce_rest_too_many_requests', 'Too many requests.', { 'retry-after': '1' })
    return wooError(503, 'internal_server_error', 'There has been a critical error on this website.')
  },
  handle(req, state) {
    const path = req.path.slice(WOO_PREFIX.length)
    let m: RegExpExecArray | null
    if ((m = /^orders\/(\d+)$/.exec(path))) {
      const order = state.order('woocommerce', m[1]!)
      if (!order) return wooError(404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.')
      if (req.method === 'PUT') {
        const body = JSON.parse(req.body || '{}') as { status?: string; meta_data?: Array<{ key: string; value: string }> }
        wooMeta.set(order, [...(wooMeta.get(order) ?? []), ...(body.meta_data ?? [])])
        const provider = body.meta_data?.find((d) => d.key === '_ordo_tracking_provider')?.value
        const tracking = body.meta_data?.find((d) => d.key === '_ordo_tracking_number')?.value
        if (provider !== undefined && tracking !== undefined) {
          if (!carrierOfPlatformCode('woocommerce', provider)) return wooError(400, 'rest_invalid_param', 'Invalid parameter(s): meta_data')
          state.recordShipNotice(order, provider, tracking)
        }
        if (body.status === 'completed' && order.status === 'shipped') state.move(order, 'completed')
      }
      return json(wooOrder(order, wooMeta.get(order)))
    }
    if ((m = /^orders\/(\d+)\/notes$/.exec(path)) && req.method === 'POST') {
      const order = state.order('woocommerce', m[1]!)
      if (!order) return wooError(404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.')
      const body = JSON.parse(req.body || '{}') as { note?: string; customer_note?: boolean }
      return json({ id: n(9000 + order.revision), note: body.note ?? '', customer_note: body.customer_note === true }, 201)
    }
    if (path === 'orders' && req.method === 'GET') {
      const from = Date.parse(`${req.query.get('modified_after') ?? ''}Z`)
      const to = Date.parse(`${req.query.get('modified_before') ?? ''}Z`)
      if (Number.isNaN(from) || Number.isNaN(to)) return wooError(400, 'rest_invalid_param', 'Invalid parameter(s): modified_after, modified_before')
      const all = state.changedBetween('woocommerce', from, to)
      const perPage = pageSize(req.query.get('per_page') ?? undefined, 10, 100)
      const pageNo = Number(req.query.get('page') ?? '1')
      const { items } = page(all, pageNo, perPage)
      return json(items.map((o) => wooOrder(o, wooMeta.get(o))), 200, { 'x-wp-total': String(all.length), 'x-wp-totalpages': String(Math.max(1, Math.ceil(all.length / perPage))) })
    }
    if (path === 'products' && req.method === 'GET') {
      const i = state.productOf('woocommerce', { sku: req.query.get('sku') ?? '' })
      return json(i >= 0 ? [wooProduct(state, i)] : [])
    }
    if ((m = /^products\/(\d+)$/.exec(path)) && req.method === 'PUT') {
      const i = CATALOG.findIndex((_, k) => platformSkuIds('woocommerce', k).itemId === m![1])
      if (i < 0) return wooError(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.')
      const body = JSON.parse(req.body || '{}') as { stock_quantity?: number }
      if (!Number.isInteger(body.stock_quantity) || body.stock_quantity! < 0) return wooError(400, 'rest_invalid_param', 'Invalid parameter(s): stock_quantity')
      state.recordStock('woocommerce', CATALOG[i]!.sku, body.stock_quantity!)
      return json(wooProduct(state, i))
    }
    return wooError(404, 'rest_no_route', 'No route was found matching the URL and request method.')
  },
}

function wooProduct(state: SimState, i: number): LosslessJson {
  const product = CATALOG[i]!
  return { id: n(platformSkuIds('woocommerce', i).itemId), parent_id: n(0), name: product.title.en, type: 'simple', sku: product.sku, manage_stock: true, stock_quantity: n(state.shop('woocommerce').stock.get(product.sku) ?? 0), price: decimalText(product.price.EUR) }
}

export const PLATFORM_ROUTES: readonly PlatformRoutes[] = [taobaoRoutes, jdRoutes, pinduoduoRoutes, douyinRoutes, shopifyRoutes, woocommerceRoutes]
