/* Generated from schemas/shop.schema.json by `npm run gen:types`. Do not edit. */

export type ShopPlatform = ("taobao" | "jd" | "pinduoduo" | "douyin" | "shopify" | "woocommerce")
export type ShopName = string
/**
 * received: taken, to be processed (again after a failed try, at nextTryAt); processed: its orders are in the pool; ignored: a ping or test push; unreadable: the body could not be read (replay after fixing the adapter); failed: a try failed in a way retrying cannot mend
 */
export type ShopPushStatus = ("received" | "processed" | "ignored" | "unreadable" | "failed")
export type CredentialText = string
/**
 * The platform's API address instead of the real one (the simulator's in demos and tests)
 */
export type ApiBaseUrl = string
/**
 * The long-connection (message channel) address instead of the real one
 */
export type ChannelUrl = string

/**
 * The documents of the shops API (/api/shops) and its push inbox (/webhooks/:platform/:shopId). A shop's credentials go in, never out.
 */
export interface ShopApi {
create?: ShopCreate
patch?: ShopPatch
created?: ShopCreated
shop?: ShopView
shopList?: ShopList
push?: ShopPush
pushPage?: ShopPushPage
replay?: ShopPushReplay
shopify?: ShopifyShopCredentials
woocommerce?: WooCommerceShopCredentials
douyin?: DouyinShopCredentials
taobao?: TaobaoShopCredentials
jd?: JdShopCredentials
pinduoduo?: PinduoduoShopCredentials
}
export interface ShopCreate {
platform: ShopPlatform
name: ShopName
credentials: ShopCredentials
}
/**
 * The platform's credential keys (shopify: shopDomain, accessToken, webhookSecret; woocommerce: siteUrl, consumerKey, consumerSecret, webhookSecret; douyin: appKey, appSecret, shopId; taobao: appKey, appSecret, sessionKey; jd: appKey, appSecret, accessToken; pinduoduo: clientId, clientSecret, accessToken), and optionally apiBaseUrl and channelUrl. Checked against the shop's platform; kept sealed, never answered.
 */
export interface ShopCredentials {
[k: string]: string
}
export interface ShopPatch {
name?: ShopName
/**
 * A disabled shop takes no pushes (404) and is not pulled; credentials, when given, replace every credential of the shop
 */
enabled?: boolean
credentials?: ShopCredentials
}
export interface ShopCreated {
id: string
platform: ShopPlatform
name: string
createdAt: string
}
export interface ShopView {
id: string
platform: ShopPlatform
name: string
enabled: boolean
createdAt: string
updatedAt: string
health: ShopHealth
}
export interface ShopHealth {
/**
 * The last push taken (signature good)
 */
lastPushAt: (string | null)
/**
 * The last long-connection message taken
 */
lastMessageAt: (string | null)
/**
 * The last successful pull
 */
lastPullAt: (string | null)
lastError: (null | {
at: string
message: string
code?: string
})
/**
 * How far behind the platform the last successful pull's window ended, ms
 */
lagMs: (number | null)
/**
 * The recent window the counts below cover, ms
 */
windowMs: number
/**
 * Pushes, messages, pulls and details handled in the window
 */
events: number
/**
 * Of those, how many failed
 */
errors: number
errorRate: number
/**
 * Pushes refused in the window for a missing or wrong signature
 */
rejectedPushes: number
/**
 * Pushes and messages taken and not yet processed
 */
pendingPushes: number
}
export interface ShopList {
items: ShopView[]
}
export interface ShopPush {
id: number
shopId: string
/**
 * push: an HTTP webhook; message: order ids from a long connection
 */
kind: ("push" | "message")
status: ShopPushStatus
receivedAt: string
processedAt: (string | null)
attempts: number
nextTryAt: (string | null)
error: (string | null)
/**
 * The platform's delivery id, or sha256 of the body
 */
dedupeKey: string
/**
 * The request headers kept to process it (no signatures)
 */
headers: {
[k: string]: string
}
/**
 * The raw body as text
 */
body: string
}
export interface ShopPushPage {
items: ShopPush[]
nextCursor: (string | null)
}
export interface ShopPushReplay {
outcome: ShopPushStatus
push: ShopPush
results: {
id: string
platform: string
platformOrderId: string
outcome: ("created" | "updated" | "unchanged")
}[]
details: {
pointer: string
reason: string
}[]
}
export interface ShopifyShopCredentials {
shopDomain: CredentialText
accessToken: CredentialText
webhookSecret: CredentialText
apiBaseUrl?: ApiBaseUrl
channelUrl?: ChannelUrl
}
export interface WooCommerceShopCredentials {
siteUrl: CredentialText
consumerKey: CredentialText
consumerSecret: CredentialText
webhookSecret: CredentialText
apiBaseUrl?: ApiBaseUrl
channelUrl?: ChannelUrl
}
export interface DouyinShopCredentials {
appKey: CredentialText
appSecret: CredentialText
shopId: CredentialText
apiBaseUrl?: ApiBaseUrl
channelUrl?: ChannelUrl
}
export interface TaobaoShopCredentials {
appKey: CredentialText
appSecret: CredentialText
sessionKey: CredentialText
apiBaseUrl?: ApiBaseUrl
channelUrl?: ChannelUrl
}
export interface JdShopCredentials {
appKey: CredentialText
appSecret: CredentialText
accessToken: CredentialText
apiBaseUrl?: ApiBaseUrl
channelUrl?: ChannelUrl
}
export interface PinduoduoShopCredentials {
clientId: CredentialText
clientSecret: CredentialText
accessToken: CredentialText
apiBaseUrl?: ApiBaseUrl
channelUrl?: ChannelUrl
}
