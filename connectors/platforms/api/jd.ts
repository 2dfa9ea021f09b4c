/**
 * JD open platform (JOS, 京东宙斯) client. Every call is a POST to routerjson with the system
 * parameters (method, app_key, access_token, timestamp in Asia/Shanghai, format, v) and the API's
 * own as one JSON text, `360buy_param_json`; the sign is the upper-hex MD5 of appSecret + every
 * parameter sorted by name, key then value + appSecret.
 *
 * Docs: https://jos.jd.com/commondoc?listId=171 (API call, signature),
 * jingdong.pop.order.get https://jos.jd.com/apilist?apiGroupId=55&apiId=4247,
 * jingdong.pop.order.search https://jos.jd.com/apilist?apiGroupId=55&apiId=4248,
 * jingdong.pop.order.shipment https://jos.jd.com/apilist?apiGroupId=55&apiId=4250,
 * jingdong.stock.write.updateSkuStock https://jos.jd.com/apilist?apiGroupId=59&apiId=12345,
 * jingdong.sku.read.searchSkuList https://jos.jd.com/apilist?apiGroupId=58&apiId=11974,
 * error codes https://jos.jd.com/commondoc?listId=145.
 */

import { JD_ORDER_STATES, type JdCredentials } from '../jd.ts'
import { platformCarrier } from '../carriers.ts'
import { PlatformApiError, type ChangedOrdersPage, type PlatformApi, type ShopCall } from '../platform-api.ts'
import type { Field } from '../payload-reader.ts'
import { SHANGHAI_TIME } from '../platform-time.ts'
import { baseUrlOf, md5SortedSign, PER_SECOND_LIMIT_MS, readAnswer, readFields, shanghaiText, type Answer } from './answers.ts'

/** The router's host; calls go to <host>/routerjson. */
export const JD_HOST = 'https://api.jd.com'
const PAGE_SIZE = 100

/** The JOS signature of `params` (sign excluded). */
export const jdSign: (params: Readonly<Record<string, string>>, appSecret: string) => string = md5SortedSign

/** JD answers under `<method with _ for .>_responce` (JD's spelling). */
export function jdAnswerKey(method: string): string {
  return `${method.replace(/\./g, '_')}_responce`
}

/** One JOS call: the whole answer, or its error_response as a PlatformApiError. */
async function josAnswer(call: ShopCall<JdCredentials>, method: string, apiParams: Record<string, unknown>): Promise<Answer> {
  const { appKey, appSecret, accessToken } = call.credentials
  const params: Record<string, string> = {
    method, app_key: appKey, access_token: accessToken, timestamp: shanghaiText(call.now()), format: 'json', v: '2.0', sign_method: 'md5',
    '360buy_param_json': JSON.stringify(apiParams),
  }
  params.sign = jdSign(params, appSecret)
  const url = `${baseUrlOf(call.credentials.apiBaseUrl, JD_HOST)}/routerjson`
  const res = await call.http.request({
    method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
    body: new URLSearchParams(params).toString(), logAs: `${url} ${method}`,
  })
  if (res.status >= 500) throw new PlatformApiError('unavailable', `http-${res.status}`, `JD answered ${res.status} to ${method}`)
  const answer: Answer = readAnswer(res, 'JD')
  const error = answer.root.at('error_response')
  if (error.present) throw jdRefusal(error, method)
  return answer
}

/** One JOS call: the API's own answer (under its `…_responce` key). */
async function jos(call: ShopCall<JdCredentials>, method: string, apiParams: Record<string, unknown>): Promise<Field> {
  return (await josAnswer(call, method, apiParams)).root.at(jdAnswerKey(method))
}

/** What a JOS error_response means: 19 is an expired or revoked access token, a rate limit says so in its description. */
export function jdRefusal(error: Field, method: string): PlatformApiError {
  const code = error.at('code').present ? error.at('code').code() : ''
  const zh = error.at('zh_desc').optionalText() ?? ''
  const en = error.at('en_desc').optionalText() ?? ''
  const message = `JD refused ${method}: ${code} ${zh || en}`
  if (code === '19' || /token/i.test(en) && /expire|invalid/i.test(en)) return new PlatformApiError('session-expired', code, message)
  if (/频率|限流|超限/.test(zh) || /limit/i.test(en)) return new PlatformApiError('throttled', code, message, PER_SECOND_LIMIT_MS)
  if (code === '66' || code === '67' || /服务不可用|系统繁忙/.test(zh)) return new PlatformApiError('unavailable', code, message)
  return new PlatformApiError('invalid', code, message)
}

export const jdApi: PlatformApi<JdCredentials> = {
  platform: 'jd',

  async fetchOrder(call, platformOrderId) {
    const method = 'jingdong.pop.order.get'
    const answer = await josAnswer(call, method, { order_id: platformOrderId, order_state: Object.keys(JD_ORDER_STATES).join(',') })
    if (!answer.root.at(jdAnswerKey(method), 'orderDetailInfo', 'orderInfo').present) throw new PlatformApiError('not-found', 'no-order', `JD has no order ${platformOrderId}`)
    return answer.text
  },

  async listChangedOrders(call, window): Promise<ChangedOrdersPage> {
    const page = Number(window.page ?? '1')
    // dateType 0: by modification time; sortType 0: oldest first.
    const answer = await jos(call, 'jingdong.pop.order.search', {
      start_date: shanghaiText(window.from), end_date: shanghaiText(window.to), order_state: Object.keys(JD_ORDER_STATES).join(','),
      optional_fields: 'orderId,modified', page: String(page), page_size: String(PAGE_SIZE), dateType: '0', sortType: '0',
    })
    return readFields('JD', () => {
      const result = answer.at('searchorderinfo_result').object()
      const list = result.at('orderInfoList')
      const orders = (list.present ? list.items() : []).map((o) => ({ platformOrderId: o.at('orderId').id(), modifiedAt: Date.parse(o.at('modified').time(SHANGHAI_TIME)) }))
      const total = result.at('orderTotal').integer()
      return { orders, ...(page * PAGE_SIZE < total ? { nextPage: String(page + 1) } : {}) }
    })
  },

  async shipNotice(call, notice) {
    const answer = await jos(call, 'jingdong.pop.order.shipment', {
      order_id: notice.platformOrderId, logistics_id: platformCarrier('jd', notice.carrier), waybill: notice.trackingNumber,
    })
    const result = answer.at('sopjosshipment_result')
    if (result.at('success').value !== true) {
      throw new PlatformApiError('invalid', result.at('chineseErrCode').optionalText() ?? 'not-shipped', `JD did not take the shipment of order ${notice.platformOrderId}: ${result.at('errorCode').optionalText() ?? ''}`)
    }
  },

  async updateStock(call, level) {
    let skuId = level.platformSkuId
    if (!skuId) {
      const found = await jos(call, 'jingdong.sku.read.searchSkuList', { outId: level.sku, field: 'skuId,outerId', pageSize: '1' })
      skuId = readFields('JD', () => {
        const data = found.at('page', 'data')
        const first = data.present ? data.items()[0] : undefined
        return first?.at('skuId').id()
      })
      if (!skuId) throw new PlatformApiError('not-found', 'no-sku', `JD has no SKU with outer id ${level.sku}`)
    }
    const answer = await jos(call, 'jingdong.stock.write.updateSkuStock', { skuId, stockNum: level.quantity })
    if (answer.at('success').value !== true) throw new PlatformApiError('invalid', 'stock-refused', `JD did not set the stock of SKU ${level.sku}`)
  },
}
