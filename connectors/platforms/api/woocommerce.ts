/**
 * WooCommerce REST API v3 client, authenticated with the site's consumer key and secret as HTTP basic
 * auth (the site must serve HTTPS). Lists page by number, with the page count in X-WP-TotalPages.
 * WooCommerce core keeps no tracking numbers: a shipment is written as a customer note and order meta
 * (`_ordo_tracking_provider`, `_ordo_tracking_number`), and the order is completed, as a shop marks a
 * shipped order.
 *
 * Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#authentication,
 * #retrieve-an-order, #list-all-orders (modified_after, modified_before, dates_are_gmt, orderby, page,
 * per_page), #create-an-order-note, #update-an-order, #list-all-products (sku), #update-a-product,
 * #update-a-product-variation, https://developer.wordpress.org/rest-api/using-the-rest-api/pagination/.
 */
import type { WooCommerceCredentials } from '../woocommerce.ts'
import { platformCarrier } from '../carriers.ts'
import { PlatformApiError, type ChangedOrdersPage, type PlatformApi, type ShopCall } from '../platform-api.ts'
import { NAIVE_UTC_TIME } from '../platform-time.ts'
import type { HttpResponse } from '../../sdk/perform.ts'
import { losslessText, readAnswer, readFields, refusalOfStatus, type Answer } from './answers.ts'

const PAGE_SIZE = 100

/** Where the site's REST API lives: its apiBaseUrl, else its siteUrl, then /wp-json/wc/v3. */
export function wooApiBase(credentials: WooCommerceCredentials): string {
  const site = credentials.apiBaseUrl && credentials.apiBaseUrl !== '' ? credentials.apiBaseUrl : credentials.siteUrl
  return `${site.replace(/\/+$/, '')}/wp-json/wc/v3`
}

async function woo(call: ShopCall<WooCommerceCredentials>, method: string, path: string, what: string, json?: unknown): Promise<{ res: HttpResponse; answer: Answer }> {
  const { consumerKey, consumerSecret } = call.credentials
  const res = await call.http.request({
    method, url: `${wooApiBase(call.credentials)}/${path}`,
    headers: { authorization: `Basic ${Buffer.from(`${consumerKey}:${consumerSecret}`, 'utf8').toString('base64')}`, accept: 'application/json' },
    ...(json !== undefined ? { json } : {}),
  })
  if (!res.ok) throw refusalOfStatus('WooCommerce', res, what)
  return { res, answer: readAnswer(res, 'WooCommerce') }
}

/** "YYYY-MM-DDTHH:mm:ss" in UTC, as WooCommerce reads dates with dates_are_gmt. */
function gmt(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19)
}

export const woocommerceApi: PlatformApi<WooCommerceCredentials> = {
  platform: 'woocommerce',

  async fetchOrder(call, platformOrderId) {
    const { answer } = await woo(call, 'GET', `orders/${encodeURIComponent(platformOrderId)}`, `order ${platformOrderId}`)
    return answer.text
  },

  async listChangedOrders(call, window): Promise<ChangedOrdersPage> {
    const page = Number(window.page ?? '1')
    const query = new URLSearchParams({
      modified_after: gmt(window.from), modified_before: gmt(window.to), dates_are_gmt: 'true',
      orderby: 'modified', order: 'asc', page: String(page), per_page: String(PAGE_SIZE), status: 'any',
    })
    const { res, answer } = await woo(call, 'GET', `orders?${query}`, 'the changed orders')
    return readFields('WooCommerce', () => {
      const orders = answer.root.items().map((o) => ({
        platformOrderId: o.at('id').id(),
        modifiedAt: Date.parse(o.at('date_modified_gmt').time(NAIVE_UTC_TIME)),
        detail: losslessText(o.value!),
      }))
      const totalPages = Number(res.headers['x-wp-totalpages'] ?? '1')
      return { orders, ...(page < totalPages ? { nextPage: String(page + 1) } : {}) }
    })
  },

  async shipNotice(call, notice) {
    const provider = platformCarrier('woocommerce', notice.carrier)
    const id = encodeURIComponent(notice.platformOrderId)
    await woo(call, 'POST', `orders/${id}/notes`, `a note on order ${notice.platformOrderId}`, {
      note: `Shipped with ${provider}, tracking number ${notice.trackingNumber}`, customer_note: true,
    })
    await woo(call, 'PUT', `orders/${id}`, `order ${notice.platformOrderId}`, {
      status: 'completed',
      meta_data: [{ key: '_ordo_tracking_provider', value: provider }, { key: '_ordo_tracking_number', value: notice.trackingNumber }],
    })
  },

  async updateStock(call, level) {
    const { answer } = await woo(call, 'GET', `products?${new URLSearchParams({ sku: level.sku })}`, `the product with SKU ${level.sku}`)
    const product = readFields('WooCommerce', () => {
      const first = answer.root.items().find((p) => p.at('sku').optionalText() === level.sku)
      return first ? { id: first.at('id').id(), parentId: first.at('parent_id').optionalId() } : undefined
    })
    if (!product) throw new PlatformApiError('not-found', 'no-sku', `WooCommerce has no product with SKU ${level.sku}`)
    // A variation's stock is set on the variation, under its parent product.
    const path = product.parentId ? `products/${product.parentId}/variations/${product.id}` : `products/${product.id}`
    await woo(call, 'PUT', path, `the stock of SKU ${level.sku}`, { manage_stock: true, stock_quantity: level.quantity })
  },
}
