/**
 * Everything a running Ordo does with the platforms beside taking webhooks: pulls every shop by
 * modification time, keeps the long-connection message channels (Taobao TMC, Pinduoduo, JD) open,
 * pushes stock levels, and lets platform nodes (ship notice, stock) call a shop. The shops service
 * is the directory all of them read; the platforms' open-API clients are looked up by platform.
 */
import { shopAccessFrom } from '../../connectors/platforms/nodes/shop-access.ts'
import type { PlatformName } from '../../connectors/platforms/adapter.ts'
import type { PlatformApi } from '../../connectors/platforms/platform-api.ts'
import type { Clock } from '../core/clock.ts'
import type { EngineLogger, OrderEngine } from './order-engine.ts'
import { startMessageChannels, type MessageChannels } from './message-channels.ts'
import { ShopPuller } from './shop-puller.ts'
import type { ShopService } from './shops.ts'
import { startStockSync, type StockSync } from './stock-sync.ts'

export interface PlatformTrafficOptions {
  engine: OrderEngine
  shops: ShopService
  platformApi: (platform: PlatformName) => PlatformApi | undefined
  clock: Clock
  log: EngineLogger
  /** ms between two pulls of a shop (default: the puller's, 60 s). */
  pullIntervalMs?: number
}

/** The running platform side; `stop` ends it (before the engine and the store close). */
export interface PlatformTraffic {
  puller: ShopPuller
  channels: MessageChannels
  stockSync: StockSync
  stop(): Promise<void>
}

export function startPlatformTraffic(o: PlatformTrafficOptions): PlatformTraffic {
  const { engine, shops, clock, log, platformApi } = o
  engine.shopAccess = shopAccessFrom(shops)
  const puller = new ShopPuller({ store: engine.store, directory: shops, platformApi, clock, log, ...(o.pullIntervalMs ? { intervalMs: o.pullIntervalMs } : {}) })
  puller.start()
  shops.attachPuller((shopId) => puller.pullNow(shopId))
  const channels = startMessageChannels({ directory: shops, acceptRefs: (shopId, refs) => shops.acceptRefs(shopId, refs), clock, log })
  const stockSync = startStockSync({ store: engine.store, clock, shops, platformApi, log, metrics: engine.metrics })
  // A shop added, disabled or given new credentials opens, closes or reopens its channel at once.
  const unsubscribe = shops.onChange(() => {
    channels.refresh().catch((err: unknown) => log.error({ err }, 'could not open or close the shops\' message channels'))
  })
  return {
    puller, channels, stockSync,
    async stop() {
      unsubscribe()
      await Promise.all([puller.stop(), channels.stop(), stockSync.stop()])
    },
  }
}
