import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Webhook } from 'standardwebhooks'
import { runNode, sampleOrder, startTestServer, NodeConfigError, type ReceivedRequest, type TestServer } from '../sdk/testing.ts'
import { generateWebhookSecret } from './standard-webhooks.ts'
import publishWebhook from './publish.webhook.node.ts'

let server: TestServer
beforeAll(async () => { server = await startTestServer() })
afterAll(async () => { await server.close() })

const SIGNING = generateWebhookSecret()
const secrets = { 'hook-secret': SIGNING, 'hook-token': 'tok-abcdef-123456' }
const verify = (req: ReceivedRequest, secret = SIGNING) => new Webhook(secret).verify(req.body, req.headers as Record<string, string>)
const sent = (before: number) => server.requests.slice(before)

describe('publish.webhook', () => {
  it('POSTs the order event, signed so the Standard Webhooks library verifies it, webhook-id the idempotency key', async () => {
    server.reply(() => ({ status: 204 }))
    const before = server.requests.length
    const out = await runNode(publishWebhook, {
      config: { url: `${server.url}/hooks/{{order.platform}}`, signingSecret: 'hook-secret' }, secrets, idempotencyKey: 'run_3:notify:1',
    })
    expect(out.port).toBe('ok')
    expect(out.output).toEqual({ status: 204 })
    const [req, ...more] = sent(before)
    expect(more).toHaveLength(0)
    expect(req!.method).toBe('POST')
    expect(req!.url).toBe('/hooks/douyin')
    expect(req!.headers['content-type']).toBe('application/json')
    expect(req!.headers['webhook-id']).toBe('run_3:notify:1')
    // Signed when it is sent (not at the run's time), or receivers would refuse it as stale.
    expect(Math.abs(Number(req!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(10)
    const order = sampleOrder()
    expect(verify(req!)).toEqual({
      id: 'run_3:notify:1', kind: 'workflow', orderId: order.id, platform: 'douyin', platformOrderId: order.platformOrderId,
      status: 'paid', totalAmount: 129900, currency: 'CNY', order: JSON.parse(JSON.stringify(order)),
    })
    expect(() => verify(req!, generateWebhookSecret())).toThrow()
    expect(JSON.stringify(out)).not.toContain(SIGNING)
  })

  it('sends a body template of its own and more headers, secrets in them filled in but kept out of the output', async () => {
    server.reply((req) => ({ json: { echoed: req.headers.authorization } }))
    const before = server.requests.length
    const out = await runNode(publishWebhook, {
      config: {
        url: `${server.url}/hooks?shop={{order.platform}}`, signingSecret: 'hook-secret',
        headers: { Authorization: 'Bearer {{secret.hook-token}}', 'X-Order': '{{order.platformOrderId}}' },
        body: { type: 'order.packed', amount: '{{order.totalAmount}}', by: '{{vars.packer}}' },
      },
      secrets, variables: { packer: '李雷' },
    })
    const [req] = sent(before)
    expect(req!.headers.authorization).toBe('Bearer tok-abcdef-123456')
    expect(req!.headers['x-order']).toBe('6931000000000000001')
    expect(verify(req!)).toEqual({ type: 'order.packed', amount: 129900, by: '李雷' })
    expect(out.port).toBe('ok')
    expect(JSON.stringify(out)).not.toContain('tok-abcdef-123456')
  })

  it('goes to the error port at once on a 4xx, without retrying', async () => {
    server.reply(() => ({ status: 410, json: { message: 'endpoint removed' } }))
    const before = server.requests.length
    const out = await runNode(publishWebhook, { config: { url: `${server.url}/gone`, signingSecret: 'hook-secret', retries: 3 }, secrets })
    expect(sent(before)).toHaveLength(1)
    expect(out.attempts).toHaveLength(1)
    expect(out.attempts[0]).toMatchObject({ ok: false, errorClass: '4xx', retryable: false })
    expect(out.port).toBe('error')
    expect('fail' in out.result && out.result.fail.error).toContain('410')
  })

  it('retries a 503 and a 429 with the same webhook-id and body, each try signed anew, until the receiver takes it', async () => {
    let n = 0
    server.reply(() => (++n === 1 ? { status: 503, body: 'busy' } : n === 2 ? { status: 429 } : { status: 200, json: { ok: true } }))
    const before = server.requests.length
    const out = await runNode(publishWebhook, { config: { url: `${server.url}/flaky`, signingSecret: 'hook-secret', retries: 3 }, secrets, idempotencyKey: 'run_4:notify:2' })
    const tries = sent(before)
    expect(tries).toHaveLength(3)
    expect(new Set(tries.map((r) => r.headers['webhook-id']))).toEqual(new Set(['run_4:notify:2']))
    expect(new Set(tries.map((r) => r.body)).size).toBe(1)
    for (const r of tries) expect(() => verify(r)).not.toThrow()
    expect(out.attempts.map((a) => a.errorClass ?? 'ok')).toEqual(['5xx', '4xx', 'ok'])
    expect(out.attempts.map((a) => a.retryable ?? null)).toEqual([true, true, null])
    expect(out.port).toBe('ok')
  })

  it('treats a slow receiver as a timeout, and tries again', async () => {
    server.reply(() => ({ delayMs: 300, status: 200 }))
    const out = await runNode(publishWebhook, { config: { url: `${server.url}/slow`, signingSecret: 'hook-secret', timeout: 'PT0.05S', retries: 1 }, secrets })
    expect(out.attempts.map((a) => a.errorClass)).toEqual(['timeout', 'timeout'])
    expect(out.port).toBe('error')
  })

  it('fails for good, sending nothing, when the signing secret is not whsec_', async () => {
    const before = server.requests.length
    const out = await runNode(publishWebhook, { config: { url: `${server.url}/x`, signingSecret: 'hook-token' }, secrets })
    expect(sent(before)).toHaveLength(0)
    expect(out.attempts).toHaveLength(1)
    expect(out.attempts[0]).toMatchObject({ errorClass: 'auth', retryable: false })
    expect(out.attempts[0]!.error).toMatch(/"hook-token" is not a signing secret.*whsec_/)
  })

  it('refuses a URL whose host comes from the order, a header it writes itself, and a bad template, naming the field', async () => {
    await expect(runNode(publishWebhook, { config: { url: 'https://{{order.customer.email}}/x', signingSecret: 's' } })).rejects.toMatchObject({ pointer: '/url' })
    await expect(runNode(publishWebhook, { config: { url: '{{vars.target}}', signingSecret: 's' } })).rejects.toMatchObject({ pointer: '/url' })
    await expect(runNode(publishWebhook, { config: { url: 'https://u:p@example.com/x', signingSecret: 's' } })).rejects.toMatchObject({ pointer: '/url' })
    await expect(runNode(publishWebhook, { config: { url: 'https://example.com/x', signingSecret: 's', headers: { 'Webhook-Signature': 'v1,x' } } })).rejects.toMatchObject({ pointer: '/headers/Webhook-Signature' })
    await expect(runNode(publishWebhook, { config: { url: 'https://example.com/x', signingSecret: 's', body: { a: '{{#order.items}}' } } })).rejects.toMatchObject({ pointer: '/body/a' })
    await expect(runNode(publishWebhook, { config: { url: 'https://example.com/x' } as never })).rejects.toBeInstanceOf(NodeConfigError)
    await expect(runNode(publishWebhook, { config: { url: 'https://example.com/x', signingSecret: 'whsec_notaname/' } })).rejects.toBeInstanceOf(NodeConfigError)
  })
})
