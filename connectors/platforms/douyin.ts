/**
 * Douyin shop (抖店): an order.orderDetail answer (`data.shop_order_detail`) becomes one order input;
 * a message push names the orders to pull and is signed with event-sign. Amounts are already fen
 * (integers); times are Unix seconds.
 */
import type { OrderInput } from '../../schemas/generated/order-input.ts'
import { defined, holdsAt, normalizeWith, readPushWith, type NormalizeResult, type PayloadBody, type PlatformState, type PulledOrderRef, type PushHeaders, type PushReading, type PushVerdict } from './adapter.ts'
import { withRefunds, type RefundState } from './order-refunds.ts'
import { idInJsonText, type Field } from './payload-reader.ts'
import { UNIX_SECONDS } from './platform-time.ts'
import { headerValue, md5Hex, sameSecretText } from './push-signature.ts'

/** A Douyin shop's credentials (the shops API keeps them as secrets). */
export interface DouyinCredentials { appKey: string; appSecret: string; shopId: string; apiBaseUrl?: string }

// Source of the tables below: Douyin Open Platform (抖店开放平台, https://op.jinritemai.com), API
// order.orderDetail, fields of shop_order_detail and of its sku_order_list.

/**
 * order_status → Ordo. 105 "已支付" is where the platform keeps a paid order it has not released
 * for shipping (risk control, "风控订单不发货"): a risk hold over a paid order, not a status.
 */
export const DOUYIN_ORDER_STATUSES = {
  1: { status: 'pending_payment' }, // 待确认/待支付（订单创建完毕）
  105: { status: 'paid', hold: { pool: 'risk', reason: 'Douyin order_status 105: paid, but held by the platform (risk control); do not ship' } },
  2: { status: 'paid' }, // 备货中
  101: { status: 'partially_shipped' }, // 部分发货
  3: { status: 'shipped' }, // 已发货（全部发货）
  4: { status: 'cancelled' }, // 已取消
  5: { status: 'completed' }, // 已完成（已收货）
} as const satisfies Record<number, PlatformState>

/**
 * main_status "主流程状态" → Ordo: the order_status codes, plus 103 (部分支付: a deposit paid) and the
 * three ends of a refund, which order_status shows only as 4 (closed). Read before order_status.
 */
export const DOUYIN_MAIN_STATUSES = {
  ...DOUYIN_ORDER_STATUSES,
  103: { status: 'pending_payment' }, // 部分支付
  21: { status: 'refunded' }, // 发货前退款完结
  22: { status: 'refunded' }, // 发货后退款完结
  39: { status: 'refunded' }, // 收货后退款完结
} as const satisfies Record<number, PlatformState>

/** sku_order_list[].after_sale_info.refund_status "退款状态" → where the line's refund stands. */
export const DOUYIN_REFUND_STATUSES = {
  0: 'none', // 无需退款
  1: 'open', // 待退款
  2: 'open', // 退款中
  3: 'refunded', // 退款成功
  4: 'none', // 退款失败
} as const satisfies Record<number, RefundState>

/** pay_type "支付类型" → payment channel (free text). */
export const DOUYIN_PAY_TYPES: Readonly<Record<string, string>> = {
  0: 'cash-on-delivery', 1: 'wechat', 2: 'alipay', 3: 'mini-program', 4: 'bank-card', 5: 'balance', 7: 'none', 8: 'dou-installment', 9: 'new-card',
}

/** Normalizes an order.orderDetail answer. A message push is refused: it names orders without carrying them. */
export function normalize(body: PayloadBody): NormalizeResult {
  return normalizeWith(body, (root) => {
    if (Array.isArray(root.value)) {
      const refs = root.items(1).flatMap(messageRefs)
      root.fail(`is a Douyin message push naming order ${refs.map((r) => r.platformOrderId).join(', ')}; it carries no order: pull the order (order.orderDetail) to normalize it`)
    }
    const code = root.object().at('code')
    if (code.present && code.code() !== '10000') code.fail(`is ${code.code()}: Douyin answered with an error (${root.at('sub_msg').optionalText() ?? root.at('msg').optionalText() ?? 'no message'}), not an order`)
    const detail = root.at('data', 'shop_order_detail')
    if (!detail.present) return root.fail('is not an order.orderDetail answer: it has no data.shop_order_detail')
    return [normalizeDouyinOrder(detail.object())]
  })
}

/** One shop_order_detail as an order input. */
export function normalizeDouyinOrder(order: Field): OrderInput {
  const currency = 'CNY'
  const main = order.at('main_status')
  const state: PlatformState = main.present
    ? main.lookup(DOUYIN_MAIN_STATUSES, 'a Douyin main status')
    : order.at('order_status').lookup(DOUYIN_ORDER_STATUSES, 'a Douyin order status')
  const updatedAt = order.at('update_time').time(UNIX_SECONDS)
  const paidAt = order.at('pay_time').optionalTime(UNIX_SECONDS)
  const lines = order.at('sku_order_list').items(1)
  const refunds = lines.map((line): RefundState => {
    const refund = line.at('after_sale_info', 'refund_status')
    return refund.present ? refund.lookup(DOUYIN_REFUND_STATUSES, 'a Douyin refund status') : 'none'
  })
  const { status, paymentStatus } = withRefunds(state.status, paidAt !== undefined, refunds)
  const payType = order.at('pay_type')
  // Names, phones and the street detail come encrypted (encrypt_*); only the masked forms are text to show.
  const address = order.at('post_addr')
  return {
    platform: 'douyin',
    platformOrderId: order.at('order_id').id(),
    status,
    totalAmount: order.at('pay_amount').minorUnits(),
    currency,
    customer: defined({
      id: order.at('doudian_open_id').optionalText(),
      name: order.at('mask_post_receiver').optionalText() ?? order.at('post_receiver').optionalText(),
      phone: order.at('mask_post_tel').optionalText() ?? order.at('post_tel').optionalText(),
    }),
    shippingAddress: defined({
      country: 'CN', // Douyin shops ship within mainland China; the order names no country
      province: address.at('province', 'name').optionalText(),
      city: address.at('city', 'name').optionalText(),
      district: address.at('town', 'name').optionalText(),
      street: address.at('street', 'name').optionalText(),
      detail: order.at('mask_post_addr', 'detail').optionalText() ?? address.at('detail').optionalText(),
    }),
    items: lines.map((line) => {
      const platformSkuId = line.at('sku_id').id()
      return {
        sku: line.at('out_sku_id').optionalText() ?? line.at('code').optionalText() ?? platformSkuId,
        platformSkuId,
        title: line.at('product_name').optionalText(),
        quantity: line.at('item_num').quantity(),
        unitPrice: line.at('origin_amount').minorUnits(), // 商品现价, before the order's promotions
      }
    }),
    payment: defined({
      channel: payType.present ? DOUYIN_PAY_TYPES[payType.code()] ?? `pay_type ${payType.code()}` : undefined,
      status: paymentStatus,
      paidAt,
    }),
    // order_type 1 全款预售订单, trade_type 2 定金预售, a line's pre_sale_type 1 全款预售 or 2 阶梯发货.
    presale: codeIs(order.at('order_type'), '1') || codeIs(order.at('trade_type'), '2')
      || lines.some((line) => codeIs(line.at('pre_sale_type'), '1') || codeIs(line.at('pre_sale_type'), '2')),
    holds: holdsAt(updatedAt, [state.hold]),
    createdAt: order.at('create_time').time(UNIX_SECONDS),
    updatedAt,
  }
}

/**
 * Checks a message push: header `event-sign` must be the hex MD5 of appKey + the raw body + appSecret
 * and `app-id` must name the shop's app. A `sign-method` other than md5 is refused, not guessed.
 */
export function verifyPush(rawBody: Buffer, headers: PushHeaders, credentials: Pick<DouyinCredentials, 'appKey' | 'appSecret'>): PushVerdict {
  const appId = headerValue(headers, 'app-id')
  if (!appId.ok) return appId
  if (appId.value !== credentials.appKey) return { ok: false, reason: 'the app-id header names another app' }
  const method = headers['sign-method']
  if (method !== undefined && String(method).toLowerCase() !== 'md5') return { ok: false, reason: `sign-method ${String(method)} is not supported (only md5)` }
  const sign = headerValue(headers, 'event-sign')
  if (!sign.ok) return sign
  const expected = md5Hex(credentials.appKey, rawBody, credentials.appSecret)
  return sameSecretText(expected, sign.value.trim().toLowerCase()) ? { ok: true } : { ok: false, reason: 'the event-sign signature does not match the body' }
}

/**
 * Reads a message push (`[{ tag, msg_id, data }]`, data being JSON text): the orders it names, to
 * pull, by their parent order id (p_id, a 64-bit number read without losing digits).
 */
export function readPush(rawBody: string | Buffer): PushReading {
  return readPushWith(rawBody, (root) => ({ kind: 'pull', orders: root.items(1).flatMap(messageRefs) }))
}

/** The order one message names. */
function messageRefs(message: Field): PulledOrderRef[] {
  return [{ platformOrderId: idInJsonText(message.object().at('data'), 'p_id'), event: message.at('tag').code() }]
}

function codeIs(field: Field, code: string): boolean {
  return field.present && field.code() === code
}
