/**
 * Taobao / Tmall open platform (TOP) client. Every call is a POST to the router with the system
 * parameters (method, app_key, session, timestamp in Asia/Shanghai, format, v, sign_method) beside
 * the API's own, signed with HMAC-SHA256 over the parameters sorted by name, each key followed by its
 * value, keyed by the app secret, in upper-case hex.
 *
 * Docs: https://open.taobao.com/doc.htm?docId=101617&docType=1 (API call, signature),
 * taobao.trade.fullinfo.get https://open.taobao.com/api.htm?docId=54&docType=2,
 * taobao.trades.sold.increment.get https://open.taobao.com/api.htm?docId=128&docType=2,
 * taobao.logistics.offline.send https://open.taobao.com/api.htm?docId=10690&docType=2,
 * taobao.skus.custom.get https://open.taobao.com/api.htm?docId=163&docType=2,
 * taobao.items.custom.get https://open.taobao.com/api.htm?docId=162&docType=2,
 * taobao.item.quantity.update https://open.taobao.com/api.htm?docId=10591&docType=2,
 * error codes https://open.taobao.com/doc.htm?docId=114&docType=1.
 */
import { createHmac } from 'node:crypto'
import type { TaobaoCredentials } from '../taobao.ts'
import { platformCarrier } from '../carriers.ts'
import { PlatformApiError, type ChangedOrdersPage, type ChangeWindow, type PlatformApi, type ShipNotice, type ShopCall, type StockLevel } from '../platform-api.ts'
import type { Field } from '../payload-reader.ts'
import { SHANGHAI_TIME } from '../platform-time.ts'
import { baseUrlOf, readAnswer, readFields, shanghaiText, sortedConcat, type Answer } from './answers.ts'

/** The router's host; calls go to <host>/router/rest. */
export const TAOBAO_HOST = 'https://eco.taobao.com'

/** The trade fields the adapter reads (taobao.trade.fullinfo.get answers only the fields asked for). */
export const TAOBAO_TRADE_FIELDS = [
  'tid', 'type', 'status', 'step_trade_status', 'created', 'pay_time', 'modified', 'payment', 'total_fee', 'post_fee', 'discount_fee',
  'buyer_open_uid', 'receiver_name', 'receiver_mobile', 'receiver_phone', 'receiver_country', 'receiver_state', 'receiver_city',
  'receiver_district', 'receiver_town', 'receiver_address', 'receiver_zip', 'orders',
].join(',')

/** The TOP signature of `params` (sign excluded) as the client signs (sign_method hmac-sha256): upper-hex HMAC-SHA256 of the sorted name/value pairs, keyed by the app secret. */
export function taobaoSign(params: Readonly<Record<string, string>>, appSecret: string): string {
  return createHmac('sha256', appSecret).update(sortedConcat(params), 'utf8').digest('hex').toUpperCase()
}

/** One TOP call: the API's answer, or its error_response as a PlatformApiError. */
async function top(call: ShopCall<TaobaoCredentials>, method: string, apiParams: Record<string, string>): Promise<Answer> {
  const { appKey, appSecret, sessionKey } = call.credentials
  const params: Record<string, string> = {
    method, app_key: appKey, session: sessionKey, timestamp: shanghaiText(call.now()), format: 'json', v: '2.0', sign_method: 'hmac-sha256', ...apiParams,
  }
  params.sign = taobaoSign(params, appSecret)
  const url = `${baseUrlOf(call.credentials.apiBaseUrl, TAOBAO_HOST)}/router/rest`
  const res = await call.http.request({
    method: 'POST', url,
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
    body: new URLSearchParams(params).toString(),
    logAs: `${url} ${method}`,
  })
  if (res.status >= 500) throw new PlatformApiError('unavailable', `http-${res.status}`, `Taobao answered ${res.status} to ${method}`)
  const answer = readAnswer(res, 'Taobao')
  const error = answer.root.at('error_response')
  if (error.present) throw taobaoRefusal(error, method)
  return answer
}

/** What a TOP error_response means. */
export function taobaoRefusal(error: Field, method: string): PlatformApiError {
  const code = error.at('code').present ? error.at('code').code() : ''
  const sub = error.at('sub_code').optionalText() ?? ''
  const message = `Taobao refused ${method}: ${code} ${error.at('msg').optionalText() ?? ''}${sub ? ` (${sub}: ${error.at('sub_msg').optionalText() ?? ''})` : ''}`
  const label = sub || code
  if (code === '27' || code === '26' || sub === 'isv.session-expired' || sub === 'invalid-sessionkey') return new PlatformApiError('session-expired', label, message)
  if (code === '7' || sub.startsWith('accesscontrol.')) {
    // "This ban will last for 3 more seconds"
    const seconds = /(\d+) more seconds?/.exec(error.at('sub_msg').optionalText() ?? '')?.[1]
    return new PlatformApiError('throttled', label, message, seconds ? Number(seconds) * 1000 : undefined)
  }
  if (sub.startsWith('isp.') || (code === '15' && sub === '')) return new PlatformApiError('unavailable', label, message)
  if (/not-exist|not-found/.test(sub)) return new PlatformApiError('not-found', label, message)
  return new PlatformApiError('invalid', label, message)
}

export const taobaoApi: PlatformApi<TaobaoCredentials> = {
  platform: 'taobao',

  async fetchOrder(call, platformOrderId) {
    const answer = await top(call, 'taobao.trade.fullinfo.get', { tid: platformOrderId, fields: TAOBAO_TRADE_FIELDS })
    if (!answer.root.at('trade_fullinfo_get_response', 'trade').present) throw new PlatformApiError('not-found', 'no-trade', `Taobao has no trade ${platformOrderId}`)
    return answer.text
  },

  async listChangedOrders(call, window: ChangeWindow): Promise<ChangedOrdersPage> {
    const pageNo = window.page ?? '1'
    const answer = await top(call, 'taobao.trades.sold.increment.get', {
      fields: 'tid,modified', start_modified: shanghaiText(window.from), end_modified: shanghaiText(window.to),
      page_no: pageNo, page_size: '100', use_has_next: 'true',
    })
    return readFields('Taobao', () => {
      const body = answer.root.at('trades_sold_increment_get_response').object()
      const trades = body.at('trades', 'trade')
      const orders = (trades.present ? trades.items() : []).map((t) => ({ platformOrderId: t.at('tid').id(), modifiedAt: Date.parse(t.at('modified').time(SHANGHAI_TIME)) }))
      const hasNext = body.at('has_next').value === true
      return { orders, ...(hasNext ? { nextPage: String(Number(pageNo) + 1) } : {}) }
    })
  },

  async shipNotice(call, notice: ShipNotice) {
    const answer = await top(call, 'taobao.logistics.offline.send', {
      tid: notice.platformOrderId, out_sid: notice.trackingNumber, company_code: platformCarrier('taobao', notice.carrier),
    })
    const ok = answer.root.at('logistics_offline_send_response', 'shipping', 'is_success').value
    if (ok !== true) throw new PlatformApiError('unavailable', 'not-shipped', `Taobao did not confirm the shipment of trade ${notice.platformOrderId}`)
  },

  async updateStock(call, level: StockLevel) {
    // The merchant's code names a SKU (skus.custom.get) or, for a listing without variants, an item (items.custom.get).
    const skus = await top(call, 'taobao.skus.custom.get', { outer_id: level.sku, fields: 'sku_id,num_iid,outer_id' })
    const sku = readFields('Taobao', () => {
      const list = skus.root.at('skus_custom_get_response', 'skus', 'sku')
      const first = list.present ? list.items()[0] : undefined
      return first ? { numIid: first.at('num_iid').id(), skuId: first.at('sku_id').id() as string | undefined } : undefined
    })
    let target = sku
    if (!target) {
      const items = await top(call, 'taobao.items.custom.get', { outer_id: level.sku, fields: 'num_iid,outer_id' })
      target = readFields('Taobao', () => {
        const list = items.root.at('items_custom_get_response', 'items', 'item')
        const first = list.present ? list.items()[0] : undefined
        return first ? { numIid: first.at('num_iid').id(), skuId: undefined } : undefined
      })
    }
    if (!target) throw new PlatformApiError('not-found', 'no-sku', `Taobao has no SKU or item with outer id ${level.sku}`)
    // type 1: full update (the quantity replaces the platform's).
    await top(call, 'taobao.item.quantity.update', {
      num_iid: target.numIid, ...(target.skuId ? { sku_id: target.skuId } : {}), quantity: String(level.quantity), type: '1',
    })
  },
}
