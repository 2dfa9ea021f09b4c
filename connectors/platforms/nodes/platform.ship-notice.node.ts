/**
 * platform.ship-notice: tells the order's platform that it shipped — carrier and tracking number —
 * through the shop's open API (Taobao logistics.offline.send, JD pop.order.shipment, Pinduoduo
 * logistics.online.send, Douyin order.logisticsAdd, a Shopify fulfillment, a WooCommerce note and
 * completion). The shop is the one the order came from unless the config names one; its
 * credentials come from the engine's shops (ctx.shops), never from the config.
 */
import { call, defineNode, fail, next, PermanentError, templateField, type TextTemplate } from '../../sdk/index.ts'
import { CARRIER_NAMES, CARRIERS, type CarrierCode } from '../carriers.ts'
import { platformAdapters } from '../index.ts'
import { PlatformApiError, type PlatformApi, type ShopCall } from '../platform-api.ts'
import { openPlatform, plainTemplate, platformCall, SHOP_FIELD } from './platform-call.ts'

interface Config { shop?: string; carrier: CarrierCode; trackingNumber: string }
interface Prepared { config: Config; trackingNumber: TextTemplate }

/** What `run` hands `perform`. */
export interface ShipNoticeRequest { shopId: string | null; platform: string; platformOrderId: string; carrier: CarrierCode; trackingNumber: string }

/** The output on `ok`: what the platform was told. */
export interface ShipNoticeOutput { shopId: string; platform: string; platformOrderId: string; carrier: CarrierCode; trackingNumber: string }

/** Whether the platform's own detail of the order reads as shipped (or further along). */
async function shippedAlready(api: PlatformApi, shopCall: ShopCall<unknown>, platformOrderId: string): Promise<boolean> {
  const read = platformAdapters[api.platform].normalize(await api.fetchOrder(shopCall, platformOrderId))
  return read.ok && read.orders.some((o) => SHIPPED_OR_LATER.has(o.status))
}
const SHIPPED_OR_LATER: ReadonlySet<string> = new Set(['shipped', 'delivered', 'completed'])

export default defineNode<Config, Prepared>({
  manifest: {
    type: 'platform.ship-notice',
    title: 'Ship notice to the platform',
    description: 'Tells the order\'s platform (Taobao, JD, Pinduoduo, Douyin, Shopify, WooCommerce) that it shipped, with the carrier and tracking number.',
    category: 'connector',
    icon: 'truck',
    inputs: 1,
    waits: true,
    activity: { timeoutMs: 20_000, concurrency: 8, retry: { maxAttempts: 5, initialInterval: 'PT5S', backoffRate: 2 } },
    outputs: [{ name: 'ok', title: 'Platform notified' }, { name: 'error', title: 'Error', errorPort: true }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['carrier', 'trackingNumber'],
      properties: {
        shop: SHOP_FIELD,
        carrier: { type: 'string', enum: [...CARRIERS], title: 'Carrier', description: 'The carrier, mapped to the platform\'s own logistics company code.' },
        trackingNumber: templateField('Tracking number', 'e.g. {{vars.trackingNumber}} (set by the warehouse step).', { maxLength: 500 }),
      },
    },
    i18n: {
      'zh-CN': {
        title: '平台发货通知',
        description: '通知订单所在平台（淘宝、京东、拼多多、抖店、Shopify、WooCommerce）已发货，附快递公司和运单号。',
        ports: { ok: '已通知平台', error: '出错' },
        fields: {
          '/shop': { title: '店铺', description: '要调用的店铺在 Ordo 中的 ID；留空则用订单来源的店铺。' },
          '/carrier': { title: '快递公司', description: '快递公司，会换成平台自己的物流公司编码。', enum: Object.fromEntries(CARRIERS.map((c) => [c, CARRIER_NAMES[c]['zh-CN']])) },
          '/trackingNumber': { title: '运单号', description: '例如 {{vars.trackingNumber}}（由仓库步骤写入）。' },
        },
      },
      en: {
        fields: {
          '/carrier': { enum: Object.fromEntries(CARRIERS.map((c) => [c, CARRIER_NAMES[c].en])) },
        },
      },
    },
  },

  prepare(config) {
    return { config, trackingNumber: plainTemplate(config.trackingNumber, '/trackingNumber') }
  },

  run(ctx) {
    const order = ctx.order
    if (!order) return fail('a ship notice needs the run\'s order')
    const { shop, carrier } = ctx.config.config
    if (!shop && order.platform === 'manual') return fail('the order was entered by hand and came from no shop: name the shop to notify')
    const trackingNumber = String(ctx.config.trackingNumber.render({ order, vars: ctx.variables, variables: ctx.variables, input: ctx.input })).trim()
    if (trackingNumber === '') return fail('the tracking number template gives an empty text')
    const request: ShipNoticeRequest = { shopId: shop ?? null, platform: order.platform, platformOrderId: order.platformOrderId, carrier, trackingNumber }
    return call(request, { label: `ship notice to ${order.platform}` })
  },

  async perform(request: ShipNoticeRequest, ctx) {
    const { shop, api, call: shopCall } = await openPlatform(ctx, request.shopId, ctx.order)
    if (shop.platform !== request.platform) throw new PermanentError(`shop ${shop.shopId} is on ${shop.platform}, but the order is a ${request.platform} order`)
    const output: ShipNoticeOutput = { shopId: shop.shopId, platform: shop.platform, platformOrderId: request.platformOrderId, carrier: request.carrier, trackingNumber: request.trackingNumber }
    await platformCall(shop.platform, async () => {
      try {
        await api.shipNotice(shopCall, { platformOrderId: request.platformOrderId, carrier: request.carrier, trackingNumber: request.trackingNumber })
      } catch (err) {
        // A repeat (a retry, or the same call again after a crash) may find the order shipped by the
        // try whose answer was lost: the platform refuses to ship it twice, and that is a success.
        if (!(ctx.attempt > 1 && err instanceof PlatformApiError && err.kind === 'invalid' && await shippedAlready(api, shopCall, request.platformOrderId))) throw err
      }
    })
    return output
  },

  resume(_ctx, event) {
    if (event.kind !== 'activity-result') return fail(`platform.ship-notice cannot use a ${event.kind} event`)
    if (!event.ok) return fail(`${event.errorClass ?? 'error'}: ${event.error ?? 'the platform call failed'}`)
    return next({ port: 'ok', output: event.response })
  },
})
