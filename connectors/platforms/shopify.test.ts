import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { sourceTextOf } from '../../engine/store/json-source-text.ts'
import { fixture, ordersOf, refusalOf, withChanges } from './fixtures/fixtures.ts'
import { SHOPIFY_FINANCIAL_STATUSES, SHOPIFY_FULFILLMENT_STATUSES, normalize, readPush, verifyPush } from './shopify.ts'

const sample = fixture('shopify')

const orders = (body: string) => ordersOf(normalize, body)
const refused = (body: string) => refusalOf(normalize, body)
const order = (changes: Record<string, unknown>) => orders(withChanges(sample, changes))[0]
const money = (amount: string, currency_code: string) => ({ shop_money: { amount: '1.00', currency_code: 'USD' }, presentment_money: { amount, currency_code } })

describe('Shopify adapter', () => {
  it('normalizes an order object to the order it means: cents, offset times in UTC, the resource id', () => {
    const [read] = orders(sample)
    const { raw, ...rest } = read
    expect(rest).toEqual({
      platform: 'shopify',
      platformOrderId: '5940139491234',
      status: 'paid',
      totalAmount: 13544,
      currency: 'USD',
      customer: { id: '7012345678901', name: 'Alex Example', email: 'buyer@example.com', phone: '+1 555-010-0000' },
      shippingAddress: { country: 'US', province: 'Illinois', city: 'Springfield', street: '100 Example Street', detail: 'Apt 4', postalCode: '62701' },
      items: [{ sku: 'MUG-CERAMIC-BLK', platformSkuId: '44610569208040', title: 'Ceramic Mug - Black', quantity: 4, unitPrice: 3200 }],
      payment: { channel: 'shopify_payments', status: 'paid' },
      createdAt: '2026-11-20T14:15:30.000Z',
      updatedAt: '2026-11-20T14:15:32.000Z',
    })
    expect(sourceTextOf(raw)).toBe(sample)
  })

  it('reads the REST answer { "order": … } as the order it wraps, pointers included', () => {
    const wrapped = `{"order":${sample}}`
    expect(orders(wrapped)[0].platformOrderId).toBe('5940139491234')
    expect(refused(withChanges(wrapped, { '/order/financial_status': 'maybe' }))[0].pointer).toBe('/order/financial_status')
  })

  it('takes what the buyer paid in the presentment currency, not the shop\'s', () => {
    const read = order({
      '/presentment_currency': 'JPY',
      '/total_price_set': money('20316', 'JPY'),
      '/line_items/0/price_set': money('4800', 'JPY'),
    })
    expect(read).toMatchObject({ currency: 'JPY', totalAmount: 20316, items: [{ unitPrice: 4800 }] })
    const kuwait = order({ '/presentment_currency': 'KWD', '/total_price_set': money('41.635', 'KWD'), '/line_items/0/price_set': money('9.840', 'KWD') })
    expect(kuwait).toMatchObject({ currency: 'KWD', totalAmount: 41635, items: [{ unitPrice: 9840 }] })
  })

  it('refuses shop-currency amounts for an order paid in another currency, and money sets in a third one', () => {
    expect(refused(withChanges(sample, { '/presentment_currency': 'EUR', '/total_price_set': undefined }))).toEqual([
      { pointer: '/total_price_set', reason: "is required: the buyer paid in EUR, and /total_price is in the shop's USD" },
    ])
    expect(refused(withChanges(sample, { '/total_price_set': money('135.44', 'CAD') }))).toEqual([
      { pointer: '/total_price_set/presentment_money/currency_code', reason: 'is CAD, not the presentment_currency USD' },
    ])
    expect(refused(withChanges(sample, { '/presentment_currency': 'XBT' }))).toEqual([{ pointer: '/presentment_currency', reason: 'is "XBT", not an ISO 4217 currency code' }])
    expect(refused(withChanges(sample, { '/presentment_currency': 'JPY', '/total_price_set': money('203.16', 'JPY') }))).toEqual([
      { pointer: '/total_price_set/presentment_money/amount', reason: '"203.16" has 2 decimals; JPY has 0' },
    ])
  })

  it('honours the offsets of times on either side of the New York DST change', () => {
    const read = order({ '/created_at': '2026-11-01T01:30:00-04:00', '/updated_at': '2026-11-01T01:10:00-05:00' })
    expect(read.createdAt).toBe('2026-11-01T05:30:00.000Z')
    expect(read.updatedAt).toBe('2026-11-01T06:10:00.000Z') // 40 minutes later, though the wall clock went back
    expect(refused(withChanges(sample, { '/updated_at': '2026-11-20T09:15:32' }))).toEqual([{ pointer: '/updated_at', reason: '"2026-11-20T09:15:32" is not an ISO 8601 date-time with an offset' }])
  })

  it.each(Object.entries(SHOPIFY_FINANCIAL_STATUSES))('maps financial_status %s while nothing is fulfilled', (code, financial) => {
    const read = order({ '/financial_status': code })
    expect(read.status).toBe(financial.status)
    expect(read.payment?.status).toBe(financial.payment)
  })

  it.each(Object.entries(SHOPIFY_FULFILLMENT_STATUSES))('maps fulfillment_status %s of a paid order', (code, status) => {
    expect(order({ '/fulfillment_status': code }).status).toBe(status)
  })

  it('ships an unpaid order when Shopify fulfilled it (payment due later)', () => {
    expect(order({ '/financial_status': 'pending', '/fulfillment_status': 'fulfilled' })).toMatchObject({ status: 'shipped', payment: { status: 'unpaid' } })
  })

  it('calls a fulfilled order delivered when every shipment is, and completed once Shopify closed it', () => {
    const delivered = [{ id: 1, status: 'success', shipment_status: 'delivered' }, { id: 2, status: 'cancelled', shipment_status: null }]
    expect(order({ '/fulfillment_status': 'fulfilled', '/fulfillments': delivered }).status).toBe('delivered')
    expect(order({ '/fulfillment_status': 'fulfilled', '/fulfillments': [...delivered, { id: 3, status: 'success', shipment_status: 'in_transit' }] }).status).toBe('shipped')
    expect(order({ '/fulfillment_status': 'fulfilled', '/closed_at': '2026-11-25T10:00:00-05:00' }).status).toBe('completed')
  })

  it('reads a cancelled order as cancelled, or refunded when the money went back', () => {
    expect(order({ '/cancelled_at': '2026-11-20T10:00:00-05:00', '/financial_status': 'voided' }).status).toBe('cancelled')
    expect(order({ '/cancelled_at': '2026-11-20T10:00:00-05:00', '/financial_status': 'refunded' })).toMatchObject({ status: 'refunded', payment: { status: 'refunded' } })
    expect(order({ '/financial_status': 'partially_refunded', '/fulfillment_status': 'fulfilled' })).toMatchObject({ status: 'shipped', payment: { status: 'partially_refunded' } })
  })

  it('refuses a status it does not know, naming the field', () => {
    expect(refused(withChanges(sample, { '/financial_status': 'expired' }))).toEqual([{ pointer: '/financial_status', reason: expect.stringMatching(/^is "expired", not a Shopify financial status Ordo knows/) }])
    expect(refused(withChanges(sample, { '/fulfillment_status': 'unfulfilled' }))[0].pointer).toBe('/fulfillment_status')
  })

  it('lists a line without a SKU under its variant, and refuses a custom line that has neither', () => {
    expect(order({ '/line_items/0/sku': '' }).items[0].sku).toBe('44610569208040')
    expect(refused(withChanges(sample, { '/line_items/0/sku': null, '/line_items/0/variant_id': null }))).toEqual([
      { pointer: '/line_items/0/sku', reason: 'is empty and the line has no variant_id: nothing names what was sold' },
    ])
  })

  it('reads a webhook body as the whole order', () => {
    const read = readPush(Buffer.from(sample))
    expect(read.ok && read.push.kind === 'orders' && read.push.orders.map((o) => o.platformOrderId)).toEqual(['5940139491234'])
    expect(readPush('{"id":1}')).toMatchObject({ ok: false, details: [{ pointer: '/' }] })
  })

  describe('webhook signatures', () => {
    const secret = 'shpss_example_webhook_secret'
    const raw = Buffer.from(sample)
    const hmac = (body: Buffer, key = secret) => createHmac('sha256', key).update(body).digest('base64')

    it('accepts the base64 HMAC-SHA256 of the raw body in X-Shopify-Hmac-Sha256', () => {
      expect(verifyPush(raw, { 'x-shopify-hmac-sha256': hmac(raw) }, { webhookSecret: secret })).toEqual({ ok: true })
    })

    it('refuses a signature of another body or key, a missing or doubled header, and a shop without a secret', () => {
      const reformatted = Buffer.from(JSON.stringify(JSON.parse(sample)))
      expect(verifyPush(raw, { 'x-shopify-hmac-sha256': hmac(reformatted) }, { webhookSecret: secret })).toEqual({ ok: false, reason: 'the x-shopify-hmac-sha256 signature does not match the body' })
      expect(verifyPush(raw, { 'x-shopify-hmac-sha256': hmac(raw, 'another') }, { webhookSecret: secret }).ok).toBe(false)
      expect(verifyPush(raw, { 'x-shopify-hmac-sha256': hmac(raw).slice(0, -2) }, { webhookSecret: secret }).ok).toBe(false)
      expect(verifyPush(raw, {}, { webhookSecret: secret })).toEqual({ ok: false, reason: 'the x-shopify-hmac-sha256 header is missing' })
      expect(verifyPush(raw, { 'x-shopify-hmac-sha256': [hmac(raw), hmac(raw)] }, { webhookSecret: secret })).toEqual({ ok: false, reason: 'the x-shopify-hmac-sha256 header is given 2 times' })
      expect(verifyPush(raw, { 'x-shopify-hmac-sha256': hmac(raw, '') }, { webhookSecret: '' })).toEqual({ ok: false, reason: 'the shop has no webhookSecret to check the signature with' })
    })
  })
})
