/**
 * Contract: listing orders (each filter, order, keyset paging).
 */
import { describe, expect, it } from 'vitest'
import type { OrderInput } from '../../../schemas/generated/order-input.ts'
import type { Order } from '../../../schemas/generated/order.ts'
import type { OrderFilter } from '../store.ts'
import { isoAt, makePlanner, orderInput, type StoreRef } from './contract-fixtures.ts'

/** Registers the order-listing specifications against the store `store()` returns. */
export function describeOrderListingContract(store: StoreRef): void {
  const seed = (inputs: OrderInput[]) =>
    store().ingestOrders(inputs.map((input) => ({ input, raw: null })), makePlanner(), Date.parse(isoAt(100)))

  /** Follows nextCursor to the end, returning every page. */
  async function allPages(filter: Omit<OrderFilter, 'cursor'>): Promise<Order[][]> {
    const pages: Order[][] = []
    let cursor: string | undefined
    for (let guard = 0; guard < 100; guard++) {
      const page = await store().listOrders({ ...filter, cursor })
      pages.push(page.items)
      if (page.nextCursor === null) return pages
      cursor = page.nextCursor
    }
    throw new Error('paging did not end')
  }

  describe('listing orders', () => {
    const mixed = () => seed([
      orderInput({ platformOrderId: 'p1', status: 'paid', tags: ['vip'], updatedAt: isoAt(1) }),
      orderInput({ platformOrderId: 'p2', status: 'shipped', tags: ['vip', 'gift'], updatedAt: isoAt(2) }),
      orderInput({ platformOrderId: 'p3', status: 'paid', platform: 'taobao', exception: { type: 'address' }, updatedAt: isoAt(3) }),
      orderInput({ platformOrderId: 'p4', status: 'paid', platform: 'taobao', tags: ['gift'], exception: { type: 'stock' }, updatedAt: isoAt(4) }),
      orderInput({ platformOrderId: 'p5', status: 'cancelled', exception: { type: 'address' }, updatedAt: isoAt(5) }),
    ])
    const ids = async (filter: Omit<OrderFilter, 'limit'>) =>
      (await store().listOrders({ limit: 50, ...filter })).items.map((o) => o.platformOrderId)

    it('lists the most recently updated orders first', async () => {
      await mixed()
      expect(await ids({})).toEqual(['p5', 'p4', 'p3', 'p2', 'p1'])
    })

    it('filters by status', async () => {
      await mixed()
      expect(await ids({ status: 'paid' })).toEqual(['p4', 'p3', 'p1'])
    })

    it('filters by platform', async () => {
      await mixed()
      expect(await ids({ platform: 'taobao' })).toEqual(['p4', 'p3'])
    })

    it('filters by tag', async () => {
      await mixed()
      expect(await ids({ tag: 'gift' })).toEqual(['p4', 'p2'])
      expect(await ids({ tag: 'none' })).toEqual([])
    })

    it('filters by exception type', async () => {
      await mixed()
      expect(await ids({ exception: 'address' })).toEqual(['p5', 'p3'])
    })

    it('filters by staleness: orders updated before a time', async () => {
      await mixed()
      expect(await ids({ updatedBefore: Date.parse(isoAt(3)) })).toEqual(['p2', 'p1'])
    })

    it('combines filters', async () => {
      await mixed()
      expect(await ids({ status: 'paid', tag: 'gift', platform: 'taobao', exception: 'stock', updatedBefore: Date.parse(isoAt(9)) }))
        .toEqual(['p4'])
    })

    it('follows tag changes of an updated order', async () => {
      await seed([orderInput({ tags: ['vip', 'gift'] })])
      await seed([orderInput({ tags: ['gift', 'rush'], updatedAt: isoAt(1) })])
      expect(await ids({ tag: 'vip' })).toEqual([])
      expect(await ids({ tag: 'gift' })).toEqual(['1001'])
      expect(await ids({ tag: 'rush' })).toEqual(['1001'])
    })

    it('breaks ties of updatedAt by id, descending', async () => {
      await seed(['b', 'c', 'a'].map((id) => orderInput({ platformOrderId: id, updatedAt: isoAt(7) })))
      expect(await ids({})).toEqual(['c', 'b', 'a'])
    })

    it('pages with a cursor, visiting every order exactly once', async () => {
      // Groups of three share an updatedAt, so page boundaries fall inside ties.
      const inputs = Array.from({ length: 23 }, (_, i) => orderInput({
        platformOrderId: `o${String(i).padStart(2, '0')}`, status: i % 2 ? 'paid' : 'shipped', updatedAt: isoAt(Math.floor(i / 3)),
      }))
      await seed(inputs)
      const pages = await allPages({ limit: 4 })
      expect(pages.map((p) => p.length)).toEqual([4, 4, 4, 4, 4, 3])
      const seen = pages.flat()
      expect(new Set(seen.map((o) => o.id)).size).toBe(23)
      expect(seen.map((o) => o.platformOrderId)).toEqual((await store().listOrders({ limit: 100 })).items.map((o) => o.platformOrderId))

      const paid = (await allPages({ limit: 3, status: 'paid' })).flat()
      expect(paid.map((o) => o.platformOrderId).sort()).toEqual(inputs.filter((_, i) => i % 2).map((o) => o.platformOrderId))
    })

    it('ends with a null cursor when the last page is exactly full', async () => {
      await seed(['a', 'b', 'c', 'd'].map((id) => orderInput({ platformOrderId: id })))
      const first = await store().listOrders({ limit: 2 })
      expect(first.nextCursor).not.toBeNull()
      const second = await store().listOrders({ limit: 2, cursor: first.nextCursor ?? undefined })
      expect(second.items).toHaveLength(2)
      expect(second.nextCursor).toBeNull()
    })

    it('refuses a cursor it did not make', async () => {
      await expect(store().listOrders({ limit: 2, cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'INVALID_CURSOR' })
    })

    it('names a missing or invalid page size', async () => {
      await expect(store().listOrders({ limit: undefined as unknown as number })).rejects.toThrow(/limit/)
      await expect(store().listOrders({ limit: 0 })).rejects.toThrow(/limit/)
    })
  })
}
