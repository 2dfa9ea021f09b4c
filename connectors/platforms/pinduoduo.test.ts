import { describe, expect, it } from 'vitest'
import { sourceTextOf } from '../../engine/store/json-source-text.ts'
import { fixture, num, ordersOf, refusalOf, withChanges } from './fixtures/fixtures.ts'
import {
  PINDUODUO_CONFIRM_STATUSES, PINDUODUO_GROUP_STATUSES, PINDUODUO_ORDER_STATUSES, PINDUODUO_REFUND_STATUSES, PINDUODUO_RISK_CONTROL_STATUSES, normalize,
} from './pinduoduo.ts'

const sample = fixture('pinduoduo')
const O = '/order_info_get_response/order_info'
const AT = '2026-11-20T02:02:31.000Z'

const orders = (body: string) => ordersOf(normalize, body)
const refused = (body: string) => refusalOf(normalize, body)
const order = (changes: Record<string, unknown>) => orders(withChanges(sample, changes))[0]

describe('Pinduoduo adapter', () => {
  it('normalizes a pdd.order.information.get answer to the order it means', () => {
    const [read] = orders(sample)
    const { raw, ...rest } = read
    expect(rest).toEqual({
      platform: 'pinduoduo',
      platformOrderId: '261120-418265739012345',
      status: 'paid',
      totalAmount: 6960,
      currency: 'CNY',
      customer: { name: '王**', phone: '1386677****' },
      shippingAddress: { country: 'CN', province: '广东省', city: '深圳市', district: '南山区', detail: '某某街道某某路**号' },
      items: [{ sku: 'TOWEL-COTTON-BLUE-2P', platformSkuId: '1234567890123', title: '示例纯棉毛巾 2条装', quantity: 2, unitPrice: 3980 }],
      payment: { channel: 'WEIXIN', status: 'paid', paidAt: '2026-11-20T02:02:29.000Z' },
      presale: false,
      holds: [],
      createdAt: '2026-11-20T02:02:11.000Z',
      updatedAt: AT,
    })
    expect(sourceTextOf(raw)).toBe(sample)
  })

  it('reads yuan sent as JSON numbers from their text: 69.6 is 6960 fen, where 69.6 × 100 is 6959.999999999999', () => {
    expect(69.6 * 100).not.toBe(6960)
    expect(order({}).totalAmount).toBe(6960)
    expect(order({ [`${O}/pay_amount`]: num('0.3') }).totalAmount).toBe(30)
    expect(refused(withChanges(sample, { [`${O}/pay_amount`]: num('1e3') }))).toEqual([{ pointer: `${O}/pay_amount`, reason: expect.stringContaining('"1e3" is written with an exponent') }])
  })

  it.each(Object.entries(PINDUODUO_ORDER_STATUSES))('maps order_status %s', (code, state) => {
    expect(order({ [`${O}/order_status`]: num(code) }).status).toBe(state.status)
  })

  it.each(Object.entries(PINDUODUO_REFUND_STATUSES))('maps refund_status %s', (code, refund) => {
    const read = order({ [`${O}/refund_status`]: num(code) })
    expect(read.status).toBe({ none: 'paid', open: 'refunding', refunded: 'refunded' }[refund])
    expect(read.payment?.status).toBe(refund === 'refunded' ? 'refunded' : 'paid')
  })

  it.each(Object.entries(PINDUODUO_CONFIRM_STATUSES))('maps confirm_status %s', (code, confirm) => {
    expect(order({ [`${O}/confirm_status`]: num(code) }).status).toBe(confirm.cancelled ? 'cancelled' : 'paid')
  })

  it.each(Object.entries(PINDUODUO_GROUP_STATUSES))('maps group_status %s', (code, group) => {
    const read = order({ [`${O}/group_status`]: num(code) })
    expect(read.status).toBe(group.cancelled ? 'cancelled' : 'paid')
    expect(read.holds).toEqual('hold' in group ? [{ ...group.hold, at: AT }] : [])
  })

  it.each(Object.entries(PINDUODUO_RISK_CONTROL_STATUSES))('maps risk_control_status %s', (code, risk) => {
    expect(order({ [`${O}/risk_control_status`]: num(code) }).holds).toEqual('hold' in risk ? [{ ...risk.hold, at: AT }] : [])
  })

  it('holds an order under risk control in the risk pool, and one whose group is forming in the frozen pool, both over paid', () => {
    const read = order({ [`${O}/risk_control_status`]: num('1'), [`${O}/group_status`]: num('0'), [`${O}/confirm_status`]: num('0') })
    expect(read.status).toBe('paid')
    expect(read.holds?.map((h) => h.pool)).toEqual(['frozen', 'risk'])
  })

  it('calls a cancelled order that was paid back refunded', () => {
    expect(order({ [`${O}/group_status`]: num('2'), [`${O}/refund_status`]: num('4') }).status).toBe('refunded')
  })

  it('refuses a status code it does not know, naming the field', () => {
    expect(refused(withChanges(sample, { [`${O}/order_status`]: num('0') }))).toEqual([
      { pointer: `${O}/order_status`, reason: 'is "0", not a Pinduoduo order status Ordo knows (1, 2, 3)' },
    ])
    expect(refused(withChanges(sample, { [`${O}/refund_status`]: num('5') }))[0].pointer).toBe(`${O}/refund_status`)
  })

  it('marks a presale order and a deposit order as presale', () => {
    expect(order({ [`${O}/is_pre_sale`]: num('1') }).presale).toBe(true)
    expect(order({ [`${O}/trade_type`]: num('1') }).presale).toBe(true)
  })

  it('answers a Pinduoduo error answer with what Pinduoduo said', () => {
    expect(refused('{"error_response":{"error_code":10019,"error_msg":"access_token已过期","sub_code":"10019"}}'))
      .toEqual([{ pointer: '/error_response', reason: 'is an error answer from Pinduoduo (error_code 10019: access_token已过期)' }])
  })
})
