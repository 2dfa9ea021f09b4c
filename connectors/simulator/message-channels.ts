/**
 * The platforms' message channels, simulated on an existing node http.Server for demos and tests:
 * Taobao's TMC, Pinduoduo's message service and JD's message service, each on its own WebSocket
 * upgrade path, speaking the protocols the channel clients in connectors/platforms/channels/ speak.
 * It checks each connect's signature against the shop's credentials, turns every 'order-changed'
 * event of a shop into a message to that shop's channel, delivers what waited while the shop was
 * away when it connects again, and delivers again what stays unacknowledged past
 * `redeliverAfterMs`. Faults can be switched on: dropped connections, duplicates, out-of-order
 * backlogs, latency.
 *
 * Paths (prefix `channelUrl` with the server's ws:// origin):
 *   taobao     /tmc                                              channelUrl ws://host/tmc
 *   pinduoduo  /pinduoduo/message/{client_id}/{timestamp}/{sign}  channelUrl ws://host/pinduoduo
 *   jd         /jd/message?app_key&access_token&timestamp&v&sign  channelUrl ws://host/jd
 */
import type { EventEmitter } from 'node:events'
import type http from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocket } from 'ws'
import { JsonNumber, readPayload } from '../platforms/lossless-json.ts'
import { Field } from '../platforms/payload-reader.ts'
import { sameSecretText } from '../platforms/push-signature.ts'
import { topSign, pinduoduoChannelSign } from '../platforms/channels/channel-signing.ts'
import { decodeTmcFrame, encodeTmcFrame, TMC_KINDS, TMC_MESSAGE_TYPES, tmcIdText, type TmcFrame } from '../platforms/channels/tmc-channel.ts'
import { createWebSocketServer, refuseWebSocket } from '../platforms/channels/websocket.ts'

export type ChannelPlatform = 'taobao' | 'pinduoduo' | 'jd'

/** A shop the channels serve, with the credentials its client signs with. */
export interface ChannelShop {
  platform: string
  shopId: string
  credentials: Readonly<Record<string, string>>
}

/** What the simulator's order API emits as 'order-changed' when an order of a shop changes. */
export interface OrderChange {
  platform: string
  shopId: string
  platformOrderId: string
  /** The platform's topic (taobao_trade_TradeBuyerPay) or Ordo's word for the change (created, paid, shipped...). */
  event: string
}

export interface ChannelFaults {
  /** The chance (0 to 1) that the server cuts a connection (no closing handshake) right after sending a message on it, before its ack can come back. */
  dropRate?: number
  /** The chance (0 to 1) that a message is sent twice in a row. */
  duplicateRate?: number
  /** What waited for a shop is sent newest first when it connects again. */
  outOfOrder?: boolean
  /** Each message waits this long (ms) before it is sent. */
  latencyMs?: number
}

export interface MessageChannelsOptions {
  /** The shops, or a function answering them as they are now (the simulator's own shop list). */
  shops: readonly ChannelShop[] | (() => readonly ChannelShop[])
  /** Emits 'order-changed' with an OrderChange. */
  events: EventEmitter
  /** An unacknowledged message is sent again after this long (ms). Default 10 s. */
  redeliverAfterMs?: number
  faults?: ChannelFaults
  random?: () => number
  /** The platform's clock, to check a connect's signed timestamp; default the wall clock. */
  now?: () => number
  /** A connect whose timestamp is further off than this (ms) is refused. Default 10 minutes. */
  maxClockSkewMs?: number
}

export interface MessageChannelStats {
  /** Messages sent for the first time. */
  delivered: number
  /** Messages acknowledged (each once). */
  acked: number
  /** Sends of a message already sent before and not acknowledged (timeout, or a reconnect). */
  redelivered: number
  /** Extra copies sent by the duplicate fault. */
  duplicated: number
  /** Connects accepted, and refused (a bad signature, an unknown shop). */
  connections: number
  refused: number
}

export interface MessageChannelsHandle {
  stats(): MessageChannelStats
  /** Messages not yet acknowledged, per shop. */
  pending(shopId: string): number
  setFaults(faults: ChannelFaults): void
  /** Drops the shops' (or every) open connection without a closing handshake; answers how many. */
  dropConnections(shopId?: string): number
  close(): Promise<void>
}

/** A simulated message, kept until acknowledged. */
interface Pending {
  id: bigint
  change: OrderChange
  /** When it was last sent (wall clock: redelivery is a socket-level wait), undefined before the first send. */
  sentAt?: number
  sentOn?: Connection
}

interface Connection {
  socket: WebSocket
  shop: ChannelShop
  platform: ChannelPlatform
  /** Messages go to a connection once its handshake is through (TMC: after its first pull request). */
  ready: boolean
  token?: string
}

/** 19-digit message ids, as the platforms' 64-bit ids are: a reader that rounds through a double would show it. */
const FIRST_MESSAGE_ID = 7_000_000_000_000_000_001n

/** Ordo's words for a change → each platform's topic; a platform topic passes through as it is. */
const TOPICS: Record<ChannelPlatform, { prefix: RegExp; byEvent: Record<string, string>; otherwise: string }> = {
  taobao: {
    prefix: /^taobao_/,
    byEvent: { created: 'taobao_trade_TradeCreate', paid: 'taobao_trade_TradeBuyerPay', shipped: 'taobao_trade_TradeSellerShip', completed: 'taobao_trade_TradeSuccess', cancelled: 'taobao_trade_TradeClose', refunding: 'taobao_refund_RefundCreated', refunded: 'taobao_refund_RefundSuccess' },
    otherwise: 'taobao_trade_TradeChanged',
  },
  pinduoduo: {
    prefix: /^pdd_/,
    byEvent: { created: 'pdd_trade_TradeConfirmed', paid: 'pdd_trade_TradeConfirmed', shipped: 'pdd_trade_TradeSellerShip', delivered: 'pdd_trade_TradeReceived', refunding: 'pdd_refund_RefundCreated', refunded: 'pdd_refund_RefundAgreed' },
    otherwise: 'pdd_trade_TradeModified',
  },
  jd: {
    prefix: /^jd_/,
    byEvent: { created: 'jd_order_create', paid: 'jd_order_pay', shipped: 'jd_order_ship', completed: 'jd_order_finish', cancelled: 'jd_order_cancel' },
    otherwise: 'jd_order_change',
  },
}

/** The `channelUrl` a shop's credentials take to use this simulator, served at `origin` (http://127.0.0.1:4000 or ws://…). */
export function channelUrlFor(platform: ChannelPlatform, origin: string): string {
  const ws = origin.replace(/^http(s?):/, 'ws$1:').replace(/\/+$/, '')
  return `${ws}/${platform === 'taobao' ? 'tmc' : platform}`
}

export function topicFor(platform: ChannelPlatform, event: string): string {
  const table = TOPICS[platform]
  return table.prefix.test(event) ? event : table.byEvent[event] ?? table.otherwise
}

/** An id as JSON: a number when it is all digits (the platforms write tids as numbers), else a string. */
function idJson(id: string): string {
  return /^\d+$/.test(id) ? id : JSON.stringify(id)
}

function isChannelPlatform(platform: string): platform is ChannelPlatform {
  return platform === 'taobao' || platform === 'pinduoduo' || platform === 'jd'
}

/** Serves the three channel protocols on `server`'s upgrade requests; `close()` stops and drops every connection. */
export function attachMessageChannels(server: http.Server, options: MessageChannelsOptions): MessageChannelsHandle {
  const redeliverAfterMs = options.redeliverAfterMs ?? 10_000
  const now = options.now ?? Date.now
  const random = options.random ?? Math.random
  const maxSkew = options.maxClockSkewMs ?? 10 * 60_000
  let faults: ChannelFaults = { ...options.faults }
  const stats: MessageChannelStats = { delivered: 0, acked: 0, redelivered: 0, duplicated: 0, connections: 0, refused: 0 }
  const queues = new Map<string, Pending[]>()
  const connections = new Set<Connection>()
  const timers = new Set<NodeJS.Timeout>()
  let nextId = FIRST_MESSAGE_ID
  let closed = false
  const sockets = createWebSocketServer()
  // ws checks the upgrade request itself (method, Upgrade, key, version); what it rejects is refused and counted here.
  sockets.on('wsClientError', (err, socket) => refuse(socket, 400, `not a WebSocket upgrade: ${err.message}`))

  const shops = () => (typeof options.shops === 'function' ? options.shops() : options.shops)
  const queueOf = (shopId: string) => {
    let queue = queues.get(shopId)
    if (!queue) queues.set(shopId, (queue = []))
    return queue
  }
  const liveConnection = (shopId: string) => {
    let latest: Connection | undefined
    for (const c of connections) if (c.shop.shopId === shopId && c.ready && c.socket.readyState === WebSocket.OPEN) latest = c
    return latest
  }
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => { timers.delete(timer); run() }, ms)
    timers.add(timer)
  }

  function encode(c: Connection, p: Pending): string | Buffer {
    const topic = topicFor(c.platform, p.change.event)
    if (c.platform === 'taobao') {
      return encodeTmcFrame({
        messageType: TMC_MESSAGE_TYPES.send, content: {
          __kind: TMC_KINDS.data, id: p.id, topic, content: `{"tid":${idJson(p.change.platformOrderId)},"seller_nick":${JSON.stringify(c.shop.shopId)}}`,
          time: new Date(now()), nick: c.shop.shopId,
        },
      })
    }
    if (c.platform === 'pinduoduo') {
      const content = JSON.stringify({ tid: p.change.platformOrderId, mall_id: c.shop.shopId })
      return `{"commandType":"Common","id":${p.id},"sendTime":${now()},"message":{"type":${JSON.stringify(topic)},"mallID":${JSON.stringify(c.shop.shopId)},"content":${JSON.stringify(content)}}}`
    }
    return `{"type":"message","id":${p.id},"topic":${JSON.stringify(topic)},"content":${JSON.stringify(`{"orderId":${idJson(p.change.platformOrderId)}}`)},"pubTime":${now()}}`
  }

  function send(c: Connection, p: Pending): void {
    if (p.sentAt === undefined) stats.delivered += 1
    else stats.redelivered += 1
    p.sentAt = Date.now()
    p.sentOn = c
    const frame = encode(c, p)
    const copies = faults.duplicateRate && random() < faults.duplicateRate ? 2 : 1
    stats.duplicated += copies - 1
    const transmit = () => {
      for (let i = 0; i < copies; i++) c.socket.send(frame)
      if (faults.dropRate && random() < faults.dropRate) c.socket.terminate()
    }
    if (faults.latencyMs) later(faults.latencyMs, transmit)
    else transmit()
  }

  /** Sends what waits for the shop and was not sent on this connection yet. */
  function flush(c: Connection): void {
    const waiting = queueOf(c.shop.shopId).filter((p) => p.sentOn !== c)
    if (faults.outOfOrder) waiting.reverse()
    for (const p of waiting) {
      if (c.socket.readyState !== WebSocket.OPEN) return
      send(c, p)
    }
  }

  function acknowledge(shopId: string, id: string): void {
    const queue = queueOf(shopId)
    const at = queue.findIndex((p) => p.id.toString() === id)
    if (at < 0) return // acknowledged already (a duplicate's second ack)
    queue.splice(at, 1)
    stats.acked += 1
  }

  function onOrderChanged(change: OrderChange): void {
    // The emitter is another module's: an event without the fields a message needs is ignored, not thrown on.
    if (typeof change?.platformOrderId !== 'string' || change.platformOrderId === '' || typeof change.event !== 'string') return
    if (closed || !isChannelPlatform(change.platform)) return
    if (!shops().some((s) => s.shopId === change.shopId && s.platform === change.platform)) return
    const p: Pending = { id: nextId++, change }
    queueOf(change.shopId).push(p)
    const c = liveConnection(change.shopId)
    if (c) send(c, p)
  }

  function refuse(socket: Duplex, status: number, reason: string): void {
    stats.refused += 1
    refuseWebSocket(socket, status, { error: reason })
  }

  function timestampFresh(timestamp: string | undefined): boolean {
    return timestamp !== undefined && /^\d+$/.test(timestamp) && Math.abs(now() - Number(timestamp)) <= maxSkew
  }

  function open(platform: ChannelPlatform, shop: ChannelShop, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    // The callback runs before any frame is read, so no message comes before these listeners; it does
    // not run at all when the client went away meanwhile.
    sockets.handleUpgrade(req, socket, head, (ws) => {
      const c: Connection = { socket: ws, shop, platform, ready: platform !== 'taobao' }
      connections.add(c)
      ws.on('close', () => connections.delete(c))
      ws.on('error', () => { /* a broken client connection: 'close' follows and it is forgotten */ })
      // binaryType is ws's default 'nodebuffer': a message arrives as one Buffer.
      ws.on('message', (data, isBinary) => received(c, data as Buffer, isBinary))
      if (platform === 'taobao') return
      stats.connections += 1
      flush(c)
    })
  }

  function received(c: Connection, data: Buffer, isBinary: boolean): void {
    if (c.platform === 'taobao') {
      if (!isBinary) return
      let frame: TmcFrame
      try {
        frame = decodeTmcFrame(data)
      } catch {
        c.socket.close(1002, 'not a TMC message')
        return
      }
      receivedTmc(c, frame)
      return
    }
    const payload = readPayload(data.toString('utf8'))
    if (!payload.ok) return
    const root = new Field(payload.tree)
    const command = root.at(c.platform === 'pinduoduo' ? 'commandType' : 'type').value
    if (c.platform === 'pinduoduo' && command === 'HeartBeat') {
      c.socket.send(`{"commandType":"HeartBeat","time":${now()}}`)
      return
    }
    if (command !== (c.platform === 'pinduoduo' ? 'Ack' : 'ack')) return
    const id = root.at('id').value
    if (id instanceof JsonNumber) acknowledge(c.shop.shopId, id.text)
    else if (typeof id === 'string') acknowledge(c.shop.shopId, id)
  }

  function receivedTmc(c: Connection, frame: TmcFrame): void {
    if (frame.messageType === TMC_MESSAGE_TYPES.connect) {
      const { app_key: appKey, group_name: groupName, timestamp, sign } = frame.content
      const params = { app_key: String(appKey ?? ''), group_name: String(groupName ?? ''), timestamp: String(timestamp ?? '') }
      const shop = shops().find((s) => s.platform === 'taobao' && s.credentials.appKey === params.app_key)
      if (shop) c.shop = shop
      const signed = shop !== undefined && typeof sign === 'string' && sameSecretText(topSign(params, shop.credentials.appSecret ?? ''), sign)
      if (!signed || !timestampFresh(params.timestamp)) {
        stats.refused += 1
        c.socket.send(encodeTmcFrame({ messageType: TMC_MESSAGE_TYPES.connectAck, statusCode: 401, statusPhrase: signed ? 'timestamp out of range' : 'invalid sign', content: {} }))
        c.socket.close(1008, 'connect refused')
        return
      }
      stats.connections += 1
      c.token = `tmc-${c.shop.shopId}-${stats.connections}`
      c.socket.send(encodeTmcFrame({ messageType: TMC_MESSAGE_TYPES.connectAck, token: c.token, content: {} }))
      return
    }
    if (frame.messageType !== TMC_MESSAGE_TYPES.send || c.token === undefined || frame.token !== c.token) return
    const kind = frame.content.__kind
    if (kind === TMC_KINDS.pullRequest) {
      c.ready = true
      flush(c)
    } else if (kind === TMC_KINDS.confirm) {
      const id = tmcIdText(frame.content.id)
      if (id !== undefined) acknowledge(c.shop.shopId, id)
    }
    // A failed message (kind 20) stays pending: the redelivery timeout sends it again.
  }

  function onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    if (closed) return
    const url = new URL(req.url ?? '/', 'ws://simulator')
    const path = url.pathname.split('/').filter(Boolean)
    if (path[0] !== 'tmc' && path[0] !== 'pinduoduo' && path[0] !== 'jd') return // another upgrade handler's path
    const known = shops()
    if (path[0] === 'tmc') {
      // TMC signs inside the protocol: the socket is accepted first, and its connect message names the shop by app key.
      open('taobao', { platform: 'taobao', shopId: '', credentials: {} }, req, socket, head)
      return
    }
    if (path[0] === 'pinduoduo') {
      const [, message, clientId, timestamp, sign] = path.map(decodeURIComponent)
      if (message !== 'message' || !clientId || !timestamp || !sign) { refuse(socket, 404, 'the path is /pinduoduo/message/{client_id}/{timestamp}/{sign}'); return }
      const shop = known.find((s) => s.platform === 'pinduoduo' && s.credentials.clientId === clientId)
      if (!shop || !sameSecretText(pinduoduoChannelSign(clientId, timestamp, shop.credentials.clientSecret ?? ''), sign)) { refuse(socket, 401, 'invalid sign'); return }
      if (!timestampFresh(timestamp)) { refuse(socket, 401, 'timestamp out of range'); return }
      open('pinduoduo', shop, req, socket, head)
      return
    }
    if (path[1] !== 'message') { refuse(socket, 404, 'the path is /jd/message'); return }
    const params = Object.fromEntries(url.searchParams)
    const { sign, ...signedParams } = params
    const shop = known.find((s) => s.platform === 'jd' && s.credentials.appKey === params.app_key && s.credentials.accessToken === params.access_token)
    if (!shop || !sign || !sameSecretText(topSign(signedParams, shop.credentials.appSecret ?? ''), sign)) { refuse(socket, 401, 'invalid sign'); return }
    if (!timestampFresh(params.timestamp)) { refuse(socket, 401, 'timestamp out of range'); return }
    open('jd', shop, req, socket, head)
  }

  const redelivery = setInterval(() => {
    const due = Date.now() - redeliverAfterMs
    for (const [shopId, queue] of queues) {
      const c = liveConnection(shopId)
      if (!c) continue
      for (const p of queue) if (p.sentAt !== undefined && p.sentAt <= due) send(c, p)
    }
  }, Math.max(10, Math.floor(redeliverAfterMs / 4)))
  redelivery.unref()

  server.on('upgrade', onUpgrade)
  options.events.on('order-changed', onOrderChanged)

  return {
    stats: () => ({ ...stats }),
    pending: (shopId) => queueOf(shopId).length,
    setFaults(next) { faults = { ...next } },
    dropConnections(shopId) {
      let dropped = 0
      for (const c of connections) {
        if (shopId !== undefined && c.shop.shopId !== shopId) continue
        c.socket.terminate()
        dropped += 1
      }
      return dropped
    },
    async close() {
      closed = true
      clearInterval(redelivery)
      for (const timer of timers) clearTimeout(timer)
      server.off('upgrade', onUpgrade)
      options.events.off('order-changed', onOrderChanged)
      sockets.close() // noServer: it only stops accepting; the connections are closed below
      const closing = [...connections].map((c) => new Promise<void>((resolve) => {
        c.socket.once('close', () => resolve())
        c.socket.close(1001, 'simulator closing')
      }))
      await Promise.all(closing)
    },
  }
}
