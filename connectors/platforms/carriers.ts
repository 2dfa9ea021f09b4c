/**
 * Ordo's carrier codes and what each platform calls the same carrier in a ship notice. One table per
 * platform, each from that platform's own list of logistics companies; a carrier a platform's table
 * lacks cannot be told to it (the clients refuse it as 'invalid' rather than guess a code).
 */
import type { PlatformName } from './adapter.ts'
import { PlatformApiError } from './platform-api.ts'

/** The carriers Ordo knows, by its own code. */
export const CARRIERS = ['sf', 'zto', 'yto', 'sto', 'yunda', 'jd', 'ems', 'deppon', 'jt', 'ups', 'fedex', 'dhl', 'usps'] as const
export type CarrierCode = (typeof CARRIERS)[number]

/** The carriers' names, for forms (zh-CN and English). */
export const CARRIER_NAMES: Record<CarrierCode, { 'zh-CN': string; en: string }> = {
  sf: { 'zh-CN': '顺丰速运', en: 'SF Express' },
  zto: { 'zh-CN': '中通快递', en: 'ZTO Express' },
  yto: { 'zh-CN': '圆通速递', en: 'YTO Express' },
  sto: { 'zh-CN': '申通快递', en: 'STO Express' },
  yunda: { 'zh-CN': '韵达快递', en: 'Yunda Express' },
  jd: { 'zh-CN': '京东物流', en: 'JD Logistics' },
  ems: { 'zh-CN': '邮政 EMS', en: 'China Post EMS' },
  deppon: { 'zh-CN': '德邦快递', en: 'Deppon Express' },
  jt: { 'zh-CN': '极兔速递', en: 'J&T Express' },
  ups: { 'zh-CN': 'UPS 联合包裹', en: 'UPS' },
  fedex: { 'zh-CN': 'FedEx 联邦快递', en: 'FedEx' },
  dhl: { 'zh-CN': 'DHL 敦豪', en: 'DHL Express' },
  usps: { 'zh-CN': '美国邮政 USPS', en: 'USPS' },
}

/**
 * Taobao company_code of taobao.logistics.offline.send. Source: taobao.logistics.companies.get
 * (https://open.taobao.com/api.htm?docId=233&docType=2), field logistics_company.code.
 */
export const TAOBAO_CARRIERS: Partial<Record<CarrierCode, string>> = {
  sf: 'SF', zto: 'ZTO', yto: 'YTO', sto: 'STO', yunda: 'YUNDA', jd: 'JD', ems: 'EMS', deppon: 'DBKD',
  ups: 'UPS', fedex: 'FEDEX', dhl: 'DHL', usps: 'USPS',
}

/**
 * JD logistics_id of jingdong.pop.order.shipment (numeric ids). Source: jingdong.ldop.alpha.provider.query /
 * the JOS 商家物流公司 list (https://jos.jd.com/commondoc?listId=365), field id.
 */
export const JD_CARRIERS: Partial<Record<CarrierCode, string>> = {
  sf: '467', zto: '1499', yto: '463', sto: '470', yunda: '1327', jd: '2087', ems: '465', deppon: '3046',
}

/**
 * Pinduoduo logistics_id of pdd.logistics.online.send. Source: pdd.logistics.companies.get
 * (https://open.pinduoduo.com/application/document/api?id=pdd.logistics.companies.get), field logistics_company.id.
 */
export const PINDUODUO_CARRIERS: Partial<Record<CarrierCode, string>> = {
  sf: '44', zto: '115', yto: '85', sto: '1', yunda: '121', jd: '120', ems: '118', deppon: '131', jt: '384',
}

/**
 * Douyin company_code of order.logisticsAdd. Source: order.getServiceList / logistics.listShopNetsite's
 * company list, API order.logisticsCompanyList (https://op.jinritemai.com/docs/api-docs/16/76), field code.
 */
export const DOUYIN_CARRIERS: Partial<Record<CarrierCode, string>> = {
  sf: 'shunfeng', zto: 'zhongtong', yto: 'yuantong', sto: 'shentong', yunda: 'yunda', jd: 'jd', ems: 'ems', deppon: 'debangkuaidi', jt: 'jtexpress',
}

/**
 * Shopify tracking_info.company: Shopify's supported tracking companies, written as it lists them so it
 * links the tracking page. Source: FulfillmentTrackingInfo, "Supported tracking companies"
 * (https://shopify.dev/docs/api/admin-graphql/latest/objects/FulfillmentTrackingInfo).
 */
export const SHOPIFY_CARRIERS: Partial<Record<CarrierCode, string>> = {
  sf: 'SF Express', zto: 'ZTO Express', yto: 'YTO Express', sto: 'STO Express', yunda: 'Yunda Express', jd: 'JD Logistics',
  ems: 'China Post', deppon: 'Deppon', jt: 'J&T Express', ups: 'UPS', fedex: 'FedEx', dhl: 'DHL Express', usps: 'USPS',
}

/**
 * WooCommerce has no carrier list of its own (core keeps none): the provider written into the order
 * note and meta is the carrier's English name, as the Shipment Tracking extension names providers.
 */
export const WOOCOMMERCE_CARRIERS: Partial<Record<CarrierCode, string>> = Object.fromEntries(CARRIERS.map((c) => [c, CARRIER_NAMES[c].en]))

export const PLATFORM_CARRIERS: Record<PlatformName, Partial<Record<CarrierCode, string>>> = {
  taobao: TAOBAO_CARRIERS, jd: JD_CARRIERS, pinduoduo: PINDUODUO_CARRIERS, douyin: DOUYIN_CARRIERS, shopify: SHOPIFY_CARRIERS, woocommerce: WOOCOMMERCE_CARRIERS,
}

/** The platform's code of Ordo's carrier `carrier`; a PlatformApiError 'invalid' when the platform has none for it. */
export function platformCarrier(platform: PlatformName, carrier: string): string {
  const table = PLATFORM_CARRIERS[platform]
  const code = Object.hasOwn(table, carrier) ? table[carrier as CarrierCode] : undefined
  if (code === undefined) {
    const known = Object.keys(table).join(', ')
    throw new PlatformApiError('invalid', 'unknown-carrier', `carrier "${carrier}" has no ${platform} logistics company code (known: ${known})`)
  }
  return code
}

/** Ordo's carrier whose `platform` code is `code` (the simulator reads notices back with it). */
export function carrierOfPlatformCode(platform: PlatformName, code: string): CarrierCode | undefined {
  return (Object.entries(PLATFORM_CARRIERS[platform]) as Array<[CarrierCode, string]>).find(([, c]) => c === code)?.[0]
}
