/**
 * inventory.sync: pushes the current sellable level of the given SKUs (or of the run's order's
 * SKUs) to every shop that lists them, now, changed or not: the pushes are queued for the stock
 * sync worker (engine/runtime/stock-sync.ts), which wakes at once and logs each platform call.
 */
import { defineNode, fail, next, wait } from '../sdk/define-node.ts'
import type { PerformContext } from '../sdk/perform.ts'
import { orderLines, SKU_FIELD, stockStoreOf } from './stock-ledger.ts'

interface Config { skus?: string[] }

/** What `run` asks to push. */
export interface SyncRequest { skus: string[] }

/** The pushes queued: one per shop and SKU, with the level it gets. */
export interface SyncResponse { queued: Array<{ shopId: string; sku: string; quantity: number }> }

/** Queues the SKUs' levels for every shop that lists them. */
export async function syncStock(request: SyncRequest, ctx: PerformContext): Promise<SyncResponse> {
  return { queued: await stockStoreOf(ctx).queueStockPushes(request.skus, ctx.now()) }
}

export default defineNode<Config>({
  manifest: {
    type: 'inventory.sync',
    title: 'Sync stock to shops',
    description: 'Pushes the sellable stock of the order\'s SKUs (or given SKUs) to every shop that lists them, now.',
    category: 'connector',
    icon: 'refresh-cw',
    inputs: 1,
    waits: true,
    activity: { timeoutMs: 10_000, concurrency: 8, retry: { maxAttempts: 3, initialInterval: 'PT1S' } },
    outputs: [{ name: 'ok', title: 'Queued' }, { name: 'error', title: 'Error', errorPort: true }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        skus: {
          type: 'array', title: 'SKUs', description: 'Push these SKUs (default: the order\'s SKUs).', minItems: 1, maxItems: 200, uniqueItems: true,
          items: { ...SKU_FIELD, title: 'SKU' },
        },
      },
    },
    i18n: {
      'zh-CN': {
        title: '同步库存到店铺',
        description: '立即把订单 SKU（或指定 SKU）的可售库存推送到上架这些 SKU 的所有店铺。',
        ports: { ok: '已排队', error: '出错' },
        fields: {
          '/skus': { title: 'SKU 列表', description: '推送这些 SKU（默认：订单的 SKU）。' },
          '/skus/*': { title: 'SKU 编码' },
        },
      },
    },
  },
  run(ctx) {
    const skus = ctx.config.skus ?? (ctx.order ? orderLines(ctx.order).map((l) => l.sku) : null)
    if (!skus) return fail(`inventory.sync needs SKUs or an order, but run ${ctx.runId} has no order`)
    const request: SyncRequest = { skus }
    return wait({ activity: { request }, label: 'syncing stock' })
  },
  perform: (request: SyncRequest, ctx) => syncStock(request, ctx),
  resume(_ctx, event) {
    if (event.kind !== 'activity-result') throw new Error(`inventory.sync cannot use a ${event.kind} event`)
    if (!event.ok) return fail(`syncing stock failed: ${event.error ?? 'unknown error'}`)
    return next({ port: 'ok', output: event.response as SyncResponse })
  },
})
