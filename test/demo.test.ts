/**
 * `npm start -- --demo`: the real server with the platform simulator beside it. Orders of all six
 * platforms arrive by the paths each platform really uses (signed webhooks, long-connection
 * messages, pulls) within a minute, paid orders hold stock whose new level every shop is told, and a
 * second start finds its six demo shops again.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, startServer, stopServer } from './support/server-process.ts'

const token = 'ordo_demo-test-admin-token'
const PLATFORMS = ['taobao', 'jd', 'pinduoduo', 'douyin', 'shopify', 'woocommerce']

describe('npm start -- --demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-demo-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('brings orders of six platforms in within a minute, through pushes, messages and pulls, pushes stock levels to every shop, and keeps its shops across restarts', async () => {
    const port = await freePort()
    const start = () => startServer({ dbPath: join(dir, 'demo.db'), port, token, args: ['--demo'], startTimeoutMs: 40_000 })
    const get = async (path: string) => (await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<any>
    let child = await start()
    try {
      const deadline = Date.now() + 60_000
      let platforms = new Set<string>()
      let shops: any[] = []
      const arrivedBy = (s: any) => (['taobao', 'jd', 'pinduoduo'].includes(s.platform) ? s.health.lastMessageAt : s.health.lastPushAt)
      while (Date.now() < deadline) {
        platforms = new Set((await get('/api/orders?limit=500')).items.map((o: any) => o.platform))
        shops = (await get('/api/shops')).items
        if (platforms.size === PLATFORMS.length && shops.every((s) => arrivedBy(s) && s.health.lastPullAt)) break
        await new Promise((r) => setTimeout(r, 500))
      }
      expect([...platforms].sort()).toEqual([...PLATFORMS].sort())
      expect(shops.map((s) => s.platform).sort()).toEqual([...PLATFORMS].sort())
      // Each shop heard from its platform the way the platform talks (webhook or message), and was pulled.
      for (const shop of shops) {
        expect(arrivedBy(shop), `${shop.platform} push or message`).toEqual(expect.any(String))
        expect(shop.health.lastPullAt, `${shop.platform} pull`).toEqual(expect.any(String))
        expect(shop.health.lastError, `${shop.platform} error`).toBeNull()
      }
      // Paid orders hold their items (the demo's stock flow), and each new level reaches all six shops
      // through their platforms' stock APIs on the simulator: a sale on one is a stock push to the rest.
      const pushedEverywhere = async () => {
        const stock = (await get('/api/stock?limit=50')).items.filter((s: any) => s.reserved > 0)
        for (const s of stock) {
          const item = await get(`/api/stock/${encodeURIComponent(s.sku)}`)
          if (item.listings.length === PLATFORMS.length && item.listings.every((l: any) => l.push?.status === 'pushed' && l.push.pushedQuantity === l.sellable)) return item
        }
        return null
      }
      let item: any = null
      while (!item && Date.now() < deadline + 20_000) {
        item = await pushedEverywhere()
        if (!item) await new Promise((r) => setTimeout(r, 500))
      }
      expect(item, 'a SKU with reservations whose level every shop took').not.toBeNull()
      expect(item.available).toBeLessThan(item.onHand)
    } finally {
      await stopServer(child)
    }
    child = await start()
    try {
      const shops = (await get('/api/shops')).items
      expect(shops).toHaveLength(PLATFORMS.length)
    } finally {
      await stopServer(child)
    }
  }, 150_000)
})
