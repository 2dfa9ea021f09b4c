/**
 * JD (京东 POP): a jingdong.pop.order.get answer (`jingdong_pop_order_get_responce`, JD's own
 * spelling) becomes one order input.
 *
 * No verifyPush and no readPush: JD delivers order messages over its message service (JMQ), a long
 * connection the app opens with its own credentials; nothing arrives as a signed HTTP push.
 * The order detail carries no refund state (after-sales live in JD's after-sale API), so a JD order's
 * refunds are not read here.
 */
import type { OrderInput } from '../../schemas/generated/order-input.ts'
import { defined, holdsAt, normalizeWith, type NormalizeResult, type PayloadBody, type PlatformState } from './adapter.ts'
import type { Field } from './payload-reader.ts'
import { SHANGHAI_TIME } from './platform-time.ts'

/** A JD shop's credentials (the shops API keeps them as secrets). */
export interface JdCredentials { appKey: string; appSecret: string; accessToken: string; apiBaseUrl?: string }

/**
 * orderInfo.orderState → Ordo. Source: JD Open Platform (JOS, https://jos.jd.com), API
 * jingdong.pop.order.get / jingdong.pop.order.search, field order_state "订单状态". PAUSE,
 * POP_ORDER_PAUSE (暂停) and LOCKED (已锁定, typically while a cancellation is decided) stop
 * fulfilment: frozen holds over a paid order. The LBP/SOPL states (goods on their way to or at a JD
 * distribution centre) are shipped from the seller's side. DELIVERY_RETURN (配送退货: refused at the
 * door, coming back) starts a refund.
 */
export const JD_ORDER_STATES = {
  WAIT_SELLER_STOCK_OUT: { status: 'paid' }, // 等待出库
  WAIT_SELLER_DELIVERY: { status: 'paid' }, // 等待发货（海外购“等待境内发货”）
  WAIT_SEND_CODE: { status: 'paid' }, // 等待发码（LOC 订单）
  PAUSE: { status: 'paid', hold: { pool: 'frozen', reason: 'JD PAUSE: the order is paused before stock-out' } }, // 暂停
  POP_ORDER_PAUSE: { status: 'paid', hold: { pool: 'frozen', reason: 'JD POP_ORDER_PAUSE: the order is paused' } }, // POP 暂停
  LOCKED: { status: 'paid', hold: { pool: 'frozen', reason: 'JD LOCKED: the order is locked (a cancellation or refund is being decided); do not ship' } }, // 已锁定
  SEND_TO_DISTRIBUTION_CENER: { status: 'shipped' }, // 发往配送中心（LBP、SOPL）
  DISTRIBUTION_CENTER_RECEIVED: { status: 'shipped' }, // 配送中心已收货（LBP、SOPL）
  WAIT_GOODS_RECEIVE_CONFIRM: { status: 'shipped' }, // 等待确认收货
  RECEIPTS_CONFIRM: { status: 'delivered' }, // 收款确认（服务完成，LBP、SOPL）
  FINISHED_L: { status: 'completed' }, // 完成
  DELIVERY_RETURN: { status: 'refunding' }, // 配送退货
  TRADE_CANCELED: { status: 'cancelled' }, // 取消
} as const satisfies Record<string, PlatformState>

/** Normalizes a jingdong.pop.order.get answer. */
export function normalize(body: PayloadBody): NormalizeResult {
  return normalizeWith(body, (root) => {
    const answer = root.at('jingdong_pop_order_get_responce')
    if (!answer.present) {
      const error = root.at('error_response')
      if (error.present) error.fail(`is an error answer from JD (code ${error.at('code').present ? error.at('code').code() : '?'}: ${error.at('zh_desc').optionalText() ?? error.at('en_desc').optionalText() ?? 'no message'})`)
      return root.object().fail('is not a jingdong.pop.order.get answer: it has no jingdong_pop_order_get_responce')
    }
    const code = answer.object().at('code')
    if (code.present && code.code() !== '0') code.fail(`is ${JSON.stringify(code.code())}: JD answered with an error, not an order`)
    return [normalizeJdOrder(answer.at('orderDetailInfo', 'orderInfo').object())]
  })
}

/** One orderInfo as an order input. */
export function normalizeJdOrder(order: Field): OrderInput {
  const currency = 'CNY'
  const state: PlatformState = order.at('orderState').lookup(JD_ORDER_STATES, 'a JD order state')
  const updatedAt = order.at('modified').time(SHANGHAI_TIME)
  const paidAt = order.at('paymentConfirmTime').optionalTime(SHANGHAI_TIME)
  const consignee = order.at('consigneeInfo')
  return {
    platform: 'jd',
    platformOrderId: order.at('orderId').id(),
    status: state.status,
    // orderPayment: what the buyer pays (货款 - 优惠 - 余额 + 运费 + 税费 + 服务费).
    totalAmount: order.at('orderPayment').amount(currency),
    currency,
    customer: defined({
      id: order.at('open_id_buyer').optionalText() ?? order.at('pin').optionalText(),
      name: consignee.at('fullname').optionalText(),
      phone: consignee.at('mobile').optionalText() ?? consignee.at('telephone').optionalText(),
    }),
    shippingAddress: defined({
      country: 'CN', // JD POP ships within mainland China; the order names no country
      province: consignee.at('province').optionalText(),
      city: consignee.at('city').optionalText(),
      district: consignee.at('county').optionalText(),
      street: consignee.at('town').optionalText(),
      detail: consignee.at('fullAddress').optionalText(),
    }),
    items: order.at('itemInfoList').items(1).map((line) => {
      const platformSkuId = line.at('skuId').id()
      return {
        sku: line.at('outerSkuId').optionalText() ?? line.at('productNo').optionalText() ?? platformSkuId,
        platformSkuId,
        title: line.at('skuName').optionalText(),
        quantity: line.at('itemTotal').quantity(),
        unitPrice: line.at('jdPrice').amount(currency),
      }
    }),
    payment: defined({
      channel: order.at('payType').optionalText(), // "4-在线支付", "1-货到付款", …
      status: paidAt === undefined ? 'unpaid' : 'paid',
      paidAt,
    }),
    holds: holdsAt(updatedAt, [state.hold]),
    createdAt: order.at('orderStartTime').time(SHANGHAI_TIME),
    updatedAt,
  }
}
