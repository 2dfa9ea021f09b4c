import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Webhook } from 'standardwebhooks'
import { generateWebhookSecret, parseWebhookSecret, signWebhook, WebhookSecretError } from './standard-webhooks.ts'

const now = () => Math.floor(Date.now() / 1000)
const body = JSON.stringify({ id: 'run_1:notify:1', kind: 'workflow', orderId: 'ord_1', status: 'paid', note: '王小明 ✓' })

describe('signWebhook', () => {
  it('writes headers the Standard Webhooks library verifies', () => {
    const secret = generateWebhookSecret()
    const headers = signWebhook({ id: 'run_1:notify:1', timestamp: now(), body, secret })
    expect(Object.keys(headers).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp'])
    expect(headers['webhook-id']).toBe('run_1:notify:1')
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/)
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body))
  })

  it('signs "<id>.<timestamp>.<body>" with HMAC-SHA256 keyed by the decoded secret', () => {
    // The example of the Standard Webhooks specification.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
    const headers = signWebhook({ id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1614265330, body: '{"test": 2432232314}', secret })
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=')
    const key = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64')
    const mac = createHmac('sha256', key).update('msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}').digest('base64')
    expect(headers['webhook-signature']).toBe(`v1,${mac}`)
    expect(headers['webhook-timestamp']).toBe('1614265330')
  })

  it('fails verification for a tampered body, a wrong secret, a stale timestamp or another id', () => {
    const secret = generateWebhookSecret()
    const headers = signWebhook({ id: 'evt_1', timestamp: now(), body, secret })
    expect(() => new Webhook(secret).verify(body.replace('paid', 'shipped'), headers)).toThrow(/No matching signature/)
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow(/No matching signature/)
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'evt_2' })).toThrow(/No matching signature/)
    const stale = signWebhook({ id: 'evt_1', timestamp: now() - 10 * 60, body, secret })
    expect(() => new Webhook(secret).verify(body, stale)).toThrow(/too old/)
  })

  it('refuses an id or a timestamp that cannot be sent as they are', () => {
    const secret = generateWebhookSecret()
    expect(() => signWebhook({ id: '', timestamp: now(), body, secret })).toThrow(/id/)
    expect(() => signWebhook({ id: 'a\r\nb', timestamp: now(), body, secret })).toThrow(/id/)
    expect(() => signWebhook({ id: 'evt', timestamp: 1.5, body, secret })).toThrow(/timestamp/)
    expect(() => signWebhook({ id: 'evt', timestamp: Date.now(), body, secret })).toThrow(/seconds/)
  })
})

describe('generateWebhookSecret', () => {
  it('makes a whsec_ secret of 32 random bytes, a new one each time', () => {
    const a = generateWebhookSecret()
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(parseWebhookSecret(a)).toHaveLength(32)
    expect(generateWebhookSecret()).not.toBe(a)
  })
})

describe('parseWebhookSecret', () => {
  it('gives the key bytes of a whsec_ secret', () => {
    expect(parseWebhookSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toEqual(Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'))
  })

  it.each([
    ['no prefix', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', /whsec_/],
    ['not base64', 'whsec_MfKQ9r8GKYqrTwjU!D8ILPZIo2LaLaSw', /base64/],
    ['bad padding', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS', /base64/],
    ['base64 with stray bits (not what any encoder writes)', 'whsec_AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAR==', /base64/],
    ['too short a key', `whsec_${Buffer.alloc(16, 1).toString('base64')}`, /16 bytes.*24/],
    ['too long a key', `whsec_${Buffer.alloc(65, 1).toString('base64')}`, /65 bytes.*64/],
    ['empty', '', /whsec_/],
  ])('refuses %s, saying why without showing the secret', (_, secret, why) => {
    let error: unknown
    try { parseWebhookSecret(secret) } catch (e) { error = e }
    expect(error).toBeInstanceOf(WebhookSecretError)
    expect((error as Error).message).toMatch(why)
    if (secret.length > 8) expect((error as Error).message).not.toContain(secret.slice(6, 20))
  })

  it('is what signWebhook checks its secret with', () => {
    expect(() => signWebhook({ id: 'evt', timestamp: now(), body, secret: 'whsec_short' })).toThrow(WebhookSecretError)
  })
})
