import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { backoffDelay } from './channel-connection.ts'
import { pinduoduoChannelSign, topSign } from './channel-signing.ts'
import { jdAck, jdConnectParams, readJdFrame } from './jd-channel.ts'
import { pinduoduoAck, readPinduoduoFrame } from './pinduoduo-channel.ts'
import { decodeTmcFrame, encodeTmcFrame, readTmcData, TMC_KINDS, TMC_MESSAGE_TYPES, tmcConnectParams, tmcIdText } from './tmc-channel.ts'

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex')

describe('connect signatures', () => {
  it('TOP style: MD5 of secret, the parameters sorted by name as name+value, secret; upper-case hex', () => {
    expect(topSign({ timestamp: '1764651600000', app_key: '12345678', group_name: 'default' }, 'secret'))
      .toBe(md5('secretapp_key12345678group_namedefaulttimestamp1764651600000secret').toUpperCase())
  })

  it('TOP style leaves empty parameters out', () => {
    expect(topSign({ a: '1', b: '' }, 's')).toBe(md5('sa1s').toUpperCase())
  })

  it('TMC signs its connect over app_key, group_name and timestamp', () => {
    const params = tmcConnectParams('12345678', 'default', 1764651600000, 'secret')
    expect(params).toEqual({ app_key: '12345678', group_name: 'default', timestamp: '1764651600000', sign: topSign({ app_key: '12345678', group_name: 'default', timestamp: '1764651600000' }, 'secret') })
  })

  it('JD signs its connect over app_key, access_token, timestamp and v', () => {
    const params = jdConnectParams('jd-app', 'jd-token', 1764651600000, 'jd-secret')
    expect(params.sign).toBe(md5('jd-secretaccess_tokenjd-tokenapp_keyjd-apptimestamp1764651600000v2.0jd-secret').toUpperCase())
  })

  it('Pinduoduo: base64 of the lower-case hex MD5 of client_id + timestamp + client_secret', () => {
    expect(pinduoduoChannelSign('client', '1764651600000', 'secret')).toBe(Buffer.from(md5('client1764651600000secret')).toString('base64'))
  })
})

describe('reconnect backoff', () => {
  const settings = { initialMs: 1000, maxMs: 60_000 }

  it('doubles from the initial wait, each drawn between half and all of it', () => {
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(settings, attempt, () => 0))).toEqual([500, 1000, 2000, 4000])
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(settings, attempt, () => 1))).toEqual([1000, 2000, 4000, 8000])
  })

  it('never waits longer than the ceiling', () => {
    expect(backoffDelay(settings, 30, () => 1)).toBe(60_000)
    expect(backoffDelay(settings, 30, () => 0)).toBe(30_000)
  })
})

describe('the TMC wire format', () => {
  it('carries a data message with a 64-bit message id exactly', () => {
    const frame = {
      messageType: TMC_MESSAGE_TYPES.send, token: 'token-1',
      content: { __kind: TMC_KINDS.data, id: 9_123_456_789_012_345_678n, topic: 'taobao_trade_TradeBuyerPay', content: '{"tid":3921847562019384756}', time: new Date('2026-12-02T05:00:00Z'), nick: '店', count: 300, big: 70000, none: null },
    }
    const read = decodeTmcFrame(encodeTmcFrame(frame))
    expect(read).toEqual(frame)
    expect(tmcIdText(read.content.id)).toBe('9123456789012345678')
  })

  it('carries a connectack status', () => {
    const refused = decodeTmcFrame(encodeTmcFrame({ messageType: TMC_MESSAGE_TYPES.connectAck, statusCode: 401, statusPhrase: 'invalid sign', content: {} }))
    expect(refused).toMatchObject({ messageType: 1, statusCode: 401, statusPhrase: 'invalid sign' })
  })

  it('writes the SDKs\' layout: version, type, headers of int16 type, little-endian counted strings, an end header', () => {
    const bytes = encodeTmcFrame({ messageType: TMC_MESSAGE_TYPES.send, content: { __kind: 2 } })
    expect([...bytes]).toEqual([2, 2, 1, 0, 6, 0, 0, 0, ...Buffer.from('__kind'), 2, 2, 0, 0])
  })

  it('refuses bytes cut short, or of another protocol version', () => {
    const bytes = encodeTmcFrame({ messageType: 2, content: { topic: 'taobao_trade_TradeChanged' } })
    expect(() => decodeTmcFrame(bytes.subarray(0, bytes.length - 5))).toThrow(/cut short/)
    expect(() => decodeTmcFrame(Buffer.from([1, 2, 0, 0]))).toThrow(/version 1/)
  })

  it('reads the trade a data message names, its tid losslessly', () => {
    const frame = { messageType: 2, content: { __kind: 3, id: 1n, topic: 'taobao_trade_TradeChanged', content: '{"buyer_nick":"b","tid":3921847562019384756,"status":"WAIT_SELLER_SEND_GOODS"}' } }
    expect(readTmcData(frame)).toEqual({ ok: true, refs: [{ platformOrderId: '3921847562019384756', event: 'taobao_trade_TradeChanged' }] })
  })

  it('reads a refund message as the trade it belongs to', () => {
    const frame = { messageType: 2, content: { __kind: 3, id: 1n, topic: 'taobao_refund_RefundCreated', content: '{"refund_id":12,"tid":3921847562019384756,"oid":3921847562019384757}' } }
    expect(readTmcData(frame)).toEqual({ ok: true, refs: [{ platformOrderId: '3921847562019384756', event: 'taobao_refund_RefundCreated' }] })
  })

  it('reads an item message as naming no order', () => {
    expect(readTmcData({ messageType: 2, content: { topic: 'taobao_item_ItemUpdate', content: '{"num_iid":1}' } })).toEqual({ ok: true, refs: [] })
  })

  it('says what it cannot read in a trade message', () => {
    const reading = readTmcData({ messageType: 2, content: { topic: 'taobao_trade_TradeChanged', content: '{"status":"x"}' } })
    expect(reading).toEqual({ ok: false, reason: expect.stringContaining('no tid') })
  })
})

describe('Pinduoduo message frames', () => {
  const common = (id: string, content: string, type = 'pdd_trade_TradeConfirmed') =>
    `{"commandType":"Common","id":${id},"sendTime":1764651600000,"message":{"type":"${type}","mallID":123456,"content":${JSON.stringify(content)}}}`

  it('reads the order a Common message names, and its 64-bit id as written', () => {
    expect(readPinduoduoFrame(common('7000000000000000001', '{"tid":"261202-392184756201938","mall_id":123456}'))).toEqual({
      kind: 'message', id: '7000000000000000001', idJson: '7000000000000000001', type: 'pdd_trade_TradeConfirmed',
      refs: [{ platformOrderId: '261202-392184756201938', event: 'pdd_trade_TradeConfirmed' }],
    })
  })

  it('acknowledges with the same id digits', () => {
    expect(JSON.parse(pinduoduoAck('7000000000000000001', 1764651600000).replace(/"id":(\d+)/, '"id":"$1"'))).toEqual({ commandType: 'Ack', id: '7000000000000000001', sendTime: 1764651600000 })
  })

  it('reads heartbeats, and messages of other topics as naming no order', () => {
    expect(readPinduoduoFrame('{"commandType":"HeartBeat","time":1}')).toEqual({ kind: 'heartbeat' })
    expect(readPinduoduoFrame(common('5', '{"goods_id":1}', 'pdd_goods_GoodsChanged'))).toMatchObject({ kind: 'message', id: '5', refs: [] })
  })

  it('keeps the id of a message it cannot read, so it can be acknowledged and dropped', () => {
    expect(readPinduoduoFrame(common('5', 'not json'))).toMatchObject({ kind: 'unreadable', id: '5', idJson: '5', reason: expect.stringContaining('/message/content') })
    expect(readPinduoduoFrame('{"commandType":')).toMatchObject({ kind: 'unreadable' })
    expect(readPinduoduoFrame('{"commandType":"Common"}')).toEqual({ kind: 'unreadable', reason: '/id is required' })
  })
})

describe('JD message frames', () => {
  it('reads the order a message names, its orderId and id losslessly', () => {
    const text = `{"type":"message","id":9000000000000000009,"topic":"jd_order_pay","content":${JSON.stringify('{"orderId":3100000000000000001,"venderId":1}')},"pubTime":1}`
    expect(readJdFrame(text)).toEqual({ kind: 'message', id: '9000000000000000009', idJson: '9000000000000000009', topic: 'jd_order_pay', refs: [{ platformOrderId: '3100000000000000001', event: 'jd_order_pay' }] })
    expect(jdAck('9000000000000000009')).toBe('{"type":"ack","id":9000000000000000009}')
  })

  it('keeps a string id quoted in its ack', () => {
    const frame = readJdFrame(`{"type":"message","id":"m-1","topic":"jd_order_pay","content":"{\\"orderId\\":\\"42\\"}"}`)
    expect(frame).toMatchObject({ kind: 'message', idJson: '"m-1"', refs: [{ platformOrderId: '42' }] })
  })

  it('reads a message without an orderId as naming no order, and a broken one as unreadable with its id', () => {
    expect(readJdFrame('{"type":"message","id":1,"topic":"jd_ware_change","content":"{\\"wareId\\":1}"}')).toMatchObject({ kind: 'message', refs: [] })
    expect(readJdFrame('{"type":"message","id":1,"topic":"jd_order_pay","content":"{\\"orderId\\":1.5}"}')).toMatchObject({ kind: 'unreadable', id: '1', reason: expect.stringContaining('orderId') })
    expect(readJdFrame('{"type":"notice"}')).toEqual({ kind: 'other', type: 'notice' })
  })
})
