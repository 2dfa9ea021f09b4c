import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, sampleOrder, type Harness } from './harness.ts'

/** Bad input gets a 4xx JSON error naming the field, and loses nothing accepted before. */
describe('bad input', () => {
  let h: Harness
  let acceptedId: string

  beforeAll(async () => {
    h = await createHarness()
    const res = await h.api('POST', '/api/orders', sampleOrder({ platformOrderId: 'kept-1' }))
    expect(res.statusCode).toBe(200)
    acceptedId = res.json().results[0].id
  })
  afterAll(async () => {
    // Whatever came in between, the order accepted first is still there.
    const res = await h.api('GET', `/api/orders/${acceptedId}`)
    expect(res.statusCode).toBe(200)
    expect(res.json().order.platformOrderId).toBe('kept-1')
    await h.close()
  })

  function expectError(res: { statusCode: number; json(): any }, status: number) {
    expect(res.statusCode).toBe(status)
    const body = res.json()
    expect(body).toMatchObject({ statusCode: status, error: expect.any(String), message: expect.any(String) })
    expect(Array.isArray(body.details)).toBe(true)
    return body
  }

  it('answers malformed JSON with 400', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/orders', payload: '{"platform": "jd",', headers: { 'content-type': 'application/json', authorization: `Bearer ${h.adminToken}` } })
    const body = expectError(res, 400)
    expect(body.message).toMatch(/malformed JSON/)
  })

  function postText(url: string, payload: string) {
    return h.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', authorization: `Bearer ${h.adminToken}` } })
  }

  it('refuses a body nested 200,000 levels deep with 400 naming the first place deeper than 64 levels', async () => {
    const depth = 200_000
    const body = expectError(await postText('/api/orders', '['.repeat(depth) + ']'.repeat(depth)), 400)
    expect(body.details).toEqual([{ pointer: '/0'.repeat(64), reason: 'nests deeper than 64 levels of objects and arrays' }])
  })

  it('refuses an order whose raw payload nests too deep, naming where', async () => {
    const order = JSON.stringify(sampleOrder({ platformOrderId: 'deep-raw' }))
    const raw = '{"a":'.repeat(100) + '1' + '}'.repeat(100)
    const body = expectError(await postText('/api/orders', `${order.slice(0, -1)},"raw":${raw}}`), 400)
    expect(body.details).toEqual([{ pointer: '/raw' + '/a'.repeat(63), reason: 'nests deeper than 64 levels of objects and arrays' }])
    expect((await h.api('GET', '/api/orders?platform=douyin&limit=500')).json().items.map((o: any) => o.platformOrderId)).not.toContain('deep-raw')
  })

  it('refuses nesting too deep on every route that takes a body', async () => {
    const deep = '['.repeat(65) + ']'.repeat(65)
    for (const url of ['/api/workflows', '/api/workflows/import', '/api/runs', '/api/tokens', '/api/rules/evaluate']) {
      expect(expectError(await postText(url, `{"x":${deep}}`), 400).details[0].reason, url).toMatch(/deeper than 64 levels/)
    }
  })

  it('refuses a __proto__ key with 400 naming it, and pollutes nothing', async () => {
    const body = expectError(await postText('/api/orders', '{"items":[{"__proto__":{"polluted":true}}]}'), 400)
    expect(body.details).toEqual([{ pointer: '/items/0/__proto__', reason: 'is a key that could pollute object prototypes; it is refused' }])
    // Also when the key is written with escapes.
    const escaped = expectError(await postText('/api/orders', '[{"\\u005f_proto__":{"polluted":true}}]'), 400)
    expect(escaped.details[0].pointer).toBe('/0/__proto__')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('refuses a constructor.prototype key with 400 naming it', async () => {
    const body = expectError(await postText('/api/workflows', '{"id":"x","variables":{"constructor":{"prototype":{"polluted":true}}}}'), 400)
    expect(body.details).toEqual([{ pointer: '/variables/constructor/prototype', reason: 'is a key that could pollute object prototypes; it is refused' }])
  })

  it('takes a plain field named constructor', async () => {
    const order = sampleOrder({ platformOrderId: 'ctor' })
    const res = await h.api('POST', '/api/orders', { ...order, raw: { constructor: 'Acme Ltd', shop: { constructor: 7 } } })
    expect(res.statusCode).toBe(200)
  })

  it('refuses a number too large to represent instead of storing it as null', async () => {
    const order = JSON.stringify(sampleOrder({ platformOrderId: 'huge' }))
    const body = expectError(await postText('/api/orders', `${order.slice(0, -1)},"raw":{"weight":1e400}}`), 400)
    expect(body.details).toEqual([{ pointer: '/raw/weight', reason: 'is a number too large to represent (beyond ±1.8e308)' }])
  })

  it('answers an empty body and a blank one with 400 in the standard shape', async () => {
    for (const payload of ['', '   ']) {
      const body = expectError(await postText('/api/orders', payload), 400)
      expect(body.message).toMatch(/^malformed JSON/)
      expect(body.details).toEqual([{ pointer: '/', reason: expect.any(String) }])
    }
  })

  it('takes a body that starts with a byte order mark', async () => {
    const res = await postText('/api/orders', '\ufeff' + JSON.stringify(sampleOrder({ platformOrderId: 'bom' })))
    expect(res.statusCode).toBe(200)
  })

  it('answers a JSON body that is a bare string, number or null with 400 naming the root', async () => {
    for (const payload of ['"hello"', '42', 'null', 'true']) {
      const body = expectError(await postText('/api/orders', payload), 400)
      expect(body.details[0].pointer, payload).toBe('/')
    }
  })

  it('names each schema violation by JSON pointer', async () => {
    const order = sampleOrder({ items: [{ sku: 'A', quantity: 0, unitPrice: 100 }] })
    const res = await h.api('POST', '/api/orders', order)
    const body = expectError(res, 400)
    expect(body.details).toContainEqual({ pointer: '/items/0/quantity', reason: 'must be >= 1' })
  })

  it('does not coerce types: a string amount is refused', async () => {
    const res = await h.api('POST', '/api/orders', { ...sampleOrder(), totalAmount: '23800' })
    const body = expectError(res, 400)
    expect(body.details).toContainEqual({ pointer: '/totalAmount', reason: 'must be integer' })
  })

  it('refuses null where a number is expected', async () => {
    const res = await h.api('POST', '/api/orders', { ...sampleOrder(), totalAmount: null })
    expect(expectError(res, 400).details).toContainEqual({ pointer: '/totalAmount', reason: 'must be integer' })
  })

  it('refuses money as a float', async () => {
    const res = await h.api('POST', '/api/orders', sampleOrder({ totalAmount: 238.5 }))
    expect(expectError(res, 400).details).toContainEqual({ pointer: '/totalAmount', reason: 'must be integer' })
  })

  it('refuses unknown fields by name', async () => {
    const res = await h.api('POST', '/api/orders', { ...sampleOrder(), discount: 5 })
    expect(expectError(res, 400).details).toContainEqual({ pointer: '/discount', reason: 'is not a known field' })
  })

  it('names the item of a batch that is wrong and accepts none of the batch', async () => {
    const good = sampleOrder({ platformOrderId: 'batch-good' })
    const bad = { ...sampleOrder(), currency: 'yuan' }
    const res = await h.api('POST', '/api/orders', [good, bad])
    const body = expectError(res, 400)
    expect(body.details[0].pointer).toBe('/1/currency')
    const list = await h.api('GET', '/api/orders?platform=douyin&limit=500')
    expect(list.json().items.map((o: any) => o.platformOrderId)).not.toContain('batch-good')
  })

  it('refuses a batch of more than 1,000 orders', async () => {
    const batch = Array.from({ length: 1001 }, (_, i) => sampleOrder({ platformOrderId: `big-${i}` }))
    const res = await h.api('POST', '/api/orders', batch)
    expect(expectError(res, 400).details[0].reason).toMatch(/at most 1000/)
  })

  it('answers a 10 MB body with 413', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/orders', payload: JSON.stringify({ pad: 'x'.repeat(10 * 1024 * 1024) }), headers: { 'content-type': 'application/json', authorization: `Bearer ${h.adminToken}` } })
    expectError(res, 413)
  })

  it('answers a wrong content type with 415', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/orders', payload: 'platform=jd', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${h.adminToken}` } })
    expectError(res, 415)
  })

  it('answers text/plain with 415', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/orders', payload: '{}', headers: { 'content-type': 'text/plain', authorization: `Bearer ${h.adminToken}` } })
    expectError(res, 415)
  })

  it('names a wrong-typed query parameter', async () => {
    const res = await h.api('GET', '/api/orders?limit=many')
    expect(expectError(res, 400).details).toContainEqual(expect.objectContaining({ pointer: '/limit', reason: 'must be integer' }))
  })

  it('names an unknown query parameter value', async () => {
    const res = await h.api('GET', '/api/orders?status=lost')
    expect(expectError(res, 400).details[0].pointer).toBe('/status')
  })

  it('refuses a limit of Infinity, 1e400 or 400 digits with 400 naming it, on every list', async () => {
    for (const list of ['/api/orders', '/api/runs', '/api/audit']) {
      for (const limit of ['Infinity', '1e400', '9'.repeat(400), '-Infinity']) {
        const body = expectError(await h.api('GET', `${list}?limit=${limit}`), 400)
        expect(body.details[0], `${list}?limit=${limit.slice(0, 10)}`).toMatchObject({ pointer: '/limit', in: 'querystring' })
      }
    }
  })

  it('refuses a version number of Infinity in the path with 400 naming it', async () => {
    const body = expectError(await h.api('GET', '/api/workflows/any/versions/Infinity'), 400)
    expect(body.details).toEqual([{ pointer: '/v', in: 'params', reason: 'must be a finite number' }])
  })

  it('takes a staleFor too long to mean anything as "nothing is that stale"', async () => {
    const res = await h.api('GET', `/api/orders?staleFor=P${'9'.repeat(400)}D`)
    expect(res.statusCode).toBe(200)
    expect(res.json().items).toEqual([])
  })

  it('answers a cursor it never issued with 400', async () => {
    const res = await h.api('GET', '/api/orders?cursor=not-a-cursor')
    expect(expectError(res, 400).details[0].pointer).toBe('/cursor')
  })

  it('answers a path that is not valid percent-encoding with 400 in the standard shape', async () => {
    const body = expectError(await h.api('GET', '/api/orders/%ff'), 400)
    expect(body.details).toEqual([{ pointer: '/', in: 'path', reason: 'is not valid percent-encoded UTF-8' }])
  })

  it('names an overlong id in the path by its parameter', async () => {
    const body = expectError(await h.api('GET', `/api/orders/${'x'.repeat(129)}`), 400)
    expect(body.details).toContainEqual(expect.objectContaining({ pointer: '/id', in: 'params' }))
    expectError(await h.api('GET', `/api/orders/${'x'.repeat(300)}`), 414)
  })

  it('answers 401 without a token, before validating anything', async () => {
    const res = await h.api('POST', '/api/orders', { nonsense: true }, null)
    expectError(res, 401)
  })

  it('answers 401 for an unknown path without a token', async () => {
    expectError(await h.api('GET', '/api/no-such-thing', undefined, null), 401)
  })

  it('answers 404 for an unknown path with a token', async () => {
    expectError(await h.api('GET', '/api/no-such-thing'), 404)
  })

  it('cannot be dodged by percent-encoding the path', async () => {
    for (const [method, url] of [['POST', '/%61pi/orders'], ['GET', '/%61pi/tokens'], ['GET', '/%6detrics'], ['GET', '/api/%74okens'], ['GET', '/%61pi/no-such-thing']] as const) {
      const res = await h.api(method, url, method === 'POST' ? sampleOrder() : undefined, null)
      expect(res.statusCode, `${method} ${url}`).toBe(401)
    }
  })

  it('answers 401 for a bearer header with spaces in the token', async () => {
    expectError(await h.api('GET', '/api/orders', undefined, 'two words'), 401)
  })

  it('answers 401 for a bad token', async () => {
    expectError(await h.api('GET', '/api/orders', undefined, 'ordo_not-a-real-token'), 401)
  })

  it('answers 403 when the role may not do it', async () => {
    const approver = await h.tokenFor('approver')
    expectError(await h.api('POST', '/api/orders', sampleOrder(), approver), 403)
    const designer = await h.tokenFor('designer')
    expectError(await h.api('POST', '/api/tokens', { name: 'x', role: 'admin' }, designer), 403)
  })

  it('keeps /api/health open', async () => {
    const res = await h.api('GET', '/api/health', undefined, null)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'ok', store: { kind: 'sqlite', ok: true } })
  })

  it('refuses a workflow with an unknown node type at publish, naming the node', async () => {
    const def = {
      id: 'bad-type', name: 'Bad type',
      nodes: [
        { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
        { id: 'mystery', type: 'order.teleport', position: { x: 0, y: 100 }, config: {} },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'mystery' }],
    }
    expect((await h.api('POST', '/api/workflows', def)).statusCode).toBe(201)
    const validate = await h.api('POST', '/api/workflows/bad-type/validate')
    expect(validate.json().valid).toBe(false)
    expect(validate.json().errors).toContainEqual(expect.objectContaining({ nodeId: 'mystery', pointer: '/nodes/1/type' }))
    const publish = await h.api('POST', '/api/workflows/bad-type/publish')
    const body = expectError(publish, 400)
    expect(body.details).toContainEqual(expect.objectContaining({ nodeId: 'mystery', pointer: '/nodes/1/type' }))
  })

  it('refuses a cycle without a wait at import', async () => {
    const def = {
      id: 'loop', name: 'Loop',
      nodes: [
        { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
        { id: 'a', type: 'order.tag', position: { x: 0, y: 100 }, config: { add: ['a'] } },
        { id: 'b', type: 'order.tag', position: { x: 0, y: 200 }, config: { add: ['b'] } },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'a' },
        { id: 'e2', source: 'a', target: 'b' },
        { id: 'e3', source: 'b', target: 'a' },
      ],
    }
    const res = await h.api('POST', '/api/workflows/import', def)
    const body = expectError(res, 400)
    expect(body.details.some((d: any) => /cycle/i.test(d.reason))).toBe(true)
    expectError(await h.api('GET', '/api/workflows/loop'), 404)
  })

  it('names a bundle entry that is not a workflow by its own pointer', async () => {
    const res = await h.api('POST', '/api/workflows/import', [null])
    expect(expectError(res, 400).details).toContainEqual(expect.objectContaining({ pointer: '/0', reason: 'must be object' }))
    const doc = await h.api('POST', '/api/workflows/import', { format: 'ordo.workflow/v1', workflow: 7 })
    expect(expectError(doc, 400).details).toContainEqual(expect.objectContaining({ pointer: '/workflow', reason: 'must be object' }))
  })

  it('refuses a draft that fails the workflow schema with 400 naming the field', async () => {
    const res = await h.api('POST', '/api/workflows', { id: 'Bad Id!', name: 'x', nodes: [], edges: [] })
    const body = expectError(res, 400)
    expect(body.details.map((d: any) => d.pointer)).toEqual(expect.arrayContaining(['/id', '/nodes']))
  })
})

describe('health when the store is gone', () => {
  it('answers 503 degraded instead of crashing', async () => {
    const h = await createHarness()
    await h.engine.store.close()
    const res = await h.api('GET', '/api/health', undefined, null)
    expect(res.statusCode).toBe(503)
    expect(res.json()).toMatchObject({ status: 'degraded', store: { ok: false } })
    await h.app.close()
  })
})
