/**
 * inventory.release: gives back what the run's order holds (the run's own reservations for a run
 * without an order), of every SKU or one: back to available when the order was cancelled, or out of
 * on hand when the goods were shipped. Releasing what is no longer held releases nothing, so the
 * node can run twice.
 */
import { defineNode, fail, next, wait } from '../sdk/define-node.ts'
import type { PerformContext } from '../sdk/perform.ts'
import type { StockReleaseOutcome } from '../../engine/store/store.ts'
import { causeOf, SKU_FIELD, stockStoreOf } from './stock-ledger.ts'

interface Config { sku?: string; shipped?: boolean }

/** What `run` asks to release. */
export interface ReleaseRequest { orderId: string | null; sku?: string; as: 'release' | 'sale' }

/** Releases (or books as sold) what the order or run holds. */
export async function releaseStock(request: ReleaseRequest, ctx: PerformContext): Promise<StockReleaseOutcome> {
  return stockStoreOf(ctx).releaseStock({ ...causeOf(ctx, request.orderId), as: request.as, ...(request.sku !== undefined ? { sku: request.sku } : {}) }, ctx.now())
}

export default defineNode<Config>({
  manifest: {
    type: 'inventory.release',
    title: 'Release stock',
    description: 'Releases the stock the order holds: back to sale when it was cancelled, or out of stock when it shipped.',
    category: 'connector',
    icon: 'package-open',
    inputs: 1,
    waits: true,
    activity: { timeoutMs: 10_000, concurrency: 32, retry: { maxAttempts: 3, initialInterval: 'PT1S' } },
    outputs: [{ name: 'ok', title: 'Released' }, { name: 'error', title: 'Error', errorPort: true }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        sku: { ...SKU_FIELD, title: 'SKU', description: 'Release only this SKU (default: every SKU the order holds).' },
        shipped: { type: 'boolean', default: false, title: 'Shipped', description: 'The goods left the warehouse: the units leave on hand instead of going back on sale.' },
      },
    },
    i18n: {
      'zh-CN': {
        title: '释放库存',
        description: '释放订单预占的库存：订单取消时回到可售，已发货时从在库中扣除。',
        ports: { ok: '已释放', error: '出错' },
        fields: {
          '/sku': { title: 'SKU 编码', description: '只释放这个 SKU（默认释放订单预占的全部 SKU）。' },
          '/shipped': { title: '已发货', description: '货物已出库：这些件数从在库中扣除，而不是回到可售。' },
        },
      },
    },
  },
  run(ctx) {
    const request: ReleaseRequest = { orderId: ctx.order?.id ?? null, as: ctx.config.shipped ? 'sale' : 'release', ...(ctx.config.sku !== undefined ? { sku: ctx.config.sku } : {}) }
    return wait({ activity: { request }, label: 'releasing stock' })
  },
  perform: (request: ReleaseRequest, ctx) => releaseStock(request, ctx),
  resume(_ctx, event) {
    if (event.kind !== 'activity-result') throw new Error(`inventory.release cannot use a ${event.kind} event`)
    if (!event.ok) return fail(`releasing stock failed: ${event.error ?? 'unknown error'}`)
    const outcome = event.response as StockReleaseOutcome
    return next({ port: 'ok', output: { [outcome.as === 'sale' ? 'sold' : 'released']: outcome.lines } })
  },
})
