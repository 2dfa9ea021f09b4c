/**
 * `npm start -- --demo`: the real server with the platform simulator beside it. Orders of all six
 * platforms arrive by the paths each platform really uses (signed webhooks, long-connection
 * messages, pulls) within a minute, and a second start finds its six demo shops again.
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

  it('brings orders of six platforms in within a minute, through pushes, messages and pulls, and keeps its shops across restarts', async () => {
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
