/**
 * Contract: shops (their credentials sealed by the caller), each shop's push inbox, and its health.
 */
import { describe, expect, it } from 'vitest'
import { ConflictError } from '../store.ts'
import { T0, type StoreRef } from './contract-fixtures.ts'

const sealed = Buffer.from([1, 2, 3, 4])

/** Registers the shop specifications against the store `store()` returns. */
export function describeShopContract(store: StoreRef): void {
  const addShop = (id = 'shop_1') => store().createShop({ id, platform: 'shopify', name: 'Example', enabled: true, sealedCredentials: sealed }, T0)
  const push = (shopId: string, dedupeKey: string, at = T0, status: 'received' | 'unreadable' = 'received') =>
    store().insertShopPush({ shopId, kind: 'push', dedupeKey, body: Buffer.from(`{"k":"${dedupeKey}"}`), headers: { 'x-shopify-topic': 'orders/create' }, receivedAt: at, status })

  describe('shops', () => {
    it('keeps a shop with its sealed credentials, renames, disables and deletes it', async () => {
      const created = await addShop()
      expect(created).toEqual({
        id: 'shop_1', platform: 'shopify', name: 'Example', enabled: true, sealedCredentials: sealed, createdAt: T0, updatedAt: T0,
        health: { lastPushAt: null, lastMessageAt: null, lastPullAt: null, lagMs: null, lastError: null },
      })
      await expect(addShop()).rejects.toBeInstanceOf(ConflictError)
      const other = Buffer.from([9, 9])
      expect(await store().updateShop('shop_1', { name: 'Renamed', enabled: false, sealedCredentials: other }, T0 + 5)).toMatchObject({ name: 'Renamed', enabled: false, sealedCredentials: other, updatedAt: T0 + 5 })
      expect(await store().updateShop('shop_1', { enabled: true }, T0 + 6)).toMatchObject({ name: 'Renamed', enabled: true, sealedCredentials: other })
      expect(await store().updateShop('missing', { name: 'x' }, T0)).toBeNull()
      expect(await store().deleteShop('shop_1', T0 + 7)).toBe(true)
      expect(await store().deleteShop('shop_1', T0 + 8)).toBe(false)
      expect(await store().getShop('shop_1')).toBeNull()
      expect(await store().listShops()).toEqual([])
    })

    it('keeps the latest push, message and pull times, the last error, and counts per window', async () => {
      await addShop()
      await store().recordShopHealth('shop_1', { at: T0, lastPushAt: T0, events: 1 })
      await store().recordShopHealth('shop_1', { at: T0 + 1000, lastPullAt: T0 + 1000, lagMs: 250, events: 1 })
      await store().recordShopHealth('shop_1', { at: T0 + 2000, events: 1, errors: 1, error: { message: 'detail unreadable', code: '40004' } })
      await store().recordShopHealth('shop_1', { at: T0 + 3000, rejected: 2 })
      // An older time never replaces a newer one.
      await store().recordShopHealth('shop_1', { at: T0 - 5000, lastPushAt: T0 - 5000 })
      expect((await store().getShop('shop_1'))!.health).toEqual({
        lastPushAt: T0, lastMessageAt: null, lastPullAt: T0 + 1000, lagMs: 250, lastError: { at: T0 + 2000, message: 'detail unreadable', code: '40004' },
      })
      await push('shop_1', 'a')
      expect((await store().shopHealthCounts(['shop_1'], T0 - 60_000)).get('shop_1')).toEqual({ events: 3, errors: 1, rejected: 2, pending: 1 })
      expect((await store().shopHealthCounts(['shop_1'], T0 + 3_600_000)).get('shop_1')).toEqual({ events: 0, errors: 0, rejected: 0, pending: 1 })
    })
  })

  describe('push inbox', () => {
    it('keeps a push once per dedupe key and shop', async () => {
      await addShop('shop_1')
      await addShop('shop_2')
      const first = await push('shop_1', 'delivery:1')
      expect(first.duplicate).toBe(false)
      expect(await push('shop_1', 'delivery:1')).toEqual({ id: first.id, duplicate: true })
      expect((await push('shop_2', 'delivery:1')).duplicate).toBe(false)
      expect(await store().getShopPush('shop_1', first.id)).toEqual({
        id: first.id, shopId: 'shop_1', kind: 'push', dedupeKey: 'delivery:1', body: Buffer.from('{"k":"delivery:1"}'), headers: { 'x-shopify-topic': 'orders/create' },
        receivedAt: T0, status: 'received', attempts: 0, nextTryAt: T0, error: null, processedAt: null,
      })
      expect(await store().getShopPush('shop_2', first.id)).toBeNull()
    })

    it('hands out due pushes oldest first, and takes them back for a later try or settles them', async () => {
      await addShop()
      const a = await push('shop_1', 'a', T0)
      const b = await push('shop_1', 'b', T0 + 10)
      await push('shop_1', 'c', T0 + 20, 'unreadable')
      expect((await store().dueShopPushes(T0 + 10, 10)).map((p) => p.id)).toEqual([a.id, b.id])
      await store().settleShopPush(a.id, { status: 'received', error: 'busy', nextTryAt: T0 + 5000 }, [], T0 + 30)
      await store().settleShopPush(b.id, { status: 'processed', error: null, nextTryAt: null }, [
        { at: T0 + 30, connector: 'platform.shopify', endpoint: 'https://x/orders', latencyMs: 5, attempt: 1, idempotencyKey: `shop-push:${b.id}` },
      ], T0 + 30)
      expect(await store().dueShopPushes(T0 + 100, 10)).toEqual([])
      expect(await store().nextShopPushAt()).toBe(T0 + 5000)
      expect(await store().getShopPush('shop_1', a.id)).toMatchObject({ status: 'received', attempts: 1, error: 'busy', nextTryAt: T0 + 5000, processedAt: null })
      expect(await store().getShopPush('shop_1', b.id)).toMatchObject({ status: 'processed', attempts: 1, error: null, nextTryAt: null, processedAt: T0 + 30 })
      expect((await store().integrationLog({ limit: 10 })).items.map((r) => r.idempotencyKey)).toEqual([`shop-push:${b.id}`])
    })

    it('lists a shop\'s pushes newest first, a page at a time', async () => {
      await addShop()
      for (const key of ['a', 'b', 'c']) await push('shop_1', key)
      const first = await store().listShopPushes('shop_1', 2)
      expect(first.items.map((p) => p.dedupeKey)).toEqual(['c', 'b'])
      const second = await store().listShopPushes('shop_1', 2, first.nextCursor!)
      expect(second.items.map((p) => p.dedupeKey)).toEqual(['a'])
      expect(second.nextCursor).toBeNull()
    })
  })
}
