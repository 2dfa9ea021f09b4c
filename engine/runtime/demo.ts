/**
 * `npm start -- --demo`: the platform simulator beside Ordo, six demo shops (one per platform)
 * pointing at it, and orders flowing: Shopify, WooCommerce and Douyin push signed webhooks, Taobao,
 * Pinduoduo and JD send messages over their long connections, and every shop is pulled. A newcomer
 * sees orders from six platforms arrive within a minute of the first command.
 */
import type { PlatformName } from '../../connectors/platforms/adapter.ts'
import { attachMessageChannels, channelUrlFor, type ChannelShop } from '../../connectors/simulator/message-channels.ts'
import { PLATFORMS, startSimulator } from '../../connectors/simulator/simulator.ts'
import { CATALOG } from '../../connectors/simulator/sim-orders.ts'
import type { EngineLogger, OrderEngine } from './order-engine.ts'
import type { ShopService } from './shops.ts'
import { readTemplates } from './bootstrap.ts'
import { importWorkflows } from './workflow-import.ts'

/** The demo shops' names, by platform: how the demo finds its shops again on the next start. */
export const DEMO_SHOP_NAMES: Record<PlatformName, string> = {
  taobao: '演示 · 淘宝旗舰店', jd: '演示 · 京东自营店', pinduoduo: '演示 · 拼多多专营店',
  douyin: '演示 · 抖音小店', shopify: 'Demo · Shopify store', woocommerce: 'Demo · WooCommerce site',
}

/** Platforms that deliver messages over a long connection the shop's client opens. */
const CHANNEL_PLATFORMS = new Set<PlatformName>(['taobao', 'pinduoduo', 'jd'])

export interface DemoOptions {
  engine: OrderEngine
  shops: ShopService
  /** Where the demo's own flows are (examples/demo/): stock held on payment, given back on a cancel. */
  flowsDir: string
  /** Ordo's own base URL, where the simulator sends its webhooks. */
  ordoUrl: string
  log: EngineLogger
  /** New orders per hour per platform (default 240: one every 15 s on each). */
  ordersPerHour?: number
}

export interface Demo {
  simulatorUrl: string
  shopIds: Record<PlatformName, string>
  stop(): Promise<void>
}

export async function startDemo(o: DemoOptions): Promise<Demo> {
  const sim = await startSimulator({
    initialOrders: 6,
    // Fast enough to watch: orders ship a couple of minutes after payment and complete soon after.
    lifecycle: { ordersPerHour: o.ordersPerHour ?? 240, shipAfterMs: 2 * 60_000, completeAfterMs: 5 * 60_000, refundRate: 0.05 },
  })
  try {
    const existing = await o.shops.list()
    const shopIds = {} as Record<PlatformName, string>
    const credentialsOf = sim.shops()
    for (const platform of PLATFORMS) {
      const credentials: Record<string, string> = { ...credentialsOf[platform] }
      if (CHANNEL_PLATFORMS.has(platform)) credentials.channelUrl = channelUrlFor(platform as 'taobao' | 'pinduoduo' | 'jd', sim.url)
      const name = DEMO_SHOP_NAMES[platform]
      const found = existing.find((s) => s.platform === platform && s.name === name)
      // The simulator makes new credentials on every start: an existing demo shop takes them.
      if (found) await o.shops.update(found.id, { enabled: true, credentials })
      else shopIds[platform] = (await o.shops.create({ platform, name, credentials })).id
      if (found) shopIds[platform] = found.id
    }
    await seedStock(o.engine, Object.values(shopIds))
    await importDemoFlows(o.engine, o.flowsDir)
    sim.setPushTarget(o.ordoUrl, shopIds)
    const channelShops: ChannelShop[] = PLATFORMS.filter((p) => CHANNEL_PLATFORMS.has(p)).map((platform) => ({ platform, shopId: shopIds[platform], credentials: credentialsOf[platform] }))
    const channels = attachMessageChannels(sim.server, { shops: channelShops, events: sim.events })
    const ticking = setInterval(() => {
      try { sim.tick() } catch (err) { o.log.error({ err }, 'the demo simulator could not move its orders on') }
    }, 1000)
    ticking.unref()
    o.log.info({ simulator: sim.url }, `demo: platform simulator on ${sim.url}, six demo shops taking orders`)
    return {
      simulatorUrl: sim.url, shopIds,
      async stop() {
        clearInterval(ticking)
        await channels.close()
        await sim.stop()
      },
    }
  } catch (err) {
    await sim.stop()
    throw err
  }
}

/**
 * The simulator's catalogue in the stock ledger, listed by all six shops: a sale anywhere changes the
 * level every other shop is told. A SKU the ledger has already keeps its level (a second demo start).
 */
async function seedStock(engine: OrderEngine, shopIds: string[]): Promise<void> {
  const now = engine.clock.now()
  for (const product of CATALOG) {
    const known = await engine.store.getStock(product.sku)
    const listings = shopIds.map((shopId) => ({ shopId }))
    await engine.store.putStock(product.sku, known ? { listings } : { onHand: product.stock, listings },
      { idempotencyKey: `demo:${product.sku}:${now}`, orderId: null, runId: null, source: 'demo' }, now)
  }
}

/** Publishes the demo's flows unless a version of them is already there. */
async function importDemoFlows(engine: OrderEngine, dir: string): Promise<void> {
  const have = new Set((await engine.store.listWorkflows()).map((w) => w.id))
  const defs = readTemplates(dir, engine).filter((d) => !have.has(d.id))
  if (defs.length) await importWorkflows(engine, defs, { publish: true, by: 'ordo (demo)' })
}
