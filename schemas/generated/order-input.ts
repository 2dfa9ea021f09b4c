/* Generated from schemas/order-input.schema.json by `npm run gen:types`. Do not edit. */

/**
 * @maxItems 100
 */
export type Tags = string[]

/**
 * An order sent to Ordo (POST /api/orders). The field shapes are those of order.schema.json; Ordo assigns the id.
 */
export interface OrderInput {
platform: ("taobao" | "jd" | "pinduoduo" | "douyin" | "shopify" | "woocommerce" | "manual")
/**
 * The platform's resource id, always a string (64-bit ids never pass through a JS number)
 */
platformOrderId: string
status: ("pending_payment" | "paid" | "partially_shipped" | "shipped" | "delivered" | "completed" | "cancelled" | "refunding" | "refunded")
/**
 * Integer minor units (fen, cents)
 */
totalAmount: number
/**
 * ISO 4217 code
 */
currency: string
customer?: Customer
shippingAddress?: Address
/**
 * @minItems 1
 * @maxItems 500
 */
items: Item[]
payment?: Payment
presale?: boolean
tags?: Tags
/**
 * Holds the platform itself puts on the order (a risk-control state, a lock): ingest adds a pool not yet held; holds already on the order stay until released
 * 
 * @maxItems 100
 */
holds?: Hold[]
exception?: (null | Exception)
/**
 * ISO 8601 with offset
 */
createdAt: string
/**
 * ISO 8601 with offset
 */
updatedAt: string
/**
 * The platform's payload as it arrived
 */
raw?: {
[k: string]: unknown
}
}
export interface Customer {
id?: string
name?: string
phone?: string
email?: string
}
export interface Address {
country?: string
province?: string
city?: string
district?: string
street?: string
detail?: string
postalCode?: string
}
export interface Item {
/**
 * The merchant's SKU code
 */
sku: string
/**
 * The platform's own SKU id
 */
platformSkuId?: string
title?: string
quantity: number
/**
 * Integer minor units (fen, cents)
 */
unitPrice: number
}
export interface Payment {
channel?: string
status?: ("unpaid" | "paid" | "failed" | "partially_refunded" | "refunded")
/**
 * ISO 8601 with offset
 */
paidAt?: string
}
export interface Hold {
/**
 * risk, presale, exception, frozen, ...
 */
pool: string
reason?: string
/**
 * ISO 8601 with offset
 */
at: string
}
export interface Exception {
type: ("payment" | "address" | "stock" | "compliance" | "blacklist" | "clock_skew" | "other")
reason?: string
/**
 * How urgently the exception needs handling
 */
priority?: ("low" | "normal" | "high" | "urgent")
}
