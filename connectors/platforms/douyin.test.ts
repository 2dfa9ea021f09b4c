import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { sourceTextOf } from '../../engine/store/json-source-text.ts'
import { fixture, num, ordersOf, refusalOf, withChanges } from './fixtures/fixtures.ts'
import { DOUYIN_MAIN_STATUSES, DOUYIN_ORDER_STATUSES, DOUYIN_REFUND_STATUSES, normalize, readPush, verifyPush } from './douyin.ts'

const sample = fixture('douyin')
const O = '/data/shop_order_detail'
const L = `${O}/sku_order_list/0`
const AT = '2026-11-20T02:16:00.000Z'

const orders = (body: string) => ordersOf(normalize, body)
const refused = (body: string) => refusalOf(normalize, body)
const order = (changes: Record<string, unknown>) => orders(withChanges(sample, changes))[0]

describe('Douyin adapter', () => {
  it('normalizes an order.orderDetail answer to the order it means: fen as sent, Unix seconds in UTC', () => {
    const [read] = orders(sample)
    const { raw, ...rest } = read
    expect(rest).toEqual({
      platform: 'douyin',
      platformOrderId: '6931234567890123456',
      status: 'paid',
      totalAmount: 23800,
      currency: 'CNY',
      customer: { id: '1@#EXAMPLEOPENIDxxxxxxxxxxxxxxxx' },
      shippingAddress: { country: 'CN', province: '上海市', city: '上海市', district: '浦东新区', street: '花木街道' },
      items: [{ sku: 'CUP-500-WHT', platformSkuId: '3410000000000001', title: '示例保温杯 500ml', quantity: 2, unitPrice: 12900 }],
      payment: { channel: 'wechat', status: 'paid', paidAt: '2026-11-20T02:15:51.000Z' },
      presale: false,
      holds: [],
      createdAt: '2026-11-20T02:15:30.000Z',
      updatedAt: AT,
    })
    expect(sourceTextOf(raw)).toBe(sample)
  })

  it('keeps a 19-digit order id as a string when Douyin sends it as a JSON number', () => {
    expect(order({ [`${O}/order_id`]: num('6931234567890123456') }).platformOrderId).toBe('6931234567890123456')
    expect(order({ [`${L}/sku_id`]: num('3410000000000000017') }).items[0].platformSkuId).toBe('3410000000000000017')
  })

  it('never shows the encrypted receiver as a name or phone; the masked ones are shown', () => {
    expect(order({}).customer).toEqual({ id: '1@#EXAMPLEOPENIDxxxxxxxxxxxxxxxx' })
    const masked = order({ [`${O}/mask_post_receiver`]: '刘**', [`${O}/mask_post_tel`]: '138****0000', [`${O}/mask_post_addr`]: { detail: '花木路***号' } })
    expect(masked.customer).toEqual({ id: '1@#EXAMPLEOPENIDxxxxxxxxxxxxxxxx', name: '刘**', phone: '138****0000' })
    expect(masked.shippingAddress?.detail).toBe('花木路***号')
  })

  it.each(Object.entries(DOUYIN_MAIN_STATUSES))('maps main_status %s', (code, state) => {
    const read = order({ [`${O}/main_status`]: num(code) })
    expect(read.status).toBe(state.status)
    expect(read.holds).toEqual('hold' in state ? [{ ...state.hold, at: AT }] : [])
  })

  it.each(Object.entries(DOUYIN_ORDER_STATUSES))('maps order_status %s when there is no main_status', (code, state) => {
    expect(order({ [`${O}/main_status`]: undefined, [`${O}/order_status`]: num(code) }).status).toBe(state.status)
  })

  it('holds a paid order the platform keeps back for risk control (105) in the risk pool', () => {
    expect(order({ [`${O}/main_status`]: num('105'), [`${O}/order_status`]: num('105') })).toMatchObject({
      status: 'paid', holds: [{ pool: 'risk', reason: expect.stringContaining('risk control'), at: AT }],
    })
  })

  it('tells a refunded order from a cancelled one by main_status, where order_status says only 4', () => {
    expect(order({ [`${O}/main_status`]: num('22'), [`${O}/order_status`]: num('4') })).toMatchObject({ status: 'refunded', payment: { status: 'refunded' } })
    expect(order({ [`${O}/main_status`]: num('4'), [`${O}/order_status`]: num('4') }).status).toBe('cancelled')
  })

  it('refuses a status code it does not know, naming the field', () => {
    expect(refused(withChanges(sample, { [`${O}/main_status`]: num('999') }))).toEqual([
      { pointer: `${O}/main_status`, reason: expect.stringMatching(/^is "999", not a Douyin main status Ordo knows/) },
    ])
  })

  it.each(Object.entries(DOUYIN_REFUND_STATUSES))('reads a line\'s refund_status %s', (code, refund) => {
    const read = order({ [`${L}/after_sale_info/refund_status`]: num(code) })
    expect(read.status).toBe({ none: 'paid', open: 'refunding', refunded: 'refunded' }[refund])
  })

  it('takes amounts as integer fen and refuses yuan', () => {
    expect(refused(withChanges(sample, { [`${O}/pay_amount`]: '238.00' }))).toEqual([{ pointer: `${O}/pay_amount`, reason: 'must be a non-negative integer (got "238.00")' }])
  })

  it('marks presale orders', () => {
    expect(order({ [`${L}/pre_sale_type`]: num('1') }).presale).toBe(true)
    expect(order({ [`${O}/trade_type`]: num('2') }).presale).toBe(true)
  })

  it('leaves an order unpaid while pay_time is 0', () => {
    expect(order({ [`${O}/main_status`]: num('1'), [`${O}/pay_time`]: num('0') })).toMatchObject({ status: 'pending_payment', payment: { channel: 'wechat', status: 'unpaid' } })
  })

  it('answers a Douyin error answer with what Douyin said', () => {
    expect(refused('{"code":40004,"msg":"参数错误","sub_code":"isv.parameter-invalid","sub_msg":"订单不存在","data":{}}'))
      .toEqual([{ pointer: '/code', reason: 'is 40004: Douyin answered with an error (订单不存在), not an order' }])
  })

  describe('message pushes', () => {
    const body = '[{"tag":"101","msg_id":"7000000000000000001","data":"{\\"p_id\\":6931234567890123456,\\"s_ids\\":[6931234567890123457],\\"shop_id\\":1234567,\\"order_status\\":2,\\"pay_time\\":1795140951}"}]'
    const credentials = { appKey: '7000000000000000000', appSecret: 'app-secret-example' }
    const signed = (raw: string, key = credentials.appKey, secret = credentials.appSecret) => createHash('md5').update(key + raw + secret).digest('hex')
    const headers = (sign: string | undefined, extra: Record<string, string> = {}) => ({ 'app-id': credentials.appKey, ...(sign === undefined ? {} : { 'event-sign': sign }), ...extra })

    it('reads a push as the orders to pull, the 19-digit p_id whole', () => {
      expect(readPush(body)).toEqual({ ok: true, push: { kind: 'pull', orders: [{ platformOrderId: '6931234567890123456', event: '101' }] } })
    })

    it('refuses a message whose data names no order, naming the data', () => {
      expect(readPush('[{"tag":"101","msg_id":"1","data":"{}"}]')).toEqual({ ok: false, details: [{ pointer: '/0/data', reason: 'names no order: its JSON has no p_id' }] })
    })

    it('does not normalize a push: it carries no order', () => {
      expect(refused(body)).toEqual([{ pointer: '/', reason: expect.stringContaining('naming order 6931234567890123456; it carries no order') }])
    })

    it('accepts the hex MD5 of appKey + raw body + appSecret', () => {
      expect(verifyPush(Buffer.from(body), headers(signed(body)), credentials)).toEqual({ ok: true })
      expect(verifyPush(Buffer.from(body), headers(signed(body).toUpperCase(), { 'sign-method': 'MD5' }), credentials)).toEqual({ ok: true })
    })

    it('refuses a wrong, missing or foreign signature', () => {
      const raw = Buffer.from(body)
      expect(verifyPush(raw, headers(signed(body, credentials.appKey, 'another-secret')), credentials)).toEqual({ ok: false, reason: 'the event-sign signature does not match the body' })
      expect(verifyPush(Buffer.from(body.replace('101', '102')), headers(signed(body)), credentials).ok).toBe(false)
      expect(verifyPush(raw, headers(undefined), credentials)).toEqual({ ok: false, reason: 'the event-sign header is missing' })
      expect(verifyPush(raw, { 'event-sign': signed(body) }, credentials)).toEqual({ ok: false, reason: 'the app-id header is missing' })
      expect(verifyPush(raw, { ...headers(signed(body)), 'app-id': 'another-app' }, credentials)).toEqual({ ok: false, reason: 'the app-id header names another app' })
      expect(verifyPush(raw, headers(signed(body), { 'sign-method': 'hmac-sha256' }), credentials)).toEqual({ ok: false, reason: 'sign-method hmac-sha256 is not supported (only md5)' })
    })
  })
})
