/** Secrets over the API: set by admins, named by flows, never answered, logged or audited by value. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, sampleOrder, type Harness } from './harness.ts'
import { startTestServer, type TestServer } from '../connectors/sdk/testing.ts'
import type { WorkflowDefinition } from '../schemas/generated/workflow.ts'

const VALUE = 'sk-live-9d8c7b6a5f4e3d2c'

function shipFlow(url: string, id = 'ship-notice'): WorkflowDefinition {
  return {
    id, name: '发货通知 WMS',
    nodes: [
      { id: 'start', type: 'trigger.order-event', name: '新订单', position: { x: 0, y: 0 }, config: { events: ['created'] } },
      { id: 'ship', type: 'http.request', name: '通知仓库发货', position: { x: 0, y: 120 }, config: { url, headers: { Authorization: 'Bearer {{secret.wms-token}}' }, body: { no: '{{order.platformOrderId}}' } } },
    ],
    edges: [{ id: 'e1', source: 'start', target: 'ship' }],
  }
}

describe('secrets', () => {
  let h: Harness
  let server: TestServer
  beforeAll(async () => { server = await startTestServer(() => ({ status: 201, json: { id: 'SN-1' } })) })
  afterAll(async () => { await server.close() })
  afterEach(async () => { await h.close() })

  it('sets a secret (201, then 200 when replaced) and never answers its value', async () => {
    h = await createHarness()
    const created = await h.api('POST', '/api/secrets', { name: 'wms-token', value: VALUE })
    expect(created.statusCode).toBe(201)
    expect(created.json()).toMatchObject({ name: 'wms-token', updatedBy: 'test admin' })
    const replaced = await h.api('POST', '/api/secrets', { name: 'wms-token', value: `${VALUE}-2` })
    expect(replaced.statusCode).toBe(200)
    const list = await h.api('GET', '/api/secrets')
    expect(list.json().secrets.map((s: { name: string }) => s.name)).toEqual(['wms-token'])
    const audit = await h.api('GET', '/api/audit?limit=50')
    for (const body of [created.body, replaced.body, list.body, audit.body]) expect(body).not.toContain(VALUE)
    expect(audit.json().items.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(['secret.create', 'secret.replace']))
  })

  it('refuses a bad name, a value too short to keep out of logs and an unknown field, naming each, without echoing the value', async () => {
    h = await createHarness()
    const bad = await h.api('POST', '/api/secrets', { name: 'has space', value: 'abc', extra: VALUE })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().details.map((d: { pointer: string }) => d.pointer).sort()).toEqual(['/extra', '/name', '/value'])
    expect(bad.body).not.toContain(VALUE)
    const malformed = await h.app.inject({ method: 'POST', url: '/api/secrets', headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': 'application/json' }, payload: `{"name":"x","value":${VALUE}}` })
    expect(malformed.statusCode).toBe(400)
    expect(malformed.body).not.toContain(VALUE)
  })

  it('lets admins set and delete, designers read names, and nobody else in', async () => {
    h = await createHarness()
    const designer = await h.tokenFor('designer')
    const operator = await h.tokenFor('operator')
    const approver = await h.tokenFor('approver')
    expect((await h.api('POST', '/api/secrets', { name: 'k', value: VALUE }, designer)).statusCode).toBe(403)
    expect((await h.api('POST', '/api/secrets', { name: 'k', value: VALUE })).statusCode).toBe(201)
    expect((await h.api('GET', '/api/secrets', undefined, designer)).statusCode).toBe(200)
    expect((await h.api('GET', '/api/secrets', undefined, operator)).statusCode).toBe(403)
    expect((await h.api('GET', '/api/secrets', undefined, approver)).statusCode).toBe(403)
    expect((await h.api('DELETE', '/api/secrets/k', undefined, designer)).statusCode).toBe(403)
    expect((await h.api('GET', '/api/secrets', undefined, null)).statusCode).toBe(401)
    expect((await h.api('DELETE', '/api/secrets/k')).statusCode).toBe(204)
    expect((await h.api('DELETE', '/api/secrets/k')).statusCode).toBe(404)
  })

  it('warns at validate and publish about a secret nobody set, and names the flows that use one', async () => {
    h = await createHarness()
    expect((await h.api('POST', '/api/workflows', shipFlow(`${server.url}/notices`))).statusCode).toBe(201)
    expect((await h.api('GET', '/api/secrets')).json().missing).toEqual([{ name: 'wms-token', usedBy: [{ workflowId: 'ship-notice', workflowName: '发货通知 WMS', nodeId: 'ship', nodeName: '通知仓库发货', published: false }] }])
    const validated = (await h.api('POST', '/api/workflows/ship-notice/validate')).json()
    expect(validated.warnings).toContainEqual({ nodeId: 'ship', pointer: '/nodes/1/config/headers/Authorization', reason: expect.stringContaining('secret "wms-token" is not set') })
    const published = await h.api('POST', '/api/workflows/ship-notice/publish')
    expect(published.statusCode).toBe(201)
    expect(JSON.stringify(published.json().warnings)).toContain('wms-token')

    await h.api('POST', '/api/secrets', { name: 'wms-token', value: VALUE })
    expect((await h.api('POST', '/api/workflows/ship-notice/validate')).json().warnings).toEqual([])
    const listed = (await h.api('GET', '/api/secrets')).json()
    expect(listed.missing).toEqual([])
    const [secret] = listed.secrets
    expect(secret.usedBy).toEqual([{ workflowId: 'ship-notice', workflowName: '发货通知 WMS', nodeId: 'ship', nodeName: '通知仓库发货', published: true }])
  })

  it('refuses to delete a secret a published flow uses, unless forced', async () => {
    h = await createHarness()
    await h.api('POST', '/api/secrets', { name: 'wms-token', value: VALUE })
    await h.api('POST', '/api/workflows', shipFlow(`${server.url}/notices`))
    await h.api('POST', '/api/workflows/ship-notice/publish')
    const refused = await h.api('DELETE', '/api/secrets/wms-token')
    expect(refused.statusCode).toBe(409)
    expect(refused.json().message).toContain('发货通知 WMS · 通知仓库发货')
    expect((await h.api('DELETE', '/api/secrets/wms-token?force=true')).statusCode).toBe(204)
  })

  it('keeps the value out of every answer of a whole scenario: runs, steps, the integration log, exports', async () => {
    h = await createHarness()
    server.reply((req) => ({ status: 201, json: { id: 'SN-2', echoed: req.headers.authorization } }))
    await h.api('POST', '/api/secrets', { name: 'wms-token', value: VALUE })
    await h.api('POST', '/api/workflows', shipFlow(`${server.url}/notices`))
    await h.api('POST', '/api/workflows/ship-notice/publish')
    const sent = await h.api('POST', '/api/orders', sampleOrder())
    expect(sent.statusCode).toBe(200)
    await h.engine.tick()
    expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${VALUE}`)
    const runs = (await h.api('GET', '/api/runs?limit=10')).json()
    const answers = [
      JSON.stringify(runs),
      ...(await Promise.all(runs.items.map((r: { id: string }) => h.api('GET', `/api/runs/${r.id}`)))).map((r) => r.body),
      (await h.api('GET', '/api/integrations/log?limit=100')).body,
      (await h.api('GET', '/api/integrations/health')).body,
      (await h.api('GET', '/api/workflows/ship-notice/export')).body,
      (await h.api('GET', '/api/audit?limit=100')).body,
      (await h.api('GET', '/metrics')).body,
    ]
    for (const a of answers) expect(a).not.toContain(VALUE)
    expect(answers.join('\n')).toContain('[secret:wms-token]')
  })
})
