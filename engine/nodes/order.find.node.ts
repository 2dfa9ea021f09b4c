/** Finds orders in the pool: by status, platform, tags and exception, not updated for a while, up to a limit. */
import { defineNode, fail, next, wait } from '../../connectors/sdk/define-node.ts'
import { ConfigError } from '../core/config-error.ts'
import { parseDurationMs } from '../core/duration.ts'
import { orderSchema } from '../../schemas/index.ts'
import { EXCEPTION_LABELS_EN, ORDER_STATUS_LABELS_EN, durationField, tagListField } from './schema-fragments.ts'

type Config = { status?: string[]; platform?: string[]; tags?: string[]; excludeTags?: string[]; exception?: string; staleFor?: string; limit?: number; resultVariable?: string }

const defs = orderSchema.definitions as Record<string, { enum?: string[] }>

/** order.find: outputs `{ orders: [{ id, platform, platformOrderId, status, updatedAt }], truncated }` and stores them in vars. */
export default defineNode<Config>({
  manifest: {
    type: 'order.find',
    title: 'Find orders',
    description: 'Finds orders in the pool, e.g. paid orders not updated for 30 minutes, for a for-each to work through.',
    category: 'order',
    icon: 'search',
    inputs: 1,
    waits: true,
    activity: { timeoutMs: 30_000, retry: { maxAttempts: 3, initialInterval: 'PT1S' } },
    outputs: [{ name: 'out', title: 'Found' }, { name: 'error', title: 'Error', errorPort: true }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        status: { type: 'array', title: 'Statuses', description: 'Orders in any of these statuses (all when empty).', items: { type: 'string', enum: defs.status.enum }, uniqueItems: true },
        platform: { type: 'array', title: 'Platforms', description: 'Orders from any of these platforms (all when empty).', items: { type: 'string', enum: defs.platform.enum }, uniqueItems: true },
        tags: tagListField('Tags', 'Orders carrying all of these tags.'),
        excludeTags: tagListField('Without tags', 'Leave out orders carrying any of these tags (e.g. those already handled).'),
        exception: { type: 'string', title: 'Exception', description: 'Orders with this exception type.', enum: ['payment', 'address', 'stock', 'compliance', 'blacklist', 'clock_skew', 'other'] },
        staleFor: durationField('Not updated for', 'Orders whose last platform update is older than this, e.g. PT30M.'),
        limit: { type: 'integer', title: 'At most', description: 'How many orders to find at most.', minimum: 1, maximum: 1000, default: 100 },
        resultVariable: { type: 'string', title: 'Result variable', description: 'The orders found are stored as vars.<this> (default: found).', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
      },
    },
    i18n: {
      'zh-CN': {
        title: '查找订单',
        description: '在订单池中查找订单，例如 30 分钟未更新的已付款订单，交给“逐个处理”逐一处理。',
        ports: { out: '找到', error: '出错' },
        fields: {
          '/status': { title: '状态', description: '处于任一这些状态的订单（留空表示全部）。' },
          '/status/*': { enum: { pending_payment: '待付款', paid: '已付款', partially_shipped: '部分发货', shipped: '已发货', delivered: '已签收', completed: '已完成', cancelled: '已取消', refunding: '退款中', refunded: '已退款' } },
          '/platform': { title: '平台', description: '来自任一这些平台的订单（留空表示全部）。' },
          '/platform/*': { enum: { taobao: '淘宝/天猫', jd: '京东', pinduoduo: '拼多多', douyin: '抖音', shopify: 'Shopify 独立站', woocommerce: 'WooCommerce 独立站', manual: '手工' } },
          '/tags': { title: '标签', description: '同时带有这些标签的订单。' },
          '/tags/*': { title: '标签' },
          '/excludeTags': { title: '排除标签', description: '不要带有任一这些标签的订单（例如已处理过的）。' },
          '/excludeTags/*': { title: '标签' },
          '/exception': { title: '异常类型', description: '带有这种异常的订单。', enum: { payment: '支付异常', address: '地址异常', stock: '库存异常', compliance: '合规风险', blacklist: '黑名单', clock_skew: '时间异常', other: '其他' } },
          '/staleFor': { title: '多久未更新', description: '平台最后一次更新早于这段时间的订单，例如 PT30M（30 分钟）。' },
          '/limit': { title: '最多', description: '最多找多少个订单。' },
          '/resultVariable': { title: '结果变量', description: '找到的订单保存为 vars.<变量名>（默认 found）。' },
        },
      },
      en: {
        fields: {
          '/status/*': { enum: { ...ORDER_STATUS_LABELS_EN } },
          '/platform/*': { enum: { taobao: 'Taobao/Tmall', jd: 'JD', pinduoduo: 'Pinduoduo', douyin: 'Douyin', shopify: 'Shopify', woocommerce: 'WooCommerce', manual: 'Manual' } },
          '/exception': { enum: { ...EXCEPTION_LABELS_EN } },
        },
      },
    },
  },
  prepare(config) {
    if (config.staleFor) {
      try { parseDurationMs(config.staleFor) } catch (error) { throw new ConfigError('/staleFor', (error as Error).message) }
    }
    return config
  },
  run(ctx) {
    const c = ctx.config
    const request = { status: c.status, platform: c.platform, tags: c.tags, excludeTags: c.excludeTags, exception: c.exception, staleFor: c.staleFor, limit: c.limit ?? 100 }
    return wait({ activity: { performer: 'ordo.find-orders', request }, label: 'finding orders' })
  },
  resume(ctx, event) {
    if (event.kind !== 'activity-result') throw new Error(`order.find cannot use a ${event.kind} event`)
    // The worker has tried as often as the retry policy allows: what is left is the error port.
    if (!event.ok) return fail(`finding orders failed: ${event.error ?? 'unknown error'}`)
    const found = event.response as { orders: unknown[]; truncated: boolean }
    return next({ output: found, variables: { [ctx.config.resultVariable ?? 'found']: found.orders } })
  },
})
