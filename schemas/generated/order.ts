/* Generated from schemas/order.schema.json by `npm run gen:types`. Do not edit. */

export type Platform = ("taobao" | "jd" | "pinduoduo" | "douyin" | "shopify" | "woocommerce" | "manual")
/**
 * The platform's resource id, always a string (64-bit ids never pass through a JS number)
 */
export type PlatformOrderId = string
export type Status = ("pending_payment" | "paid" | "partially_shipped" | "shipped" | "delivered" | "completed" | "cancelled" | "refunding" | "refunded")
/**
 * Integer minor units (fen, cents)
 */
export type Amount = number
/**
 * ISO 4217 code
 */
export type Currency = string
/**
 * ISO 8601 with offset
 */
export type Timestamp = string
export type Tag = string
/**
 * @maxItems 100
 */
export type Tags = Tag[]

/**
 * A normalized order as Ordo stores and serves it. Amounts are integer minor units (fen, cents) of `currency`.
 */
export interface Order {
/**
 * Ordo's own id
 */
id: string
platform: Platform
platformOrderId: PlatformOrderId
status: Status
totalAmount: Amount
currency: Currency
customer: Customer
shippingAddress: Address
/**
 * @minItems 1
 */
items: Item[]
payment: Payment
presale: boolean
tags: Tags
assignedTeam: (string | null)
holds: Hold[]
exception: (null | Exception)
healthScore: (null | HealthScore)
createdAt: Timestamp
updatedAt: Timestamp
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
paidAt?: Timestamp
}
export interface Hold {
/**
 * risk, presale, exception, frozen, ...
 */
pool: string
reason?: string
at: Timestamp
}
export interface Exception {
type: ("payment" | "address" | "stock" | "compliance" | "blacklist" | "clock_skew" | "other")
reason?: string
/**
 * How urgently the exception needs handling
 */
priority?: ("low" | "normal" | "high" | "urgent")
}
export interface HealthScore {
score: number
band: ("healthy" | "watch" | "risky")
facts: {
fact: string
weight?: number
detail?: string
}[]
}
