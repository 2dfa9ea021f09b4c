/**
 * Shopify: an order object (a webhook body, or the REST answer `{ "order": … }`) becomes one order
 * input. Times carry their offsets; amounts are decimal strings. Ordo takes what the buyer pays: the
 * presentment money (`*_set.presentment_money`, in `presentment_currency`), which differs from the
 * shop money when the buyer pays in another currency than the shop's.
 */
import type { OrderInput } from '../../schemas/generated/order-input.ts'
import type { Payment, Status } from '../../schemas/generated/order.ts'
import { defined, normalizeWith, type NormalizeResult, type PayloadBody, type PushHeaders, type PushReading, type PushVerdict } from './adapter.ts'
import type { Field } from './payload-reader.ts'
import { OFFSET_TIME } from './platform-time.ts'
import { verifyHmacSha256Base64 } from './push-signature.ts'

/** A Shopify shop's credentials (the shops API keeps them as secrets). */
export interface ShopifyCredentials { shopDomain: string; accessToken: string; webhookSecret: string; apiBaseUrl?: string }

// Source of the tables below: Shopify Admin REST API reference, Order resource
// (https://shopify.dev/docs/api/admin-rest/latest/resources/order): financial_status,
// fulfillment_status, cancelled_at, closed_at; and its Fulfillment resource's shipment_status.

/**
 * financial_status → the status it gives an order not yet fulfilled, and the payment status.
 * An authorization is not money received (it can still expire or be voided), so `authorized` is not
 * paid; `voided` (the authorization cancelled) ends the order.
 */
export const SHOPIFY_FINANCIAL_STATUSES = {
  pending: { status: 'pending_payment', payment: 'unpaid' },
  authorized: { status: 'pending_payment', payment: 'unpaid' },
  partially_paid: { status: 'pending_payment', payment: 'unpaid' },
  paid: { status: 'paid', payment: 'paid' },
  partially_refunded: { status: 'paid', payment: 'partially_refunded' },
  refunded: { status: 'refunded', payment: 'refunded' },
  voided: { status: 'cancelled', payment: 'unpaid' },
} as const satisfies Record<string, { status: Status; payment: NonNullable<Payment['status']> }>

/**
 * fulfillment_status → Ordo, for an order neither cancelled, refunded nor voided; null (no line
 * fulfilled) leaves the status to financial_status. A fulfilled order is delivered when every
 * fulfillment's shipment_status is `delivered`, and completed once Shopify has closed it (closed_at).
 */
export const SHOPIFY_FULFILLMENT_STATUSES = {
  partial: 'partially_shipped',
  fulfilled: 'shipped',
  restocked: 'cancelled', // every line restocked and the order cancelled
} as const satisfies Record<string, Status>

/** Normalizes a Shopify order object, bare (a webhook body) or as `{ "order": … }` (the REST answer). */
export function normalize(body: PayloadBody): NormalizeResult {
  return normalizeWith(body, (root) => {
    const wrapped = root.object().at('order')
    const order = wrapped.present ? wrapped.object() : root
    if (!order.at('line_items').present && !order.at('financial_status').present) {
      return order.fail('is not a Shopify order: it has no line_items')
    }
    return [normalizeShopifyOrder(order)]
  })
}

/** One Shopify order object as an order input. */
export function normalizeShopifyOrder(order: Field): OrderInput {
  const shopCurrency = order.at('currency').currency()
  const currency = order.at('presentment_currency').given ? order.at('presentment_currency').currency() : shopCurrency
  /** The presentment amount of a money set, or the plain amount when the buyer paid in the shop's currency. */
  const money = (set: Field, plain: Field): number => {
    if (set.present) {
      const presentment = set.at('presentment_money')
      const code = presentment.at('currency_code').text()
      if (code !== currency) presentment.at('currency_code').fail(`is ${code}, not the presentment_currency ${currency}`)
      return presentment.at('amount').amount(currency)
    }
    if (currency !== shopCurrency) set.fail(`is required: the buyer paid in ${currency}, and ${plain.pointer} is in the shop's ${shopCurrency}`)
    return plain.amount(currency)
  }
  const financialField = order.at('financial_status')
  const financial = financialField.lookup(SHOPIFY_FINANCIAL_STATUSES, 'a Shopify financial status')
  const customer = order.at('customer')
  const address = order.at('shipping_address')
  return {
    platform: 'shopify',
    platformOrderId: order.at('id').id(),
    status: shopifyStatus(order, financial.status),
    totalAmount: money(order.at('total_price_set'), order.at('total_price')),
    currency,
    customer: defined({
      id: customer.at('id').optionalId(),
      name: fullName(customer) ?? fullName(address),
      email: order.at('email').optionalText() ?? customer.at('email').optionalText() ?? order.at('contact_email').optionalText(),
      phone: order.at('phone').optionalText() ?? customer.at('phone').optionalText() ?? address.at('phone').optionalText(),
    }),
    shippingAddress: address.present ? defined({
      country: address.at('country_code').optionalText() ?? address.at('country').optionalText(),
      province: address.at('province').optionalText(),
      city: address.at('city').optionalText(),
      street: address.at('address1').optionalText(),
      detail: address.at('address2').optionalText(),
      postalCode: address.at('zip').optionalText(),
    }) : undefined,
    items: order.at('line_items').items(1).map((line) => {
      const platformSkuId = line.at('variant_id').optionalId()
      const sku = line.at('sku').optionalText() ?? platformSkuId
      return {
        // A custom line (no product variant) without a SKU names nothing stock could follow.
        sku: sku ?? line.at('sku').fail('is empty and the line has no variant_id: nothing names what was sold'),
        platformSkuId,
        title: line.at('name').optionalText() ?? line.at('title').optionalText(),
        quantity: line.at('quantity').quantity(),
        unitPrice: money(line.at('price_set'), line.at('price')),
      }
    }),
    // The order names no payment time (its transactions do), so paidAt is left out.
    payment: defined({
      channel: order.at('gateway').optionalText() ?? order.at('payment_gateway_names', 0).optionalText(),
      status: financial.payment,
    }),
    createdAt: order.at('created_at').time(OFFSET_TIME),
    updatedAt: order.at('updated_at').time(OFFSET_TIME),
  }
}

/** The status from cancelled_at, financial_status and fulfillment_status, in that order of weight. */
function shopifyStatus(order: Field, financial: Status): Status {
  if (order.at('cancelled_at').given) return financial === 'refunded' ? 'refunded' : 'cancelled'
  if (financial === 'refunded' || financial === 'cancelled') return financial
  const fulfillmentField = order.at('fulfillment_status')
  if (!fulfillmentField.present) return financial
  const fulfillment: Status = fulfillmentField.lookup(SHOPIFY_FULFILLMENT_STATUSES, 'a Shopify fulfillment status')
  if (fulfillment !== 'shipped') return fulfillment
  if (order.at('closed_at').given) return 'completed'
  const shipments = order.at('fulfillments').present ? order.at('fulfillments').items().filter((f) => f.at('status').optionalText() === 'success') : []
  return shipments.length > 0 && shipments.every((f) => f.at('shipment_status').optionalText() === 'delivered') ? 'delivered' : 'shipped'
}

function fullName(person: Field): string | undefined {
  const name = [person.at('first_name').optionalText(), person.at('last_name').optionalText()].filter(Boolean).join(' ')
  return name || person.at('name').optionalText()
}

/** Checks X-Shopify-Hmac-Sha256: the base64 HMAC-SHA256 of the raw body, keyed by the shop's webhookSecret. */
export function verifyPush(rawBody: Buffer, headers: PushHeaders, credentials: Pick<ShopifyCredentials, 'webhookSecret'>): PushVerdict {
  return verifyHmacSha256Base64(rawBody, headers, 'x-shopify-hmac-sha256', credentials.webhookSecret)
}

/** Reads an order webhook (orders/create, orders/updated, orders/paid, …): its body is the whole order. */
export function readPush(rawBody: string | Buffer): PushReading {
  const read = normalize(rawBody)
  return read.ok ? { ok: true, push: { kind: 'orders', orders: read.orders } } : read
}
