/**
 * platform.pull-orders: asks the shops' platforms for their changed orders now (all shops, the shops
 * of some platforms, or some shops by id), or asks again about the run's order (a stale one), and
 * takes what they answer into the pool the same way the scheduled pulls do. The work runs inside
 * Ordo: the engine performs this node's calls with its shop puller (engine/runtime/pull-orders.ts);
 * `perform` below only answers when no puller runs in this process.
 *
 * Output: { orders, changed, pages, shops: [{ shopId, orders, changed, pages, window?, error? }], notFound? };
 * the error port when a shop could not be pulled or the run's order is on none of its platform's shops.
 */
import { call, defineNode, fail, next, PermanentError } from '../sdk/index.ts'
import { ConfigError } from '../sdk/errors.ts'
import type { PlatformName } from './adapter.ts'

/** The platforms shops are on, in the order the form lists them. */
export const PULL_PLATFORMS = ['taobao', 'jd', 'pinduoduo', 'douyin', 'shopify', 'woocommerce'] as const satisfies readonly PlatformName[]

/** What the node asks the engine's puller for: plain JSON, kept with the activity. */
export type PullOrdersRequest =
  | { scope: 'all' }
  | { scope: 'platforms'; platforms: PlatformName[] }
  | { scope: 'shops'; shopIds: string[] }
  | { scope: 'order'; platform: PlatformName; platformOrderId: string }

/** One shop's part of a pull: what it brought, or why it could not be pulled. */
export interface ShopPullOutcome {
  shopId: string
  orders: number
  changed: number
  pages: number
  /** The modification-time window listed (ISO 8601); absent for a re-pull of one order. */
  window?: { from: string; to: string }
  error?: string
}

/** The node's output. */
export interface PullOrdersOutcome {
  orders: number
  changed: number
  pages: number
  shops: ShopPullOutcome[]
  /** The run's order, when none of its platform's shops has it. */
  notFound?: string[]
}

const PLATFORM_LABELS_ZH = { taobao: '淘宝/天猫', jd: '京东', pinduoduo: '拼多多', douyin: '抖音', shopify: 'Shopify 独立站', woocommerce: 'WooCommerce 独立站' }
const PLATFORM_LABELS_EN = { taobao: 'Taobao/Tmall', jd: 'JD', pinduoduo: 'Pinduoduo', douyin: 'Douyin', shopify: 'Shopify', woocommerce: 'WooCommerce' }

export default defineNode({
  manifest: {
    type: 'platform.pull-orders',
    title: 'Pull orders',
    description: 'Asks the platforms for the orders changed since the last pull (all shops, some platforms or some shops), or again for the run\'s order, and takes them into the pool.',
    category: 'connector',
    icon: 'download',
    inputs: 1,
    waits: true,
    // A pull walks every page of its windows: minutes for a busy shop's first day.
    activity: { timeoutMs: 600_000, concurrency: 2, retry: { maxAttempts: 4, initialInterval: 'PT30S', backoffRate: 2 } },
    outputs: [{ name: 'ok', title: 'Pulled' }, { name: 'error', title: 'Error', errorPort: true }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        scope: {
          type: 'string', enum: ['all', 'platforms', 'shops', 'order'], default: 'all', title: 'What to pull',
          description: 'Every enabled shop, the shops of some platforms, some shops by id, or the run\'s order again from its shop.',
        },
        platforms: {
          type: 'array', title: 'Platforms', description: 'With "the shops of these platforms": which platforms.',
          items: { type: 'string', enum: PULL_PLATFORMS }, uniqueItems: true, minItems: 1,
        },
        shopIds: {
          type: 'array', title: 'Shops', description: 'With "these shops": the shops\' ids.',
          items: { type: 'string', minLength: 1, maxLength: 64 }, uniqueItems: true, minItems: 1, maxItems: 100,
        },
      },
    },
    i18n: {
      'zh-CN': {
        title: '拉取订单',
        description: '向平台拉取上次拉取以来变化的订单（全部店铺、某些平台或某些店铺），或重新拉取本次运行的订单，并导入订单池。',
        ports: { ok: '已拉取', error: '出错' },
        fields: {
          '/scope': {
            title: '拉取范围', description: '全部启用的店铺、某些平台的店铺、指定 ID 的店铺，或从所属店铺重新拉取本次运行的订单。',
            enum: { all: '全部店铺', platforms: '这些平台的店铺', shops: '这些店铺', order: '本次运行的订单' },
          },
          '/platforms': { title: '平台', description: '选择“这些平台的店铺”时：哪些平台。' },
          '/platforms/*': { enum: PLATFORM_LABELS_ZH },
          '/shopIds': { title: '店铺', description: '选择“这些店铺”时：店铺的 ID。' },
        },
      },
      en: {
        fields: {
          '/scope': { enum: { all: 'All shops', platforms: 'The shops of these platforms', shops: 'These shops', order: 'The run\'s order' } },
          '/platforms/*': { enum: PLATFORM_LABELS_EN },
        },
      },
    },
  } as const,

  prepare(config) {
    const scope = config.scope ?? 'all'
    if (scope === 'platforms' && !config.platforms?.length) throw new ConfigError('/platforms', 'names the platforms whose shops to pull')
    if (scope === 'shops' && !config.shopIds?.length) throw new ConfigError('/shopIds', 'names the shops to pull')
    return config
  },

  run(ctx) {
    const c = ctx.config
    let request: PullOrdersRequest
    switch (c.scope ?? 'all') {
      case 'platforms': request = { scope: 'platforms', platforms: [...c.platforms!] }; break
      case 'shops': request = { scope: 'shops', shopIds: [...c.shopIds!] }; break
      case 'order': {
        const order = ctx.order
        if (!order) return fail('pulling the run\'s order needs a run with an order')
        if (order.platform === 'manual') return fail(`order ${order.id} was entered by hand: no platform has it`)
        request = { scope: 'order', platform: order.platform, platformOrderId: order.platformOrderId }
        break
      }
      default: request = { scope: 'all' }
    }
    return call(request, { label: request.scope === 'order' ? 'pulling the order again' : 'pulling orders' })
  },

  async perform() {
    // The engine performs this node with its shop puller; reaching here means this Ordo runs none.
    throw new PermanentError('this Ordo pulls no shops: no shop puller was started with the engine')
  },

  resume(_ctx, event) {
    if (event.kind !== 'activity-result') throw new Error(`platform.pull-orders cannot use a ${event.kind} event`)
    if (!event.ok) return fail(`pulling orders failed: ${event.error ?? 'unknown error'}`)
    const outcome = event.response as PullOrdersOutcome
    const failed = outcome.shops.some((s) => s.error !== undefined) || (outcome.notFound?.length ?? 0) > 0
    return next({ port: failed ? 'error' : 'ok', output: outcome })
  },
})
