/**
 * platform.update-stock: sets how many units of a SKU a shop may sell, through the shop's open API
 * (a full update: the number replaces the platform's). The SKU is the merchant's code, the same on
 * every platform; each client finds the platform's own SKU by it. The shop is the one the order came
 * from unless the config names one.
 */
import { call, defineNode, fail, next, templateField, type TextTemplate } from '../../sdk/index.ts'
import { openPlatform, plainTemplate, platformCall, SHOP_FIELD } from './platform-call.ts'

interface Config { shop?: string; sku: string; quantity: string }
interface Prepared { config: Config; sku: TextTemplate; quantity: TextTemplate }

/** What `run` hands `perform`. */
export interface UpdateStockRequest { shopId: string | null; sku: string; quantity: number }

/** The output on `ok`: the level the platform now has. */
export interface UpdateStockOutput { shopId: string; platform: string; sku: string; quantity: number }

/** At most this many units: the platforms' own ceilings are around 10^6 to 10^9. */
const MAX_QUANTITY = 999_999_999

export default defineNode<Config, Prepared>({
  manifest: {
    type: 'platform.update-stock',
    title: 'Set stock on the platform',
    description: 'Sets how many units of a SKU a shop may sell on its platform (the number replaces the platform\'s).',
    category: 'connector',
    icon: 'boxes',
    inputs: 1,
    waits: true,
    activity: { timeoutMs: 20_000, concurrency: 8, retry: { maxAttempts: 5, initialInterval: 'PT5S', backoffRate: 2 } },
    outputs: [{ name: 'ok', title: 'Stock set' }, { name: 'error', title: 'Error', errorPort: true }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['sku', 'quantity'],
      properties: {
        shop: SHOP_FIELD,
        sku: templateField('SKU', 'The merchant\'s SKU code, e.g. {{vars.sku}} or CUP-500-WHT.', { maxLength: 200 }),
        quantity: templateField('Quantity', 'Units the shop may sell, a whole number ≥ 0, e.g. {{vars.available}} or 25.', { maxLength: 200 }),
      },
    },
    i18n: {
      'zh-CN': {
        title: '同步平台库存',
        description: '设置店铺在平台上某个 SKU 的可售数量（覆盖平台上的数量）。',
        ports: { ok: '已设置库存', error: '出错' },
        fields: {
          '/shop': { title: '店铺', description: '要调用的店铺在 Ordo 中的 ID；留空则用订单来源的店铺。' },
          '/sku': { title: 'SKU 编码', description: '商家编码，例如 {{vars.sku}} 或 CUP-500-WHT。' },
          '/quantity': { title: '数量', description: '店铺可售数量，不小于 0 的整数，例如 {{vars.available}} 或 25。' },
        },
      },
    },
  },

  prepare(config) {
    return { config, sku: plainTemplate(config.sku, '/sku'), quantity: plainTemplate(config.quantity, '/quantity') }
  },

  run(ctx) {
    const shopId = ctx.config.config.shop ?? null
    if (!shopId && (!ctx.order || ctx.order.platform === 'manual')) return fail('no shop is named and the run has no order from a shop')
    const view = { order: ctx.order, vars: ctx.variables, variables: ctx.variables, input: ctx.input }
    const sku = String(ctx.config.sku.render(view)).trim()
    if (sku === '') return fail('the SKU template gives an empty text')
    const quantityText = String(ctx.config.quantity.render(view)).trim()
    if (!/^\d{1,9}$/.test(quantityText) || Number(quantityText) > MAX_QUANTITY) return fail(`the quantity is "${quantityText}", not a whole number from 0 to ${MAX_QUANTITY}`)
    const request: UpdateStockRequest = { shopId, sku, quantity: Number(quantityText) }
    return call(request, { label: `stock of ${sku}` })
  },

  async perform(request: UpdateStockRequest, ctx) {
    const { shop, api, call: shopCall } = await openPlatform(ctx, request.shopId, ctx.order)
    await platformCall(shop.platform, () => api.updateStock(shopCall, { sku: request.sku, quantity: request.quantity }))
    const output: UpdateStockOutput = { shopId: shop.shopId, platform: shop.platform, sku: request.sku, quantity: request.quantity }
    return output
  },

  resume(_ctx, event) {
    if (event.kind !== 'activity-result') return fail(`platform.update-stock cannot use a ${event.kind} event`)
    if (!event.ok) return fail(`${event.errorClass ?? 'error'}: ${event.error ?? 'the platform call failed'}`)
    return next({ port: 'ok', output: event.response })
  },
})
