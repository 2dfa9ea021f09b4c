/**
 * Platform traffic into the real server (a child process on a fresh database, example flows
 * published): per platform, how many pushes a second Ordo accepts (signature checked over the raw
 * bytes, kept in the inbox, answered) and how many orders a second come out of them at the end
 * (normalized, ingested, their flows run), beside plain single-order POST /api/orders of the same run
 * and the same load. Shopify and WooCommerce push whole orders; a Douyin push names the order and
 * Ordo fetches its detail from the platform simulator (in this process); Taobao, JD and Pinduoduo
 * messages arrive over the simulator's long connections, each followed by a detail pull.
 */
import autocannon from 'autocannon'
import { join } from 'node:path'
import type { PlatformName } from '../connectors/platforms/adapter.ts'
import { signedPush } from '../connectors/simulator/pushes.ts'
import { attachMessageChannels, channelUrlFor } from '../connectors/simulator/message-channels.ts'
import { startSimulator } from '../connectors/simulator/simulator.ts'
import { makeOrder } from './orders.ts'
import { removeDir, startChild, tempDir } from './resources.ts'
import type { Load } from './ingest-http.ts'

export interface PlatformFigure {
  platform: PlatformName
  /** 'push': signed webhooks under autocannon; 'message': a burst of long-connection messages. */
  path: 'push' | 'message'
  acceptedPerSec: number
  /** Orders created from them per second, from the first push to the last order in the pool. */
  ingestedPerSec: number
  sent: number
  created: number
  non2xx: number
  p99Ms: number
}

export interface PlatformsResult { plainPerSec: number; plainP99Ms: number; platforms: PlatformFigure[] }

const TOKEN = `ordo_bench_platforms_${Date.now().toString(36)}`
const PUSH_PLATFORMS = ['shopify', 'woocommerce', 'douyin'] as const
const CHANNEL_PLATFORMS = ['taobao', 'jd', 'pinduoduo'] as const
const MESSAGES = 2_000
const DRAIN_LIMIT_MS = 60_000

export async function measurePlatforms(l: Load): Promise<PlatformsResult> {
  const sim = await startSimulator({ initialOrders: 0 })
  let channelShops: Array<{ platform: string; shopId: string; credentials: Record<string, string> }> = []
  const channels = attachMessageChannels(sim.server, { shops: () => channelShops, events: sim.events })
  const dir = tempDir('ordo-platforms')
  const server = await startChild({ script: 'engine/server.ts', healthPath: '/api/health', env: { ORDO_DB: join(dir, 'ordo.db'), ORDO_ADMIN_TOKEN: TOKEN, ORDO_LOG: 'silent' } })
  const auth = { authorization: `Bearer ${TOKEN}` }
  const created = async () => {
    const text = await (await fetch(`${server.url}/metrics`, { headers: auth })).text()
    return text.split('\n').filter((x) => x.startsWith('ordo_orders_ingested_total{outcome="created"}')).reduce((s, x) => s + Number(x.slice(x.lastIndexOf(' ') + 1)), 0)
  }
  /** Waits until `target` orders exist; the time they took from `t0`, or NaN past the limit. */
  const drained = async (target: number, t0: number) => {
    for (;;) {
      const n = await created()
      if (n >= target) return performance.now() - t0
      if (performance.now() - t0 > DRAIN_LIMIT_MS) return NaN
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  try {
    const credentials = sim.shops()
    const shopIds = {} as Record<PlatformName, string>
    for (const platform of [...PUSH_PLATFORMS, ...CHANNEL_PLATFORMS]) {
      const c: Record<string, string> = { ...credentials[platform] }
      if ((CHANNEL_PLATFORMS as readonly string[]).includes(platform)) c.channelUrl = channelUrlFor(platform as 'taobao', sim.url)
      const res = await fetch(`${server.url}/api/shops`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ platform, name: `bench ${platform}`, credentials: c }) })
      if (res.status !== 201) throw new Error(`shop refused: ${await res.text()}`)
      shopIds[platform] = ((await res.json()) as { id: string }).id
    }
    sim.setPushTarget(null, shopIds)
    channelShops = CHANNEL_PLATFORMS.map((platform) => ({ platform, shopId: shopIds[platform], credentials: credentials[platform] }))

    const run = (url: string, next: () => { body: string; headers: Record<string, string> }, duration: number) => autocannon({
      url, connections: l.connections, duration, method: 'POST', timeout: 30,
      requests: [{ setupRequest: (req) => { const p = next(); return { ...req, body: p.body, headers: { ...req.headers, ...p.headers } } } }],
    })
    // Plain ingest of the same run: one normalized order per request.
    const plainNext = () => ({ body: JSON.stringify(makeOrder()), headers: { ...auth, 'content-type': 'application/json' } })
    await run(`${server.url}/api/orders`, plainNext, l.warmupSeconds)
    const plain = await run(`${server.url}/api/orders`, plainNext, l.seconds)

    const figures: PlatformFigure[] = []
    for (const platform of PUSH_PLATFORMS) {
      const next = () => signedPush(platform, sim.createOrder({ platform }), 'paid', credentials[platform])!
      const url = `${server.url}/webhooks/${platform}/${shopIds[platform]}`
      const warmBefore = await created()
      const warm = await run(url, next, l.warmupSeconds)
      await drained(warmBefore + warm['2xx'], performance.now())
      const before = await created()
      const t0 = performance.now()
      const r = await run(url, next, l.seconds)
      const ms = await drained(before + r['2xx'], t0)
      figures.push({
        platform, path: 'push', acceptedPerSec: r['2xx'] / r.duration, ingestedPerSec: r['2xx'] / (ms / 1000),
        sent: r['2xx'] + r.non2xx, created: (await created()) - before, non2xx: r.non2xx + r.errors, p99Ms: r.latency.p99,
      })
    }
    // Wait for the channels to be up (the shops were created a while ago; a connect takes a moment).
    for (const platform of CHANNEL_PLATFORMS) {
      // The channel is up once a warm-up message is acknowledged.
      const ackedBefore = channels.stats().acked
      sim.createOrder({ platform })
      const upBy = performance.now() + 20_000
      while (channels.stats().acked <= ackedBefore && performance.now() < upBy) await new Promise((r) => setTimeout(r, 20))
      const before = await created()
      const stats0 = channels.stats().acked
      const t0 = performance.now()
      for (let i = 0; i < MESSAGES; i++) sim.createOrder({ platform })
      let ackedMs = NaN
      const ms = await (async () => {
        for (;;) {
          if (Number.isNaN(ackedMs) && channels.stats().acked - stats0 >= MESSAGES) ackedMs = performance.now() - t0
          if ((await created()) - before >= MESSAGES) return performance.now() - t0
          if (performance.now() - t0 > DRAIN_LIMIT_MS) return NaN
          await new Promise((r) => setTimeout(r, 20))
        }
      })()
      if (Number.isNaN(ackedMs)) ackedMs = ms
      figures.push({ platform, path: 'message', acceptedPerSec: MESSAGES / (ackedMs / 1000), ingestedPerSec: MESSAGES / (ms / 1000), sent: MESSAGES, created: (await created()) - before, non2xx: 0, p99Ms: NaN })
    }
    return { plainPerSec: plain['2xx'] / plain.duration, plainP99Ms: plain.latency.p99, platforms: figures }
  } finally {
    await server.stop()
    await channels.close()
    await sim.stop()
    removeDir(dir)
  }
}
