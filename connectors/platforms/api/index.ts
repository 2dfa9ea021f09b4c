/**
 * The platforms' open-API clients, one module per platform, each implementing PlatformApi
 * (../platform-api.ts): fetch an order's detail as the adapter reads it, list changed orders, tell
 * the platform about a shipment, set a SKU's stock.
 */
import type { PlatformName } from '../adapter.ts'
import type { PlatformApi } from '../platform-api.ts'
import { douyinApi } from './douyin.ts'
import { jdApi } from './jd.ts'
import { pinduoduoApi } from './pinduoduo.ts'
import { shopifyApi } from './shopify.ts'
import { taobaoApi } from './taobao.ts'
import { woocommerceApi } from './woocommerce.ts'

/** Every client, by platform. Credentials are the shop's, as the shops API keeps them. */
export const platformApis: Record<PlatformName, PlatformApi> = {
  taobao: taobaoApi as PlatformApi,
  jd: jdApi as PlatformApi,
  pinduoduo: pinduoduoApi as PlatformApi,
  douyin: douyinApi as PlatformApi,
  shopify: shopifyApi as PlatformApi,
  woocommerce: woocommerceApi as PlatformApi,
}

/** The client of `name`, or undefined when no platform has that name. */
export function platformApi(name: string): PlatformApi | undefined {
  return Object.hasOwn(platformApis, name) ? platformApis[name as PlatformName] : undefined
}
