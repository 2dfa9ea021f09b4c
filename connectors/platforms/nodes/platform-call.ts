/**
 * What the platform nodes share: opening the shop a call goes to (a shop named in the config, else
 * the one the order came from), its platform's client, and the platform's refusals as the SDK's
 * errors — throttled and unavailable are tried again, the others go to the error port at once.
 */
import type { Order } from '../../../schemas/generated/order.ts'
import { compileTextTemplate, ConfigError, PermanentError, RetryableError, TemplateError, type PerformContext, type TextTemplate } from '../../sdk/index.ts'
import type { OpenedShop } from '../../sdk/perform.ts'
import type { PlatformName } from '../adapter.ts'
import { platformApi } from '../api/index.ts'
import { PlatformApiError, type PlatformApi, type ShopCall } from '../platform-api.ts'

/** The shop and client of one call. */
export interface PlatformTarget { shop: OpenedShop; api: PlatformApi; call: ShopCall<unknown> }

/** Opens shop `shopId`, else the order's own shop, with its platform's client and a call context. */
export async function openPlatform(ctx: PerformContext<unknown>, shopId: string | null, order: Order | null): Promise<PlatformTarget> {
  if (!ctx.shops) throw new PermanentError('this Ordo has no shops to call: the engine gave the connector no shop access', { errorClass: 'auth' })
  let shop: OpenedShop
  if (shopId) shop = await ctx.shops.open(shopId)
  else if (order) shop = await ctx.shops.ofOrder(order)
  else throw new PermanentError('no shop is named and the run has no order whose shop to use')
  const api = platformApi(shop.platform)
  if (!api) throw new PermanentError(`shop ${shop.shopId} is on ${shop.platform}, which has no open API Ordo calls`)
  return { shop, api, call: { shopId: shop.shopId, credentials: shop.credentials, http: ctx.http, now: ctx.now, signal: ctx.signal } }
}

/** Runs a platform call; a PlatformApiError becomes the SDK error its kind stands for. */
export async function platformCall<T>(platform: PlatformName | string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    if (!(err instanceof PlatformApiError)) throw err
    const message = `${platform} ${err.kind} (${err.code}): ${err.message}${err.retryAfterMs !== undefined ? `; try again after ${err.retryAfterMs} ms` : ''}`
    if (err.kind === 'throttled') throw new RetryableError(message, { status: 429, cause: err })
    if (err.kind === 'unavailable') throw new RetryableError(message, { errorClass: '5xx', cause: err })
    if (err.kind === 'session-expired') throw new PermanentError(message, { errorClass: 'auth', cause: err })
    throw new PermanentError(message, { errorClass: '4xx', cause: err })
  }
}

/** The shop-choice field both nodes share (its zh-CN labels are in each manifest). */
export const SHOP_FIELD = {
  type: 'string', minLength: 1, maxLength: 100, title: 'Shop',
  description: "Ordo's id of the shop to call; empty for the shop the order came from.",
} as const

/** A template for values that are not secrets: one naming a secret is refused. */
export function plainTemplate(text: string, pointer: string): TextTemplate {
  let template: TextTemplate
  try {
    template = compileTextTemplate(text)
  } catch (error) {
    if (error instanceof TemplateError) throw new ConfigError(pointer, error.message)
    throw error
  }
  if (template.secrets.length) throw new ConfigError(pointer, 'must not name a secret: the platform shows this value to the buyer')
  return template
}
