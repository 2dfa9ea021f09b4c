/**
 * Keeps one message channel open per enabled Taobao, Pinduoduo and JD shop (TMC, Pinduoduo's and
 * JD's message services), hands what they bring to `acceptRefs`, and keeps the shops' health: a
 * `message` event per accepted message, a `message-error` event per failed connect or lost
 * connection. `refresh()` opens channels for new or re-credentialed shops and closes those of
 * removed or disabled ones; `stop()` closes them all.
 */
import { createHash } from 'node:crypto'
import type { PlatformName } from '../../connectors/platforms/adapter.ts'
import type { AcceptRefs, BackoffSettings, ChannelConnection, ChannelEvent, HeartbeatSettings, ShopChannelOptions } from '../../connectors/platforms/channels/channel-connection.ts'
import { openJdChannel } from '../../connectors/platforms/channels/jd-channel.ts'
import { openPinduoduoChannel } from '../../connectors/platforms/channels/pinduoduo-channel.ts'
import { openTmcChannel } from '../../connectors/platforms/channels/tmc-channel.ts'
import type { Clock } from '../core/clock.ts'
import type { EngineLogger } from './run-executor.ts'
import type { ShopDirectory, ShopHealthEvent, ShopRecord } from './shop-directory.ts'

/** The platforms that deliver order messages over a connection Ordo keeps open. */
export const MESSAGE_CHANNEL_PLATFORMS = ['taobao', 'pinduoduo', 'jd'] as const satisfies readonly PlatformName[]
type ChannelPlatform = (typeof MESSAGE_CHANNEL_PLATFORMS)[number]

export interface MessageChannelsOptions {
  directory: ShopDirectory
  /** Stores the refs durably (then fetches and ingests them); a message is acknowledged only after it resolved. */
  acceptRefs: AcceptRefs
  clock: Clock
  log: EngineLogger
  backoff?: BackoffSettings
  heartbeat?: HeartbeatSettings
  connectTimeoutMs?: number
  random?: () => number
}

export interface MessageChannels {
  /** Opens, reopens and closes channels to match the directory's shops now. */
  refresh(): Promise<void>
  /** Closes every channel; refresh does nothing after it. */
  stop(): Promise<void>
}

interface OpenChannel {
  connection: ChannelConnection
  /** A digest of the credentials it was opened with, to see them change (the credentials themselves are not kept). */
  credentialsDigest: string
}

function isChannelPlatform(platform: PlatformName): platform is ChannelPlatform {
  return (MESSAGE_CHANNEL_PLATFORMS as readonly string[]).includes(platform)
}

function digest(credentials: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(credentials).sort().map((k) => [k, credentials[k]])
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex')
}

/** Starts opening the channels of the directory's shops and answers their supervisor (`refresh()` resolves once they are open). */
export function startMessageChannels(o: MessageChannelsOptions): MessageChannels {
  const open = new Map<string, OpenChannel>()
  let stopped = false
  let refreshing: Promise<void> = Promise.resolve()
  /** Pairs of shops already warned of sharing an app, so each refresh does not say it again. */
  const warnedShared = new Set<string>()

  // Health is bookkeeping: a failure to record it is logged, never lets a channel callback throw.
  const health = (shopId: string, event: ShopHealthEvent) => {
    try {
      o.directory.recordHealth(shopId, event)
    } catch (err) {
      o.log.error({ shopId, kind: event.kind, err }, 'could not record a shop\'s message-channel health')
    }
  }

  const channelOptions = (shop: ShopRecord, credentials: Record<string, string>): ShopChannelOptions<Record<string, string>> => ({
    shopId: shop.id,
    credentials,
    acceptRefs: async (shopId, refs) => {
      await o.acceptRefs(shopId, refs)
      health(shopId, { kind: 'message', at: o.clock.now() })
    },
    clock: o.clock,
    log: o.log,
    backoff: o.backoff,
    heartbeat: o.heartbeat,
    connectTimeoutMs: o.connectTimeoutMs,
    random: o.random,
    onEvent: (event: ChannelEvent) => {
      if (event.kind === 'ready') o.log.info({ shopId: shop.id, platform: shop.platform }, 'the shop\'s message channel is connected')
      if (event.kind === 'lost') health(shop.id, { kind: 'message-error', at: o.clock.now(), error: event.error, ...(event.code ? { code: event.code } : {}) })
    },
  })

  function openChannel(shop: ShopRecord & { platform: ChannelPlatform }, credentials: Record<string, string>): ChannelConnection {
    const options = channelOptions(shop, credentials)
    if (shop.platform === 'taobao') return openTmcChannel(options)
    if (shop.platform === 'pinduoduo') return openPinduoduoChannel(options)
    return openJdChannel(options)
  }

  async function closeChannel(shopId: string): Promise<void> {
    const channel = open.get(shopId)
    if (!channel) return
    open.delete(shopId)
    await channel.connection.close()
  }

  async function reconcile(): Promise<void> {
    if (stopped) return
    let shops: ShopRecord[]
    try {
      shops = (await o.directory.list()).filter((s) => s.enabled && isChannelPlatform(s.platform))
    } catch (err) {
      o.log.error({ err }, 'could not list the shops for their message channels; the open channels stay as they are')
      return
    }
    const wanted = new Set(shops.map((s) => s.id))
    const appsSeen = new Map<string, string>()
    await Promise.all([...open.keys()].filter((id) => !wanted.has(id)).map(closeChannel))
    for (const shop of shops) {
      if (stopped) return
      let credentials: Record<string, string>
      try {
        credentials = await o.directory.credentials(shop.id)
      } catch (err) {
        o.log.error({ shopId: shop.id, err }, 'could not read a shop\'s credentials; its message channel is not opened')
        continue
      }
      // A platform hands one app's messages to any connection of that app: two shops on one app key
      // (or Pinduoduo client id) would each get some of the other's messages under their own id.
      const appId = credentials.appKey ?? credentials.clientId
      const app = `${shop.platform}:${appId}`
      const sharing = appId ? appsSeen.get(app) : undefined
      if (sharing && !warnedShared.has(`${sharing} ${shop.id}`)) {
        warnedShared.add(`${sharing} ${shop.id}`)
        o.log.warn({ platform: shop.platform, shopIds: [sharing, shop.id] }, 'two shops share one app on a platform whose message channel is per app: messages may be told to the wrong shop')
      }
      if (appId && !sharing) appsSeen.set(app, shop.id)
      const credentialsDigest = digest(credentials)
      const current = open.get(shop.id)
      if (current?.credentialsDigest === credentialsDigest) continue
      if (current) await closeChannel(shop.id)
      try {
        open.set(shop.id, { connection: openChannel(shop as ShopRecord & { platform: ChannelPlatform }, credentials), credentialsDigest })
      } catch (err) {
        // A shop without the credentials its channel needs: said in its health, tried again at the next refresh.
        const error = err instanceof Error ? err.message : String(err)
        o.log.warn({ shopId: shop.id, platform: shop.platform, error }, 'a shop\'s message channel cannot be opened')
        health(shop.id, { kind: 'message-error', at: o.clock.now(), error })
      }
    }
  }

  // Refreshes run one after another, so two of them never open the same shop's channel twice.
  const refresh = () => (refreshing = refreshing.then(reconcile).catch((err: unknown) => o.log.error({ err }, 'could not refresh the message channels')))
  void refresh()
  return {
    refresh,
    async stop() {
      stopped = true
      await refreshing
      await Promise.all([...open.keys()].map(closeChannel))
    },
  }
}
