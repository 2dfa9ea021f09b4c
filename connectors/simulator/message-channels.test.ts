import { EventEmitter } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { PulledOrderRef } from '../platforms/adapter.ts'
import type { ChannelConnection, ChannelEvent, ShopChannelOptions } from '../platforms/channels/channel-connection.ts'
import { openJdChannel } from '../platforms/channels/jd-channel.ts'
import { openPinduoduoChannel } from '../platforms/channels/pinduoduo-channel.ts'
import { openTmcChannel } from '../platforms/channels/tmc-channel.ts'
import { attachMessageChannels, channelUrlFor, type ChannelFaults, type MessageChannelsHandle, type OrderChange } from './message-channels.ts'

/** Business time both sides sign and check with: fixed, nothing sleeps for it. */
const NOW = Date.parse('2026-12-02T05:00:00Z')
const clock = { now: () => NOW }
const quietLog = { error: () => {}, warn: () => {}, info: () => {} }

const TID = '3921847562019384756' // 19 digits: a double would read it as …4800

interface PlatformCase {
  platform: 'taobao' | 'pinduoduo' | 'jd'
  credentials: Record<string, string>
  path: string
  orderId: string
  open(o: ShopChannelOptions<Record<string, string>>): ChannelConnection
  wrongSecret: Record<string, string>
  paidTopic: string
}

// The shops API hands credentials over as a string record; each client reads the keys it needs.
const platforms: PlatformCase[] = [
  {
    platform: 'taobao',
    credentials: { appKey: '12345678', appSecret: 'tb-secret', sessionKey: 'tb-session' },
    path: '/tmc',
    orderId: TID,
    open: openTmcChannel,
    wrongSecret: { appSecret: 'not-the-secret' },
    paidTopic: 'taobao_trade_TradeBuyerPay',
  },
  {
    platform: 'pinduoduo',
    credentials: { clientId: 'pdd-client', clientSecret: 'pdd-secret', accessToken: 'pdd-token' },
    path: '/pinduoduo',
    orderId: '261202-392184756201938',
    open: openPinduoduoChannel,
    wrongSecret: { clientSecret: 'not-the-secret' },
    paidTopic: 'pdd_trade_TradeConfirmed',
  },
  {
    platform: 'jd',
    credentials: { appKey: 'jd-app', appSecret: 'jd-secret', accessToken: 'jd-token' },
    path: '/jd',
    orderId: TID,
    open: openJdChannel,
    wrongSecret: { appSecret: 'not-the-secret' },
    paidTopic: 'jd_order_pay',
  },
]

interface Harness {
  events: EventEmitter
  simulator: MessageChannelsHandle
  origin: string
  server: http.Server
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function startSimulator(shops: Parameters<typeof attachMessageChannels>[1]['shops'], options: { faults?: ChannelFaults; redeliverAfterMs?: number; random?: () => number } = {}): Promise<Harness> {
  const server = http.createServer((_, res) => res.writeHead(404).end())
  const events = new EventEmitter()
  const simulator = attachMessageChannels(server, { shops, events, now: clock.now, redeliverAfterMs: options.redeliverAfterMs ?? 150_000, faults: options.faults, random: options.random })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(async () => {
    await simulator.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return { events, simulator, origin: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

/** Waits for a socket-level outcome (a connect, a delivery), polling; fails after `ms`. */
async function until(what: string, done: () => boolean, ms = 1500): Promise<void> {
  const deadline = Date.now() + ms
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe.each(platforms)('the $platform message channel against the simulator', (p) => {
  const shopId = `${p.platform}-shop-1`

  async function connect(acceptRefs: (shopId: string, refs: PulledOrderRef[]) => Promise<void>, options: { faults?: ChannelFaults; credentials?: Record<string, string>; redeliverAfterMs?: number } = {}) {
    const h = await startSimulator([{ platform: p.platform, shopId, credentials: p.credentials }], options)
    const channelEvents: ChannelEvent[] = []
    const channel = p.open({
      shopId,
      credentials: { ...p.credentials, ...options.credentials, channelUrl: h.origin + p.path },
      acceptRefs, clock, log: quietLog,
      backoff: { initialMs: 20, maxMs: 80 },
      heartbeat: { intervalMs: 50, timeoutMs: 1000 },
      onEvent: (e) => channelEvents.push(e),
    })
    cleanups.push(() => channel.close())
    const change = (event = 'paid'): void => { h.events.emit('order-changed', { platform: p.platform, shopId, platformOrderId: p.orderId, event } satisfies OrderChange) }
    return { ...h, channel, channelEvents, change }
  }

  it('connects with a good signature and hands a message to acceptRefs with the order id intact', async () => {
    const accepted: Array<{ shopId: string; refs: PulledOrderRef[] }> = []
    const c = await connect(async (shopId, refs) => { accepted.push({ shopId, refs }) })
    await until('the channel is ready', () => c.channelEvents.some((e) => e.kind === 'ready'))
    c.change('paid')
    await until('the message is accepted', () => accepted.length === 1)
    expect(accepted[0]).toEqual({ shopId, refs: [{ platformOrderId: p.orderId, event: p.paidTopic }] })
    await until('the message is acknowledged', () => c.simulator.stats().acked === 1)
    expect(c.simulator.stats()).toMatchObject({ connections: 1, delivered: 1, acked: 1, redelivered: 0 })
  })

  it('is refused when signed with another secret, and keeps trying with backoff', async () => {
    const accepted: PulledOrderRef[][] = []
    const c = await connect(async (_, refs) => { accepted.push(refs) }, { credentials: p.wrongSecret })
    const lostEvents = () => c.channelEvents.filter((e): e is Extract<ChannelEvent, { kind: 'lost' }> => e.kind === 'lost')
    await until('two attempts were refused', () => lostEvents().length >= 2)
    const lost = lostEvents()
    expect(c.simulator.stats().refused).toBeGreaterThanOrEqual(2)
    expect(c.channelEvents.some((e) => e.kind === 'ready')).toBe(false)
    expect(lost.length).toBeGreaterThanOrEqual(2)
    if (p.platform !== 'taobao') expect(lost[0].code).toBe('401') // refused at the upgrade; TMC refuses in its connectack
    expect(lost[0].error).toMatch(/invalid sign|401/)
    expect(lost[1].retryInMs).toBeGreaterThanOrEqual(20) // the second wait is drawn from [20, 40]
    c.change()
    expect(c.simulator.stats()).toMatchObject({ connections: 0, delivered: 0 })
    expect(accepted).toEqual([])
  })

  it('acknowledges only after acceptRefs resolved', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => { release = resolve })
    let calls = 0
    const c = await connect(async () => { calls += 1; await held })
    await until('the channel is ready', () => c.channelEvents.some((e) => e.kind === 'ready'))
    c.change()
    await until('acceptRefs is called', () => calls === 1)
    await new Promise((r) => setTimeout(r, 30))
    expect(c.simulator.stats().acked).toBe(0)
    expect(c.simulator.pending(shopId)).toBe(1)
    release()
    await until('the message is acknowledged', () => c.simulator.stats().acked === 1)
    expect(c.simulator.pending(shopId)).toBe(0)
  })

  it('does not acknowledge a message acceptRefs refused, so the platform delivers it again', async () => {
    const attempts: PulledOrderRef[][] = []
    const c = await connect(async (_, refs) => {
      attempts.push(refs)
      if (attempts.length === 1) throw new Error('the store is busy')
    }, { redeliverAfterMs: 150 })
    await until('the channel is ready', () => c.channelEvents.some((e) => e.kind === 'ready'))
    c.change()
    await until('the message is accepted on its second delivery', () => attempts.length === 2 && c.simulator.stats().acked === 1)
    expect(attempts[1]).toEqual(attempts[0])
    expect(c.simulator.stats()).toMatchObject({ delivered: 1, redelivered: 1, acked: 1 })
  })

  it('reconnects after the server drops it and receives what was sent meanwhile', async () => {
    const accepted: string[] = []
    const c = await connect(async (_, refs) => { accepted.push(refs[0].platformOrderId) })
    await until('the channel is ready', () => c.channelEvents.some((e) => e.kind === 'ready'))
    expect(c.simulator.dropConnections()).toBe(1)
    c.change('shipped') // no connection now: it waits for the shop
    await until('the channel is lost and back', () => c.channelEvents.filter((e) => e.kind === 'ready').length === 2)
    const lost = c.channelEvents.find((e): e is Extract<ChannelEvent, { kind: 'lost' }> => e.kind === 'lost')
    expect(lost?.retryInMs).toBeGreaterThanOrEqual(10) // the first wait is drawn from [10, 20]
    await until('the waiting message is accepted', () => accepted.length === 1)
    expect(accepted).toEqual([p.orderId])
    await until('it is acknowledged', () => c.simulator.stats().acked === 1)
    expect(c.simulator.stats().connections).toBe(2)
  })

  it('hands a duplicated message to acceptRefs twice (the engine dedupes)', async () => {
    const accepted: PulledOrderRef[][] = []
    const c = await connect(async (_, refs) => { accepted.push(refs) }, { faults: { duplicateRate: 1 } })
    await until('the channel is ready', () => c.channelEvents.some((e) => e.kind === 'ready'))
    c.change()
    await until('both copies are accepted', () => accepted.length === 2)
    expect(accepted[1]).toEqual(accepted[0])
    await until('it is acknowledged', () => c.simulator.stats().acked === 1)
    expect(c.simulator.stats()).toMatchObject({ delivered: 1, duplicated: 1, acked: 1 })
  })
})

describe('the simulator', () => {
  it('sends what waited for a shop newest first when out-of-order delivery is on', async () => {
    const shop = { platform: 'pinduoduo', shopId: 'pdd-1', credentials: platforms[1].credentials }
    const h = await startSimulator([shop], { faults: { outOfOrder: true } })
    for (const sn of ['261202-1', '261202-2', '261202-3']) h.events.emit('order-changed', { platform: 'pinduoduo', shopId: 'pdd-1', platformOrderId: sn, event: 'paid' })
    const accepted: string[] = []
    const channel = openPinduoduoChannel({ shopId: 'pdd-1', credentials: { ...shop.credentials, channelUrl: `${h.origin}/pinduoduo` }, acceptRefs: async (_, refs) => { accepted.push(refs[0].platformOrderId) }, clock, log: quietLog })
    cleanups.push(() => channel.close())
    await until('all three are accepted', () => accepted.length === 3)
    expect(accepted).toEqual(['261202-3', '261202-2', '261202-1'])
  })

  it('cuts a connection right after a message when told to; the message comes again on the next one', async () => {
    const shop = { platform: 'jd', shopId: 'jd-1', credentials: platforms[2].credentials }
    const draws = [0.1] // the first send is cut (0.1 < dropRate), every later one goes through
    const h = await startSimulator([shop], { faults: { dropRate: 0.5 }, random: () => draws.shift() ?? 0.9 })
    const accepted: string[] = []
    const channel = openJdChannel({ shopId: 'jd-1', credentials: { ...shop.credentials, channelUrl: `${h.origin}/jd` }, acceptRefs: async (_, refs) => { accepted.push(refs[0].platformOrderId) }, clock, log: quietLog, backoff: { initialMs: 10, maxMs: 40 } })
    cleanups.push(() => channel.close())
    await until('connected', () => h.simulator.stats().connections === 1)
    h.events.emit('order-changed', { platform: 'jd', shopId: 'jd-1', platformOrderId: '1001', event: 'paid' })
    h.events.emit('order-changed', { platform: 'jd', shopId: 'jd-1', platformOrderId: '1002', event: 'shipped' })
    await until('both orders are accepted and acknowledged', () => new Set(accepted).size === 2 && h.simulator.pending('jd-1') === 0)
    expect(h.simulator.stats()).toMatchObject({ connections: 2, acked: 2 })
    expect(h.simulator.stats().redelivered).toBeGreaterThanOrEqual(1)
  })

  it('makes no message of an event of another platform, of an unknown shop, or without an order id', async () => {
    const shop = { platform: 'jd', shopId: 'jd-1', credentials: platforms[2].credentials }
    const h = await startSimulator([shop])
    h.events.emit('order-changed', { platform: 'shopify', shopId: 'jd-1', platformOrderId: '1', event: 'paid' })
    h.events.emit('order-changed', { platform: 'jd', shopId: 'jd-2', platformOrderId: '1', event: 'paid' })
    h.events.emit('order-changed', { platform: 'jd', shopId: 'jd-1', event: 'paid' })
    h.events.emit('order-changed', undefined)
    expect(h.simulator.pending('jd-1') + h.simulator.pending('jd-2')).toBe(0)
    h.events.emit('order-changed', { platform: 'jd', shopId: 'jd-1', platformOrderId: '1', event: 'paid' })
    expect(h.simulator.pending('jd-1')).toBe(1)
  })

  it('holds each message back by the latency it is given', async () => {
    const shop = { platform: 'pinduoduo', shopId: 'pdd-1', credentials: platforms[1].credentials }
    const h = await startSimulator([shop], { faults: { latencyMs: 120 } })
    const accepted: string[] = []
    const channel = openPinduoduoChannel({ shopId: 'pdd-1', credentials: { ...shop.credentials, channelUrl: channelUrlFor('pinduoduo', h.origin.replace('ws:', 'http:')) }, acceptRefs: async (_, refs) => { accepted.push(refs[0].platformOrderId) }, clock, log: quietLog })
    cleanups.push(() => channel.close())
    await until('connected', () => h.simulator.stats().connections === 1)
    h.events.emit('order-changed', { platform: 'pinduoduo', shopId: 'pdd-1', platformOrderId: '261202-1', event: 'paid' })
    const sentAt = Date.now()
    await until('accepted', () => accepted.length === 1)
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(100)
  })

  it('refuses a connect whose signed timestamp is too far from its clock', async () => {
    const shop = { platform: 'pinduoduo', shopId: 'pdd-1', credentials: platforms[1].credentials }
    const h = await startSimulator([shop])
    const events: ChannelEvent[] = []
    const channel = openPinduoduoChannel({
      shopId: 'pdd-1', credentials: { ...shop.credentials, channelUrl: `${h.origin}/pinduoduo` }, acceptRefs: async () => {},
      clock: { now: () => NOW - 11 * 60_000 }, log: quietLog, onEvent: (e) => events.push(e), backoff: { initialMs: 1000, maxMs: 1000 },
    })
    cleanups.push(() => channel.close())
    await until('refused', () => events.length === 1)
    expect(events[0]).toMatchObject({ kind: 'lost', code: '401' })
    expect(h.simulator.stats()).toMatchObject({ refused: 1, connections: 0 })
  })

  it('refuses an upgrade that is no WebSocket handshake with 400 and a JSON body', async () => {
    const h = await startSimulator([])
    const answer = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      const req = http.get(`${h.origin.replace(/^ws:/, 'http:')}/tmc`, { headers: { Connection: 'Upgrade', Upgrade: 'websocket' } }) // no Sec-WebSocket-Key
      req.on('response', (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => { body += chunk.toString() })
        res.on('end', () => resolve({ status: res.statusCode, body }))
      })
      req.on('upgrade', () => reject(new Error('the simulator upgraded')))
      req.on('error', reject)
    })
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.body)).toEqual({ error: 'not a WebSocket upgrade: Missing or invalid Sec-WebSocket-Key header' })
    expect(h.simulator.stats()).toMatchObject({ refused: 1, connections: 0 })
  })
})
