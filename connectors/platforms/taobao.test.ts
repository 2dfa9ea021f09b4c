import { describe, expect, it } from 'vitest'
import { sourceTextOf } from '../../engine/store/json-source-text.ts'
import { fixture, num, ordersOf, refusalOf, withChanges } from './fixtures/fixtures.ts'
import { TAOBAO_REFUND_STATUSES, TAOBAO_STEP_TRADE_STATUSES, TAOBAO_TRADE_STATUSES, normalize, readPush } from './taobao.ts'

const sample = fixture('taobao')
const T = '/trade_fullinfo_get_response/trade'
const L = `${T}/orders/order/0`

const orders = (body: string) => ordersOf(normalize, body)
const refused = (body: string) => refusalOf(normalize, body)
const trade = (changes: Record<string, unknown>) => orders(withChanges(sample, changes))[0]

describe('Taobao adapter', () => {
  it('normalizes a trade_fullinfo_get_response to the order it means: yuan in fen, Shanghai times in UTC', () => {
    const [order] = orders(sample)
    const { raw, ...rest } = order
    expect(rest).toEqual({
      platform: 'taobao',
      platformOrderId: '3921847562019384756',
      status: 'paid',
      totalAmount: 54800,
      currency: 'CNY',
      customer: { id: 'AAF7x-EXAMPLE-OPENUID-000001', name: '张**', phone: '*******5678' },
      shippingAddress: { country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', street: '文新街道', detail: '文**路***号*幢***室', postalCode: '310000' },
      items: [{ sku: 'JACKET-01-BLK-L', platformSkuId: '5012345678901', title: '示例羽绒服 男款 轻薄保暖', quantity: 2, unitPrice: 29900 }],
      payment: { status: 'paid', paidAt: '2026-11-10T16:03:40.000Z' },
      presale: false,
      holds: [],
      createdAt: '2026-11-10T16:03:12.000Z',
      updatedAt: '2026-11-10T16:05:02.000Z',
    })
    expect(sourceTextOf(raw)).toBe(sample)
  })

  it('keeps a 19-digit Taobao tid as a string, and the raw payload\'s digits in its kept text', () => {
    const [order] = orders(sample)
    expect(order.platformOrderId).toBe('3921847562019384756')
    expect(String((order.raw as any).trade_fullinfo_get_response.trade.tid)).not.toBe('3921847562019384756') // the parsed value rounds
    expect(sourceTextOf(order.raw)).toContain('"tid": 3921847562019384756')
  })

  it.each(Object.entries(TAOBAO_TRADE_STATUSES))('maps trade status %s', (code, state) => {
    const order = trade({ [`${T}/status`]: code })
    expect(order.status).toBe(state.status)
    expect(order.holds).toEqual('hold' in state ? [{ ...state.hold, at: '2026-11-10T16:05:02.000Z' }] : [])
  })

  it('holds a PAID_FORBID_CONSIGN trade in the risk pool instead of giving it a status of its own', () => {
    const order = trade({ [`${T}/status`]: 'PAID_FORBID_CONSIGN' })
    expect(order.status).toBe('paid')
    expect(order.holds).toEqual([{ pool: 'risk', reason: expect.stringContaining('PAID_FORBID_CONSIGN'), at: order.updatedAt }])
  })

  it('refuses a trade status it does not know with the pointer of the field, never a default', () => {
    expect(refused(withChanges(sample, { [`${T}/status`]: 'TRADE_SOMETHING_NEW' }))).toEqual([
      { pointer: `${T}/status`, reason: expect.stringMatching(/^is "TRADE_SOMETHING_NEW", not a Taobao trade status Ordo knows \(TRADE_NO_CREATE_PAY, /) },
    ])
  })

  it.each(Object.entries(TAOBAO_REFUND_STATUSES))('reads a line\'s refund status %s', (code, refund) => {
    const order = trade({ [`${L}/refund_status`]: code })
    expect(order.status).toBe({ none: 'paid', open: 'refunding', refunded: 'refunded' }[refund])
    expect(order.payment?.status).toBe(refund === 'refunded' ? 'refunded' : 'paid')
  })

  it('keeps the status of a trade one of whose lines was refunded, and says so in the payment', () => {
    const second = { oid: num('3921847562019384758'), num_iid: num('712345678902'), outer_sku_id: 'CAP-01', title: '帽子', price: '19.90', num: num('1'), refund_status: 'SUCCESS' }
    const order = trade({ [`${T}/status`]: 'WAIT_BUYER_CONFIRM_GOODS', [`${T}/orders/order/1`]: second })
    expect(order.status).toBe('shipped')
    expect(order.payment?.status).toBe('partially_refunded')
    expect(order.items[1]).toEqual({ sku: 'CAP-01', platformSkuId: '712345678902', title: '帽子', quantity: 1, unitPrice: 1990 })
  })

  it('refuses a refund status it does not know', () => {
    expect(refused(withChanges(sample, { [`${L}/refund_status`]: 'PENDING' }))[0].pointer).toBe(`${L}/refund_status`)
  })

  it.each(Object.entries(TAOBAO_STEP_TRADE_STATUSES))('marks a step (presale) trade %s as presale, paid only when wholly paid', (code, step) => {
    const order = trade({ [`${T}/type`]: 'step', [`${T}/step_trade_status`]: code, [`${T}/step_paid_fee`]: '100.00' })
    expect(order.presale).toBe(true)
    expect(order.payment?.status).toBe(step.whollyPaid ? 'paid' : 'unpaid')
  })

  it('refuses a step trade status it does not know', () => {
    expect(refused(withChanges(sample, { [`${T}/step_trade_status`]: 'FRONT_PAID' }))[0].pointer).toBe(`${T}/step_trade_status`)
  })

  it('refuses an amount written with an exponent or with more decimals than fen, naming it', () => {
    expect(refused(withChanges(sample, { [`${T}/payment`]: '1e3' }))).toEqual([{ pointer: `${T}/payment`, reason: expect.stringContaining('exponent') }])
    expect(refused(withChanges(sample, { [`${L}/price`]: '299.005' }))).toEqual([{ pointer: `${L}/price`, reason: '"299.005" has 3 decimals; CNY has 2' }])
  })

  it('refuses a time that is not naive Shanghai time, naming it', () => {
    expect(refused(withChanges(sample, { [`${T}/created`]: '2026-11-11T00:03:12+08:00' }))).toEqual([
      { pointer: `${T}/created`, reason: '"2026-11-11T00:03:12+08:00" is not a time "YYYY-MM-DD HH:mm:ss" (Asia/Shanghai)' },
    ])
  })

  it('lists a line without a SKU code under the item\'s code, and one without either under the platform\'s id', () => {
    expect(trade({ [`${L}/outer_sku_id`]: '' }).items[0].sku).toBe('SPU-JACKET-01')
    expect(trade({ [`${L}/outer_sku_id`]: null, [`${L}/outer_iid`]: undefined }).items[0].sku).toBe('5012345678901')
    expect(trade({ [`${L}/outer_sku_id`]: null, [`${L}/outer_iid`]: null, [`${L}/sku_id`]: null }).items[0]).toMatchObject({ sku: '712345678901', platformSkuId: '712345678901' })
  })

  it('refuses a payload that reads as an order the order schema refuses, naming the order\'s field', () => {
    expect(refused(withChanges(sample, { [`${L}/title`]: '长'.repeat(513) }))).toEqual([
      { pointer: '/', reason: 'reads as an order whose /items/0/title must NOT have more than 512 characters' },
    ])
  })

  it('answers a Taobao error answer with what Taobao said', () => {
    const details = refused('{"error_response":{"code":27,"msg":"Invalid session","sub_code":"invalid-sessionkey","sub_msg":"SessionKey非法"}}')
    expect(details).toEqual([{ pointer: '/error_response', reason: 'is an error answer from Taobao (code 27: SessionKey非法)' }])
  })

  it('refuses what is not a trade answer', () => {
    expect(refused('{"trade":{}}')).toEqual([{ pointer: '/', reason: expect.stringContaining('trade_fullinfo_get_response') }])
    expect(refused('[]')).toEqual([{ pointer: '/', reason: 'must be an object' }])
  })

  describe('TMC messages', () => {
    const message = { topic: 'taobao_trade_TradeBuyerPay', content: '{"buyer_nick":"t**1","payment":"548.00","oid":3921847562019384757,"tid":3921847562019384756,"type":"guarantee_trade","seller_nick":"示例旗舰店"}', pub_time: '2026-11-11 00:03:41', user_id: 2200000000001 }

    it('reads a message as the trade to pull, its 19-digit tid whole', () => {
      expect(readPush(JSON.stringify(message))).toEqual({ ok: true, push: { kind: 'pull', orders: [{ platformOrderId: '3921847562019384756', event: 'taobao_trade_TradeBuyerPay' }] } })
      const two = readPush(JSON.stringify([message, { ...message, topic: 'taobao_refund_RefundCreated', content: '{"tid":"1","oid":2,"refund_id":3}' }]))
      expect(two.ok && two.push.kind === 'pull' && two.push.orders.map((o) => o.platformOrderId)).toEqual(['3921847562019384756', '1'])
    })

    it('refuses a message whose content names no trade, naming the content', () => {
      expect(readPush(JSON.stringify({ ...message, content: '{"oid":1}' }))).toEqual({ ok: false, details: [{ pointer: '/content', reason: 'names no order: its JSON has no tid' }] })
      expect(readPush(JSON.stringify([message, { ...message, content: 'tid=1' }]))).toMatchObject({ ok: false, details: [{ pointer: '/1/content', reason: expect.stringContaining('is not JSON text') }] })
    })

    it('does not normalize a message: it carries no order', () => {
      expect(refused(JSON.stringify(message))).toEqual([{ pointer: '/content', reason: expect.stringContaining('naming trade 3921847562019384756; it carries no order') }])
    })
  })
})
