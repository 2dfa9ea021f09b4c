import { EventEmitter } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { PulledOrderRef } from '../../connectors/platforms/adapter.ts'
import { attachMessageChannels, type ChannelShop, type MessageChannelsHandle } from '../../connectors/simulator/message-channels.ts'
import { startMessageChannels, type MessageChannels } from './message-channels.ts'
import type { EngineLogger } from './run-executor.ts'
import type { ShopDirectory, ShopHealthEvent, ShopRecord } from './shop-directory.ts'

const NOW = Date.parse('2026-12-02T05:00:00Z')
const clock = { now: () => NOW }
const quietLog: EngineLogger = { error: () => {}, warn: () => {}, info: () => {} }

/** A shops directory in memory: shops, their credentials, and the health recorded against them. */
class FakeDirectory implements ShopDirectory {
  shops: ShopRecord[] = []
  secrets = new Map<string, Record<string, string>>()
  health: Array<{ shopId: string; event: ShopHealthEvent }> = []
  /** The credentials as the platform knows them (the simulator checks connects with these). */
  onPlatform = new Map<string, Record<string, string>>()
  add(shop: Omit<ShopRecord, 'createdAt' | 'enabled'> & { enabled?: boolean }, credentials: Record<string, string>): void {
    this.shops.push({ createdAt: NOW, enabled: true, ...shop })
    this.secrets.set(shop.id, credentials)
    this.onPlatform.set(shop.id, { ...credentials })
  }
  async list() { return this.shops.map((s) => ({ ...s })) }
  async get(shopId: string) { return this.shops.find((s) => s.id === shopId) }
  async credentials(shopId: string) {
    const found = this.secrets.get(shopId)
    if (!found) throw new Error(`no shop ${shopId}`)
    return { ...found }
  }
  async ingestDetails(): Promise<never> { throw new Error('the channels hand refs to acceptRefs; they ingest nothing themselves') }
  recordHealth(shopId: string, event: ShopHealthEvent) { this.health.push({ shopId, event }) }
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function until(what: string, done: () => boolean, ms = 1500): Promise<void> {
  const deadline = Date.now() + ms
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

async function setup(redeliverAfterMs = 150_000) {
  const directory = new FakeDirectory()
  const server = http.createServer((_, res) => res.writeHead(404).end())
  const events = new EventEmitter()
  // The simulator serves the directory's channel shops as they are now.
  const simulator: MessageChannelsHandle = attachMessageChannels(server, {
    shops: () => directory.shops.map((s): ChannelShop => ({ platform: s.platform, shopId: s.id, credentials: directory.onPlatform.get(s.id) ?? {} })),
    events, now: clock.now, redeliverAfterMs,
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`
  cleanups.push(async () => {
    await simulator.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  const accepted: Array<{ shopId: string; refs: PulledOrderRef[] }> = []
  let refuse = false
  const start = (log = quietLog): MessageChannels => {
    const channels = startMessageChannels({
      directory, clock, log,
      acceptRefs: async (shopId, refs) => {
        if (refuse) throw new Error('the store is down')
        accepted.push({ shopId, refs })
      },
      backoff: { initialMs: 20, maxMs: 80 },
      heartbeat: { intervalMs: 50, timeoutMs: 1000 },
    })
    cleanups.push(() => channels.stop())
    return channels
  }
  const change = (platform: string, shopId: string, platformOrderId: string) => events.emit('order-changed', { platform, shopId, platformOrderId, event: 'paid' })
  return { directory, simulator, origin, accepted, start, change, refuseAccepts: (on: boolean) => { refuse = on } }
}

describe('the message channel supervisor', () => {
  it('opens one channel per enabled Taobao, Pinduoduo and JD shop, and none for other platforms or disabled shops', async () => {
    const s = await setup()
    s.directory.add({ id: 'tb-1', platform: 'taobao', name: '天猫旗舰店' }, { appKey: 'tb-app', appSecret: 'tb-secret', sessionKey: 's', channelUrl: `${s.origin}/tmc` })
    s.directory.add({ id: 'pdd-1', platform: 'pinduoduo', name: '拼多多店' }, { clientId: 'pdd-client', clientSecret: 'pdd-secret', accessToken: 't', channelUrl: `${s.origin}/pinduoduo` })
    s.directory.add({ id: 'jd-1', platform: 'jd', name: '京东店' }, { appKey: 'jd-app', appSecret: 'jd-secret', accessToken: 'jd-token', channelUrl: `${s.origin}/jd` })
    s.directory.add({ id: 'jd-off', platform: 'jd', name: '停用的京东店', enabled: false }, { appKey: 'jd-app-2', appSecret: 'x', accessToken: 'y', channelUrl: `${s.origin}/jd` })
    s.directory.add({ id: 'shopify-1', platform: 'shopify', name: 'Shopify' }, { shopDomain: 'a.myshopify.com', accessToken: 'x', webhookSecret: 'y' })
    s.start()
    await until('three channels are connected', () => s.simulator.stats().connections === 3)
    s.change('taobao', 'tb-1', '3921847562019384756')
    s.change('pinduoduo', 'pdd-1', '261202-392184756201938')
    s.change('jd', 'jd-1', '3100000000000000001')
    await until('three messages are acknowledged', () => s.simulator.stats().acked === 3)
    expect(s.simulator.stats().connections).toBe(3) // the disabled JD shop, known to the platform, was not connected
    expect(s.accepted.sort((a, b) => a.shopId.localeCompare(b.shopId))).toEqual([
      { shopId: 'jd-1', refs: [{ platformOrderId: '3100000000000000001', event: 'jd_order_pay' }] },
      { shopId: 'pdd-1', refs: [{ platformOrderId: '261202-392184756201938', event: 'pdd_trade_TradeConfirmed' }] },
      { shopId: 'tb-1', refs: [{ platformOrderId: '3921847562019384756', event: 'taobao_trade_TradeBuyerPay' }] },
    ])
    const messages = s.directory.health.filter((h) => h.event.kind === 'message')
    expect(messages.map((h) => h.shopId).sort()).toEqual(['jd-1', 'pdd-1', 'tb-1'])
    expect(messages.every((h) => h.event.at === NOW)).toBe(true)
  })

  it('records no message health for a message acceptRefs refused, and the message comes again', async () => {
    const s = await setup(150)
    s.directory.add({ id: 'pdd-1', platform: 'pinduoduo', name: '拼多多店' }, { clientId: 'pdd-client', clientSecret: 'pdd-secret', accessToken: 't', channelUrl: `${s.origin}/pinduoduo` })
    s.start()
    await until('connected', () => s.simulator.stats().connections === 1)
    s.refuseAccepts(true)
    s.change('pinduoduo', 'pdd-1', '261202-1')
    await until('delivered again', () => s.simulator.stats().redelivered >= 1)
    expect(s.directory.health.filter((h) => h.event.kind === 'message')).toEqual([])
    s.refuseAccepts(false)
    await until('accepted and acknowledged', () => s.simulator.stats().acked === 1)
    expect(s.directory.health.filter((h) => h.event.kind === 'message')).toHaveLength(1)
  })

  it('records a failed connect against the shop, and a shop missing a credential its channel needs', async () => {
    const s = await setup()
    s.directory.add({ id: 'jd-1', platform: 'jd', name: '京东店' }, { appKey: 'jd-app', appSecret: 'jd-secret', accessToken: 'jd-token', channelUrl: `${s.origin}/jd` })
    s.directory.add({ id: 'tb-1', platform: 'taobao', name: '淘宝店' }, { appKey: 'tb-app', sessionKey: 's' })
    // Ordo holds an old secret of the JD shop: every connect is refused.
    s.directory.secrets.set('jd-1', { ...s.directory.secrets.get('jd-1')!, appSecret: 'an-old-secret' })
    const channels = s.start()
    await channels.refresh()
    s.directory.secrets.set('jd-1', { appKey: 'jd-app', appSecret: 'jd-secret', accessToken: 'jd-token', channelUrl: `${s.origin}/jd` })
    await until('the refusal is recorded', () => s.directory.health.some((h) => h.shopId === 'jd-1' && h.event.kind === 'message-error'))
    expect(s.directory.health.find((h) => h.shopId === 'jd-1')?.event).toMatchObject({ kind: 'message-error', at: NOW, code: '401' })
    expect(s.directory.health.find((h) => h.shopId === 'tb-1')?.event).toEqual({ kind: 'message-error', at: NOW, error: "the shop's credentials have no appSecret" })
    // The operator re-enters the secret: refresh reopens the channel with it.
    await channels.refresh()
    await until('connected with the new secret', () => s.simulator.stats().connections === 1)
  })

  it('closes the channels of shops removed or disabled on refresh, opens new ones, and closes all on stop', async () => {
    const s = await setup()
    s.directory.add({ id: 'pdd-1', platform: 'pinduoduo', name: '拼多多店' }, { clientId: 'pdd-client', clientSecret: 'pdd-secret', accessToken: 't', channelUrl: `${s.origin}/pinduoduo` })
    s.directory.add({ id: 'jd-1', platform: 'jd', name: '京东店' }, { appKey: 'jd-app', appSecret: 'jd-secret', accessToken: 'jd-token', channelUrl: `${s.origin}/jd` })
    const channels = s.start()
    await until('two channels are connected', () => s.simulator.stats().connections === 2)
    s.directory.shops.find((shop) => shop.id === 'pdd-1')!.enabled = false
    s.directory.add({ id: 'tb-1', platform: 'taobao', name: '淘宝店' }, { appKey: 'tb-app', appSecret: 'tb-secret', sessionKey: 's', channelUrl: `${s.origin}/tmc` })
    await channels.refresh()
    await until('the Taobao shop is connected', () => s.simulator.stats().connections === 3)
    s.change('pinduoduo', 'pdd-1', '261202-1')
    s.change('taobao', 'tb-1', '3921847562019384756')
    await until('the Taobao message is accepted', () => s.accepted.length === 1)
    expect(s.accepted[0].shopId).toBe('tb-1')
    expect(s.simulator.pending('pdd-1')).toBe(1) // the disabled shop's channel is closed: its message waits on the platform
    await channels.stop()
    s.change('jd', 'jd-1', '1001')
    await new Promise((r) => setTimeout(r, 50))
    expect(s.simulator.pending('jd-1')).toBe(1)
    expect(s.simulator.stats().connections).toBe(3) // nothing reconnected after stop
  })

  it('warns when two shops share one app, whose messages the platform hands to either connection', async () => {
    const s = await setup()
    s.directory.add({ id: 'tb-1', platform: 'taobao', name: '一店' }, { appKey: 'one-app', appSecret: 'x', sessionKey: 'a', channelUrl: `${s.origin}/tmc` })
    s.directory.add({ id: 'tb-2', platform: 'taobao', name: '二店' }, { appKey: 'one-app', appSecret: 'x', sessionKey: 'b', channelUrl: `${s.origin}/tmc` })
    s.directory.add({ id: 'jd-1', platform: 'jd', name: '京东店' }, { appKey: 'one-app', appSecret: 'y', accessToken: 'c', channelUrl: `${s.origin}/jd` })
    const warnings: object[] = []
    const channels = s.start({ ...quietLog, warn: (obj: object, msg: string) => { if (/share one app/.test(msg)) warnings.push(obj) } })
    await channels.refresh()
    expect(warnings).toEqual([{ platform: 'taobao', shopIds: ['tb-1', 'tb-2'] }])
  })
})
