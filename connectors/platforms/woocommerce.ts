/**
 * WooCommerce: an order object (a webhook body, or GET /wp-json/wc/v3/orders/<id>) becomes one order
 * input. Times are read from the *_gmt fields (UTC); the others are the site's wall clock in a zone
 * the order does not name. Amounts are decimal strings; a line gives only its subtotal, so its unit
 * price is the subtotal shared over the quantity.
 */
import type { OrderInput } from '../../schemas/generated/order-input.ts'
import type { Payment } from '../../schemas/generated/order.ts'
import { defined, holdsAt, normalizeWith, type NormalizeResult, type PayloadBody, type PlatformState, type PushHeaders, type PushReading, type PushVerdict } from './adapter.ts'
import { perUnit } from './money.ts'
import type { Field } from './payload-reader.ts'
import { NAIVE_UTC_TIME } from './platform-time.ts'
import { verifyHmacSha256Base64 } from './push-signature.ts'

/** A WooCommerce shop's credentials (the shops API keeps them as secrets). */
export interface WooCommerceCredentials { siteUrl: string; consumerKey: string; consumerSecret: string; webhookSecret: string; apiBaseUrl?: string }

/**
 * status → Ordo. Source: WooCommerce REST API documentation, Orders, "Order properties: status"
 * (https://woocommerce.github.io/woocommerce-rest-api-docs/#order-properties) and WooCommerce's
 * "Managing orders: order statuses" (checkout-draft comes from the block checkout). `failed` is a
 * payment that failed (the buyer may pay again); `on-hold` waits for payment to be confirmed, and an
 * order put on hold after it was paid (date_paid set) is paid with the same frozen hold.
 */
export const WOOCOMMERCE_ORDER_STATUSES = {
  'checkout-draft': { status: 'pending_payment' },
  pending: { status: 'pending_payment' },
  failed: { status: 'pending_payment' },
  'on-hold': { status: 'pending_payment', hold: { pool: 'frozen', reason: 'WooCommerce on-hold: the shop holds the order (payment to confirm, or stopped by hand)' } },
  processing: { status: 'paid' },
  completed: { status: 'completed' },
  cancelled: { status: 'cancelled' },
  refunded: { status: 'refunded' },
  trash: { status: 'cancelled' }, // moved to the bin by the shop
} as const satisfies Record<string, PlatformState>

/** Normalizes a WooCommerce order object. */
export function normalize(body: PayloadBody): NormalizeResult {
  return normalizeWith(body, (root) => {
    if (!root.object().at('line_items').present) return root.fail('is not a WooCommerce order: it has no line_items')
    return [normalizeWooCommerceOrder(root)]
  })
}

/** One WooCommerce order object as an order input. */
export function normalizeWooCommerceOrder(order: Field): OrderInput {
  const currency = order.at('currency').currency()
  const statusField = order.at('status')
  const listed: PlatformState = statusField.lookup(WOOCOMMERCE_ORDER_STATUSES, 'a WooCommerce order status')
  const updatedAt = order.at('date_modified_gmt').time(NAIVE_UTC_TIME)
  const paidAt = order.at('date_paid_gmt').optionalTime(NAIVE_UTC_TIME)
  const state = statusField.code() === 'on-hold' && paidAt !== undefined ? { ...listed, status: 'paid' as const } : listed
  const totalAmount = order.at('total').amount(currency)
  // Refund lines carry negative totals ("-5.00"); what was paid back is their sum, as a positive amount.
  const refunded = order.at('refunds').present ? order.at('refunds').items().reduce((sum, r) => sum + Math.abs(r.at('total').signedAmount(currency)), 0) : 0
  const taxIncluded = order.at('prices_include_tax').value === true
  const shipping = order.at('shipping')
  const billing = order.at('billing')
  return {
    platform: 'woocommerce',
    platformOrderId: order.at('id').id(),
    status: state.status,
    totalAmount,
    currency,
    customer: defined({
      id: order.at('customer_id').optionalId(), // 0: a guest
      name: fullName(billing) ?? fullName(shipping),
      email: billing.at('email').optionalText(),
      phone: billing.at('phone').optionalText() ?? shipping.at('phone').optionalText(),
    }),
    shippingAddress: defined({
      country: shipping.at('country').optionalText(),
      province: shipping.at('state').optionalText(),
      city: shipping.at('city').optionalText(),
      street: shipping.at('address_1').optionalText(),
      detail: shipping.at('address_2').optionalText(),
      postalCode: shipping.at('postcode').optionalText(),
    }),
    items: order.at('line_items').items(1).map((line) => {
      const quantity = line.at('quantity').quantity()
      // subtotal is before coupons and without tax; a shop that lists prices with tax shows them with it.
      const subtotal = line.at('subtotal').amount(currency) + (taxIncluded ? line.at('subtotal_tax').amount(currency) : 0)
      const platformSkuId = line.at('variation_id').optionalId() ?? line.at('product_id').id()
      return {
        sku: line.at('sku').optionalText() ?? platformSkuId,
        platformSkuId,
        title: line.at('name').optionalText(),
        quantity,
        unitPrice: perUnit(subtotal, quantity),
      }
    }),
    payment: defined({
      channel: order.at('payment_method').optionalText(),
      status: paymentStatus(statusField.code(), paidAt !== undefined, refunded, totalAmount),
      paidAt,
    }),
    holds: holdsAt(updatedAt, [state.hold]),
    createdAt: order.at('date_created_gmt').time(NAIVE_UTC_TIME),
    updatedAt,
  }
}

function paymentStatus(status: string, paid: boolean, refunded: number, total: number): NonNullable<Payment['status']> {
  if (status === 'failed') return 'failed'
  if (status === 'refunded' || (refunded > 0 && refunded >= total)) return 'refunded'
  if (refunded > 0) return 'partially_refunded'
  return paid ? 'paid' : 'unpaid'
}

function fullName(person: Field): string | undefined {
  return [person.at('first_name').optionalText(), person.at('last_name').optionalText()].filter(Boolean).join(' ') || undefined
}

/** Checks X-WC-Webhook-Signature: the base64 HMAC-SHA256 of the raw body, keyed by the webhook's secret. */
export function verifyPush(rawBody: Buffer, headers: PushHeaders, credentials: Pick<WooCommerceCredentials, 'webhookSecret'>): PushVerdict {
  return verifyHmacSha256Base64(rawBody, headers, 'x-wc-webhook-signature', credentials.webhookSecret)
}

/**
 * Reads a webhook body: an order (order.created, order.updated) is the whole order; the form body
 * `webhook_id=<n>` WooCommerce sends when a webhook is saved is a ping.
 */
export function readPush(rawBody: string | Buffer): PushReading {
  if (/^webhook_id=\d+$/.test(rawBody.toString().trim())) return { ok: true, push: { kind: 'ping' } }
  const read = normalize(rawBody)
  return read.ok ? { ok: true, push: { kind: 'orders', orders: read.orders } } : read
}
