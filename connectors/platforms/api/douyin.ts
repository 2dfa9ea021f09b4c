/**
 * Douyin shop (抖店) open platform client. A call is a POST to /<method with / for .> whose query
 * carries app_key, method, access_token, timestamp (Asia/Shanghai), v=2 and the sign, and whose body is
 * param_json: the API's parameters as JSON, keys sorted, no spaces. The sign is the hex HMAC-SHA256,
 * keyed by the app secret, of appSecret + "app_key…method…param_json…timestamp…v…" + appSecret.
 * A self-built app (自用型) gets its access token with token.create (grant_type authorization_self,
 * the shop's id). The token is the one thing this client keeps between calls: it is valid for
 * expires_in seconds (a week), and asking for it before every call would double the calls of each
 * order a push names. A refusal of the token as expired drops it and asks once more.
 *
 * Docs: https://op.jinritemai.com/docs/guide-docs/10/23 (signature), token.create
 * https://op.jinritemai.com/docs/api-docs/162/1600, order.orderDetail https://op.jinritemai.com/docs/api-docs/15/1343,
 * order.searchList https://op.jinritemai.com/docs/api-docs/15/1342, order.logisticsAdd
 * https://op.jinritemai.com/docs/api-docs/16/83, sku.syncStock https://op.jinritemai.com/docs/api-docs/14/84,
 * public error codes https://op.jinritemai.com/docs/guide-docs/10/24.
 */
import { createHmac } from 'node:crypto'
import type { DouyinCredentials } from '../douyin.ts'
import { platformCarrier } from '../carriers.ts'
import { PlatformApiError, type ChangedOrdersPage, type PlatformApi, type ShopCall } from '../platform-api.ts'
import type { Field } from '../payload-reader.ts'
import { UNIX_SECONDS } from '../platform-time.ts'
import { baseUrlOf, PER_SECOND_LIMIT_MS, readAnswer, readFields, shanghaiText, type Answer } from './answers.ts'

export const DOUYIN_GATEWAY = 'https://openapi-fxg.jinritemai.com'
const PAGE_SIZE = 100

/** param_json as Douyin signs it: keys sorted at every level, no spaces. */
export function douyinParamJson(params: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted)
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]))
    return v
  }
  return JSON.stringify(sorted(params))
}

/** The Douyin signature of one call. */
export function douyinSign(p: { appKey: string; appSecret: string; method: string; paramJson: string; timestamp: string; v: string }): string {
  const pattern = `${p.appSecret}app_key${p.appKey}method${p.method}param_json${p.paramJson}timestamp${p.timestamp}v${p.v}${p.appSecret}`
  return createHmac('sha256', p.appSecret).update(pattern, 'utf8').digest('hex')
}

async function request(call: ShopCall<DouyinCredentials>, method: string, params: Record<string, unknown>, accessToken?: string): Promise<Answer> {
  const { appKey, appSecret } = call.credentials
  const paramJson = douyinParamJson(params)
  const timestamp = shanghaiText(call.now())
  const sign = douyinSign({ appKey, appSecret, method, paramJson, timestamp, v: '2' })
  const query = new URLSearchParams({ app_key: appKey, method, ...(accessToken ? { access_token: accessToken } : {}), timestamp, v: '2', sign_method: 'hmac-sha256', sign })
  const endpoint = `${baseUrlOf(call.credentials.apiBaseUrl, DOUYIN_GATEWAY)}/${method.replace(/\./g, '/')}`
  const res = await call.http.request({ method: 'POST', url: `${endpoint}?${query}`, headers: { 'content-type': 'application/json' }, body: paramJson, logAs: endpoint })
  if (res.status >= 500) throw new PlatformApiError('unavailable', `http-${res.status}`, `Douyin answered ${res.status} to ${method}`)
  const answer = readAnswer(res, 'Douyin')
  const code = answer.root.at('code')
  if (!code.present || code.code() !== '10000') throw douyinRefusal(answer.root, method)
  return answer
}

/**
 * What an answer whose code is not 10000 means, from the public error codes: 20000 service
 * unavailable, 30001/30002 authorization and access token (expired, revoked), 40004 / sub_code
 * isv.*-limit the call frequency; isp.* sub codes are the platform failing.
 */
export function douyinRefusal(root: Field, method: string): PlatformApiError {
  const code = root.at('code').present ? root.at('code').code() : ''
  const sub = root.at('sub_code').optionalText() ?? ''
  const message = `Douyin refused ${method}: ${code} ${root.at('msg').optionalText() ?? ''}${sub ? ` (${sub}: ${root.at('sub_msg').optionalText() ?? ''})` : ''}`
  if (code === '30001' || code === '30002' || sub.startsWith('isv.access-token') || sub === 'isv.authorization-expired') return new PlatformApiError('session-expired', sub || code, message)
  if (code === '40004' || /limit|frequency/.test(sub)) return new PlatformApiError('throttled', sub || code, message, PER_SECOND_LIMIT_MS)
  if (code === '20000' || sub.startsWith('isp.')) return new PlatformApiError('unavailable', sub || code, message)
  if (/not-exist|not-found/.test(sub)) return new PlatformApiError('not-found', sub, message)
  return new PlatformApiError('invalid', sub || code, message)
}

/** Tokens by shop and credentials; a shop re-keyed or pointed elsewhere gets a new one. */
const tokens = new Map<string, { token: string; expiresAt: number }>()
/** A token is asked for again this long before Douyin says it expires (clock skew, a slow call). */
const TOKEN_MARGIN_MS = 10 * 60_000
/** More shops than any merchant has: the cache never grows past it (the oldest entry goes). */
const MAX_TOKENS = 10_000

function tokenKey(call: ShopCall<DouyinCredentials>): string {
  const c = call.credentials
  // The secret enters only as a digest: the key says which credentials the token was made with.
  return [c.appKey, c.shopId, c.apiBaseUrl ?? '', createHmac('sha256', c.appSecret).update('ordo-token-key').digest('base64')].join('\n')
}

/** The shop's access token (token.create, self-built app), from the cache while it is good. */
async function accessToken(call: ShopCall<DouyinCredentials>, fresh = false): Promise<string> {
  const key = tokenKey(call)
  const cached = tokens.get(key)
  if (!fresh && cached && cached.expiresAt - TOKEN_MARGIN_MS > call.now()) return cached.token
  const answer = await request(call, 'token.create', { code: '', grant_type: 'authorization_self', shop_id: call.credentials.shopId })
  const token = readFields('Douyin', () => answer.root.at('data', 'access_token').text())
  const expiresIn = answer.root.at('data', 'expires_in')
  const seconds = expiresIn.present ? Number(expiresIn.code()) : 0
  tokens.delete(key)
  if (Number.isFinite(seconds) && seconds > 0) {
    if (tokens.size >= MAX_TOKENS) tokens.delete(tokens.keys().next().value!)
    tokens.set(key, { token, expiresAt: call.now() + seconds * 1000 })
  }
  return token
}

async function api(call: ShopCall<DouyinCredentials>, method: string, params: Record<string, unknown>): Promise<Answer> {
  try {
    return await request(call, method, params, await accessToken(call))
  } catch (err) {
    // A token revoked before its time (the merchant re-authorized): one more try with a new one.
    if (!(err instanceof PlatformApiError) || err.kind !== 'session-expired') throw err
    tokens.delete(tokenKey(call))
    return request(call, method, params, await accessToken(call, true))
  }
}

export const douyinApi: PlatformApi<DouyinCredentials> = {
  platform: 'douyin',

  async fetchOrder(call, platformOrderId) {
    const answer = await api(call, 'order.orderDetail', { shop_order_id: platformOrderId })
    if (!answer.root.at('data', 'shop_order_detail').present) throw new PlatformApiError('not-found', 'no-order', `Douyin has no order ${platformOrderId}`)
    return answer.text
  },

  async listChangedOrders(call, window): Promise<ChangedOrdersPage> {
    const page = Number(window.page ?? '0') // Douyin pages from 0
    const answer = await api(call, 'order.searchList', {
      update_time_start: Math.floor(window.from / 1000), update_time_end: Math.floor(window.to / 1000),
      page, size: PAGE_SIZE, order_by: 'update_time', order_asc: true,
    })
    return readFields('Douyin', () => {
      const data = answer.root.at('data').object()
      const list = data.at('shop_order_list')
      const orders = (list.present ? list.items() : []).map((o) => ({ platformOrderId: o.at('order_id').id(), modifiedAt: Date.parse(o.at('update_time').time(UNIX_SECONDS)) }))
      const total = data.at('total').integer()
      return { orders, ...((page + 1) * PAGE_SIZE < total ? { nextPage: String(page + 1) } : {}) }
    })
  },

  async shipNotice(call, notice) {
    await api(call, 'order.logisticsAdd', {
      order_id: notice.platformOrderId, company_code: platformCarrier('douyin', notice.carrier), logistics_code: notice.trackingNumber,
    })
  },

  async updateStock(call, level) {
    // code: the merchant's SKU code (out_sku_id); incremental false sets the level rather than adding to it.
    await api(call, 'sku.syncStock', {
      code: level.sku, ...(level.platformSkuId ? { sku_id: level.platformSkuId } : {}), stock_num: level.quantity, incremental: false,
    })
  },
}
