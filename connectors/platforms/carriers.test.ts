/** Ordo's carrier codes and each platform's codes for them. */
import { describe, expect, it } from 'vitest'
import type { PlatformName } from './adapter.ts'
import { CARRIER_NAMES, CARRIERS, carrierOfPlatformCode, PLATFORM_CARRIERS, platformCarrier } from './carriers.ts'
import { PlatformApiError } from './platform-api.ts'

const PLATFORMS = Object.keys(PLATFORM_CARRIERS) as PlatformName[]

describe('platform carrier codes', () => {
  it.each([
    ['taobao', 'sf', 'SF'], ['taobao', 'yunda', 'YUNDA'], ['jd', 'jd', '2087'], ['pinduoduo', 'zto', '115'], ['douyin', 'yto', 'yuantong'],
    ['shopify', 'usps', 'USPS'], ['shopify', 'dhl', 'DHL Express'], ['woocommerce', 'fedex', 'FedEx'],
  ] as const)("writes %s's code for %s as %s", (platform, carrier, code) => {
    expect(platformCarrier(platform, carrier)).toBe(code)
  })

  it('refuses a carrier Ordo does not know, naming the ones the platform has', () => {
    const err = (() => { try { platformCarrier('taobao', 'pigeon') } catch (e) { return e } })()
    expect(err).toBeInstanceOf(PlatformApiError)
    expect(err).toMatchObject({ kind: 'invalid', code: 'unknown-carrier' })
    expect((err as Error).message).toMatch(/known: sf, zto/)
  })

  it('refuses a carrier the platform has no code for rather than guessing one', () => {
    expect(() => platformCarrier('pinduoduo', 'ups')).toThrow(/no pinduoduo logistics company code/)
    expect(() => platformCarrier('taobao', 'constructor')).toThrow(PlatformApiError)
  })

  it.each(PLATFORMS)('gives every carrier %s knows its own code, and reads each code back', (platform) => {
    const codes = Object.values(PLATFORM_CARRIERS[platform])
    expect(new Set(codes).size).toBe(codes.length)
    for (const [carrier, code] of Object.entries(PLATFORM_CARRIERS[platform])) expect(carrierOfPlatformCode(platform, code!)).toBe(carrier)
  })

  it('knows the carriers of mainland China on every platform', () => {
    for (const platform of PLATFORMS) for (const carrier of ['sf', 'zto', 'yto', 'sto', 'yunda', 'jd', 'ems']) expect(platformCarrier(platform, carrier), `${platform} ${carrier}`).toBeTruthy()
  })

  it('names every carrier in Chinese and English', () => {
    for (const carrier of CARRIERS) expect(CARRIER_NAMES[carrier]['zh-CN']).toMatch(/[\u4e00-\u9fff]/)
  })
})
