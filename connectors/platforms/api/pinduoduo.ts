/**
 * Pinduoduo open platform client. Every call is a POST to the router with the system parameters
 * (type, client_id, access_token, timestamp in Unix seconds, data_type JSON, version) beside the
 * API's own; the sign is the upper-hex MD5 of client_secret + every parameter sorted by name, key then
 * value + client_secret.
 *
 * Docs: https://open.pinduoduo.com/application/document/browse?idStr=F5D2A7A4A7D7E03C (signature),
 * pdd.order.information.get https://open.pinduoduo.com/application/document/api?id=pdd.order.information.get,
 * pdd.order.number.list.increment.get https://open.pinduoduo.com/application/document/api?id=pdd.order.number.list.increment.get,
 * pdd.logistics.online.send https://open.pinduoduo.com/application/document/api?id=pdd.logistics.online.send,
 * pdd.goods.list.get https://open.pinduoduo.com/application/document/api?id=pdd.goods.list.get,
 * pdd.goods.quantity.update https://open.pinduoduo.com/application/document/api?id=pdd.goods.quantity.update,
 * error codes https://open.pinduoduo.com/application/document/browse?idStr=B6E7D9E5A6B4E3E4.
 */

import type { PinduoduoCredentials } from '../pinduoduo.ts'
import { platformCarrier } from '../carriers.ts'
import { PlatformApiError, type ChangedOrdersPage, type PlatformApi, type ShopCall } from '../platform-api.ts'
import type { Field } from '../payload-reader.ts'
import { SHANGHAI_TIME, UNIX_SECONDS } from '../platform-time.ts'
import { baseUrlOf, md5SortedSign, PER_SECOND_LIMIT_MS, readAnswer, readFields, type Answer } from './answers.ts'

/** The gateway's host; calls go to <host>/api/router. */
export const PINDUODUO_HOST = 'https://gw-api.pinduoduo.com'
const PAGE_SIZE = 100

/** The Pinduoduo signature of `params` (sign excluded). */
export const pinduoduoSign: (params: Readonly<Record<string, string>>, clientSecret: string) => string = md5SortedSign

async function pdd(call: ShopCall<PinduoduoCredentials>, type: string, apiParams: Record<string, string>): Promise<Answer> {
  const { clientId, clientSecret, accessToken } = call.credentials
  const params: Record<string, string> = {
    type, client_id: clientId, access_token: accessToken, timestamp: String(Math.floor(call.now() / 1000)), data_type: 'JSON', version: 'V1', ...apiParams,
  }
  params.sign = pinduoduoSign(params, clientSecret)
  const url = `${baseUrlOf(call.credentials.apiBaseUrl, PINDUODUO_HOST)}/api/router`
  const res = await call.http.request({
    method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
    body: new URLSearchParams(params).toString(), logAs: `${url} ${type}`,
  })
  if (res.status >= 500) throw new PlatformApiError('unavailable', `http-${res.status}`, `Pinduoduo answered ${res.status} to ${type}`)
  const answer = readAnswer(res, 'Pinduoduo')
  const error = answer.root.at('error_response')
  if (error.present) throw pinduoduoRefusal(error, type)
  return answer
}

/** What an error_response means: 10019 an expired access_token, 70031 the rate limit, 5xxxx the platform failing. */
export function pinduoduoRefusal(error: Field, type: string): PlatformApiError {
  const code = error.at('error_code').present ? error.at('error_code').code() : ''
  const message = `Pinduoduo refused ${type}: ${code} ${error.at('error_msg').optionalText() ?? ''}${error.at('sub_msg').optionalText() ? ` (${error.at('sub_msg').optionalText()})` : ''}`
  if (code === '10019' || code === '10035') return new PlatformApiError('session-expired', code, message)
  if (code === '70031' || code === '70032' || code === '70033') return new PlatformApiError('throttled', code, message, PER_SECOND_LIMIT_MS)
  if (/^5\d{4}$/.test(code)) return new PlatformApiError('unavailable', code, message)
  return new PlatformApiError('invalid', code, message)
}

export const pinduoduoApi: PlatformApi<PinduoduoCredentials> = {
  platform: 'pinduoduo',

  async fetchOrder(call, platformOrderId) {
    const answer = await pdd(call, 'pdd.order.information.get', { order_sn: platformOrderId })
    if (!answer.root.at('order_info_get_response', 'order_info').present) throw new PlatformApiError('not-found', 'no-order', `Pinduoduo has no order ${platformOrderId}`)
    return answer.text
  },

  async listChangedOrders(call, window): Promise<ChangedOrdersPage> {
    const page = Number(window.page ?? '1')
    // order_status 5 and refund_status 5: every status; is_lucky_flag 0: every kind of order.
    const answer = await pdd(call, 'pdd.order.number.list.increment.get', {
      is_lucky_flag: '0', order_status: '5', refund_status: '5',
      start_updated_at: String(Math.floor(window.from / 1000)), end_updated_at: String(Math.floor(window.to / 1000)),
      page: String(page), page_size: String(PAGE_SIZE), use_has_next: 'true',
    })
    return readFields('Pinduoduo', () => {
      const body = answer.root.at('order_sn_increment_get_response').object()
      const list = body.at('order_sn_list')
      const orders = (list.present ? list.items() : []).map((o) => {
        const updated = o.at('updated_at')
        // Written as "yyyy-MM-dd HH:mm:ss" in the detail; some answers give Unix seconds.
        const at = typeof updated.value === 'string' ? updated.time(SHANGHAI_TIME) : updated.time(UNIX_SECONDS)
        return { platformOrderId: o.at('order_sn').text(), modifiedAt: Date.parse(at) }
      })
      return { orders, ...(body.at('has_next').value === true ? { nextPage: String(page + 1) } : {}) }
    })
  },

  async shipNotice(call, notice) {
    const answer = await pdd(call, 'pdd.logistics.online.send', {
      order_sn: notice.platformOrderId, logistics_id: platformCarrier('pinduoduo', notice.carrier), tracking_number: notice.trackingNumber,
    })
    if (answer.root.at('logistics_online_send_response', 'is_success').value !== true) {
      throw new PlatformApiError('invalid', 'not-shipped', `Pinduoduo did not take the shipment of order ${notice.platformOrderId}`)
    }
  },

  async updateStock(call, level) {
    // pdd.goods.quantity.update names the goods: find them (and the SKU) by the merchant's code.
    const found = await pdd(call, 'pdd.goods.list.get', { outer_id: level.sku, page: '1', page_size: '10' })
    const target = readFields('Pinduoduo', () => {
      const goods = found.root.at('goods_list_get_response', 'goods_list')
      for (const g of goods.present ? goods.items() : []) {
        const skus = g.at('sku_list')
        for (const s of skus.present ? skus.items() : []) {
          if (s.at('outer_id').optionalText() === level.sku || (level.platformSkuId && s.at('sku_id').id() === level.platformSkuId)) {
            return { goodsId: g.at('goods_id').id(), skuId: s.at('sku_id').id() }
          }
        }
      }
      return undefined
    })
    if (!target) throw new PlatformApiError('not-found', 'no-sku', `Pinduoduo has no SKU with outer id ${level.sku}`)
    // update_type 1: full update.
    const answer = await pdd(call, 'pdd.goods.quantity.update', {
      goods_id: target.goodsId, sku_id: target.skuId, quantity: String(level.quantity), update_type: '1',
    })
    if (answer.root.at('goods_quantity_update_response', 'is_success').value !== true) {
      throw new PlatformApiError('invalid', 'stock-refused', `Pinduoduo did not set the stock of SKU ${level.sku}`)
    }
  },
}
