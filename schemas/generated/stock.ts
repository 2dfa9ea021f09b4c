/* Generated from schemas/stock.schema.json by `npm run gen:types`. Do not edit. */

/**
 * The merchant's SKU code (Taobao outer_sku_id, Douyin out_sku_id, Shopify sku), as order items carry it, without leading or trailing spaces
 */
export type Sku = string
export type ShopId = string

/**
 * One SKU's stock as the API shows it: its levels, which shops list it and how much of it each may sell, and its latest movements.
 */
export interface StockRecord {
sku: Sku
/**
 * Units in the warehouse
 */
onHand: number
/**
 * Units orders hold
 */
reserved: number
/**
 * onHand − reserved: what may still be sold (below 0 when a stock count found fewer units than orders hold)
 */
available: number
updatedAt: string
/**
 * How much of the available stock each listing shop may sell (shops without one may sell all of it)
 */
allocations: Allocation[]
listings: Listing[]
/**
 * The latest movements, newest first
 */
ledger: LedgerEntry[]
/**
 * Give it as ledgerCursor for older movements; null when there are none
 */
ledgerNextCursor: (string | null)
}
export interface Allocation {
shopId: ShopId
/**
 * At most this many units (null: no cap)
 */
cap: (number | null)
/**
 * At most this share of available, in whole percent, rounded down to whole units (null: all of it)
 */
sharePercent: (number | null)
}
export interface Listing {
shopId: ShopId
/**
 * The platform's own id of the SKU (Taobao sku_id, Shopify inventory item...)
 */
platformSkuId: (string | null)
/**
 * What the shop may sell now, after its allocation
 */
sellable: number
/**
 * The latest push of the level to the shop (null: never pushed)
 */
push: (null | Push)
}
export interface Push {
/**
 * failed: the platform refused it or it failed too often; the next level change or a sync queues it again
 */
status: ("pending" | "pushed" | "failed")
/**
 * The level queued or last tried
 */
quantity: number
attempts: number
nextTryAt: string
lastError: (string | null)
queuedAt: string
/**
 * The last level the platform took
 */
pushedQuantity: (number | null)
pushedAt: (string | null)
}
export interface LedgerEntry {
id: number
kind: ("reservation" | "release" | "sale" | "adjustment")
onHandDelta: number
reservedDelta: number
onHandAfter: number
reservedAfter: number
orderId: (string | null)
runId: (string | null)
/**
 * The step's runId:nodeId:visit, or the API call's
 */
idempotencyKey: string
/**
 * run:<runId>:<nodeId> or api:<token name>
 */
source: string
at: string
}
