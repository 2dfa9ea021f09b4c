/**
 * The platform adapters, one module per platform: the rest of Ordo sees only normalized orders.
 * Every adapter normalizes order payloads; the ones whose platforms push over HTTP also read and
 * verify pushes (Taobao, JD and Pinduoduo deliver messages over long connections instead: see
 * their modules).
 */
import type { NormalizeResult, PayloadBody, PlatformName, PushHeaders, PushReading, PushVerdict } from './adapter.ts'
import * as douyin from './douyin.ts'
import * as jd from './jd.ts'
import * as pinduoduo from './pinduoduo.ts'
import * as shopify from './shopify.ts'
import * as taobao from './taobao.ts'
import * as woocommerce from './woocommerce.ts'

export type { NormalizeResult, PayloadBody, PlatformName, PushContent, PushHeaders, PushReading, PushVerdict, PulledOrderRef } from './adapter.ts'

/** One platform's adapter; `Credentials` are the shop's (the shops API keeps them as secrets). */
export interface PlatformAdapter<Credentials = unknown> {
  platform: PlatformName
  /** An order-detail answer or an order push body → order inputs, or what could not be read (JSON pointers into the payload). */
  normalize(body: PayloadBody): NormalizeResult
  /** What an HTTP push says: whole orders, or ids to pull. Absent for platforms that push over a long connection. */
  readPush?(rawBody: string | Buffer): PushReading
  /** Whether an HTTP push is signed by the shop, in constant time. Absent for platforms that push over a long connection. */
  verifyPush?(rawBody: Buffer, headers: PushHeaders, credentials: Credentials): PushVerdict
}

/** Every adapter, by platform. */
export const platformAdapters: {
  shopify: PlatformAdapter<shopify.ShopifyCredentials>
  woocommerce: PlatformAdapter<woocommerce.WooCommerceCredentials>
  douyin: PlatformAdapter<douyin.DouyinCredentials>
  taobao: PlatformAdapter<taobao.TaobaoCredentials>
  jd: PlatformAdapter<jd.JdCredentials>
  pinduoduo: PlatformAdapter<pinduoduo.PinduoduoCredentials>
} = {
  shopify: { platform: 'shopify', normalize: shopify.normalize, readPush: shopify.readPush, verifyPush: shopify.verifyPush },
  woocommerce: { platform: 'woocommerce', normalize: woocommerce.normalize, readPush: woocommerce.readPush, verifyPush: woocommerce.verifyPush },
  douyin: { platform: 'douyin', normalize: douyin.normalize, readPush: douyin.readPush, verifyPush: douyin.verifyPush },
  taobao: { platform: 'taobao', normalize: taobao.normalize, readPush: taobao.readPush },
  jd: { platform: 'jd', normalize: jd.normalize },
  pinduoduo: { platform: 'pinduoduo', normalize: pinduoduo.normalize },
}

/** The adapter of `name`, or undefined when no platform has that name. */
export function platformAdapter(name: string): PlatformAdapter | undefined {
  return Object.hasOwn(platformAdapters, name) ? (platformAdapters[name as PlatformName] as PlatformAdapter) : undefined
}
