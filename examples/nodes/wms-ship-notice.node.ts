/**
 * A custom connector: tells the warehouse (WMS) to ship an order. Copy this file into the folder
 * ORDO_NODES_DIR names and restart Ordo: "WMS ship notice" appears in the designer's palette.
 *
 * run     builds the notice from the order (pure: no I/O, no clock but ctx.now)
 * perform sends it (the only I/O): after the step committed, retried with the same idempotency key
 * resume  maps the answer to a port and variables (pure)
 * compensate cancels the notice when the run is cancelled after it was sent
 */
import { call, defineNode, fail, next, PermanentError, RetryableError, secretNameField } from 'ordo/sdk'

/** What run hands perform: everything the call needs but the API key, which perform reads itself. */
interface ShipNoticeRequest {
  url: string
  apiKey: string
  notice: { orderNo: string; platform: string; warehouse: string; carrier: string; consignee: { name: string; phone: string; address: string }; lines: Array<{ sku: string; quantity: number }> }
}

/** What compensate hands perform: the notice to cancel. */
interface CancelRequest { cancel: true; url: string; apiKey: string }

export default defineNode({
  manifest: {
    type: 'wms.ship-notice',
    title: 'WMS ship notice',
    description: 'Tells the warehouse to pick, pack and ship the order; the notice number lands in vars.shipNoticeId.',
    category: 'connector',
    icon: 'truck',
    inputs: 1,
    waits: true,
    activity: { timeoutMs: 15_000, concurrency: 4, retry: { maxAttempts: 5, initialInterval: 'PT2S', backoffRate: 2 } },
    outputs: [{ name: 'ok', title: 'Notice created' }, { name: 'error', title: 'Error', errorPort: true }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['baseUrl', 'warehouse', 'apiKey'],
      properties: {
        baseUrl: { type: 'string', pattern: '^https?://', title: 'WMS address', description: 'e.g. https://wms.example.com' },
        warehouse: { type: 'string', minLength: 1, maxLength: 32, title: 'Warehouse', description: 'The warehouse code, e.g. HZ-01.' },
        carrier: { type: 'string', enum: ['SF', 'ZTO', 'YTO', 'JD'], default: 'SF', title: 'Carrier' },
        apiKey: secretNameField('API key', 'The secret holding the WMS API key.'),
      },
    },
    i18n: {
      'zh-CN': {
        title: 'WMS 发货通知',
        description: '通知仓库拣货、打包并发货；发货单号保存到 vars.shipNoticeId。',
        ports: { ok: '已创建发货单', error: '出错' },
        fields: {
          '/baseUrl': { title: 'WMS 地址', description: '例如 https://wms.example.com' },
          '/warehouse': { title: '仓库', description: '仓库编码，例如 HZ-01。' },
          '/carrier': { title: '快递公司', enum: { SF: '顺丰', ZTO: '中通', YTO: '圆通', JD: '京东物流' } },
          '/apiKey': { title: 'API 密钥', description: '保存 WMS API 密钥的密钥名称。' },
        },
      },
      en: {
        fields: {
          '/carrier': { enum: { SF: 'SF Express', ZTO: 'ZTO Express', YTO: 'YTO Express', JD: 'JD Logistics' } },
        },
      },
    },
  } as const,

  run(ctx) {
    const order = ctx.order
    if (!order) return fail('a ship notice needs an order')
    const a = order.shippingAddress
    const request: ShipNoticeRequest = {
      url: `${ctx.config.baseUrl.replace(/\/+$/, '')}/v1/ship-notices`,
      apiKey: ctx.config.apiKey,
      notice: {
        orderNo: order.platformOrderId, platform: order.platform, warehouse: ctx.config.warehouse, carrier: ctx.config.carrier ?? 'SF',
        consignee: { name: order.customer?.name ?? '', phone: order.customer?.phone ?? '', address: [a?.province, a?.city, a?.district, a?.street, a?.detail].filter(Boolean).join(' ') },
        lines: order.items.map((i) => ({ sku: i.sku, quantity: i.quantity })),
      },
    }
    return call(request, { label: `ship notice to ${ctx.config.warehouse}` })
  },

  async perform(request: ShipNoticeRequest | CancelRequest, ctx) {
    const apiKey = await ctx.secrets.get(request.apiKey)
    if ('cancel' in request) {
      const res = await ctx.http.request({ method: 'DELETE', url: request.url, headers: { 'X-Api-Key': apiKey, 'Idempotency-Key': ctx.idempotencyKey } })
      // Gone already is as good as cancelled.
      if (res.ok || res.status === 404) return { cancelled: true }
      throw new RetryableError(`the WMS answered ${res.status} to the cancellation`, { status: res.status })
    }
    const res = await ctx.http.request({
      method: 'POST', url: request.url, json: request.notice,
      headers: { 'X-Api-Key': apiKey, 'Idempotency-Key': ctx.idempotencyKey },
    })
    // The WMS answers 409 with the notice it already has when it sees a key again: that is a success.
    if (res.status === 201 || res.status === 409) return { shipNoticeId: res.json<{ id: string }>().id, repeated: res.status === 409 }
    if (res.status === 422) throw new PermanentError(`the WMS refused the notice: ${res.text.slice(0, 200)}`, { status: 422 })
    throw new RetryableError(`the WMS answered ${res.status}`, { status: res.status })
  },

  resume(_ctx, event) {
    if (event.kind !== 'activity-result') return fail(`unexpected ${event.kind}`)
    if (!event.ok) return fail(event.error ?? 'the WMS call failed')
    const { shipNoticeId } = event.response as { shipNoticeId: string }
    return next({ port: 'ok', output: event.response, variables: { shipNoticeId }, orderPatch: { addTags: ['wms-notified'] } })
  },

  compensate(ctx) {
    const { shipNoticeId } = ctx.response as { shipNoticeId: string }
    const cancel: CancelRequest = { cancel: true, url: `${ctx.config.baseUrl.replace(/\/+$/, '')}/v1/ship-notices/${encodeURIComponent(shipNoticeId)}`, apiKey: ctx.config.apiKey }
    return { request: cancel }
  },
})
