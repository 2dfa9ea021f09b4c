/**
 * The pushes the simulator sends Ordo, signed as each platform signs them and as the adapters'
 * verifyPush checks: Shopify X-Shopify-Hmac-Sha256 and WooCommerce X-WC-Webhook-Signature (base64
 * HMAC-SHA256 of the raw body with the webhook secret), Douyin event-sign (hex MD5 of appKey + raw
 * body + appSecret, with app-id). Taobao, JD and Pinduoduo push over long connections instead
 * (message-channels.ts attaches those to the same server and events).
 */
import { createHmac, randomUUID } from 'node:crypto'
import type { PlatformName } from '../platforms/adapter.ts'
import { md5Hex } from '../platforms/push-signature.ts'
import { JsonNumber } from '../platforms/lossless-json.ts'
import { losslessText } from '../platforms/api/answers.ts'
import { shopifyOrder, wooOrder, type SimOrder } from './sim-orders.ts'
import type { SimCredentials, SimEvent } from './sim-state.ts'

/** A push as it goes out: its body and headers. */
export interface SignedPush { body: string; headers: Record<string, string> }

const SHOPIFY_TOPICS: Record<SimEvent, string> = {
  created: 'orders/create', paid: 'orders/paid', shipped: 'orders/fulfilled', completed: 'orders/updated', refunding: 'orders/updated', refunded: 'orders/updated',
}

/**
 * Douyin message tags. Source: 抖店 message push (https://op.jinritemai.com/docs/message-docs/30/…):
 * 100 订单创建, 101 订单支付/确认, 102 卖家发货, 103 交易完成, 200 买家发起售后申请, 206 退款成功.
 */
const DOUYIN_TAGS: Record<SimEvent, string> = { created: '100', paid: '101', shipped: '102', completed: '103', refunding: '200', refunded: '206' }

/** The signed push of `event` for platforms that push over HTTP; undefined for the others. */
export function signedPush(platform: PlatformName, order: SimOrder, event: SimEvent, credentials: SimCredentials): SignedPush | undefined {
  const id = randomUUID()
  if (platform === 'shopify') {
    const body = losslessText(shopifyOrder(order))
    return {
      body,
      headers: {
        'content-type': 'application/json', 'x-shopify-topic': SHOPIFY_TOPICS[event], 'x-shopify-shop-domain': credentials.shopDomain!,
        'x-shopify-api-version': '2024-10', 'x-shopify-webhook-id': id, 'x-shopify-event-id': id, 'x-shopify-triggered-at': new Date(order.updatedAt).toISOString(),
        'x-shopify-hmac-sha256': createHmac('sha256', credentials.webhookSecret!).update(body, 'utf8').digest('base64'),
      },
    }
  }
  if (platform === 'woocommerce') {
    const body = losslessText(wooOrder(order))
    return {
      body,
      headers: {
        'content-type': 'application/json', 'x-wc-webhook-source': `${credentials.siteUrl}/`, 'x-wc-webhook-topic': event === 'created' ? 'order.created' : 'order.updated',
        'x-wc-webhook-resource': 'order', 'x-wc-webhook-event': event === 'created' ? 'created' : 'updated', 'x-wc-webhook-id': '12', 'x-wc-webhook-delivery-id': id,
        'x-wc-webhook-signature': createHmac('sha256', credentials.webhookSecret!).update(body, 'utf8').digest('base64'),
      },
    }
  }
  if (platform === 'douyin') {
    // data is JSON text whose p_id is a 64-bit number, written with all its digits.
    const data = losslessText({
      p_id: new JsonNumber(order.platformOrderId), s_ids: order.lines.map((_, i) => new JsonNumber((BigInt(order.platformOrderId) + BigInt(i + 1)).toString())),
      shop_id: new JsonNumber(credentials.shopId!), biz: new JsonNumber('1'), order_status: new JsonNumber(event === 'shipped' ? '3' : event === 'completed' ? '5' : '2'),
      update_time: new JsonNumber(String(Math.floor(order.updatedAt / 1000))),
    })
    const body = JSON.stringify([{ tag: DOUYIN_TAGS[event], msg_id: id.replace(/-/g, ''), data }])
    return {
      body,
      headers: { 'content-type': 'application/json', 'app-id': credentials.appKey!, 'sign-method': 'md5', 'event-sign': md5Hex(credentials.appKey!, body, credentials.appSecret!) },
    }
  }
  return undefined
}

/** One delivery the simulator made. */
export interface PushRecord {
  platform: PlatformName
  shopId: string
  platformOrderId: string
  event: SimEvent
  url: string
  /** The answer's status, or 0 when it could not be delivered. */
  status: number
  /** This delivery repeats an earlier one (the duplicate setting). */
  duplicate: boolean
  /** This delivery was held back and sent after a later one (the out-of-order setting). */
  late: boolean
  error?: string
}
