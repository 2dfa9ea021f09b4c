/**
 * Pinduoduo (拼多多): a pdd.order.information.get answer (`order_info_get_response`) becomes one order
 * input. Its amounts are JSON numbers in yuan (goods_price 39.8): they are read as the text they
 * were written in, never as doubles.
 *
 * No verifyPush and no readPush: Pinduoduo delivers order messages over its message service, a
 * WebSocket the app opens and signs itself; nothing arrives as a signed HTTP push.
 */
import type { OrderInput } from '../../schemas/generated/order-input.ts'
import type { Status } from '../../schemas/generated/order.ts'
import { defined, holdsAt, normalizeWith, type NormalizeResult, type PayloadBody, type PlatformState } from './adapter.ts'
import { withRefunds, type RefundState } from './order-refunds.ts'
import type { Field } from './payload-reader.ts'
import { SHANGHAI_TIME } from './platform-time.ts'

/** A Pinduoduo shop's credentials (the shops API keeps them as secrets). */
export interface PinduoduoCredentials { clientId: string; clientSecret: string; accessToken: string; apiBaseUrl?: string }

// Source of every table below: Pinduoduo Open Platform, API pdd.order.information.get
// (https://open.pinduoduo.com/application/document/api?id=pdd.order.information.get), order_info fields.

/** order_status "发货状态" → Ordo. */
export const PINDUODUO_ORDER_STATUSES = {
  1: { status: 'paid' }, // 待发货
  2: { status: 'shipped' }, // 已发货待签收
  3: { status: 'delivered' }, // 已签收
} as const satisfies Record<number, PlatformState>

/** refund_status "售后状态" (of the whole order) → where its refund stands. */
export const PINDUODUO_REFUND_STATUSES = {
  1: 'none', // 无售后或售后关闭
  2: 'open', // 售后处理中
  3: 'open', // 退款中
  4: 'refunded', // 退款成功
} as const satisfies Record<number, RefundState>

/** confirm_status "成交状态": an order not yet concluded is a group buy still forming; a cancelled one is cancelled. */
export const PINDUODUO_CONFIRM_STATUSES = {
  0: { cancelled: false }, // 未成交
  1: { cancelled: false }, // 已成交
  2: { cancelled: true }, // 已取消
} as const satisfies Record<number, { cancelled: boolean }>

/** group_status "成团状态": a group still forming must not ship yet (a frozen hold); a failed group is cancelled. */
export const PINDUODUO_GROUP_STATUSES = {
  0: { cancelled: false, hold: { pool: 'frozen', reason: 'Pinduoduo group_status 0 (拼团中): the group buy has not formed; do not ship' } },
  1: { cancelled: false }, // 已成团
  2: { cancelled: true }, // 团失败
} as const satisfies Record<number, { cancelled: boolean; hold?: PlatformState['hold'] }>

/** risk_control_status "订单审核状态": an order under risk control is a risk hold. */
export const PINDUODUO_RISK_CONTROL_STATUSES = {
  0: {}, // 正常订单
  1: { hold: { pool: 'risk', reason: 'Pinduoduo risk_control_status 1 (审核中): the platform is reviewing the order; do not ship' } },
} as const satisfies Record<number, { hold?: PlatformState['hold'] }>

/** Normalizes a pdd.order.information.get answer. */
export function normalize(body: PayloadBody): NormalizeResult {
  return normalizeWith(body, (root) => {
    const answer = root.at('order_info_get_response')
    if (answer.present) return [normalizePinduoduoOrder(answer.object().at('order_info').object())]
    const error = root.at('error_response')
    if (error.present) error.fail(`is an error answer from Pinduoduo (error_code ${error.at('error_code').present ? error.at('error_code').code() : '?'}: ${error.at('error_msg').optionalText() ?? 'no message'})`)
    return root.object().fail('is not a pdd.order.information.get answer: it has no order_info_get_response')
  })
}

/** One order_info as an order input. */
export function normalizePinduoduoOrder(order: Field): OrderInput {
  const currency = 'CNY'
  const shipping: PlatformState = order.at('order_status').lookup(PINDUODUO_ORDER_STATUSES, 'a Pinduoduo order status')
  const refund: RefundState = order.at('refund_status').lookup(PINDUODUO_REFUND_STATUSES, 'a Pinduoduo refund status')
  const confirm = order.at('confirm_status').lookup(PINDUODUO_CONFIRM_STATUSES, 'a Pinduoduo confirm status')
  const group: { cancelled: boolean; hold?: PlatformState['hold'] } = order.at('group_status').lookup(PINDUODUO_GROUP_STATUSES, 'a Pinduoduo group status')
  const risk: { hold?: PlatformState['hold'] } = order.at('risk_control_status').lookup(PINDUODUO_RISK_CONTROL_STATUSES, 'a Pinduoduo risk control status')
  const updatedAt = order.at('updated_at').time(SHANGHAI_TIME)
  const paidAt = order.at('pay_time').optionalTime(SHANGHAI_TIME)
  // A cancelled order that was paid back is refunded, as a closed Taobao trade is.
  const base: Status = (confirm.cancelled || group.cancelled) && refund !== 'refunded' ? 'cancelled' : shipping.status
  const { status, paymentStatus } = withRefunds(base, paidAt !== undefined, [refund])
  return {
    platform: 'pinduoduo',
    platformOrderId: order.at('order_sn').text(),
    status,
    totalAmount: order.at('pay_amount').amount(currency),
    currency,
    customer: defined({
      name: order.at('receiver_name').optionalText(),
      phone: order.at('receiver_phone').optionalText(),
    }),
    shippingAddress: defined({
      country: countryCode(order.at('country')),
      province: order.at('province').optionalText(),
      city: order.at('city').optionalText(),
      district: order.at('town').optionalText(),
      detail: order.at('receiver_address').optionalText() ?? order.at('address').optionalText(),
    }),
    items: order.at('item_list').items(1).map((line) => {
      const platformSkuId = line.at('sku_id').id()
      return {
        sku: line.at('outer_id').optionalText() ?? line.at('outer_goods_id').optionalText() ?? platformSkuId,
        platformSkuId,
        title: line.at('goods_name').optionalText(),
        quantity: line.at('goods_count').quantity(),
        unitPrice: line.at('goods_price').amount(currency),
      }
    }),
    payment: defined({ channel: order.at('pay_type').optionalText(), status: paymentStatus, paidAt }),
    presale: isOne(order.at('is_pre_sale')) || isOne(order.at('trade_type')), // 预售; trade_type 1 is 定金订单
    holds: holdsAt(updatedAt, [group.hold, risk.hold]),
    createdAt: order.at('created_time').time(SHANGHAI_TIME),
    updatedAt,
  }
}

function isOne(field: Field): boolean {
  return field.present && field.code() === '1'
}

/** Pinduoduo names the country in Chinese ("中国"); Ordo's addresses use ISO 3166 codes where known. */
function countryCode(field: Field): string | undefined {
  const name = field.optionalText()
  return name === '中国' ? 'CN' : name
}
