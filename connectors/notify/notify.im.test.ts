import { createHmac } from 'node:crypto'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { runNode, sampleOrder, startTestServer, type ReceivedRequest, type TestReply, type TestServer } from '../sdk/testing.ts'
import im from './notify.im.node.ts'

const DING_TOKEN = 'ding-access-token-7f3a9c01'
const DING_SECRET = 'SECd1ngtalk-signing-secret-1a2b3c'
const WECOM_KEY = '693a91f2-wecom-key-0b1c'
const FEISHU_TOKEN = 'f0e1d2c3-feishu-hook-token'
const FEISHU_SECRET = 'feishu-signing-secret-9d8c7b'
const HOUR = 3_600_000

// --- The robots' side, written from their documentation and independent of the node's code. ---

/** DingTalk 加签: the query carries timestamp (ms) and sign = urlencode(base64(HMAC-SHA256(secret, timestamp + "\n" + secret))). */
function verifyDingTalk(query: URLSearchParams, secret: string, now = Date.now()): string | null {
  const timestamp = query.get('timestamp')
  const sign = query.get('sign')
  if (!timestamp || !sign) return 'sign not match: no timestamp or sign'
  if (Math.abs(now - Number(timestamp)) > HOUR) return 'invalid timestamp'
  const expected = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64')
  return sign === expected ? null : 'sign not match'
}

/** Feishu 签名校验: the body carries timestamp (s, a string) and sign = base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = "")). */
function verifyFeishu(body: { timestamp?: unknown; sign?: unknown }, secret: string, now = Date.now()): string | null {
  if (typeof body.timestamp !== 'string' || typeof body.sign !== 'string') return 'sign match fail: no timestamp or sign'
  if (Math.abs(now / 1000 - Number(body.timestamp)) > HOUR / 1000) return 'sign match fail or timestamp is not within one hour from current time'
  const expected = createHmac('sha256', `${body.timestamp}\n${secret}`).update('').digest('base64')
  return body.sign === expected ? null : 'sign match fail or timestamp is not within one hour from current time'
}

type Platform = 'dingtalk' | 'wecom' | 'feishu'

/** What the robots do: the secrets they hold, how many rate-limit answers to give first, and what they got. */
const robots = {
  secrets: { dingtalk: DING_SECRET as string | null, feishu: FEISHU_SECRET as string | null },
  rateLimited: { dingtalk: 0, wecom: 0, feishu: 0 },
  failing: null as number | null,
  received: { dingtalk: [], wecom: [], feishu: [] } as Record<Platform, ReceivedRequest[]>,
}

function robot(req: ReceivedRequest): TestReply {
  const url = new URL(req.url, 'http://robot')
  if (robots.failing) return { status: robots.failing, body: 'Bad Gateway' }
  if (url.pathname === '/robot/send') {
    robots.received.dingtalk.push(req)
    if (url.searchParams.get('access_token') !== DING_TOKEN) return { json: { errcode: 300001, errmsg: 'token is not exist' } }
    const wrong = robots.secrets.dingtalk ? verifyDingTalk(url.searchParams, robots.secrets.dingtalk) : null
    if (wrong) return { json: { errcode: 310000, errmsg: wrong } }
    if (robots.rateLimited.dingtalk > 0 && robots.rateLimited.dingtalk--) return { json: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' } }
    return { json: { errcode: 0, errmsg: 'ok' } }
  }
  if (url.pathname === '/cgi-bin/webhook/send') {
    robots.received.wecom.push(req)
    if (url.searchParams.get('key') !== WECOM_KEY) return { json: { errcode: 93000, errmsg: 'invalid webhook url, hint: [1700000000_1], more info at https://open.work.weixin.qq.com/devtool/query?e=93000' } }
    if (robots.rateLimited.wecom > 0 && robots.rateLimited.wecom--) return { json: { errcode: 45009, errmsg: 'api freq out of limit' } }
    return { json: { errcode: 0, errmsg: 'ok' } }
  }
  if (url.pathname.startsWith('/open-apis/bot/v2/hook/')) {
    robots.received.feishu.push(req)
    if (url.pathname !== `/open-apis/bot/v2/hook/${FEISHU_TOKEN}`) return { json: { code: 19001, msg: 'param invalid: incoming webhook access token invalid', data: {} } }
    const wrong = robots.secrets.feishu ? verifyFeishu(req.json() as never, robots.secrets.feishu) : null
    if (wrong) return { json: { code: 19021, msg: wrong, data: {} } }
    if (robots.rateLimited.feishu > 0 && robots.rateLimited.feishu--) return { json: { code: 9499, msg: 'too many request', data: {} } }
    return { json: { code: 0, msg: 'success', data: {} } }
  }
  return { status: 404, body: 'no such robot' }
}

let server: TestServer
beforeAll(async () => { server = await startTestServer(robot) })
afterAll(async () => { await server.close() })
beforeEach(() => {
  robots.secrets = { dingtalk: DING_SECRET, feishu: FEISHU_SECRET }
  robots.rateLimited = { dingtalk: 0, wecom: 0, feishu: 0 }
  robots.failing = null
  robots.received = { dingtalk: [], wecom: [], feishu: [] }
})
afterEach(() => { vi.useRealTimers() })

const webhooks = () => ({
  dingtalk: `${server.url}/robot/send?access_token=${DING_TOKEN}`,
  wecom: `${server.url}/cgi-bin/webhook/send?key=${WECOM_KEY}`,
  feishu: `${server.url}/open-apis/bot/v2/hook/${FEISHU_TOKEN}`,
})
const secrets = () => ({ 'ding-hook': webhooks().dingtalk, 'ding-sign': DING_SECRET, 'wecom-hook': webhooks().wecom, 'feishu-hook': webhooks().feishu, 'feishu-sign': FEISHU_SECRET })
const ding = { platform: 'dingtalk' as const, webhook: 'ding-hook', signingSecret: 'ding-sign' }
const wecom = { platform: 'wecom' as const, webhook: 'wecom-hook' }
const feishu = { platform: 'feishu' as const, webhook: 'feishu-hook', signingSecret: 'feishu-sign' }

describe('the test robots\' own checks', () => {
  it('refuse a wrong DingTalk sign and a timestamp more than an hour old', () => {
    const now = Date.now()
    const signed = (ts: number, secret: string) => new URLSearchParams({ timestamp: String(ts), sign: createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64') })
    expect(verifyDingTalk(signed(now, DING_SECRET), DING_SECRET, now)).toBeNull()
    expect(verifyDingTalk(signed(now, 'another-secret'), DING_SECRET, now)).toBe('sign not match')
    expect(verifyDingTalk(signed(now - HOUR - 1000, DING_SECRET), DING_SECRET, now)).toBe('invalid timestamp')
    expect(verifyDingTalk(new URLSearchParams(), DING_SECRET, now)).toMatch(/sign not match/)
  })

  it('refuse a wrong Feishu sign (key and message swapped) and a timestamp more than an hour old', () => {
    const now = Date.now()
    const ts = String(Math.floor(now / 1000))
    const good = createHmac('sha256', `${ts}\n${FEISHU_SECRET}`).update('').digest('base64')
    const swapped = createHmac('sha256', '').update(`${ts}\n${FEISHU_SECRET}`).digest('base64')
    expect(verifyFeishu({ timestamp: ts, sign: good }, FEISHU_SECRET, now)).toBeNull()
    expect(verifyFeishu({ timestamp: ts, sign: swapped }, FEISHU_SECRET, now)).toMatch(/sign match fail/)
    expect(verifyFeishu({ timestamp: String(Math.floor(now / 1000) - 3601), sign: good }, FEISHU_SECRET, now)).toMatch(/one hour/)
    expect(verifyFeishu({ timestamp: Number(ts), sign: good }, FEISHU_SECRET, now)).toMatch(/no timestamp/)
  })
})

describe('notify.im', () => {
  it('signs a DingTalk message with the timestamp and HMAC-SHA256 sign, and @s the mobiles it names', async () => {
    const before = Date.now()
    const out = await runNode(im, {
      config: { ...ding, text: '订单 {{order.platformOrderId}} 地址异常，请 {{vars.onCall}} 处理', atMobiles: ['{{vars.onCallMobile}}', ' 139 0000 1111 '] },
      variables: { onCall: '值班', onCallMobile: '13800001111' },
      secrets: secrets(),
    })
    expect(out.port).toBe('ok')
    expect(out.output).toEqual({ platform: 'dingtalk', errcode: 0, errmsg: 'ok' })
    const [req] = robots.received.dingtalk
    const query = new URL(req!.url, 'http://robot').searchParams
    expect(Number(query.get('timestamp'))).toBeGreaterThanOrEqual(before)
    expect(req!.json()).toEqual({
      msgtype: 'text',
      text: { content: '订单 6931000000000000001 地址异常，请 值班 处理 @13800001111 @13900001111' },
      at: { atMobiles: ['13800001111', '13900001111'], isAtAll: false },
    })
  })

  it('URL-encodes the DingTalk sign, so a "+" of its base64 does not arrive as a space', async () => {
    // A send time whose sign has a "+" (and so would break unencoded), found with the robot's own formula.
    let at = Date.parse('2026-11-20T02:00:00Z')
    const sign = (ts: number) => createHmac('sha256', DING_SECRET).update(`${ts}\n${DING_SECRET}`).digest('base64')
    while (!sign(at).includes('+')) at++
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(at)
    const out = await runNode(im, { config: ding, secrets: secrets() })
    expect(out.port).toBe('ok')
    const raw = robots.received.dingtalk[0]!.url
    expect(raw).toContain(`timestamp=${at}`)
    expect(raw).toContain(`sign=${encodeURIComponent(sign(at))}`)
    expect(raw).toContain('%2B')
  })

  it('sends the built-in Chinese notice as DingTalk markdown with a title, @all', async () => {
    const out = await runNode(im, { config: { ...ding, msgType: 'markdown', atAll: true }, secrets: secrets() })
    expect(out.port).toBe('ok')
    expect(robots.received.dingtalk[0]!.json()).toEqual({
      msgtype: 'markdown',
      markdown: { title: '订单通知', text: '订单 6931000000000000001（抖音）：已付款，金额 ¥1,299.00' },
      at: { atMobiles: [], isAtAll: true },
    })
  })

  it('sends a WeCom text with its mentioned mobiles and @all, unsigned, with the key only in the URL', async () => {
    const out = await runNode(im, { config: { ...wecom, locale: 'en', atMobiles: ['13800001111'], atAll: true }, secrets: secrets() })
    expect(out.port).toBe('ok')
    expect(out.output).toEqual({ platform: 'wecom', errcode: 0, errmsg: 'ok' })
    const req = robots.received.wecom[0]!
    expect(new URL(req.url, 'http://robot').search).toBe(`?key=${WECOM_KEY}`)
    expect(req.json()).toEqual({
      msgtype: 'text',
      text: { content: 'Order 6931000000000000001 (Douyin): paid, total ¥1,299.00', mentioned_mobile_list: ['13800001111', '@all'] },
    })
  })

  it('sends WeCom markdown as markdown.content', async () => {
    const out = await runNode(im, { config: { ...wecom, msgType: 'markdown', text: '**{{order.platformOrderId}}** <font color="warning">{{amountText}}</font>' }, secrets: secrets() })
    expect(out.port).toBe('ok')
    expect(robots.received.wecom[0]!.json()).toEqual({ msgtype: 'markdown', markdown: { content: '**6931000000000000001** <font color="warning">¥1,299.00</font>' } })
  })

  it('signs a Feishu message in its body: the key is timestamp + "\\n" + secret, the message empty', async () => {
    const before = Math.floor(Date.now() / 1000)
    const out = await runNode(im, { config: { ...feishu, text: '订单 {{order.platformOrderId}} 已付款', atAll: true }, secrets: secrets() })
    expect(out.port).toBe('ok')
    expect(out.output).toEqual({ platform: 'feishu', code: 0, msg: 'success' })
    const body = robots.received.feishu[0]!.json() as Record<string, unknown>
    expect(Number(body.timestamp)).toBeGreaterThanOrEqual(before)
    expect(body.timestamp).toMatch(/^\d{10}$/)
    expect(body).toEqual({
      timestamp: body.timestamp, sign: expect.any(String),
      msg_type: 'text', content: { text: '订单 6931000000000000001 已付款 <at user_id="all">所有人</at>' },
    })
  })

  it('sends Feishu markdown as an interactive card with a markdown element', async () => {
    const out = await runNode(im, { config: { ...feishu, msgType: 'markdown', title: '{{platformName}}订单', text: '**{{order.platformOrderId}}**' }, secrets: secrets() })
    expect(out.port).toBe('ok')
    const { timestamp: _t, sign: _s, ...body } = robots.received.feishu[0]!.json() as Record<string, unknown>
    expect(body).toEqual({
      msg_type: 'interactive',
      card: { config: { wide_screen_mode: true }, header: { title: { tag: 'plain_text', content: '抖音订单' } }, elements: [{ tag: 'markdown', content: '**6931000000000000001**' }] },
    })
  })

  it.each([['dingtalk', ding, 310000], ['feishu', feishu, 19021]] as const)('goes to the error port at once when the %s robot refuses the signature', async (platform, config, code) => {
    const out = await runNode(im, { config, secrets: { ...secrets(), [config.signingSecret]: 'not-the-signing-secret' } })
    expect(robots.received[platform]).toHaveLength(1)
    expect(out.attempts).toHaveLength(1)
    expect(out.attempts[0]).toMatchObject({ ok: false, errorClass: 'auth', retryable: false })
    expect(out.attempts[0]!.error).toContain(String(code))
    expect(out.port).toBe('error')
  })

  it('goes to the error port at once when a robot does not know its token or key', async () => {
    const wrong = { 'ding-hook': `${server.url}/robot/send?access_token=nope`, 'wecom-hook': `${server.url}/cgi-bin/webhook/send?key=nope`, 'feishu-hook': `${server.url}/open-apis/bot/v2/hook/nope` }
    for (const config of [ding, wecom, feishu]) {
      const out = await runNode(im, { config, secrets: { ...secrets(), ...wrong } })
      expect(out.attempts.map((a) => [a.errorClass, a.retryable]), config.platform).toEqual([['auth', false]])
    }
    expect([robots.received.dingtalk.length, robots.received.wecom.length, robots.received.feishu.length]).toEqual([1, 1, 1])
  })

  it.each([['dingtalk', ding], ['wecom', wecom], ['feishu', feishu]] as const)('tries a rate-limited %s message again, signed anew, until the robot takes it', async (platform, config) => {
    robots.rateLimited[platform] = 2
    const out = await runNode(im, { config, secrets: secrets() })
    expect(robots.received[platform]).toHaveLength(3)
    expect(out.attempts.map((a) => a.ok ? 'ok' : `${a.errorClass}/${a.retryable}`)).toEqual(['4xx/true', '4xx/true', 'ok'])
    expect(out.attempts[0]!.error).toMatch(/rate limited/)
    expect(out.port).toBe('ok')
  })

  it('tries again when the robot\'s server fails with a 5xx, then gives up to the error port', async () => {
    robots.failing = 502
    const out = await runNode(im, { config: wecom, secrets: secrets(), retry: { maxAttempts: 2 } })
    expect(robots.received.wecom).toHaveLength(0)
    expect(out.attempts.map((a) => [a.errorClass, a.retryable])).toEqual([['5xx', true], ['5xx', true]])
    expect(out.port).toBe('error')
  })

  it('keeps the webhook tokens and signing secrets out of the request, the output, the call log and the logs', async () => {
    robots.rateLimited = { dingtalk: 1, wecom: 1, feishu: 1 }
    const endpoints: string[] = []
    for (const config of [ding, wecom, feishu]) {
      const out = await runNode(im, { config, secrets: secrets() })
      expect(out.port).toBe('ok')
      const seen = JSON.stringify([out.request, out.output, out.attempts, out.logs, out.result])
      for (const secret of [DING_TOKEN, DING_SECRET, WECOM_KEY, FEISHU_TOKEN, FEISHU_SECRET]) expect(seen, config.platform).not.toContain(secret)
      endpoints.push(...new Set(out.attempts.flatMap((a) => a.calls.map((c) => c.endpoint))))
    }
    expect(endpoints).toEqual([`${server.url}/robot/send`, `${server.url}/cgi-bin/webhook/send`, `${server.url}/open-apis/bot/v2/hook`])
  })

  it('refuses what a platform cannot do, naming the field', async () => {
    await expect(runNode(im, { config: { ...wecom, signingSecret: 'x-sign' } })).rejects.toMatchObject({ pointer: '/signingSecret' })
    await expect(runNode(im, { config: { ...feishu, atMobiles: ['13800001111'] } })).rejects.toMatchObject({ pointer: '/atMobiles' })
    await expect(runNode(im, { config: { ...wecom, msgType: 'markdown', atAll: true } })).rejects.toMatchObject({ pointer: '/atAll' })
    await expect(runNode(im, { config: { ...ding, text: '{{secret.ding-sign}}' } })).rejects.toMatchObject({ pointer: '/text' })
  })

  it('fails without a call when a mention is not a mobile number', async () => {
    const out = await runNode(im, { config: { ...ding, atMobiles: ['{{order.customer.name}}'] }, order: sampleOrder(), secrets: secrets() })
    expect(out.attempts).toHaveLength(0)
    expect(out.port).toBe('error')
    expect(robots.received.dingtalk).toHaveLength(0)
  })
})
