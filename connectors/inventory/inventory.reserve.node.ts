/**
 * inventory.reserve: holds stock for the run's order (every item) or for a configured SKU and
 * quantity, all lines or none, in one transaction that never takes more than is available. The
 * step's idempotency key names the reservation: a retry, or a repeat after a crash, finds it and
 * reserves nothing more. Ports: ok (reserved), insufficient (output names the short SKUs), error.
 */
import { defineNode, fail, next, wait } from '../sdk/define-node.ts'
import type { PerformContext } from '../sdk/perform.ts'
import type { StockReservationOutcome } from '../../engine/store/store.ts'
import { causeOf, orderLines, SKU_FIELD, stockStoreOf } from './stock-ledger.ts'

interface Config { sku?: string; quantity?: number; markException?: boolean }

/** What `run` asks to reserve: fixed when the step runs, so every retry reserves the same lines. */
export interface ReserveRequest { orderId: string | null; lines: Array<{ sku: string; quantity: number }> }

/** Reserves the request's lines against the store the engine hands over. */
export async function reserveStock(request: ReserveRequest, ctx: PerformContext): Promise<StockReservationOutcome> {
  return stockStoreOf(ctx).reserveStock({ ...causeOf(ctx, request.orderId), lines: request.lines }, ctx.now())
}

export default defineNode<Config>({
  manifest: {
    type: 'inventory.reserve',
    title: 'Reserve stock',
    description: 'Reserves stock for the order\'s items (or a given SKU), all or none, so no platform sells what another already sold.',
    category: 'connector',
    icon: 'package',
    inputs: 1,
    waits: true,
    activity: { timeoutMs: 10_000, concurrency: 32, retry: { maxAttempts: 3, initialInterval: 'PT1S' } },
    outputs: [
      { name: 'ok', title: 'Reserved' },
      { name: 'error', title: 'Error', errorPort: true },
      { name: 'insufficient', title: 'Not enough stock' },
    ],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        sku: { ...SKU_FIELD, title: 'SKU', description: 'Reserve this SKU instead of the order\'s items (the merchant\'s SKU code).' },
        quantity: { type: 'integer', minimum: 1, maximum: 1_000_000, title: 'Quantity', description: 'Units of the SKU to reserve (default 1); only with a SKU.' },
        markException: { type: 'boolean', title: 'Mark a stock exception', description: 'When stock is short, give the order a stock exception naming the short SKUs, so it shows in the exception queue (off unless set).' },
      },
    },
    i18n: {
      'zh-CN': {
        title: '预占库存',
        description: '为订单的商品（或指定 SKU）预占库存，要么全部预占、要么都不占，避免一个平台卖出另一个平台已卖掉的货。',
        ports: { ok: '已预占', error: '出错', insufficient: '库存不足' },
        fields: {
          '/sku': { title: 'SKU 编码', description: '预占这个 SKU，而不是订单的商品（商家 SKU 编码）。' },
          '/quantity': { title: '数量', description: '预占该 SKU 的件数（默认 1）；仅在填写 SKU 时使用。' },
          '/markException': { title: '标记库存异常', description: '库存不足时给订单标记库存异常并写明缺货的 SKU，使其进入异常队列（默认不标记）。' },
        },
      },
    },
  },
  run(ctx) {
    const { sku, quantity } = ctx.config
    if (sku === undefined && quantity !== undefined) return fail('inventory.reserve: a quantity needs a SKU (without one, the order\'s items are reserved)')
    const lines = sku !== undefined ? [{ sku, quantity: quantity ?? 1 }] : ctx.order ? orderLines(ctx.order) : null
    if (!lines) return fail(`inventory.reserve needs an order or a SKU, but run ${ctx.runId} has no order`)
    const request: ReserveRequest = { orderId: ctx.order?.id ?? null, lines }
    return wait({ activity: { request }, label: 'reserving stock' })
  },
  perform: (request: ReserveRequest, ctx) => reserveStock(request, ctx),
  resume(ctx, event) {
    if (event.kind !== 'activity-result') throw new Error(`inventory.reserve cannot use a ${event.kind} event`)
    if (!event.ok) return fail(`reserving stock failed: ${event.error ?? 'unknown error'}`)
    const outcome = event.response as StockReservationOutcome
    if (outcome.outcome === 'insufficient') {
      const flag = ctx.config.markException === true && ctx.order !== null
      // The reason is for people: which SKUs, how many were wanted and how many there were.
      const reason = `short of stock: ${outcome.short.map((s) => `${s.sku} (${s.requested} wanted, ${s.available} available)`).join(', ')}`.slice(0, 512)
      return next({ port: 'insufficient', output: { short: outcome.short }, ...(flag ? { orderPatch: { exception: { type: 'stock', reason } } } : {}) })
    }
    return next({ port: 'ok', output: { reserved: outcome.lines } })
  },
})
