import { createHash, createHmac } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runNode, sampleOrder, startTestServer, type ReceivedRequest, type TestReply, type TestServer } from '../sdk/testing.ts'
import sms from './notify.sms.node.ts'

const KEY_ID = 'LTAI5tTestKeyId0001'
const KEY_SECRET = 'aliyun-access-key-secret-Zx9'
const GATEWAY_SECRET = `whsec_${Buffer.from('gateway-signing-key-0123456789ab').toString('base64')}`

// --- Aliyun's side, written from its documentation and independent of the node's code. ---

/** RFC 3986: unreserved characters (A-Z a-z 0-9 - _ . ~) as they are, every other UTF-8 byte as %XX. */
function rfc3986(value: string): string {
  let out = ''
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte)
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** Aliyun RPC signature v1 as its documentation computes it. */
function aliyunSign(method: string, params: Record<string, string>, secret: string): string {
  const canonical = Object.keys(params).filter((k) => k !== 'Signature').sort().map((k) => `${rfc3986(k)}=${rfc3986(params[k]!)}`).join('&')
  return createHmac('sha1', `${secret}&`).update(`${method}&${rfc3986('/')}&${rfc3986(canonical)}`).digest('base64')
}

/** The parameters of a form body, each name and value percent-decoded (a "+" stays a "+"). */
function readForm(body: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of body.split('&')) {
    const [k, v = ''] = pair.split('=')
    out[decodeURIComponent(k!)] = decodeURIComponent(v)
  }
  return out
}

const usedNonces = new Set<string>()

/** What Dysmsapi checks before it looks at the message: the common parameters, the key, the time, the nonce, the signature. */
function verifyAliyun(params: Record<string, string>, now = Date.now()): { status: number; Code: string } | null {
  const fixed = { Action: 'SendSms', Version: '2017-05-25', Format: 'JSON', SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0' }
  for (const [k, v] of Object.entries(fixed)) if (params[k] !== v) return { status: 400, Code: `InvalidParameter.${k}` }
  if (params.AccessKeyId !== KEY_ID) return { status: 404, Code: 'InvalidAccessKeyId.NotFound' }
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(params.Timestamp ?? '') || Math.abs(now - Date.parse(params.Timestamp!)) > 15 * 60_000) {
    return { status: 400, Code: 'InvalidTimeStamp.Expired' }
  }
  if (!params.SignatureNonce || usedNonces.has(params.SignatureNonce)) return { status: 400, Code: 'SignatureNonceUsed' }
  if (params.Signature !== aliyunSign('POST', params, KEY_SECRET)) return { status: 400, Code: 'SignatureDoesNotMatch' }
  usedNonces.add(params.SignatureNonce)
  return null
}

const provider = { throttled: 0, received: [] as ReceivedRequest[] }

function dysmsapi(req: ReceivedRequest): TestReply {
  provider.received.push(req)
  const params = readForm(req.body)
  const refused = verifyAliyun(params)
  if (refused) return { status: refused.status, json: { Code: refused.Code, Message: `refused: ${refused.Code}`, RequestId: 'REQ-0' } }
  if (!params.PhoneNumbers!.split(',').every((n) => /^1\d{10}$/.test(n))) return { json: { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号', RequestId: 'REQ-1' } }
  if (provider.throttled > 0 && provider.throttled--) return { json: { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发分钟级流控Permits:1', RequestId: 'REQ-2' } }
  return { json: { Code: 'OK', Message: 'OK', BizId: '9006197469364984400^0', RequestId: 'F655A8D5-B967-440B-8683-DAD6FF8DE990' } }
}

let aliyun: TestServer
let gateway: TestServer
beforeAll(async () => {
  aliyun = await startTestServer(dysmsapi)
  gateway = await startTestServer(() => ({ status: 202, json: { id: 'gw-1' } }))
})
afterAll(async () => { await aliyun.close(); await gateway.close() })
beforeEach(() => { provider.throttled = 0; provider.received = [] })

const secrets = { 'ali-id': KEY_ID, 'ali-secret': KEY_SECRET, 'gw-secret': GATEWAY_SECRET }
const ali = () => ({
  provider: 'aliyun' as const, endpoint: `${aliyun.url}/`, accessKeyId: 'ali-id', accessKeySecret: 'ali-secret',
  signName: '某某商城', templateCode: 'SMS_123456789',
  templateParam: { order: '{{order.platformOrderId}}', amount: '{{amountText}}' },
})
/** A new visit's key: Aliyun refuses a nonce it has seen, and nonces are made from keys. */
let visits = 0
const visit = () => `run_sms_${++visits}:sms:1`
const digest = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 32)

describe('the test provider\'s own checks', () => {
  it('reproduce the signature of Aliyun\'s documented example', () => {
    const example = {
      AccessKeyId: 'testId', Action: 'SendSms', Format: 'XML', OutId: '123', PhoneNumbers: '15300000001', RegionId: 'cn-hangzhou',
      SignName: '阿里云短信测试专用', SignatureMethod: 'HMAC-SHA1', SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466', SignatureVersion: '1.0',
      TemplateCode: 'SMS_71390007', TemplateParam: '{"customer":"test"}', Timestamp: '2017-07-12T02:42:19Z', Version: '2017-05-25',
    }
    expect(aliyunSign('GET', example, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=')
  })

  it('refuse a wrong signature, a stale timestamp and a nonce used before', () => {
    const now = Date.now()
    const params: Record<string, string> = {
      AccessKeyId: KEY_ID, Action: 'SendSms', Format: 'JSON', SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0', Version: '2017-05-25',
      SignatureNonce: `self-test-${now}`, Timestamp: new Date(now).toISOString().replace(/\.\d+Z$/, 'Z'), PhoneNumbers: '13900008888',
    }
    expect(verifyAliyun({ ...params, Signature: aliyunSign('POST', params, 'wrong-secret') }, now)).toEqual({ status: 400, Code: 'SignatureDoesNotMatch' })
    const stale = { ...params, Timestamp: new Date(now - 16 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z') }
    expect(verifyAliyun({ ...stale, Signature: aliyunSign('POST', stale, KEY_SECRET) }, now)).toEqual({ status: 400, Code: 'InvalidTimeStamp.Expired' })
    expect(verifyAliyun({ ...params, Signature: aliyunSign('POST', params, KEY_SECRET) }, now)).toBeNull()
    expect(verifyAliyun({ ...params, Signature: aliyunSign('POST', params, KEY_SECRET) }, now)).toEqual({ status: 400, Code: 'SignatureNonceUsed' })
  })
})

describe('notify.sms with Aliyun', () => {
  it('sends SendSms signed with HMAC-SHA1 over the sorted, percent-encoded parameters', async () => {
    const out = await runNode(sms, { config: ali(), secrets, idempotencyKey: 'run_5:sms:1' })
    expect(out.port).toBe('ok')
    expect(out.output).toEqual({ provider: 'aliyun', code: 'OK', bizId: '9006197469364984400^0', requestId: 'F655A8D5-B967-440B-8683-DAD6FF8DE990' })
    const req = provider.received[0]!
    expect(req.method).toBe('POST')
    expect(req.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/)
    const params = readForm(req.body)
    expect(params).toMatchObject({
      AccessKeyId: KEY_ID, Action: 'SendSms', Format: 'JSON', RegionId: 'cn-hangzhou', Version: '2017-05-25',
      SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0', PhoneNumbers: '13900008888', SignName: '某某商城', TemplateCode: 'SMS_123456789',
      OutId: digest('run_5:sms:1'), SignatureNonce: `${digest('run_5:sms:1')}-1`,
    })
    expect(JSON.parse(params.TemplateParam!)).toEqual({ order: '6931000000000000001', amount: '¥1,299.00' })
    expect(params.Timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  })

  it('percent-encodes the way Aliyun signs: space %20, * %2A, ~ as is, and !\'() too', async () => {
    const out = await runNode(sms, {
      config: { ...ali(), signName: "商城 *旗舰~店!'()", templateParam: { name: '{{order.customer.name}}', note: 'a+b c*d~e' } },
      order: sampleOrder({ customer: { id: 'c', name: "王 小*明~(!')", phone: '13900008888' } as never }),
      secrets, idempotencyKey: visit(),
    })
    expect(out.port).toBe('ok')
    const body = provider.received[0]!.body
    expect(body).toContain(`SignName=${'%E5%95%86%E5%9F%8E%20%2A%E6%97%97%E8%88%B0~%E5%BA%97%21%27%28%29'}`)
    expect(body).not.toMatch(/[+*!'()]/)
  })

  it('sends to several numbers and to the number a template names', async () => {
    const out = await runNode(sms, { config: { ...ali(), phone: '{{vars.manager}}, 139 0000 8888' }, variables: { manager: '13800001111' }, secrets, idempotencyKey: visit() })
    expect(out.port).toBe('ok')
    expect(readForm(provider.received[0]!.body).PhoneNumbers).toBe('13800001111,13900008888')
  })

  it('goes to the error port at once on an illegal mobile number', async () => {
    const out = await runNode(sms, { config: ali(), order: sampleOrder({ customer: { id: 'c', name: 'x', phone: '23900008888' } as never }), secrets, idempotencyKey: visit() })
    expect(provider.received).toHaveLength(1)
    expect(out.attempts).toHaveLength(1)
    expect(out.attempts[0]).toMatchObject({ ok: false, errorClass: '4xx', retryable: false })
    expect(out.attempts[0]!.error).toContain('isv.MOBILE_NUMBER_ILLEGAL')
    expect(out.port).toBe('error')
  })

  it('treats a wrong AccessKey secret or id as a permanent auth failure', async () => {
    const wrongSecret = await runNode(sms, { config: ali(), secrets: { ...secrets, 'ali-secret': 'not-the-secret' }, idempotencyKey: visit() })
    expect(wrongSecret.attempts.map((a) => [a.errorClass, a.retryable])).toEqual([['auth', false]])
    expect(wrongSecret.attempts[0]!.error).toContain('SignatureDoesNotMatch')
    const wrongId = await runNode(sms, { config: ali(), secrets: { ...secrets, 'ali-id': 'LTAI-unknown' }, idempotencyKey: visit() })
    expect(wrongId.attempts.map((a) => [a.errorClass, a.retryable])).toEqual([['auth', false]])
    expect(wrongId.attempts[0]!.error).toContain('InvalidAccessKeyId.NotFound')
    expect(provider.received).toHaveLength(2)
  })

  it('retries a throttled message with a new nonce of the same visit, which Aliyun accepts', async () => {
    provider.throttled = 1
    const out = await runNode(sms, { config: ali(), secrets, idempotencyKey: 'run_7:sms:2' })
    expect(provider.received).toHaveLength(2)
    expect(out.attempts.map((a) => (a.ok ? 'ok' : `${a.errorClass}/${a.retryable}`))).toEqual(['4xx/true', 'ok'])
    const [first, second] = provider.received.map((r) => readForm(r.body))
    expect([first!.SignatureNonce, second!.SignatureNonce]).toEqual([`${digest('run_7:sms:2')}-1`, `${digest('run_7:sms:2')}-2`])
    expect([first!.OutId, second!.OutId]).toEqual([digest('run_7:sms:2'), digest('run_7:sms:2')])
    expect(out.port).toBe('ok')
  })

  it('keeps the AccessKey secret out of the request, the output, the call log and the logs', async () => {
    provider.throttled = 1
    const out = await runNode(sms, { config: ali(), secrets, idempotencyKey: visit() })
    expect(out.attempts).toHaveLength(2)
    expect(JSON.stringify(out.request)).toContain('"accessKeySecret":"ali-secret"')
    for (const part of [out.request, out.output, out.attempts, out.logs, out.result]) expect(JSON.stringify(part)).not.toContain(KEY_SECRET)
    expect(out.attempts[0]!.calls[0]!.endpoint).toBe(`${aliyun.url}/`)
  })

  it('fails without a call when there is no phone number, and refuses a config that misses what Aliyun needs', async () => {
    const out = await runNode(sms, { config: ali(), order: sampleOrder({ customer: { id: 'c', name: 'x' } as never }), secrets, idempotencyKey: visit() })
    expect(out.attempts).toHaveLength(0)
    expect(out.port).toBe('error')
    await expect(runNode(sms, { config: { ...ali(), templateCode: undefined } })).rejects.toMatchObject({ pointer: '/templateCode' })
    await expect(runNode(sms, { config: { ...ali(), text: 'hello' } })).rejects.toMatchObject({ pointer: '/text' })
    await expect(runNode(sms, { config: { ...ali(), templateParam: { code: '{{secret.ali-secret}}' } } })).rejects.toMatchObject({ pointer: '/templateParam' })
    await expect(runNode(sms, { config: { ...ali(), templateParam: { code: '{{#order.items}}' } } })).rejects.toMatchObject({ pointer: '/templateParam/code' })
    await expect(runNode(sms, { config: { ...ali(), endpoint: 'https://user:pw@sms.example.com/' } })).rejects.toMatchObject({ pointer: '/endpoint' })
  })
})

describe('notify.sms with your own gateway', () => {
  const generic = () => ({ provider: 'generic' as const, endpoint: `${gateway.url}/sms`, signingSecret: 'gw-secret' })

  it('posts {to, text} signed the Standard Webhooks way, which the standardwebhooks library verifies', async () => {
    const before = gateway.requests.length
    const out = await runNode(sms, { config: generic(), secrets, idempotencyKey: 'run_3:sms:1' })
    expect(out.port).toBe('ok')
    expect(out.output).toEqual({ provider: 'generic', status: 202, body: { id: 'gw-1' } })
    const req = gateway.requests[before]!
    expect(req.json()).toEqual({ to: '13900008888', text: '您在抖音的订单 6931000000000000001 已付款，金额 ¥1,299.00。' })
    expect(req.headers['webhook-id']).toBe(`msg_${digest('run_3:sms:1')}`)
    expect(req.headers['idempotency-key']).toBe('run_3:sms:1')
    const headers = { 'webhook-id': String(req.headers['webhook-id']), 'webhook-timestamp': String(req.headers['webhook-timestamp']), 'webhook-signature': String(req.headers['webhook-signature']) }
    expect(new Webhook(GATEWAY_SECRET).verify(req.body, headers)).toEqual(req.json())
    // The library refuses what is not signed with this secret, so the check above can fail.
    expect(() => new Webhook(`whsec_${Buffer.from('another-key').toString('base64')}`).verify(req.body, headers)).toThrow()
    expect(() => new Webhook(GATEWAY_SECRET).verify(req.body.replace('13900008888', '13900009999'), headers)).toThrow()
  })

  it('signs with a plain-text secret as its raw bytes', async () => {
    const before = gateway.requests.length
    const out = await runNode(sms, { config: { ...generic(), locale: 'en', text: 'Order {{order.platformOrderId}}: {{amountText}}' }, secrets: { 'gw-secret': 'plain shared secret' } })
    expect(out.port).toBe('ok')
    const req = gateway.requests[before]!
    expect(req.json()).toEqual({ to: '13900008888', text: 'Order 6931000000000000001: ¥1,299.00' })
    const headers = { 'webhook-id': String(req.headers['webhook-id']), 'webhook-timestamp': String(req.headers['webhook-timestamp']), 'webhook-signature': String(req.headers['webhook-signature']) }
    expect(new Webhook('plain shared secret', { format: 'raw' }).verify(req.body, headers)).toEqual(req.json())
  })

  it('retries a 5xx of the gateway with the same webhook-id, and gives up at once on a 4xx', async () => {
    let n = 0
    gateway.reply(() => (++n === 1 ? { status: 503, body: 'busy' } : { json: { ok: true } }))
    const before = gateway.requests.length
    const retried = await runNode(sms, { config: generic(), secrets })
    const seen = gateway.requests.slice(before)
    expect(seen).toHaveLength(2)
    expect(new Set(seen.map((r) => r.headers['webhook-id'])).size).toBe(1)
    expect(retried.attempts.map((a) => a.errorClass ?? 'ok')).toEqual(['5xx', 'ok'])
    gateway.reply(() => ({ status: 401, json: { error: 'bad signature' } }))
    const refused = await runNode(sms, { config: generic(), secrets })
    expect(refused.attempts.map((a) => [a.errorClass, a.retryable])).toEqual([['auth', false]])
    gateway.reply(() => ({ status: 202, json: { id: 'gw-1' } }))
  })

  it('needs an endpoint and a signing secret', async () => {
    await expect(runNode(sms, { config: { provider: 'generic', signingSecret: 'gw-secret' } })).rejects.toMatchObject({ pointer: '/endpoint' })
    await expect(runNode(sms, { config: { provider: 'generic', endpoint: 'https://sms.example.com/' } })).rejects.toMatchObject({ pointer: '/signingSecret' })
  })
})
