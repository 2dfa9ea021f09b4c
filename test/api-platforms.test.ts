import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fixture, withChanges } from '../connectors/platforms/fixtures/fixtures.ts'
import { platformAdapters, type PlatformName } from '../connectors/platforms/index.ts'
import { createHarness, type Harness } from './harness.ts'

describe('POST /api/platforms/:platform/normalize', () => {
  let h: Harness
  beforeEach(async () => { h = await createHarness() })
  afterEach(() => h.close())

  /** Posts `text` as the body, byte for byte (h.api would re-serialise an object and round its 64-bit numbers). */
  const normalize = (platform: string, text: string, token: string | null = h.adminToken) =>
    h.app.inject({
      method: 'POST', url: `/api/platforms/${platform}/normalize`, payload: text,
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    })

  it.each(Object.keys(platformAdapters) as PlatformName[])('answers %s\'s sample payload with the order the adapter reads from it', async (platform) => {
    const res = await normalize(platform, fixture(platform))
    expect(res.statusCode).toBe(200)
    const read = platformAdapters[platform].normalize(fixture(platform))
    if (!read.ok) throw new Error('the sample does not normalize')
    const { orders } = res.json()
    expect(orders).toHaveLength(1)
    expect(orders[0].platform).toBe(platform)
    expect({ ...orders[0], raw: undefined }).toEqual({ ...read.orders[0], raw: undefined })
  })

  it('keeps a 19-digit Taobao tid as a string, and answers the raw payload as the text it arrived as', async () => {
    const text = fixture('taobao')
    const res = await normalize('taobao', text)
    expect(res.json().orders[0].platformOrderId).toBe('3921847562019384756')
    expect(res.body).toContain(`"raw":${text}`)
    expect(res.body).toContain('"tid": 3921847562019384756')
  })

  it('lets operators and admins normalize, and nobody else', async () => {
    expect((await normalize('jd', fixture('jd'), await h.tokenFor('operator'))).statusCode).toBe(200)
    for (const role of ['approver', 'designer'] as const) {
      const res = await normalize('jd', fixture('jd'), await h.tokenFor(role))
      expect(res.statusCode, role).toBe(403)
      expect(res.json().message).toBe(`role ${role} may not POST /api/platforms/:platform/normalize; needs one of admin, operator`)
    }
    expect((await normalize('jd', fixture('jd'), null)).statusCode).toBe(401)
  })

  it('answers 400 naming the payload\'s field it cannot read: an unknown status by its pointer', async () => {
    const res = await normalize('taobao', withChanges(fixture('taobao'), { '/trade_fullinfo_get_response/trade/status': 'TRADE_SOMETHING_NEW' }))
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({
      statusCode: 400, error: 'Bad Request',
      details: [{ pointer: '/trade_fullinfo_get_response/trade/status', reason: expect.stringMatching(/^is "TRADE_SOMETHING_NEW", not a Taobao trade status Ordo knows/) }],
    })
  })

  it('answers 400 for money it will not read through a float, and for what is not a payload of the platform', async () => {
    const money = await normalize('shopify', withChanges(fixture('shopify'), { '/total_price_set/presentment_money/amount': '1.354e2' }))
    expect(money.json().details).toEqual([{ pointer: '/total_price_set/presentment_money/amount', reason: expect.stringContaining('exponent') }])
    const other = await normalize('douyin', fixture('jd'))
    expect(other.statusCode).toBe(400)
    expect(other.json().details).toEqual([{ pointer: '/', reason: 'is not an order.orderDetail answer: it has no data.shop_order_detail' }])
    const scalar = await normalize('jd', '"an order"')
    expect(scalar.statusCode).toBe(400)
    const broken = await normalize('jd', '{"jingdong_pop_order_get_responce":')
    expect(broken.json().details[0].pointer).toBe('/')
  })

  it('answers 404 for a platform it has no adapter for', async () => {
    for (const platform of ['amazon', 'manual', 'constructor']) {
      const res = await normalize(platform, fixture('jd'))
      expect(res.statusCode, platform).toBe(404)
      expect(res.json().message).toBe(`no platform ${platform}; platforms: shopify, woocommerce, douyin, taobao, jd, pinduoduo`)
    }
  })

  it('stores nothing', async () => {
    for (const platform of Object.keys(platformAdapters)) await normalize(platform, fixture(platform as PlatformName))
    expect((await h.api('GET', '/api/orders')).json().items).toEqual([])
    expect((await h.api('GET', '/api/audit')).json().items).toEqual([])
  })

  it('answers orders POST /api/orders takes as they are, their holds and raw digits with them', async () => {
    const held = await normalize('taobao', withChanges(fixture('taobao'), { '/trade_fullinfo_get_response/trade/status': 'PAID_FORBID_CONSIGN' }))
    const text = held.body.slice('{"orders":['.length, -']}'.length)
    const res = await h.app.inject({ method: 'POST', url: '/api/orders', payload: text, headers: { 'content-type': 'application/json', authorization: `Bearer ${h.adminToken}` } })
    expect(res.statusCode).toBe(200)
    const stored = (await h.api('GET', `/api/orders/${res.json().results[0].id}`)).body
    expect(JSON.parse(stored).order.holds).toEqual([{ pool: 'risk', reason: expect.stringContaining('PAID_FORBID_CONSIGN'), at: '2026-11-10T16:05:02.000Z' }])
    expect(stored).toContain('"tid":3921847562019384756')
  })
})
