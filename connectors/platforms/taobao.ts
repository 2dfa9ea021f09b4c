/**
 * Taobao / Tmall: a taobao.trade.fullinfo.get answer (`trade_fullinfo_get_response`) becomes one
 * order input; a TMC trade message names the trade to pull.
 *
 * No verifyPush: Taobao delivers messages over TMC, a long connection the app itself opens and signs
 * with its appKey and appSecret. A message is the platform's because of the connection it came on;
 * it carries no signature of its own to check.
 */
import type { OrderInput } from '../../schemas/generated/order-input.ts'
import { defined, holdsAt, normalizeWith, readPushWith, type NormalizeResult, type PayloadBody, type PlatformState, type PulledOrderRef, type PushReading } from './adapter.ts'
import { withRefunds, type RefundState } from './order-refunds.ts'
import { idInJsonText, type Field } from './payload-reader.ts'
import { SHANGHAI_TIME } from './platform-time.ts'

/** A Taobao shop's credentials (the shops API keeps them as secrets). */
export interface TaobaoCredentials { appKey: string; appSecret: string; sessionKey: string; apiBaseUrl?: string }

/**
 * Trade.status → Ordo. Source: Taobao Open Platform, API taobao.trade.fullinfo.get
 * (https://open.taobao.com/api.htm?docId=54&docType=2), response field trade.status, "交易状态".
 * PAID_FORBID_CONSIGN is paid but must not ship (a group buy still forming, or consignment under
 * platform control): a risk hold, not a status. TRADE_CLOSED follows a refund after payment;
 * TRADE_CLOSED_BY_TAOBAO closes a trade before payment.
 */
export const TAOBAO_TRADE_STATUSES = {
  TRADE_NO_CREATE_PAY: { status: 'pending_payment' }, // 没有创建支付宝交易
  WAIT_BUYER_PAY: { status: 'pending_payment' }, // 等待买家付款
  PAY_PENDING: { status: 'pending_payment' }, // 国际信用卡支付付款确认中
  WAIT_PRE_AUTH_CONFIRM: { status: 'pending_payment' }, // 0元购合约中
  WAIT_SELLER_SEND_GOODS: { status: 'paid' }, // 等待卖家发货，即买家已付款
  PAID_FORBID_CONSIGN: { status: 'paid', hold: { pool: 'risk', reason: 'Taobao PAID_FORBID_CONSIGN: paid, but the platform forbids shipping (a group buy forming, or consignment control)' } },
  SELLER_CONSIGNED_PART: { status: 'partially_shipped' }, // 卖家部分发货
  WAIT_BUYER_CONFIRM_GOODS: { status: 'shipped' }, // 等待买家确认收货，即卖家已发货
  TRADE_BUYER_SIGNED: { status: 'delivered' }, // 买家已签收（货到付款专用）
  TRADE_FINISHED: { status: 'completed' }, // 交易成功
  TRADE_CLOSED: { status: 'refunded' }, // 付款以后用户退款成功，交易自动关闭
  TRADE_CLOSED_BY_TAOBAO: { status: 'cancelled' }, // 付款以前，卖家或买家主动关闭交易
} as const satisfies Record<string, PlatformState>

/**
 * Order.refund_status (each line of trade.orders.order) → where its refund stands. Source: the same
 * page, field order.refund_status, "退款状态". A refused or closed refund is none: the line goes on.
 */
export const TAOBAO_REFUND_STATUSES = {
  NO_REFUND: 'none', // 无退款
  WAIT_SELLER_AGREE: 'open', // 买家已经申请退款，等待卖家同意
  WAIT_BUYER_RETURN_GOODS: 'open', // 卖家已经同意退款，等待买家退货
  WAIT_SELLER_CONFIRM_GOODS: 'open', // 买家已经退货，等待卖家确认收货
  SELLER_REFUSE_BUYER: 'none', // 卖家拒绝退款
  CLOSED: 'none', // 退款关闭
  SUCCESS: 'refunded', // 退款成功
} as const satisfies Record<string, RefundState>

/**
 * Trade.step_trade_status of a presale (deposit, then balance) trade → whether it is wholly paid.
 * Source: the same page, field trade.step_trade_status, "分阶段付款的订单状态".
 */
export const TAOBAO_STEP_TRADE_STATUSES = {
  FRONT_NOPAID_FINAL_NOPAID: { whollyPaid: false }, // 定金未付尾款未付
  FRONT_PAID_FINAL_NOPAID: { whollyPaid: false }, // 定金已付尾款未付
  FRONT_PAID_FINAL_PAID: { whollyPaid: true }, // 定金和尾款都付
} as const satisfies Record<string, { whollyPaid: boolean }>

/** Normalizes a taobao.trade.fullinfo.get answer. A TMC message is refused: it names a trade without carrying it. */
export function normalize(body: PayloadBody): NormalizeResult {
  return normalizeWith(body, (root) => {
    const answer = root.at('trade_fullinfo_get_response')
    if (answer.present) return [normalizeTaobaoTrade(answer.object().at('trade').object())]
    const error = root.at('error_response')
    if (error.present) error.fail(`is an error answer from Taobao (code ${codeText(error.at('code'))}: ${error.at('sub_msg').optionalText() ?? error.at('msg').optionalText() ?? 'no message'})`)
    if (root.at('topic').present) {
      const [ref] = messageRefs(root)
      root.at('content').fail(`is a Taobao message (${ref.event}) naming trade ${ref.platformOrderId}; it carries no order: pull the trade (taobao.trade.fullinfo.get) to normalize it`)
    }
    return root.object().fail('is not a taobao.trade.fullinfo.get answer: it has no trade_fullinfo_get_response')
  })
}

/** One trade (trade_fullinfo_get_response.trade) as an order input. */
export function normalizeTaobaoTrade(trade: Field): OrderInput {
  const currency = 'CNY'
  const state: PlatformState = trade.at('status').lookup(TAOBAO_TRADE_STATUSES, 'a Taobao trade status')
  const stepField = trade.at('step_trade_status')
  const step = stepField.given ? stepField.lookup(TAOBAO_STEP_TRADE_STATUSES, 'a Taobao step trade status') : undefined
  const createdAt = trade.at('created').time(SHANGHAI_TIME)
  const updatedAt = trade.at('modified').time(SHANGHAI_TIME)
  const paidAt = trade.at('pay_time').optionalTime(SHANGHAI_TIME)
  const lines = trade.at('orders', 'order').items(1)
  const refunds = lines.map((line): RefundState => {
    const refund = line.at('refund_status')
    return refund.given ? refund.lookup(TAOBAO_REFUND_STATUSES, 'a Taobao refund status') : 'none'
  })
  const { status, paymentStatus } = withRefunds(state.status, paidAt !== undefined && step?.whollyPaid !== false, refunds)
  return {
    platform: 'taobao',
    platformOrderId: trade.at('tid').id(),
    status,
    totalAmount: trade.at('payment').amount(currency),
    currency,
    customer: defined({
      id: trade.at('buyer_open_uid').optionalText(),
      name: trade.at('receiver_name').optionalText(),
      phone: trade.at('receiver_mobile').optionalText() ?? trade.at('receiver_phone').optionalText(),
    }),
    shippingAddress: defined({
      // Taobao leaves receiver_country empty for an address in mainland China.
      country: trade.at('receiver_country').optionalText() ?? 'CN',
      province: trade.at('receiver_state').optionalText(),
      city: trade.at('receiver_city').optionalText(),
      district: trade.at('receiver_district').optionalText(),
      street: trade.at('receiver_town').optionalText(),
      detail: trade.at('receiver_address').optionalText(),
      postalCode: trade.at('receiver_zip').optionalText(),
    }),
    items: lines.map((line) => {
      const platformSkuId = line.at('sku_id').optionalId() ?? line.at('num_iid').id()
      return {
        // The merchant's code of the SKU, else of the item (a listing without variants has no SKU).
        sku: line.at('outer_sku_id').optionalText() ?? line.at('outer_iid').optionalText() ?? platformSkuId,
        platformSkuId,
        title: line.at('title').optionalText(),
        quantity: line.at('num').quantity(),
        unitPrice: line.at('price').amount(currency),
      }
    }),
    payment: defined({ status: paymentStatus, paidAt }),
    presale: step !== undefined || trade.at('type').optionalText() === 'step',
    holds: holdsAt(updatedAt, [state.hold]),
    createdAt,
    updatedAt,
  }
}

/**
 * Reads a TMC message (`{ topic, content, … }`, or an array of them, as the long-connection client
 * hands them over): the trades it names, to pull. Its `content` is JSON text whose tid is a number.
 */
export function readPush(rawBody: string | Buffer): PushReading {
  return readPushWith(rawBody, (root) => ({ kind: 'pull', orders: (Array.isArray(root.value) ? root.items(1) : [root]).flatMap(messageRefs) }))
}

/** The trade one TMC message names. */
function messageRefs(message: Field): PulledOrderRef[] {
  return [{ platformOrderId: idInJsonText(message.object().at('content'), 'tid'), event: message.at('topic').text() }]
}

function codeText(field: Field): string {
  return field.present ? field.code() : '?'
}
