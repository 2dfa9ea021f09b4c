/**
 * The simulator as Ordo meets it: pushes signed exactly as the adapters check them, carrying the
 * orders (or the ids) the adapters read; duplicate and out-of-order deliveries on demand; orders
 * that move on as its clock goes; faults; and the control API a demo or a test drives it with.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { PlatformName } from '../platforms/adapter.ts'
import { platformAdapters } from '../platforms/index.ts'
import { startTestServer, type TestServer } from '../sdk/testing.ts'
import { PLATFORMS, startSimulator, type OrderChanged, type Simulator } from './simulator.ts'
import { orderDetail, orderTotal, type SimStatus } from './sim-orders.ts'

const T0 = Date.parse('2026-11-20T02:00:00Z')
let running: Array<Simulator | TestServer> = []

afterEach(async () => {
  for (const r of running.reverse()) await (('stop' in r) ? r.stop() : r.close())
  running = []
})

async function withOrdo(options: Parameters<typeof startSimulator>[0] = {}) {
  const ordo = await startTestServer(() => ({ status: 202, json: { accepted: true } }))
  const sim = await startSimulator({ pushTarget: ordo.url, shopIds: { shopify: 'shp_1', woocommerce: 'shp_2', douyin: 'shp_3' }, ...options })
  running.push(ordo, sim)
  return { ordo, sim }
}

function verify(sim: Simulator, platform: PlatformName, body: string, headers: Record<string, string | string[] | undefined>) {
  const adapter = platformAdapters[platform]
  return adapter.verifyPush!(Buffer.from(body, 'utf8'), headers, sim.shops()[platform] as never)
}

describe('the simulator\'s pushes', () => {
  it.each([['shopify', 'shp_1'], ['woocommerce', 'shp_2']] as const)('sends %s a signed push with the whole order, which its adapter verifies and reads', async (platform, shopId) => {
    const { ordo, sim } = await withOrdo()
    const placed = sim.createOrder({ platform, sku: 'CUP-500-WHT', quantity: 2 })
    await sim.settled()
    expect(ordo.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`POST /webhooks/${platform}/${shopId}`])
    const push = ordo.requests[0]!
    expect(verify(sim, platform, push.body, push.headers)).toEqual({ ok: true })
    const read = platformAdapters[platform].readPush!(push.body)
    expect(read.ok && read.push.kind === 'orders' && read.push.orders.map((o) => [o.platformOrderId, o.status, o.items[0]!.sku])).toEqual([[placed.platformOrderId, 'paid', 'CUP-500-WHT']])
    expect(sim.pushes()).toMatchObject([{ platform, shopId, platformOrderId: placed.platformOrderId, event: 'created', status: 202, duplicate: false, late: false }])
  })

  it('sends Douyin a message signed with event-sign naming the order by its 64-bit id, digit for digit', async () => {
    const { ordo, sim } = await withOrdo()
    const placed = sim.createOrder({ platform: 'douyin' })
    await sim.settled()
    const push = ordo.requests[0]!
    expect(push.url).toBe('/webhooks/douyin/shp_3')
    expect(verify(sim, 'douyin', push.body, push.headers)).toEqual({ ok: true })
    expect(verify(sim, 'douyin', push.body.replace('"100"', '"101"'), push.headers)).toMatchObject({ ok: false })
    const read = platformAdapters.douyin.readPush!(push.body)
    expect(read.ok && read.push).toEqual({ kind: 'pull', orders: [{ platformOrderId: placed.platformOrderId, event: '100' }] })
  })

  it('sends nothing over HTTP for the platforms that push over long connections, but tells the listeners', async () => {
    const { ordo, sim } = await withOrdo()
    const heard: OrderChanged[] = []
    sim.events.on('order-changed', (c: OrderChanged) => heard.push(c))
    const placed = sim.createOrder({ platform: 'taobao' })
    sim.moveOrder('taobao', placed.platformOrderId, 'shipped')
    await sim.settled()
    expect(ordo.requests).toEqual([])
    expect(heard).toEqual([
      { platform: 'taobao', shopId: 'sim-taobao', platformOrderId: placed.platformOrderId, event: 'created', revision: 1 },
      { platform: 'taobao', shopId: 'sim-taobao', platformOrderId: placed.platformOrderId, event: 'shipped', revision: 2 },
    ])
  })

  it('delivers a push twice when told to', async () => {
    const { ordo, sim } = await withOrdo({ settings: { duplicateRate: 1 } })
    sim.createOrder({ platform: 'woocommerce' })
    await sim.settled()
    expect(ordo.requests).toHaveLength(2)
    expect(ordo.requests[0]!.body).toBe(ordo.requests[1]!.body)
    expect(sim.pushes().map((p) => p.duplicate)).toEqual([false, true])
  })

  it('holds a push back and delivers it, with the older state, after the next one', async () => {
    const { ordo, sim } = await withOrdo({ settings: { outOfOrderRate: 1 } })
    const placed = sim.createOrder({ platform: 'shopify' })
    sim.configure({ outOfOrderRate: 0 })
    sim.moveOrder('shopify', placed.platformOrderId, 'shipped')
    await sim.settled()
    expect(ordo.requests.map((r) => r.headers['x-shopify-topic'])).toEqual(['orders/fulfilled', 'orders/create'])
    const statuses = ordo.requests.map((r) => { const read = platformAdapters.shopify.readPush!(r.body); return read.ok && read.push.kind === 'orders' ? read.push.orders[0]!.status : null })
    expect(statuses).toEqual(['shipped', 'paid'])
    expect(sim.pushes().map((p) => p.late)).toEqual([false, true])
  })

  it('names the shops Ordo gave them once the target is set', async () => {
    const ordo = await startTestServer(() => ({ status: 200 }))
    const sim = await startSimulator()
    running.push(ordo, sim)
    sim.createOrder({ platform: 'shopify' })
    sim.setPushTarget(ordo.url, { shopify: 'shp_late' })
    sim.createOrder({ platform: 'shopify' })
    await sim.settled()
    expect(ordo.requests.map((r) => r.url)).toEqual(['/webhooks/shopify/shp_late'])
  })
})

describe('the simulator\'s orders over time', () => {
  it('ships paid orders, completes shipped ones and makes new ones as its clock goes', async () => {
    let now = T0
    const sim = await startSimulator({ now: () => now, lifecycle: { shipAfterMs: 3600_000, completeAfterMs: 2 * 3600_000, refundRate: 0, ordersPerHour: 2 } })
    running.push(sim)
    const placed = sim.createOrder({ platform: 'jd' })
    now += 3600_000
    sim.tick()
    expect(sim.order('jd', placed.platformOrderId)).toMatchObject({ status: 'shipped', shippedAt: now })
    expect(sim.shipNotices()).toEqual([]) // the seller shipped from the platform's back office, not through Ordo
    now += 2 * 3600_000
    sim.tick()
    expect(sim.order('jd', placed.platformOrderId)?.status).toBe('completed')
    // three hours at two orders an hour, on each of the six platforms, besides the one placed
    expect(sim.orders().length).toBe(1 + 6 * 6)
  })

  it('refunds the orders whose buyers ask, an hour after they ask', async () => {
    let now = T0
    const sim = await startSimulator({ now: () => now, lifecycle: { refundRate: 1, shipAfterMs: null } })
    running.push(sim)
    const placed = sim.createOrder({ platform: 'pinduoduo', at: T0 - 60_000 })
    sim.tick()
    expect(sim.order('pinduoduo', placed.platformOrderId)?.status).toBe('refunding')
    now += 3600_000
    sim.tick()
    expect(sim.order('pinduoduo', placed.platformOrderId)?.status).toBe('refunded')
  })

  it('starts with orders on every platform when asked', async () => {
    const sim = await startSimulator({ initialOrders: 3 })
    running.push(sim)
    expect(PLATFORMS.map((p) => sim.orders(p).length)).toEqual([3, 3, 3, 3, 3, 3])
  })

  /** What each simulated state reads as through the platform's adapter ('-': the platform lists no such orders). */
  const READS_AS: Record<PlatformName, Record<SimStatus, string>> = {
    taobao: { pending_payment: 'pending_payment', paid: 'paid', shipped: 'shipped', completed: 'completed', refunding: 'refunding', refunded: 'refunded' },
    jd: { pending_payment: '-', paid: 'paid', shipped: 'shipped', completed: 'completed', refunding: 'paid', refunded: 'cancelled' },
    pinduoduo: { pending_payment: '-', paid: 'paid', shipped: 'shipped', completed: 'delivered', refunding: 'refunding', refunded: 'refunded' },
    douyin: { pending_payment: 'pending_payment', paid: 'paid', shipped: 'shipped', completed: 'completed', refunding: 'refunding', refunded: 'refunded' },
    shopify: { pending_payment: 'pending_payment', paid: 'paid', shipped: 'shipped', completed: 'completed', refunding: 'paid', refunded: 'refunded' },
    woocommerce: { pending_payment: 'pending_payment', paid: 'paid', shipped: 'completed', completed: 'completed', refunding: 'paid', refunded: 'refunded' },
  }

  it.each(PLATFORMS)('writes %s orders in every state so that the adapter reads them, money and ids intact', async (platform) => {
    const sim = await startSimulator({ now: () => T0 })
    running.push(sim)
    for (const [status, expected] of Object.entries(READS_AS[platform]) as Array<[SimStatus, string]>) {
      if (expected === '-') continue
      const o = sim.createOrder({ platform, sku: 'TEA-LONGJING-250G', quantity: 2, status: status === 'pending_payment' ? 'pending_payment' : 'paid', at: T0 - 7200_000 })
      if (status === 'shipped' || status === 'completed') sim.moveOrder(platform, o.platformOrderId, 'shipped')
      if (status === 'completed') sim.moveOrder(platform, o.platformOrderId, 'completed')
      if (status === 'refunding' || status === 'refunded') sim.moveOrder(platform, o.platformOrderId, 'refunding')
      if (status === 'refunded') sim.moveOrder(platform, o.platformOrderId, 'refunded')
      const read = platformAdapters[platform].normalize(orderDetail(o, sim.shops().douyin.shopId!))
      if (!read.ok) throw new Error(`${platform} ${status}: ${JSON.stringify(read.details)}`)
      expect(read.orders[0], `${platform} ${status}`).toMatchObject({ platformOrderId: o.platformOrderId, status: expected, totalAmount: orderTotal(o), currency: o.currency })
    }
  })
})

describe('the simulator\'s faults and control API', () => {
  it('leaves a call it is told to time out unanswered', async () => {
    const sim = await startSimulator()
    running.push(sim)
    sim.failNext('shopify', 'timeout')
    const credentials = sim.shops().shopify
    const answer = fetch(`${sim.url}/admin/api/2024-10/orders.json?updated_at_min=2026-11-20T00:00:00Z&updated_at_max=2026-11-20T01:00:00Z`, {
      headers: { 'x-shopify-access-token': credentials.accessToken! }, signal: AbortSignal.timeout(300),
    })
    await expect(answer).rejects.toThrow(/abort|timeout/i)
  })

  it('sells, reports stock and what Ordo told it over its control API', async () => {
    const sim = await startSimulator()
    running.push(sim)
    const sold = await fetch(`${sim.url}/_sim/sell`, { method: 'POST', body: JSON.stringify({ platform: 'douyin', sku: 'TOWEL-COTTON-BLUE-2P', quantity: 4 }) })
    expect(sold.status).toBe(201)
    expect(await sold.json()).toMatchObject({ platform: 'douyin', status: 'paid' })
    const stock = await (await fetch(`${sim.url}/_sim/stock?platform=douyin`)).json() as { stock: Record<string, number> }
    expect(stock.stock['TOWEL-COTTON-BLUE-2P']).toBe(296)
    expect(await (await fetch(`${sim.url}/_sim/ship-notices`)).json()).toEqual({ shipNotices: [] })
    const bad = await fetch(`${sim.url}/_sim/sell`, { method: 'POST', body: JSON.stringify({ platform: 'ebay', sku: 'X' }) })
    expect(bad.status).toBe(400)
    expect(((await fetch(`${sim.url}/nowhere`)).status)).toBe(404)
  })
})
