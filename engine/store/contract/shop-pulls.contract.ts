/**
 * Contract: what pulling shops' orders keeps: the cursors that say how far each shop is pulled, and
 * the calls of pulls made outside any activity, in the integration log.
 */
import { describe, expect, it } from 'vitest'
import { T0, type StoreRef } from './contract-fixtures.ts'

/** Registers the shop pull specifications against the store `store()` returns. */
export function describeShopPullContract(store: StoreRef): void {
  describe('shop pull cursors', () => {
    it('has no cursor for a shop never pulled', async () => {
      expect(await store().shopPullCursor('shop_never')).toBeNull()
    })

    it('keeps each shop its own cursor, moved forward by every save', async () => {
      await store().saveShopPullCursor('shop_a', T0 + 60_000, T0)
      await store().saveShopPullCursor('shop_b', T0 + 5_000, T0)
      await store().saveShopPullCursor('shop_a', T0 + 120_000, T0 + 60_000)
      expect(await store().shopPullCursor('shop_a')).toBe(T0 + 120_000)
      expect(await store().shopPullCursor('shop_b')).toBe(T0 + 5_000)
    })

    it('never moves a cursor back: a pull that ends after a later one leaves it', async () => {
      await store().saveShopPullCursor('shop_a', T0 + 120_000, T0)
      await store().saveShopPullCursor('shop_a', T0 + 60_000, T0 + 1)
      expect(await store().shopPullCursor('shop_a')).toBe(T0 + 120_000)
    })
  })

  describe('calls of pulls in the integration log', () => {
    it('keeps calls logged outside any activity, and counts them in the connector\'s health', async () => {
      await store().appendIntegrationLog([
        { at: T0, connector: 'platform.pull-orders', endpoint: 'https://gw-api.pinduoduo.com/api/router', method: 'POST', statusCode: 200, latencyMs: 120, attempt: 1, idempotencyKey: 'pull:shop_a:1' },
        { at: T0 + 1, connector: 'platform.pull-orders', endpoint: 'https://gw-api.pinduoduo.com/api/router', method: 'POST', statusCode: 503, latencyMs: 80, errorClass: '5xx', error: 'HTTP 503', attempt: 1, idempotencyKey: 'pull:shop_a:1' },
      ])
      const logged = await store().integrationLog({ connector: 'platform.pull-orders', limit: 10 })
      expect(logged.items.map((r) => [r.statusCode, r.errorClass, r.runId, r.idempotencyKey])).toEqual([[503, '5xx', null, 'pull:shop_a:1'], [200, null, null, 'pull:shop_a:1']])
      const [health] = await store().integrationHealth(T0 + 1000, [5 * 60_000])
      expect(health).toMatchObject({ connector: 'platform.pull-orders', windows: [{ calls: 2, failed: 1 }] })
    })
  })
}
