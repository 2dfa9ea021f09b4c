import { describe, expect, it } from 'vitest'
import { sourceTextOf } from '../../engine/store/json-source-text.ts'
import { fixture, ordersOf, refusalOf, withChanges } from './fixtures/fixtures.ts'
import { JD_ORDER_STATES, normalize } from './jd.ts'

const sample = fixture('jd')
const O = '/jingdong_pop_order_get_responce/orderDetailInfo/orderInfo'

const orders = (body: string) => ordersOf(normalize, body)
const refused = (body: string) => refusalOf(normalize, body)
const order = (changes: Record<string, unknown>) => orders(withChanges(sample, changes))[0]

describe('JD adapter', () => {
  it('normalizes a jingdong.pop.order.get answer to the order it means: what the buyer pays, in fen, Shanghai times in UTC', () => {
    const [read] = orders(sample)
    const { raw, ...rest } = read
    expect(rest).toEqual({
      platform: 'jd',
      platformOrderId: '298765432101',
      status: 'paid',
      totalAmount: 124800,
      currency: 'CNY',
      customer: { id: 'EXAMPLE-OPEN-ID-BUYER-0001', name: '李*', phone: '138****0000' },
      shippingAddress: { country: 'CN', province: '北京', city: '朝阳区', district: '三环到四环之间', detail: '北京朝阳区三环到四环之间某某路*号院*号楼' },
      items: [{ sku: 'KETTLE-1.7L-WHT', platformSkuId: '100012345678', title: '示例电热水壶 1.7L 白色', quantity: 2, unitPrice: 64900 }],
      payment: { channel: '4-在线支付', status: 'paid', paidAt: '2026-11-20T13:14:33.000Z' },
      holds: [],
      createdAt: '2026-11-20T13:14:05.000Z',
      updatedAt: '2026-11-20T13:15:10.000Z',
    })
    expect(sourceTextOf(raw)).toBe(sample)
  })

  it.each(Object.entries(JD_ORDER_STATES))('maps order state %s', (code, state) => {
    const read = order({ [`${O}/orderState`]: code })
    expect(read.status).toBe(state.status)
    expect(read.holds).toEqual('hold' in state ? [{ ...state.hold, at: '2026-11-20T13:15:10.000Z' }] : [])
  })

  it('holds a locked or paused order in the frozen pool over its paid status', () => {
    expect(order({ [`${O}/orderState`]: 'LOCKED' })).toMatchObject({ status: 'paid', holds: [{ pool: 'frozen', reason: expect.stringContaining('LOCKED') }] })
  })

  it('refuses an order state it does not know, naming the field', () => {
    expect(refused(withChanges(sample, { [`${O}/orderState`]: 'UN_KNOWN' }))).toEqual([
      { pointer: `${O}/orderState`, reason: expect.stringMatching(/^is "UN_KNOWN", not a JD order state Ordo knows/) },
    ])
  })

  it('reads quantities JD writes as strings, and refuses one that is not a whole number', () => {
    expect(order({ [`${O}/itemInfoList/0/itemTotal`]: '12' }).items[0].quantity).toBe(12)
    expect(refused(withChanges(sample, { [`${O}/itemInfoList/0/itemTotal`]: '1.5' }))).toEqual([{ pointer: `${O}/itemInfoList/0/itemTotal`, reason: 'must be a non-negative integer (got "1.5")' }])
    expect(refused(withChanges(sample, { [`${O}/itemInfoList/0/itemTotal`]: '0' }))).toEqual([{ pointer: `${O}/itemInfoList/0/itemTotal`, reason: 'must be at least 1' }])
  })

  it('leaves a cash-on-delivery order unpaid until JD confirms the payment', () => {
    expect(order({ [`${O}/payType`]: '1-货到付款', [`${O}/paymentConfirmTime`]: '' }).payment).toEqual({ channel: '1-货到付款', status: 'unpaid' })
  })

  it('refuses a negative amount and an answer JD marks as an error', () => {
    expect(refused(withChanges(sample, { [`${O}/orderPayment`]: '-1248.00' }))).toEqual([{ pointer: `${O}/orderPayment`, reason: 'must not be negative (got -1248.00)' }])
    expect(refused(withChanges(sample, { '/jingdong_pop_order_get_responce/code': '10100' }))[0].pointer).toBe('/jingdong_pop_order_get_responce/code')
    expect(refused('{"error_response":{"code":"19","zh_desc":"token已过期或者不存在","en_desc":"Invalid access_token"}}'))
      .toEqual([{ pointer: '/error_response', reason: 'is an error answer from JD (code 19: token已过期或者不存在)' }])
  })
})
