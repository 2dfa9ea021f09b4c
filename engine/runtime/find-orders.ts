/** The built-in performer `ordo.find-orders`: order.find's query of the order pool. */
import { parseDurationMs } from '../core/duration.ts'
import type { Performer } from './activity-worker.ts'
import type { Platform, Status } from '../../schemas/generated/order.ts'

/** What order.find asks for. */
export interface FindOrdersRequest {
  status?: Status[]
  platform?: Platform[]
  tags?: string[]
  excludeTags?: string[]
  exception?: string
  staleFor?: string
  limit: number
}

/** The orders found, newest change first, as compact summaries (the run's state stays small). */
export const findOrders: Performer = async (request, ctx) => {
  const r = request as FindOrdersRequest
  const updatedBefore = r.staleFor ? ctx.now() - parseDurationMs(r.staleFor) : undefined
  const found: Array<{ id: string; platform: string; platformOrderId: string; status: string; updatedAt: string }> = []
  // The store filters one status, platform and tag at a time: each combination is one listing.
  const statuses = r.status?.length ? r.status : [undefined]
  const platforms = r.platform?.length ? r.platform : [undefined]
  for (const status of statuses) {
    for (const platform of platforms) {
      let cursor: string | undefined
      do {
        const page = await ctx.store.listOrders({ status, platform, tag: r.tags?.[0], exception: r.exception, updatedBefore, limit: Math.min(200, r.limit), cursor })
        for (const o of page.items) {
          if (r.tags && !r.tags.every((t) => o.tags.includes(t))) continue
          if (r.excludeTags && r.excludeTags.some((t) => o.tags.includes(t))) continue
          found.push({ id: o.id, platform: o.platform, platformOrderId: o.platformOrderId, status: o.status, updatedAt: o.updatedAt })
          if (found.length >= r.limit) return { orders: found, truncated: true }
        }
        cursor = page.nextCursor ?? undefined
        if (ctx.signal.aborted) throw ctx.signal.reason
      } while (cursor)
    }
  }
  return { orders: found, truncated: false }
}
