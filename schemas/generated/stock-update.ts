/* Generated from schemas/stock-update.schema.json by `npm run gen:types`. Do not edit. */

/**
 * What PUT /api/stock/:sku sets: on hand (booked as an adjustment), the shops that list the SKU, and their allocations. A list given replaces the one stored; a field left out stays as it is.
 */
export interface StockUpdate {
/**
 * Units in the warehouse now (a stock count)
 */
onHand?: number
/**
 * Every shop that lists the SKU (replaces the stored list; allocations of shops left out go with them)
 * 
 * @maxItems 100
 */
listings?: {
shopId: string
platformSkuId?: (string | null)
}[]
/**
 * How much each listing shop may sell (replaces the stored ones; a listing shop left out may sell all of available)
 * 
 * @maxItems 100
 */
allocations?: {
shopId: string
cap?: (number | null)
sharePercent?: (number | null)
}[]
}
