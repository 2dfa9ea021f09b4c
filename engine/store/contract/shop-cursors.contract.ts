/**
 * Contract: the shops' pull cursors, which say how far each shop's orders have been pulled.
 */
import { describe, expect, it } from 'vitest'
import { T0, type StoreRef } from './contract-fixtures.ts'

/** Registers the pull cursor specifications against the store `store()` returns. */
export function describeShopCursorContract(store: StoreRef): void {
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
}
