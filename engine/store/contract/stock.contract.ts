/**
 * Contract: stock levels, listings with allocations, reservations, the ledger, and the queue of
 * pushes to shops with its coalescing.
 */
import { describe, expect, it } from 'vitest'
import { T0, type StoreRef } from './contract-fixtures.ts'

const ADMIN = { idempotencyKey: 'api:1', orderId: null, runId: null, source: 'api:test admin' }
const cause = (n: number) => ({ idempotencyKey: `run_${n}:hold:1`, orderId: `ord_${n}`, runId: `run_${n}`, source: `run:run_${n}:hold` })

/** Registers the stock specifications against the store `store()` returns. */
export function describeStockContract(store: StoreRef): void {
  describe('stock', () => {
    it('reserves all lines or none, and answers an earlier reservation again for the same key', async () => {
      await store().putStock('A', { onHand: 5 }, ADMIN, T0)
      await store().putStock('B', { onHand: 1 }, ADMIN, T0)
      expect(await store().reserveStock({ ...cause(1), lines: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 2 }] }, T0)).toEqual({
        outcome: 'insufficient', short: [{ sku: 'B', requested: 2, available: 1 }],
      })
      expect(await store().getStock('A')).toMatchObject({ reserved: 0 })
      expect(await store().reserveStock({ ...cause(2), lines: [{ sku: 'B', quantity: 1 }, { sku: 'A', quantity: 1 }, { sku: 'A', quantity: 1 }] }, T0)).toEqual({
        outcome: 'reserved', lines: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }], repeated: false,
      })
      expect(await store().reserveStock({ ...cause(2), lines: [{ sku: 'A', quantity: 3 }] }, T0 + 1)).toEqual({
        outcome: 'reserved', lines: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }], repeated: true,
      })
      expect(await store().getStock('A')).toMatchObject({ onHand: 5, reserved: 2, available: 3 })
    })

    it('releases what an order holds once, or books it as sold, each movement in the ledger', async () => {
      await store().putStock('A', { onHand: 10 }, ADMIN, T0)
      await store().reserveStock({ ...cause(1), lines: [{ sku: 'A', quantity: 4 }] }, T0)
      const release = { idempotencyKey: 'run_9:cancel:1', orderId: 'ord_1', runId: 'run_9', source: 'run:run_9:cancel', as: 'release' as const }
      expect(await store().releaseStock(release, T0 + 1)).toEqual({ as: 'release', lines: [{ sku: 'A', quantity: 4 }] })
      expect(await store().releaseStock(release, T0 + 2)).toEqual({ as: 'release', lines: [] })
      await store().reserveStock({ ...cause(2), lines: [{ sku: 'A', quantity: 3 }] }, T0 + 3)
      expect(await store().releaseStock({ ...cause(2), as: 'sale' }, T0 + 4)).toEqual({ as: 'sale', lines: [{ sku: 'A', quantity: 3 }] })
      expect(await store().getStock('A')).toMatchObject({ onHand: 7, reserved: 0, available: 7 })
      const ledger = (await store().stockLedger('A', 10)).items
      expect(ledger.map((r) => [r.kind, r.onHandDelta, r.reservedDelta, r.onHandAfter, r.reservedAfter, r.orderId])).toEqual([
        ['sale', -3, -3, 7, 0, 'ord_2'], ['reservation', 0, 3, 10, 3, 'ord_2'], ['release', 0, -4, 10, 0, 'ord_1'],
        ['reservation', 0, 4, 10, 4, 'ord_1'], ['adjustment', 10, 0, 10, 0, null],
      ])
    })

    it('queues one push per listing shop when a level changes, coalesced so only the latest level waits', async () => {
      let told = 0
      store().onStockPushesQueued(() => { told += 1 })
      await store().putStock('A', { onHand: 10, listings: [{ shopId: 'shop_tb', platformSkuId: 'tb-1' }, { shopId: 'shop_dy', sharePercent: 50 }] }, ADMIN, T0)
      expect(told).toBe(1)
      for (let n = 1; n <= 3; n++) await store().reserveStock({ ...cause(n), lines: [{ sku: 'A', quantity: 1 }] }, T0 + n)
      expect(told).toBe(4)
      const pushes = await store().claimStockPushes(T0 + 10, 100, T0 + 60_000)
      // Four changes, two shops: two pushes, each with the level after the last change (shop_dy gets half of 7).
      expect(pushes.map((p) => [p.shopId, p.quantity, p.platformSkuId]).sort()).toEqual([['shop_dy', 3, null], ['shop_tb', 7, 'tb-1']])
      // Taken pushes are not handed out twice while their lease lasts, nor due before it ends.
      expect(await store().claimStockPushes(T0 + 10, 100, T0 + 60_000)).toEqual([])
      expect(await store().nextStockPushAt()).toBe(T0 + 60_000)
    })

    it('does not queue a level a shop already has, and queues it again when asked to sync', async () => {
      await store().putStock('A', { onHand: 100, listings: [{ shopId: 'shop_jd', cap: 10 }] }, ADMIN, T0)
      const [push] = await store().claimStockPushes(T0, 10, T0 + 60_000)
      await store().settleStockPushes([{ ...push!, outcome: 'pushed', log: [] }], T0 + 5)
      // 100 → 99 available still leaves the shop its cap of 10: nothing to tell it.
      await store().reserveStock({ ...cause(1), lines: [{ sku: 'A', quantity: 1 }] }, T0 + 10)
      expect(await store().nextStockPushAt()).toBeNull()
      expect(await store().queueStockPushes(['A', 'UNKNOWN'], T0 + 20)).toEqual([{ shopId: 'shop_jd', sku: 'A', quantity: 10 }])
      expect(await store().nextStockPushAt()).toBe(T0 + 20)
    })

    it('keeps a level queued while an older one was in flight: that push\'s success does not mark the newer one pushed', async () => {
      await store().putStock('A', { onHand: 5, listings: [{ shopId: 'shop_tb' }] }, ADMIN, T0)
      const [inFlight] = await store().claimStockPushes(T0, 10, T0 + 60_000)
      expect(inFlight!.quantity).toBe(5)
      await store().reserveStock({ ...cause(1), lines: [{ sku: 'A', quantity: 2 }] }, T0 + 1)
      await store().settleStockPushes([{ ...inFlight!, outcome: 'pushed', log: [] }], T0 + 2)
      const listing = (await store().getStock('A'))!.listings[0]!
      expect(listing.push).toMatchObject({ status: 'pending', quantity: 3, pushedQuantity: 5, pushedAt: T0 + 2 })
      const [next] = await store().claimStockPushes(T0 + 2, 10, T0 + 60_000)
      expect(next).toMatchObject({ shopId: 'shop_tb', quantity: 3 })
    })

    it('replaces a SKU\'s listings, stops pushing to a shop that no longer lists it, and books on-hand changes as adjustments', async () => {
      await store().putStock('A', { onHand: 5, listings: [{ shopId: 'shop_tb' }, { shopId: 'shop_pdd' }] }, ADMIN, T0)
      const item = await store().putStock('A', { onHand: 8, listings: [{ shopId: 'shop_tb', cap: 6 }] }, { ...ADMIN, idempotencyKey: 'api:2' }, T0 + 1)
      expect(item).toMatchObject({ sku: 'A', onHand: 8, reserved: 0, available: 8, listings: [{ shopId: 'shop_tb', cap: 6, sharePercent: null, sellable: 6, platformSkuId: null }] })
      expect((await store().claimStockPushes(T0 + 1, 10, T0 + 60_000)).map((p) => [p.shopId, p.quantity])).toEqual([['shop_tb', 6]])
      expect((await store().stockLedger('A', 10)).items.map((r) => [r.kind, r.onHandDelta, r.onHandAfter, r.source])).toEqual([
        ['adjustment', 3, 8, 'api:test admin'], ['adjustment', 5, 5, 'api:test admin'],
      ])
    })

    it('lists SKUs by code, a page at a time', async () => {
      for (const sku of ['C', 'A', 'B']) await store().putStock(sku, { onHand: 1 }, ADMIN, T0)
      const first = await store().listStock({ limit: 2 })
      expect(first.items.map((i) => i.sku)).toEqual(['A', 'B'])
      expect((await store().listStock({ limit: 2, cursor: first.nextCursor! })).items.map((i) => i.sku)).toEqual(['C'])
    })


    it('prunes movements and settled reservations older than the cutoff, keeping held ones and the levels', async () => {
      await store().putStock('A', { onHand: 10 }, ADMIN, T0)
      await store().reserveStock({ ...cause(1), lines: [{ sku: 'A', quantity: 2 }] }, T0 + 1)
      await store().reserveStock({ ...cause(2), lines: [{ sku: 'A', quantity: 3 }] }, T0 + 2)
      await store().releaseStock({ ...cause(1), as: 'release' }, T0 + 3)
      await store().reserveStock({ ...cause(3), lines: [{ sku: 'A', quantity: 1 }] }, T0 + 100)
      // Ledger rows at T0..T0+3 (four) and the reservation settled at T0+3 go; the held ones stay.
      expect((await store().prune(T0 + 50)).log).toBe(5)
      expect((await store().stockLedger('A', 10)).items.map((r) => [r.kind, r.reservedAfter])).toEqual([['reservation', 4]])
      expect(await store().getStock('A')).toMatchObject({ onHand: 10, reserved: 4 })
      expect(await store().releaseStock({ ...cause(2), as: 'release' }, T0 + 101)).toEqual({ as: 'release', lines: [{ sku: 'A', quantity: 3 }] })
    })
  })
}
