/**
 * platform.ship-notice and platform.update-stock through the SDK harness, against the platform
 * simulator: the shop is the order's own unless one is named, the platform's refusals take the
 * retry policy or the error port by their kind, and the shop's credentials never leave the call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PUBLIC_CREDENTIAL_KEYS } from '../../sdk/perform-runtime.ts'
import { NodeConfigError, runNode, sampleOrder } from '../../sdk/testing.ts'
import { startSimulator, type Simulator } from '../../simulator/simulator.ts'
import type { PlatformName } from '../adapter.ts'
import { PLATFORM_CARRIERS } from '../carriers.ts'
import { platformApis } from '../api/index.ts'
import { createPerformSession } from '../../sdk/perform-runtime.ts'
import shipNotice from './platform.ship-notice.node.ts'
import updateStock from './platform.update-stock.node.ts'

let sim: Simulator
/** Ordo's shops, one per platform, as the engine's shop access hands them out. */
let shops: Record<string, { platform: PlatformName; credentials: Record<string, string> }>

beforeAll(async () => {
  sim = await startSimulator({ seed: 11 })
  shops = Object.fromEntries(Object.entries(sim.shops()).map(([platform, credentials]) => [`shop-${platform}`, { platform: platform as PlatformName, credentials }]))
})
afterAll(async () => {
  await sim.stop()
})

/** An HTTP client as connectors get it. */
function httpClient() {
  return createPerformSession<unknown>({
    node: { id: 'n', type: 't' }, runId: 'r', workflowId: 'w', config: {}, order: null, variables: {}, idempotencyKey: 'r:n:1', attempt: 1,
    signal: new AbortController().signal, deadline: Date.now() + 10_000, now: () => Date.now(), secrets: { get: async () => '' }, log: { info() {}, warn() {}, error() {} },
  }).ctx.http
}

/** The run's order: the simulator's order as Ordo holds it. */
function orderOf(platform: PlatformName) {
  const placed = sim.createOrder({ platform, sku: 'CUP-500-WHT', quantity: 1 })
  return sampleOrder({ platform, platformOrderId: placed.platformOrderId })
}

/** The shop's secret credentials (not the fields that only name the shop or its app). */
function secretsOf(platform: PlatformName): string[] {
  return Object.entries(sim.shops()[platform]!).filter(([k]) => !PUBLIC_CREDENTIAL_KEYS.has(k)).map(([, v]) => v)
}

describe('platform.ship-notice', () => {
  it("tells the order's own shop that it shipped, in the platform's carrier code", async () => {
    const order = orderOf('douyin')
    const out = await runNode(shipNotice, { config: { carrier: 'zto', trackingNumber: '{{vars.trackingNumber}}' }, order, variables: { trackingNumber: ' 75312345678901 ' }, shops })
    expect(out.port).toBe('ok')
    expect(out.output).toEqual({ shopId: 'shop-douyin', platform: 'douyin', platformOrderId: order.platformOrderId, carrier: 'zto', trackingNumber: '75312345678901' })
    expect(sim.shipNotices().at(-1)).toMatchObject({ platform: 'douyin', platformOrderId: order.platformOrderId, carrierCode: PLATFORM_CARRIERS.douyin.zto, trackingNumber: '75312345678901' })
    expect(sim.order('douyin', order.platformOrderId)?.status).toBe('shipped')
  })

  it('keeps the shop\'s credentials out of the calls it logs and what it answers', async () => {
    const order = orderOf('taobao')
    const out = await runNode(shipNotice, { config: { carrier: 'sf', trackingNumber: 'SF1400000000001' }, order, shops })
    expect(out.port).toBe('ok')
    const seen = JSON.stringify([out.attempts, out.output, out.logs])
    for (const secret of secretsOf('taobao')) expect(seen).not.toContain(secret)
    expect(out.attempts[0]!.calls.map((c) => c.endpoint)).toEqual([`${sim.url}/router/rest taobao.logistics.offline.send`])
  })

  it('calls the shop the config names', async () => {
    const order = orderOf('shopify')
    const out = await runNode(shipNotice, { config: { shop: 'shop-shopify', carrier: 'ups', trackingNumber: '1Z999AA10123456784' }, order, shops })
    expect(out.port).toBe('ok')
    expect(sim.shipNotices().at(-1)).toMatchObject({ platform: 'shopify', carrierCode: 'UPS', trackingNumber: '1Z999AA10123456784' })
  })

  it('refuses a named shop of another platform than the order\'s, without retrying', async () => {
    const order = orderOf('jd')
    const out = await runNode(shipNotice, { config: { shop: 'shop-pinduoduo', carrier: 'sf', trackingNumber: 'SF1' }, order, shops })
    expect(out.port).toBe('error')
    expect(out.attempts).toHaveLength(1)
    expect(out.attempts[0]!.error).toMatch(/shop-pinduoduo is on pinduoduo, but the order is a jd order/)
  })

  it('tries again when the platform throttles, and goes on once it answers', async () => {
    const order = orderOf('pinduoduo')
    sim.failNext('pinduoduo', 'throttled')
    const out = await runNode(shipNotice, { config: { carrier: 'yto', trackingNumber: 'YT1234567890' }, order, shops })
    expect(out.attempts.map((a) => a.ok)).toEqual([false, true])
    expect(out.attempts[0]!.error).toMatch(/throttled \(70031\)/)
    expect(out.port).toBe('ok')
  })

  it.each(['taobao', 'shopify', 'douyin'] as const)('takes a %s refusal to ship an order already shipped, on a repeat, as the success of the try whose answer was lost', async (platform) => {
    const order = orderOf(platform)
    const credentials = sim.shops()[platform]!
    // The first try got through to the platform, but its answer never came back.
    await platformApis[platform].shipNotice({ shopId: `shop-${platform}`, credentials, http: httpClient(), now: () => Date.now() }, { platformOrderId: order.platformOrderId, carrier: 'sf', trackingNumber: 'SF777' })
    sim.failNext(platform, 'error')
    const out = await runNode(shipNotice, { config: { carrier: 'sf', trackingNumber: 'SF777' }, order, shops })
    expect(out.attempts.map((a) => a.ok)).toEqual([false, true])
    expect(out.port).toBe('ok')
    expect(sim.shipNotices().filter((n) => n.platformOrderId === order.platformOrderId)).toHaveLength(1)
  })

  it('goes to the error port when the first try is refused because the order shipped already', async () => {
    const order = orderOf('jd')
    sim.moveOrder('jd', order.platformOrderId, 'shipped')
    const out = await runNode(shipNotice, { config: { carrier: 'sf', trackingNumber: 'SF778' }, order, shops })
    expect(out.port).toBe('error')
    expect(out.attempts).toHaveLength(1)
  })

  it('goes to the error port at once when the shop must be authorized again', async () => {
    const order = orderOf('jd')
    sim.expireSession('jd')
    try {
      const out = await runNode(shipNotice, { config: { carrier: 'jd', trackingNumber: 'JDV000000000001' }, order, shops })
      expect(out.port).toBe('error')
      expect(out.attempts).toHaveLength(1)
      expect(out.attempts[0]).toMatchObject({ errorClass: 'auth', retryable: false })
    } finally {
      sim.expireSession('jd', false)
    }
  })

  it('fails without calling out when the tracking number comes out empty', async () => {
    const out = await runNode(shipNotice, { config: { carrier: 'sf', trackingNumber: '{{vars.trackingNumber}}' }, order: orderOf('taobao'), shops })
    expect(out.port).toBe('error')
    expect(out.attempts).toEqual([])
  })

  it('fails permanently where the engine gives connectors no shops', async () => {
    const out = await runNode(shipNotice, { config: { carrier: 'sf', trackingNumber: 'SF2' }, order: orderOf('taobao') })
    expect(out.port).toBe('error')
    expect(out.attempts).toMatchObject([{ retryable: false }])
  })

  it('refuses a tracking-number template that names a secret', async () => {
    await expect(runNode(shipNotice, { config: { carrier: 'sf', trackingNumber: '{{secret.wms-token}}' }, shops })).rejects.toThrow(/must not name a secret/)
  })

  it('refuses a carrier Ordo does not know in its config', async () => {
    await expect(runNode(shipNotice, { config: { carrier: 'pigeon' as never, trackingNumber: 'X' }, shops })).rejects.toBeInstanceOf(NodeConfigError)
  })
})

describe('platform.update-stock', () => {
  it('brings a sale on one platform to the other five as a stock push', async () => {
    const sku = 'MUG-CERAMIC-BLK'
    const before = sim.stockUpdates().length
    sim.sell('douyin', sku, 3)
    const available = sim.stock('douyin', sku)
    expect(available).toBe(197)
    for (const platform of ['taobao', 'jd', 'pinduoduo', 'shopify', 'woocommerce'] as const) {
      const out = await runNode(updateStock, { config: { shop: `shop-${platform}`, sku: '{{vars.sku}}', quantity: '{{vars.available}}' }, order: null, variables: { sku, available }, shops })
      expect(out.port, platform).toBe('ok')
      expect(out.output).toEqual({ shopId: `shop-${platform}`, platform, sku, quantity: available })
    }
    expect(sim.stockUpdates().slice(before).map((u) => [u.platform, u.sku, u.quantity])).toEqual(
      ['taobao', 'jd', 'pinduoduo', 'shopify', 'woocommerce'].map((p) => [p, sku, 197]),
    )
  })

  it("sets the stock on the order's own shop when none is named", async () => {
    const out = await runNode(updateStock, { config: { sku: '{{order.items.0.sku}}', quantity: '0' }, order: sampleOrder({ platform: 'woocommerce', items: [{ sku: 'KETTLE-1.7L-WHT', quantity: 1, unitPrice: 3590 }] }), shops })
    expect(out.port).toBe('ok')
    expect(sim.stock('woocommerce', 'KETTLE-1.7L-WHT')).toBe(0)
  })

  it('fails without calling out for a quantity that is not a whole number of at least 0', async () => {
    for (const quantity of ['-1', '2.5', 'many', '']) {
      const out = await runNode(updateStock, { config: { shop: 'shop-jd', sku: 'CUP-500-WHT', quantity }, shops })
      expect(out.port, quantity).toBe('error')
      expect(out.attempts).toEqual([])
    }
  })

  it('goes to the error port for a SKU the platform does not have', async () => {
    const out = await runNode(updateStock, { config: { shop: 'shop-taobao', sku: 'NO-SUCH-SKU', quantity: '4' }, shops })
    expect(out.port).toBe('error')
    expect(out.attempts).toHaveLength(1)
    expect(out.attempts[0]!.error).toMatch(/not-found/)
  })
})
