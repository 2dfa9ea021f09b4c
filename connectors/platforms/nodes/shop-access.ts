/**
 * The shop access the platform nodes need (ctx.shops), over the engine's ShopDirectory: a shop by
 * its id, or the shop an order came from. An order does not name its shop, so "the order's own shop"
 * is the one enabled shop of the order's platform; with several, the node's config must name one.
 */
import type { Order } from '../../../schemas/generated/order.ts'
import type { ShopDirectory } from '../../../engine/runtime/shop-directory.ts'
import { PermanentError } from '../../sdk/errors.ts'
import type { OpenedShop, ShopAccess } from '../../sdk/perform.ts'

export function shopAccessFrom(directory: ShopDirectory): ShopAccess {
  const open = async (shopId: string): Promise<OpenedShop> => {
    const shop = await directory.get(shopId)
    if (!shop) throw new PermanentError(`no shop has the id "${shopId}"`)
    if (!shop.enabled) throw new PermanentError(`shop "${shop.name}" (${shopId}) is disabled`)
    return { shopId, platform: shop.platform, credentials: await directory.credentials(shopId) }
  }
  return {
    open,
    async ofOrder(order: Order) {
      const candidates = (await directory.list()).filter((s) => s.platform === order.platform && s.enabled)
      if (candidates.length === 0) throw new PermanentError(`no enabled ${order.platform} shop: order ${order.platformOrderId} came from none Ordo can call`)
      if (candidates.length > 1) throw new PermanentError(`${candidates.length} ${order.platform} shops are enabled (${candidates.map((s) => s.id).join(', ')}): name the shop in the node's config`)
      return open(candidates[0]!.id)
    },
  }
}
