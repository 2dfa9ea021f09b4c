import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runNode, sampleOrder, startTestServer, NodeConfigError, type TestServer } from '../sdk/testing.ts'
import httpRequest from './http.request.node.ts'

let server: TestServer
beforeAll(async () => { server = await startTestServer() })
afterAll(async () => { await server.close() })

const SECRET = 'wms-s3cr3t-token-value'

describe('http.request', () => {
  it('sends the templated URL, headers and JSON body, with the idempotency key, and maps the answer into variables', async () => {
    server.reply(() => ({ status: 201, json: { data: { id: 'SN-77' } } }))
    const before = server.requests.length
    const out = await runNode(httpRequest, {
      config: {
        method: 'POST',
        url: `${server.url}/orders/{{order.platformOrderId}}/ship-notices?note={{vars.note}}`,
        headers: { Authorization: 'Bearer {{secret.wms-token}}', 'X-Shop': '{{order.platform}}' },
        body: { orderNo: '{{order.platformOrderId}}', amount: '{{order.totalAmount}}', lines: '{{order.items}}', memo: 'for {{order.customer.name}}' },
        responseVariables: { shipNoticeId: '/data/id' },
      },
      variables: { note: 'a b&c' },
      secrets: { 'wms-token': SECRET },
      idempotencyKey: 'run_1:ship:1',
    })
    const req = server.requests[before]!
    expect(req.url).toBe('/orders/6931000000000000001/ship-notices?note=a%20b%26c')
    expect(req.headers.authorization).toBe(`Bearer ${SECRET}`)
    expect(req.headers['x-shop']).toBe('douyin')
    expect(req.headers['idempotency-key']).toBe('run_1:ship:1')
    expect(req.json()).toEqual({ orderNo: '6931000000000000001', amount: 129900, lines: sampleOrder().items, memo: 'for 王小明' })
    expect(out.port).toBe('ok')
    expect('next' in out.result && out.result.next.variables).toEqual({ shipNoticeId: 'SN-77' })
    // The request the engine keeps holds the secret's name, not its value.
    expect(JSON.stringify(out.request)).not.toContain(SECRET)
    expect(JSON.stringify(out.request)).toContain('wms-token')
  })

  it('keeps a secret out of the output even when the server echoes it back', async () => {
    server.reply((req) => ({ json: { youSent: req.headers.authorization } }))
    const out = await runNode(httpRequest, {
      config: { method: 'GET', url: `${server.url}/echo`, headers: { Authorization: 'Bearer {{secret.wms-token}}' } },
      secrets: { 'wms-token': SECRET },
    })
    expect(JSON.stringify(out.output)).not.toContain(SECRET)
    expect(JSON.stringify(out.output)).toContain('[secret:wms-token]')
  })

  it('goes to the error port at once on a 4xx, without retrying', async () => {
    server.reply(() => ({ status: 422, json: { message: 'unknown SKU' } }))
    const out = await runNode(httpRequest, { config: { url: `${server.url}/x` } })
    expect(out.attempts).toHaveLength(1)
    expect(out.attempts[0]).toMatchObject({ ok: false, errorClass: '4xx', retryable: false })
    expect(out.port).toBe('error')
    expect('fail' in out.result && out.result.fail.error).toContain('422')
  })

  it('retries a 5xx with the same request and key, and succeeds when the server recovers', async () => {
    let n = 0
    server.reply(() => (++n < 3 ? { status: 503, body: 'busy' } : { json: { ok: true } }))
    const before = server.requests.length
    const out = await runNode(httpRequest, { config: { url: `${server.url}/flaky`, body: { a: 1 }, retries: 2 } })
    const seen = server.requests.slice(before)
    expect(seen).toHaveLength(3)
    expect(new Set(seen.map((r) => r.headers['idempotency-key'])).size).toBe(1)
    expect(new Set(seen.map((r) => r.body)).size).toBe(1)
    expect(out.attempts.map((a) => a.errorClass ?? 'ok')).toEqual(['5xx', '5xx', 'ok'])
    expect(out.port).toBe('ok')
  })

  it('treats a timeout as retryable and reports it as a timeout', async () => {
    server.reply(() => ({ delayMs: 300, json: {} }))
    const out = await runNode(httpRequest, { config: { url: `${server.url}/slow`, timeout: 'PT0.05S', retries: 1 } })
    expect(out.attempts.map((a) => a.errorClass)).toEqual(['timeout', 'timeout'])
    expect(out.port).toBe('error')
  })

  it('takes the port a listed status names, without failing', async () => {
    server.reply(() => ({ status: 404, json: { message: 'no such order' } }))
    const out = await runNode(httpRequest, { config: { method: 'GET', url: `${server.url}/orders/1`, statusPorts: [{ status: '404', port: 'not_found' }] } })
    expect(out.port).toBe('not_found')
    expect(out.output).toMatchObject({ status: 404, body: { message: 'no such order' } })
  })

  it('refuses a URL whose host comes from the order, naming the field', async () => {
    await expect(runNode(httpRequest, { config: { url: 'https://{{order.customer.email}}/x' } })).rejects.toMatchObject({ pointer: '/url' })
    await expect(runNode(httpRequest, { config: { url: '{{vars.target}}' } })).rejects.toMatchObject({ pointer: '/url' })
    await expect(runNode(httpRequest, { config: { url: 'https://user:pw@example.com/x' } })).rejects.toMatchObject({ pointer: '/url' })
  })

  it('refuses a template that does not parse, and an unknown field, naming them', async () => {
    await expect(runNode(httpRequest, { config: { url: 'https://example.com/x', body: { a: '{{#order.items}}' } } })).rejects.toMatchObject({ pointer: '/body/a' })
    await expect(runNode(httpRequest, { config: { url: 'https://example.com/x', retry: 3 } as never })).rejects.toBeInstanceOf(NodeConfigError)
  })

  it('cannot be made to send a secret by an order field that names one', async () => {
    server.reply(() => ({ json: {} }))
    const before = server.requests.length
    await runNode(httpRequest, {
      config: { url: `${server.url}/notes`, body: { note: '{{order.customer.name}}', note2: 'x {{order.customer.name}}' } },
      order: sampleOrder({ customer: { id: 'c', name: '{{secret.wms-token}}', phone: null, email: null } as never }),
      secrets: { 'wms-token': SECRET },
    })
    expect(server.requests[before]!.body).not.toContain(SECRET)
    expect(server.requests[before]!.json()).toEqual({ note: '{{secret.wms-token}}', note2: 'x {{secret.wms-token}}' })
  })

  it('undoes its call with the compensation request, reading the first answer', () => {
    const prepared = httpRequest.prepare!({
      url: 'https://wms.example.com/ship-notices',
      compensation: { method: 'DELETE', url: 'https://wms.example.com/ship-notices/{{response.body.id}}' },
    }, { compileRule: () => () => null })
    const undo = httpRequest.compensate!({
      config: prepared, node: { id: 'ship', type: 'http.request' }, runId: 'r', input: null, order: sampleOrder(), variables: {}, now: 0, attempt: 1,
      idempotencyKey: 'r:ship:1', startedBy: null, response: { status: 201, headers: {}, body: { id: 'SN 9' } },
    })
    expect((undo!.request as { call: { value: { method: string; url: string } } }).call.value).toMatchObject({ method: 'DELETE', url: 'https://wms.example.com/ship-notices/SN%209' })
  })
})
