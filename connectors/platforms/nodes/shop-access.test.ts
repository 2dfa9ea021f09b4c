/** The shop access over a ShopDirectory: a shop by id, the order's own as the one shop of its platform. */
import { describe, expect, it } from 'vitest'
import type { ShopDirectory, ShopRecord } from '../../../engine/runtime/shop-directory.ts'
import { sampleOrder } from '../../sdk/testing.ts'
import { shopAccessFrom } from './shop-access.ts'

function directory(shops: ShopRecord[]): ShopDirectory {
  return {
    list: async () => shops,
    get: async (id) => shops.find((s) => s.id === id),
    credentials: async (id) => ({ appKey: `key-of-${id}`, appSecret: `secret-of-${id}`, shopId: '1234567' }),
    ingestDetails: async () => [],
    recordHealth: () => {},
  }
}
const shop = (id: string, platform: ShopRecord['platform'], enabled = true): ShopRecord => ({ id, platform, name: `店铺 ${id}`, createdAt: 0, enabled })

describe('shopAccessFrom', () => {
  it('opens a shop by id with its platform and credentials', async () => {
    const access = shopAccessFrom(directory([shop('shp_1', 'douyin')]))
    expect(await access.open('shp_1')).toEqual({ shopId: 'shp_1', platform: 'douyin', credentials: { appKey: 'key-of-shp_1', appSecret: 'secret-of-shp_1', shopId: '1234567' } })
  })

  it('refuses a shop that does not exist or is disabled', async () => {
    const access = shopAccessFrom(directory([shop('shp_off', 'jd', false)]))
    await expect(access.open('shp_none')).rejects.toThrow(/no shop has the id "shp_none"/)
    await expect(access.open('shp_off')).rejects.toThrow(/is disabled/)
  })

  it("takes the one enabled shop of the order's platform as the order's own", async () => {
    const access = shopAccessFrom(directory([shop('shp_tb', 'taobao'), shop('shp_dy_old', 'douyin', false), shop('shp_dy', 'douyin')]))
    expect((await access.ofOrder(sampleOrder({ platform: 'douyin' }))).shopId).toBe('shp_dy')
  })

  it('asks for the shop to be named when the platform has several, or none', async () => {
    const access = shopAccessFrom(directory([shop('shp_a', 'shopify'), shop('shp_b', 'shopify')]))
    await expect(access.ofOrder(sampleOrder({ platform: 'shopify' }))).rejects.toThrow(/2 shopify shops are enabled \(shp_a, shp_b\): name the shop/)
    await expect(access.ofOrder(sampleOrder({ platform: 'jd' }))).rejects.toThrow(/no enabled jd shop/)
  })
})
