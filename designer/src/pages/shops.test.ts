import { describe, expect, it } from 'vitest'
import { MESSAGES } from '../i18n/messages.ts'
import { ApiError } from '../api/client.ts'
import {
  credentialKeys, credentialSchema, credentialsToSend, credentialUiSchema, formatPercent, formatRelative, formatSpan,
  healthState, isSecretKey, lastHeard, prettyJsonText, rawPayloadText, readPullResult, SHOP_PLATFORMS, splitProblems,
} from './shops.ts'
import type { ShopHealth } from '../../../schemas/generated/shop.ts'

/** Intl puts narrow no-break spaces in some locales; compare with plain spaces. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ')
const NOW = Date.parse('2026-12-02T08:00:00Z')

describe('credential forms', () => {
  it('asks each platform for the keys its schema requires, then the optional addresses', () => {
    expect(credentialKeys('shopify')).toEqual(['shopDomain', 'accessToken', 'webhookSecret', 'apiBaseUrl', 'channelUrl'])
    expect(credentialKeys('woocommerce')).toEqual(['siteUrl', 'consumerKey', 'consumerSecret', 'webhookSecret', 'apiBaseUrl', 'channelUrl'])
    expect(credentialKeys('taobao').slice(0, 3)).toEqual(['appKey', 'appSecret', 'sessionKey'])
    expect(credentialKeys('pinduoduo').slice(0, 3)).toEqual(['clientId', 'clientSecret', 'accessToken'])
    expect(credentialSchema('jd').required).toEqual(['appKey', 'appSecret', 'accessToken'])
    // $refs to credentialText resolve against the definitions carried along.
    expect((credentialSchema('douyin').definitions as Record<string, unknown>).credentialText).toMatchObject({ minLength: 1 })
  })

  it('draws secrets as password boxes and labels every field', () => {
    const ui = credentialUiSchema('woocommerce', (key) => ({ title: `T:${key}` }))
    expect(ui.consumerSecret).toMatchObject({ 'ui:widget': 'password', 'ui:title': 'T:consumerSecret' })
    expect(ui.webhookSecret['ui:widget']).toBe('password')
    expect(ui.siteUrl['ui:widget']).toBeUndefined()
    expect(ui['ui:order']).toEqual(credentialKeys('woocommerce'))
    expect(isSecretKey('appSecret')).toBe(true)
    expect(isSecretKey('shopId')).toBe(false)
  })

  it('has a label for every credential key of every platform in both languages', () => {
    for (const platform of SHOP_PLATFORMS) {
      for (const key of credentialKeys(platform)) {
        expect(MESSAGES.en, `${platform}.${key}`).toHaveProperty([`shops.cred.${key}`])
        expect(MESSAGES['zh-CN'][`shops.cred.${key}` as keyof typeof MESSAGES.en]).toBeTruthy()
      }
      expect(MESSAGES['zh-CN'][`shops.platformFull.${platform}` as keyof typeof MESSAGES.en]).toBeTruthy()
    }
  })

  it('drops emptied optional fields and keeps the required ones as typed', () => {
    expect(credentialsToSend('jd', { appKey: 'k', appSecret: ' s ', accessToken: 't', apiBaseUrl: '  ', channelUrl: undefined, stray: 'x' }))
      .toEqual({ appKey: 'k', appSecret: ' s ', accessToken: 't' })
    expect(credentialsToSend('jd', { appKey: 'k', appSecret: 's', accessToken: 't', apiBaseUrl: 'http://127.0.0.1:9' }))
      .toEqual({ appKey: 'k', appSecret: 's', accessToken: 't', apiBaseUrl: 'http://127.0.0.1:9' })
  })
})

describe('health as people read it', () => {
  it('says times relative to now in the reader\'s language', () => {
    expect(formatRelative('2026-12-02T07:57:00Z', 'en', NOW)).toBe('3 minutes ago')
    expect(formatRelative('2026-12-02T07:57:00Z', 'zh-CN', NOW)).toBe('3分钟前')
    expect(formatRelative('2026-12-02T07:59:50Z', 'en', NOW)).toBe('now')
    expect(formatRelative('2026-12-01T08:00:00Z', 'en', NOW)).toBe('yesterday')
    expect(formatRelative('2026-12-01T08:00:00Z', 'zh-CN', NOW)).toBe('昨天')
    expect(formatRelative('2026-12-02T05:00:00Z', 'en', NOW)).toBe('3 hours ago')
    expect(formatRelative(null, 'en', NOW)).toBe('—')
  })

  it('gives rates as percentages, a few failures never as 0%', () => {
    expect(formatPercent(0, 'en')).toBe('0%')
    expect(formatPercent(0.125, 'en')).toBe('12.5%')
    expect(formatPercent(1, 'zh-CN')).toBe('100%')
    expect(formatPercent(0.0002, 'en')).toBe('<0.1%')
    expect(formatPercent(Number.NaN, 'en')).toBe('—')
  })

  it('gives a lag in words, its two largest units', () => {
    expect(plain(formatSpan(0, 'en'))).toBe('0 seconds')
    expect(plain(formatSpan(42_000, 'en'))).toBe('42 seconds')
    expect(plain(formatSpan(3_725_000, 'en'))).toBe('1 hour 2 minutes')
    expect(formatSpan(3_725_000, 'zh-CN')).toBe('1小时2分钟')
    expect(plain(formatSpan(2 * 86_400_000, 'en'))).toBe('2 days')
    expect(formatSpan(null, 'en')).toBe('—')
  })

  const health = (over: Partial<ShopHealth> = {}): ShopHealth => ({
    lastPushAt: null, lastMessageAt: null, lastPullAt: null, lastError: null, lagMs: null, windowMs: 3_600_000,
    events: 0, errors: 0, errorRate: 0, rejectedPushes: 0, pendingPushes: 0, ...over,
  })

  it('names the state in one word', () => {
    expect(healthState({ enabled: false, health: health({ events: 10, errors: 10, errorRate: 1 }) })).toBe('disabled')
    expect(healthState({ enabled: true, health: health() })).toBe('quiet')
    expect(healthState({ enabled: true, health: health({ lastPushAt: '2026-12-02T07:00:00Z', events: 5 }) })).toBe('healthy')
    expect(healthState({ enabled: true, health: health({ lastPushAt: '2026-12-02T07:00:00Z', events: 10, errors: 1, errorRate: 0.1, lastError: { at: '2026-12-02T06:00:00Z', message: 'x' } }) })).toBe('degraded')
    // The last thing that happened was an error: failing, however few.
    expect(healthState({ enabled: true, health: health({ lastPushAt: '2026-12-02T07:00:00Z', events: 10, errors: 1, errorRate: 0.1, lastError: { at: '2026-12-02T07:30:00Z', message: 'x' } }) })).toBe('failing')
    expect(healthState({ enabled: true, health: health({ events: 4, errors: 2, errorRate: 0.5 }) })).toBe('failing')
    expect(healthState({ enabled: true, health: health({ lastPullAt: '2026-12-02T07:00:00Z', rejectedPushes: 3 }) })).toBe('degraded')
  })
})

describe('a pull\'s answer', () => {
  it('reads counts and the window, a list counted', () => {
    expect(readPullResult({ orders: 3, changed: 2, pages: 2, window: { from: 'a', to: 'b' } })).toEqual({ orders: 3, changed: 2, pages: 2, window: { from: 'a', to: 'b' } })
    expect(readPullResult({ orders: [{}, {}], pages: 1, window: { from: 'a' } })).toEqual({ orders: 2, pages: 1, window: null })
    expect(readPullResult(null)).toEqual({ orders: 0, pages: 0, window: null })
  })
})

describe('raw JSON text', () => {
  it('is re-indented without touching a 19-digit number or a string\'s characters', () => {
    const text = '{"tid":6931234567890123456,"a":[1, {"b":"x, {y}: \\"z\\""}],"e":{},"f":[ ]}'
    const pretty = prettyJsonText(text)
    expect(pretty).toBe([
      '{', '  "tid": 6931234567890123456,', '  "a": [', '    1,', '    {', '      "b": "x, {y}: \\"z\\""', '    }', '  ],', '  "e": {},', '  "f": []', '}',
    ].join('\n'))
    expect(JSON.parse(pretty)).toEqual(JSON.parse(text))
    expect(prettyJsonText('not json {')).toBe('not json {')
  })

  it('finds the order\'s raw payload as the server wrote it', () => {
    const detail = '{"order":{"id":"o1","platform":"douyin","raw":{"p_id":6931234567890123456,"n":[1]}},"revision":2,"history":[],"runs":[]}'
    expect(rawPayloadText(detail)).toBe('{"p_id":6931234567890123456,"n":[1]}')
    expect(rawPayloadText('{"order":{"id":"o1"},"runs":[]}')).toBeNull()
    expect(rawPayloadText('{"order":{"id":"o1","raw":null}}')).toBeNull()
    expect(rawPayloadText('')).toBeNull()
  })
})

describe('when the platform last sent something', () => {
  it('is the later of the last push and the last message', () => {
    expect(lastHeard({ lastPushAt: '2026-12-02T07:00:00Z', lastMessageAt: '2026-12-02T07:30:00+00:00' })).toBe('2026-12-02T07:30:00+00:00')
    expect(lastHeard({ lastPushAt: '2026-12-02T15:10:00+08:00', lastMessageAt: '2026-12-02T07:00:00Z' })).toBe('2026-12-02T15:10:00+08:00')
    expect(lastHeard({ lastPushAt: null, lastMessageAt: null })).toBeNull()
  })
})

describe('API refusals', () => {
  it('puts a credential\'s problems beside its field and keeps the rest for the error box', () => {
    const error = new ApiError(400, 'body/credentials invalid', [
      { pointer: '/credentials/appSecret', reason: 'must NOT have fewer than 1 characters' },
      { pointer: '/credentials/appSecret', reason: 'second' },
      { pointer: '/name', reason: 'too long' },
    ])
    const { extra, rest } = splitProblems(error, 'en')
    expect(Object.keys(extra)).toEqual(['appSecret'])
    expect((extra.appSecret as { __errors: string[] }).__errors).toHaveLength(2)
    expect(rest).toBeInstanceOf(ApiError)
    expect((rest as ApiError).details).toEqual([{ pointer: '/name', reason: 'too long' }])
    const onlyFields = splitProblems(new ApiError(400, 'x', [{ pointer: '/credentials/appKey', reason: 'r' }]), 'en')
    expect(onlyFields.rest).toBeNull()
    const plainError = new Error('offline')
    expect(splitProblems(plainError, 'zh-CN')).toEqual({ extra: {}, rest: plainError })
  })

})
