import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { sourceTextOf } from '../../engine/store/json-source-text.ts'
import { fixture, num, ordersOf, refusalOf, withChanges } from './fixtures/fixtures.ts'
import { WOOCOMMERCE_ORDER_STATUSES, normalize, readPush, verifyPush } from './woocommerce.ts'

const sample = fixture('woocommerce')
const AT = '2026-11-20T15:42:10.000Z'

const orders = (body: string) => ordersOf(normalize, body)
const refused = (body: string) => refusalOf(normalize, body)
const order = (changes: Record<string, unknown>) => orders(withChanges(sample, changes))[0]

describe('WooCommerce adapter', () => {
  it('normalizes an order object to the order it means: cents, the *_gmt times, unit prices before the coupon', () => {
    const [read] = orders(sample)
    const { raw, ...rest } = read
    expect(rest).toEqual({
      platform: 'woocommerce',
      platformOrderId: '7215',
      status: 'paid',
      totalAmount: 5938,
      currency: 'EUR',
      customer: { id: '318', name: 'Sam Example', email: 'sam@example.com', phone: '+49 30 000000' },
      shippingAddress: { country: 'DE', province: 'BE', city: 'Berlin', street: 'Beispielstrasse 12', postalCode: '10115' },
      // subtotal "50.00" for 2, before the "autumn5" coupon (the line's price 22.5 is after it)
      items: [{ sku: 'TOWEL-LINEN-NAT', platformSkuId: '1047', title: 'Linen Tea Towel - Natural', quantity: 2, unitPrice: 2500 }],
      payment: { channel: 'stripe', status: 'paid', paidAt: AT },
      holds: [],
      createdAt: '2026-11-20T15:42:08.000Z',
      updatedAt: AT,
    })
    expect(sourceTextOf(raw)).toBe(sample)
  })

  it('reads the UTC *_gmt times, not the site\'s wall clock, on either side of a DST change', () => {
    // Berlin, 25 October 2026: 02:30 CEST (+02:00) and, an hour later, 02:30 CET (+01:00) again.
    const read = order({ '/date_created': '2026-10-25T02:30:00', '/date_created_gmt': '2026-10-25T00:30:00', '/date_modified': '2026-10-25T02:30:00', '/date_modified_gmt': '2026-10-25T01:30:00' })
    expect([read.createdAt, read.updatedAt]).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z'])
    expect(refused(withChanges(sample, { '/date_created_gmt': undefined }))).toEqual([{ pointer: '/date_created_gmt', reason: 'is required' }])
  })

  it.each(Object.entries(WOOCOMMERCE_ORDER_STATUSES))('maps status %s (unpaid)', (code, state) => {
    const read = order({ '/status': code, '/date_paid_gmt': null })
    expect(read.status).toBe(state.status)
    expect(read.holds).toEqual('hold' in state ? [{ ...state.hold, at: AT }] : [])
  })

  it('holds an order put on hold after payment in the frozen pool, paid', () => {
    expect(order({ '/status': 'on-hold' })).toMatchObject({ status: 'paid', payment: { status: 'paid' }, holds: [{ pool: 'frozen', at: AT }] })
  })

  it('says a failed payment failed', () => {
    expect(order({ '/status': 'failed', '/date_paid_gmt': null })).toMatchObject({ status: 'pending_payment', payment: { status: 'failed' } })
  })

  it('reads refund lines\' negative totals as money paid back', () => {
    expect(order({ '/status': 'completed', '/refunds': [{ id: 7300, reason: 'damaged', total: '-5.00' }] }).payment?.status).toBe('partially_refunded')
    expect(order({ '/status': 'completed', '/refunds': [{ id: 7300, reason: '', total: '-50.00' }, { id: 7301, reason: '', total: '-9.38' }] }).payment?.status).toBe('refunded')
    expect(order({ '/status': 'refunded' })).toMatchObject({ status: 'refunded', payment: { status: 'refunded' } })
    expect(refused(withChanges(sample, { '/refunds': [{ id: 1, total: '-5.0.0' }] }))[0].pointer).toBe('/refunds/0/total')
  })

  it('refuses a status it does not know, naming the field', () => {
    expect(refused(withChanges(sample, { '/status': 'shipped' }))).toEqual([{ pointer: '/status', reason: expect.stringMatching(/^is "shipped", not a WooCommerce order status Ordo knows \(checkout-draft, pending, /) }])
  })

  it('shares a subtotal over the units, with tax when the shop lists prices with tax, and in the order\'s currency', () => {
    expect(order({ '/line_items/0/subtotal': '10.00', '/line_items/0/quantity': num('3') }).items[0].unitPrice).toBe(333)
    expect(order({ '/prices_include_tax': true }).items[0].unitPrice).toBe(2975)
    expect(order({ '/currency': 'JPY', '/total': '5938', '/line_items/0/subtotal': '5000', '/line_items/0/subtotal_tax': '950' })).toMatchObject({ currency: 'JPY', totalAmount: 5938, items: [{ unitPrice: 2500 }] })
    expect(refused(withChanges(sample, { '/currency': 'EURO' }))).toEqual([{ pointer: '/currency', reason: 'is "EURO", not an ISO 4217 currency code' }])
  })

  it('lists a line without a SKU under its variation, else its product', () => {
    expect(order({ '/line_items/0/sku': '' }).items[0].sku).toBe('1047')
    expect(order({ '/line_items/0/sku': '', '/line_items/0/variation_id': num('0') }).items[0]).toMatchObject({ sku: '1044', platformSkuId: '1044' })
  })

  it('reads a webhook body as the whole order, and the webhook_id form a ping', () => {
    const read = readPush(Buffer.from(sample))
    expect(read.ok && read.push.kind === 'orders' && read.push.orders[0].platformOrderId).toBe('7215')
    expect(readPush(Buffer.from('webhook_id=42'))).toEqual({ ok: true, push: { kind: 'ping' } })
  })

  describe('webhook signatures', () => {
    const secret = 'wc-webhook-secret-example'
    const raw = Buffer.from(sample)
    const hmac = (body: Buffer, key = secret) => createHmac('sha256', key).update(body).digest('base64')

    it('accepts the base64 HMAC-SHA256 of the raw body in X-WC-Webhook-Signature', () => {
      expect(verifyPush(raw, { 'x-wc-webhook-signature': hmac(raw) }, { webhookSecret: secret })).toEqual({ ok: true })
    })

    it('refuses a wrong or missing signature', () => {
      expect(verifyPush(raw, { 'x-wc-webhook-signature': hmac(raw, 'wrong') }, { webhookSecret: secret })).toEqual({ ok: false, reason: 'the x-wc-webhook-signature signature does not match the body' })
      expect(verifyPush(raw, { 'x-shopify-hmac-sha256': hmac(raw) }, { webhookSecret: secret })).toEqual({ ok: false, reason: 'the x-wc-webhook-signature header is missing' })
    })
  })
})
