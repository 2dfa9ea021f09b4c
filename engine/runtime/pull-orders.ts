/**
 * The built-in performer of platform.pull-orders: the node's calls run inside Ordo, with the shop
 * puller that also pulls on schedule, so a pull by a flow and a scheduled one of the same shop never
 * overlap and share one cursor.
 */
import type { Performer } from './activity-worker.ts'
import { ShopPullRefused, type ShopPuller } from './shop-puller.ts'
import { PlatformApiError } from '../../connectors/platforms/platform-api.ts'
import { PermanentError, RetryableError } from '../../connectors/sdk/errors.ts'
import pullOrdersNode, { type PullOrdersOutcome, type PullOrdersRequest, type ShopPullOutcome } from '../../connectors/platforms/platform.pull-orders.node.ts'

/** The performer's name: the node's own type, so the engine performs the node's calls with it. */
export const PULL_ORDERS_PERFORMER = pullOrdersNode.manifest.type

/** What the performer needs of the puller. */
export type PullOrdersService = Pick<ShopPuller, 'pullShops' | 'repullOrder'>

/**
 * The performer over the process's puller; `puller` is read at each call (the puller is made after
 * the engine, whose ingest it feeds), and undefined while none runs.
 */
export function pullOrdersPerformer(puller: () => PullOrdersService | undefined): Performer {
  return async (request) => {
    const service = puller()
    if (!service) throw new RetryableError('the shop puller has not started yet')
    const r = request as PullOrdersRequest
    if (r.scope === 'order') {
      try {
        const repulled = await service.repullOrder(r.platform, r.platformOrderId)
        return {
          orders: repulled.orders, changed: repulled.changed, pages: 0,
          shops: [{ shopId: repulled.shopId, orders: repulled.orders, changed: repulled.changed, pages: 0 }],
          ...(repulled.notFound.length ? { notFound: repulled.notFound } : {}),
        } satisfies PullOrdersOutcome
      } catch (err) {
        throw asConnectorError(err)
      }
    }
    const pulled = await service.pullShops(r.scope === 'platforms' ? { platforms: r.platforms } : r.scope === 'shops' ? { shopIds: r.shopIds } : {})
    const shops: ShopPullOutcome[] = pulled.map((p) => ('error' in p
      ? { shopId: p.shopId, orders: 0, changed: 0, pages: 0, error: p.error }
      : { shopId: p.shopId, orders: p.orders, changed: p.changed, pages: p.pages, window: p.window }))
    const sum = (k: 'orders' | 'changed' | 'pages') => shops.reduce((n, s) => n + s[k], 0)
    return { orders: sum('orders'), changed: sum('changed'), pages: sum('pages'), shops } satisfies PullOrdersOutcome
  }
}

/** A platform's refusal as the node's retry policy reads it: later for throttling and outages, never for the rest. */
function asConnectorError(err: unknown): unknown {
  if (err instanceof ShopPullRefused) return new PermanentError(err.message)
  if (err instanceof PlatformApiError) {
    const text = `${err.message} (${err.code})`
    return err.kind === 'throttled' || err.kind === 'unavailable' ? new RetryableError(text) : new PermanentError(text, err.kind === 'session-expired' ? { errorClass: 'auth' } : {})
  }
  return err
}
