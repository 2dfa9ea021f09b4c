import { describe, expect, it } from 'vitest'
import { orderSchema } from '../../schemas/index.ts'
import { platformAdapter, platformAdapters } from './index.ts'

describe('the platform adapters', () => {
  it('has one adapter for every platform of the order schema but manual', () => {
    expect(Object.keys(platformAdapters).sort()).toEqual(orderSchema.definitions.platform.enum.filter((p) => p !== 'manual').sort())
    for (const [name, adapter] of Object.entries(platformAdapters)) expect(adapter.platform).toBe(name)
  })

  it('verifies HTTP pushes for the platforms that push over HTTP, and only for them', () => {
    const verifying = Object.values(platformAdapters).filter((a) => a.verifyPush).map((a) => a.platform).sort()
    expect(verifying).toEqual(['douyin', 'shopify', 'woocommerce'])
  })

  it('finds an adapter by name, and none for manual or a name that only an object has', () => {
    expect(platformAdapter('jd')?.platform).toBe('jd')
    expect(platformAdapter('manual')).toBeUndefined()
    expect(platformAdapter('toString')).toBeUndefined()
  })
})
