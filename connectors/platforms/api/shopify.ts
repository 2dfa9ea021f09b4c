/**
 * Shopify Admin REST API client (version 2024-10), authenticated with the app's access token in
 * X-Shopify-Access-Token. Lists page with the Link header's page_info (cursor pagination); a 429
 * carries Retry-After in seconds.
 *
 * Docs: https://shopify.dev/docs/api/admin-rest/2024-10/resources/order (orders/{id}.json, orders.json),
 * https://shopify.dev/docs/api/usage/pagination-rest (page_info), https://shopify.dev/docs/api/usage/rate-limits,
 * https://shopify.dev/docs/api/admin-rest/2024-10/resources/fulfillmentorder and
 * https://shopify.dev/docs/api/admin-rest/2024-10/resources/fulfillment (fulfillments through fulfillment orders),
 * https://shopify.dev/docs/api/admin-rest/2024-10/resources/inventorylevel (inventory_levels/set.json),
 * https://shopify.dev/docs/api/admin-graphql/2024-10/queries/productVariants (a variant by SKU).
 */
import type { ShopifyCredentials } from '../shopify.ts'
import { platformCarrier } from '../carriers.ts'
import { PlatformApiError, type ChangedOrdersPage, type PlatformApi, type ShopCall } from '../platform-api.ts'
import { OFFSET_TIME } from '../platform-time.ts'
import type { HttpResponse } from '../../sdk/perform.ts'
import { JsonNumber, type LosslessJson } from '../lossless-json.ts'
import { losslessText, readAnswer, readFields, refusalOfStatus, type Answer } from './answers.ts'

export const SHOPIFY_API_VERSION = '2024-10'
const PAGE_SIZE = 250

/** Where the shop's Admin API lives: its apiBaseUrl, else https://{shopDomain}. */
export function shopifyAdminBase(credentials: ShopifyCredentials): string {
  const host = credentials.apiBaseUrl && credentials.apiBaseUrl !== '' ? credentials.apiBaseUrl.replace(/\/+$/, '') : `https://${credentials.shopDomain}`
  return `${host}/admin/api/${SHOPIFY_API_VERSION}`
}

/** One Admin API call; a body is written losslessly, so 64-bit ids given as JsonNumber keep every digit. */
async function shopify(call: ShopCall<ShopifyCredentials>, method: string, path: string, what: string, json?: LosslessJson): Promise<{ res: HttpResponse; answer: Answer }> {
  const url = `${shopifyAdminBase(call.credentials)}/${path}`
  const res = await call.http.request({
    method, url,
    headers: { 'X-Shopify-Access-Token': call.credentials.accessToken, accept: 'application/json', ...(json !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(json !== undefined ? { body: losslessText(json) } : {}),
  })
  if (!res.ok) throw refusalOfStatus('Shopify', res, what)
  return { res, answer: readAnswer(res, 'Shopify') }
}

/** The page_info of the Link header's rel="next" link, when there is a next page. */
export function nextPageInfo(link: string | undefined): string | undefined {
  if (!link) return undefined
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim())
    if (m) return new URL(m[1]!).searchParams.get('page_info') ?? undefined
  }
  return undefined
}

/** The variant's inventory item id, from the variant id, else found by SKU through the GraphQL Admin API. */
async function inventoryItemOf(call: ShopCall<ShopifyCredentials>, sku: string, variantId: string | undefined): Promise<string> {
  if (variantId) {
    const { answer } = await shopify(call, 'GET', `variants/${encodeURIComponent(variantId)}.json`, `the variant ${variantId}`)
    return readFields('Shopify', () => answer.root.at('variant', 'inventory_item_id').id())
  }
  const query = `{ productVariants(first: 1, query: ${JSON.stringify(`sku:${sku}`)}) { edges { node { sku inventoryItem { legacyResourceId } } } } }`
  const { answer } = await shopify(call, 'POST', 'graphql.json', `the variant with SKU ${sku}`, { query })
  const id = readFields('Shopify', () => {
    const edges = answer.root.at('data', 'productVariants', 'edges').items()
    const node = edges.map((e) => e.at('node')).find((n) => n.at('sku').optionalText() === sku)
    return node?.at('inventoryItem', 'legacyResourceId').id()
  })
  if (!id) throw new PlatformApiError('not-found', 'no-sku', `Shopify has no variant with SKU ${sku}`)
  return id
}

export const shopifyApi: PlatformApi<ShopifyCredentials> = {
  platform: 'shopify',

  async fetchOrder(call, platformOrderId) {
    const { answer } = await shopify(call, 'GET', `orders/${encodeURIComponent(platformOrderId)}.json?status=any`, `order ${platformOrderId}`)
    return answer.text
  },

  async listChangedOrders(call, window): Promise<ChangedOrdersPage> {
    // With page_info, Shopify takes no other filter but limit: the cursor carries the window.
    const query = window.page
      ? new URLSearchParams({ limit: String(PAGE_SIZE), page_info: window.page })
      : new URLSearchParams({ updated_at_min: new Date(window.from).toISOString(), updated_at_max: new Date(window.to).toISOString(), status: 'any', limit: String(PAGE_SIZE) })
    const { res, answer } = await shopify(call, 'GET', `orders.json?${query}`, 'the changed orders')
    return readFields('Shopify', () => {
      const orders = answer.root.at('orders').items().map((o) => ({
        platformOrderId: o.at('id').id(),
        modifiedAt: Date.parse(o.at('updated_at').time(OFFSET_TIME)),
        detail: losslessText(o.value!),
      }))
      const next = nextPageInfo(res.headers.link)
      return { orders, ...(next ? { nextPage: next } : {}) }
    })
  },

  async shipNotice(call, notice) {
    const company = platformCarrier('shopify', notice.carrier)
    const id = encodeURIComponent(notice.platformOrderId)
    const { answer } = await shopify(call, 'GET', `orders/${id}/fulfillment_orders.json`, `the fulfillment orders of order ${notice.platformOrderId}`)
    const open = readFields('Shopify', () => answer.root.at('fulfillment_orders').items()
      .filter((f) => ['open', 'in_progress'].includes(f.at('status').text()))
      .map((f) => ({ fulfillment_order_id: new JsonNumber(f.at('id').id()) })))
    if (open.length === 0) throw new PlatformApiError('invalid', 'nothing-to-fulfill', `Shopify order ${notice.platformOrderId} has no open fulfillment order`)
    await shopify(call, 'POST', 'fulfillments.json', `the fulfillment of order ${notice.platformOrderId}`, {
      fulfillment: { line_items_by_fulfillment_order: open, tracking_info: { company, number: notice.trackingNumber }, notify_customer: true },
    })
  },

  async updateStock(call, level) {
    const inventoryItemId = await inventoryItemOf(call, level.sku, level.platformSkuId)
    // The item's level at its (first) location is the one set.
    const { answer } = await shopify(call, 'GET', `inventory_levels.json?inventory_item_ids=${encodeURIComponent(inventoryItemId)}`, `the inventory levels of SKU ${level.sku}`)
    const locationId = readFields('Shopify', () => answer.root.at('inventory_levels').items()[0]?.at('location_id').id())
    if (!locationId) throw new PlatformApiError('not-found', 'no-location', `Shopify stocks SKU ${level.sku} at no location`)
    await shopify(call, 'POST', 'inventory_levels/set.json', `the stock of SKU ${level.sku}`, {
      location_id: new JsonNumber(locationId), inventory_item_id: new JsonNumber(inventoryItemId), available: new JsonNumber(String(level.quantity)),
    })
  },
}
