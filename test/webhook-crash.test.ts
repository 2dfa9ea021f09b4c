/**
 * Pushes survive kill -9: the real server takes signed Shopify and WooCommerce pushes from several
 * senders at once and is killed mid-stream, twice, at different moments. After a restart, every
 * push that was answered 2xx is an order in the pool: a push is committed to the inbox before it
 * is answered, and what was taken but not yet processed is worked off on the next start.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { createHmac, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { apiClient, freePort, kill9, startServer, stopServer } from './support/server-process.ts'
import { fixture, num, withChanges } from '../connectors/platforms/fixtures/fixtures.ts'

const token = 'ordo_webhook-crash-admin-token'
const SHOPIFY = { shopDomain: 'crash-store.myshopify.com', accessToken: 'shpat_crash_token', webhookSecret: 'shopify-crash-secret' }
const WOO = { siteUrl: 'https://crash.example.com', consumerKey: 'ck_crash', consumerSecret: 'cs_crash', webhookSecret: 'wc-crash-secret' }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const hmac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64')

describe('webhook pushes across kill -9', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-webhook-crash-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('keeps every push answered 2xx: each is an order in the pool after the restart', async () => {
    const port = await freePort()
    const dbPath = join(dir, 'ordo.db')
    const api = apiClient(port, token)
    let child = await startServer({ dbPath, port, token })
    const shopify = (await api('POST', '/api/shops', { platform: 'shopify', name: 'Crash US', credentials: SHOPIFY })).json.id as string
    const woo = (await api('POST', '/api/shops', { platform: 'woocommerce', name: 'Crash EU', credentials: WOO })).json.id as string
    expect(shopify && woo).toBeTruthy()

    const answered = new Map<string, 'shopify' | 'woocommerce'>()
    let sent = 0
    let n = 0
    for (const killAfterAnswers of [25, 60]) {
      let stop = false
      const target = answered.size + killAfterAnswers
      const sender = async () => {
        while (!stop) {
          n += 1
          const woocommerce = n % 2 === 0
          // 19-digit Shopify ids as JSON numbers: each one kept whole.
          const orderId = woocommerce ? String(90000 + n) : `59401394912345${String(10000 + n)}`
          const body = woocommerce
            ? withChanges(fixture('woocommerce'), { '/id': num(orderId), '/number': orderId })
            : withChanges(fixture('shopify'), { '/id': num(orderId) })
          const headers: Record<string, string> = woocommerce
            ? { 'x-wc-webhook-signature': hmac(WOO.webhookSecret, body), 'x-wc-webhook-delivery-id': randomUUID(), 'x-wc-webhook-topic': 'order.created' }
            : { 'x-shopify-hmac-sha256': hmac(SHOPIFY.webhookSecret, body), 'x-shopify-webhook-id': randomUUID(), 'x-shopify-topic': 'orders/create' }
          sent += 1
          try {
            const res = await fetch(`http://127.0.0.1:${port}/webhooks/${woocommerce ? 'woocommerce' : 'shopify'}/${woocommerce ? woo : shopify}`, {
              method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body,
            })
            if (res.status >= 200 && res.status < 300) answered.set(orderId, woocommerce ? 'woocommerce' : 'shopify')
            else throw new Error(`status ${res.status}: ${await res.text()}`)
          } catch (err) {
            if ((err as Error).message.startsWith('status')) throw err
            return // the server died under us: an unanswered push may be lost, the platform sends it again
          }
        }
      }
      const senders = Array.from({ length: 6 }, () => sender())
      const deadline = Date.now() + 30_000
      while (answered.size < target && Date.now() < deadline) await sleep(5)
      await kill9(child)
      stop = true
      await Promise.all(senders)
      // Every answered push is in the inbox the killed process left behind, processed or not.
      const db = new Database(dbPath)
      const kept = db.prepare('SELECT count(*) FROM shop_pushes').pluck().get() as number
      db.close()
      expect(kept).toBeGreaterThanOrEqual(answered.size)
      child = await startServer({ dbPath, port, token })
    }
    expect(answered.size).toBeGreaterThanOrEqual(85)
    expect(sent).toBeGreaterThan(answered.size)

    try {
      const pooled = async () => {
        const ids = new Set<string>()
        for (const platform of ['shopify', 'woocommerce']) {
          let cursor: string | null = null
          do {
            const page: { items: Array<{ platformOrderId: string }>; nextCursor: string | null } = (await api('GET', `/api/orders?platform=${platform}&limit=500${cursor ? `&cursor=${cursor}` : ''}`)).json
            for (const o of page.items) ids.add(o.platformOrderId)
            cursor = page.nextCursor
          } while (cursor)
        }
        return ids
      }
      let ids = await pooled()
      for (let i = 0; i < 200 && [...answered.keys()].some((id) => !ids.has(id)); i++) {
        await sleep(100)
        ids = await pooled()
      }
      expect([...answered.keys()].filter((id) => !ids.has(id))).toEqual([])
      const shops = (await api('GET', '/api/shops')).json.items as Array<{ health: { pendingPushes: number } }>
      expect(shops.map((s) => s.health.pendingPushes)).toEqual([0, 0])
    } finally {
      await stopServer(child)
    }
  }, 120_000)
})
