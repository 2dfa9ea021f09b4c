/**
 * Outside calls end to end in one process: a flow with connector nodes, the real store (SQLite), the
 * activity worker and a local HTTP server standing in for a warehouse. Retries wait on the injected
 * clock; nothing sleeps for a back-off.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts'
import type { Store } from '../store/store.ts'
import { createRegistry, type AnyNodeModule } from '../core/registry.ts'
import { builtinNodeTypes } from './node-catalog.ts'
import { OrderEngine } from './order-engine.ts'
import { ManualClock, systemClock } from './clocks.ts'
import { importWorkflows } from './workflow-import.ts'
import { sampleOrder } from '../../test/harness.ts'
import { call, defineNode } from '../../connectors/sdk/index.ts'
import { startTestServer, type TestServer } from '../../connectors/sdk/testing.ts'
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'

const SECRET = 'wh-7f3a9c-secret-token'

function flow(id: string, nodes: Array<[string, string, Record<string, unknown>?, Record<string, unknown>?]>, edges: string[]): WorkflowDefinition {
  return {
    id, name: id,
    nodes: nodes.map(([nid, type, config, extra], i) => ({ id: nid, type, position: { x: 0, y: i * 120 }, ...(config ? { config } : {}), ...extra })),
    edges: edges.map((spec, i) => {
      const [from, target] = spec.split('>')
      const [source, sourceHandle] = from!.split(':')
      return { id: `e${i}`, source: source!, target: target!, ...(sourceHandle ? { sourceHandle } : {}) }
    }),
  }
}

/** A connector that holds its call until the test lets it go: a slow warehouse. */
let releaseSlow: () => void = () => {}
const slowNode = defineNode({
  manifest: {
    type: 'test.slow-call', title: 'Slow call', description: 'Waits until released.', category: 'connector', inputs: 1, waits: true,
    activity: { concurrency: 1, timeoutMs: 60_000 }, outputs: [{ name: 'ok' }, { name: 'error', errorPort: true }],
    configSchema: { type: 'object', additionalProperties: false, properties: {} },
  },
  run: () => call({ slow: true }),
  perform: () => new Promise((resolve) => { releaseSlow = () => resolve({ released: true }) }),
})

describe('outside calls', () => {
  let server: TestServer
  let store: Store
  let engine: OrderEngine
  let clock: ManualClock
  const dirs: string[] = []
  beforeAll(async () => { server = await startTestServer() })
  afterAll(async () => { await server.close(); for (const d of dirs) rmSync(d, { recursive: true, force: true }) })
  afterEach(async () => { await engine?.stop(); await store?.close() })

  async function setUp(defs: WorkflowDefinition[], options: { path?: string; extra?: AnyNodeModule[]; real?: boolean } = {}) {
    store = openSqliteStore({ path: options.path ?? ':memory:' })
    clock = new ManualClock('2026-12-01T01:00:00Z')
    engine = new OrderEngine({
      store, registry: createRegistry([...builtinNodeTypes, ...(options.extra ?? [])]), clock: options.real ? systemClock as unknown as ManualClock : clock,
      secretKey: Buffer.alloc(32, 7), autoTimers: options.real,
    })
    await engine.start()
    await engine.secrets.set('wms-token', SECRET, 'test', clock.now())
    await importWorkflows(engine, defs, { publish: true, by: 'test' })
  }
  const runOf = async (orderId: string) => (await store.listRuns({ orderId, limit: 10 })).items[0]!.state
  const tagsOf = async (orderId: string) => (await store.getOrder(orderId))!.order.tags
  const shipFlow = (url: string, extra: Record<string, unknown> = {}, nodeExtra: Record<string, unknown> = {}) => flow('ship-notice', [
    ['start', 'trigger.order-event', { events: ['created'] }],
    ['ship', 'http.request', { url, headers: { Authorization: 'Bearer {{secret.wms-token}}' }, body: { orderNo: '{{order.platformOrderId}}' }, responseVariables: { notice: '/id' }, ...extra }, nodeExtra],
    ['sent', 'order.tag', { add: ['notice-sent'] }],
    ['failed', 'order.tag', { add: ['notice-failed'] }],
  ], ['start>ship', 'ship:ok>sent', 'ship:error>failed'])

  it('calls out after the step commits and resumes the node with the answer', async () => {
    server.reply(() => ({ status: 201, json: { id: 'SN-1' } }))
    await setUp([shipFlow(`${server.url}/notices`)])
    const before = server.requests.length
    const [order] = await engine.ingest([{ input: sampleOrder() }], 'test')
    await engine.idle()
    // Committed and waiting, not called yet: the call happens after commit.
    expect((await runOf(order!.id)).status).toBe('waiting')
    expect(server.requests.length).toBe(before)
    await engine.tick()
    const run = await runOf(order!.id)
    expect(run.status).toBe('completed')
    expect(run.variables).toMatchObject({ notice: 'SN-1' })
    expect(await tagsOf(order!.id)).toEqual(['notice-sent'])
    const sent = server.requests.slice(before)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.headers['idempotency-key']).toBe(`${run.runId}:ship:1`)
    const log = (await store.integrationLog({ runId: run.runId, limit: 10 })).items
    expect(log).toEqual([expect.objectContaining({
      connector: 'http.request', endpoint: `${server.url}/notices`, method: 'POST', statusCode: 201, errorClass: null, attempt: 1,
      idempotencyKey: `${run.runId}:ship:1`, nodeId: 'ship', orderId: order!.id,
    })])
  })

  it('retries a failing call on the node\'s policy with one request under one key, then takes the error port', async () => {
    server.reply(() => ({ status: 503, body: 'maintenance' }))
    await setUp([shipFlow(`${server.url}/down`, {}, { retry: { maxAttempts: 3, initialInterval: 'PT10S', backoffRate: 2 } })])
    const before = server.requests.length
    const [order] = await engine.ingest([{ input: sampleOrder() }], 'test')
    await engine.tick()
    expect(server.requests.length - before).toBe(1)
    clock.advance('PT9S')
    await engine.tick()
    expect(server.requests.length - before).toBe(1)
    clock.advance('PT1S')
    await engine.tick()
    expect(server.requests.length - before).toBe(2)
    clock.advance('PT20S')
    await engine.tick()
    const sent = server.requests.slice(before)
    expect(sent).toHaveLength(3)
    expect(new Set(sent.map((r) => `${r.headers['idempotency-key']}|${r.body}`)).size).toBe(1)
    expect(await tagsOf(order!.id)).toEqual(['notice-failed'])
    const log = (await store.integrationLog({ orderId: order!.id, limit: 10 })).items
    expect(log.map((l) => [l.attempt, l.errorClass, l.statusCode])).toEqual([[3, '5xx', 503], [2, '5xx', 503], [1, '5xx', 503]])
  })

  it('takes the error port at once when the far side refuses the request (4xx)', async () => {
    server.reply(() => ({ status: 400, json: { error: 'bad order number' } }))
    await setUp([shipFlow(`${server.url}/bad`)])
    const before = server.requests.length
    const [order] = await engine.ingest([{ input: sampleOrder() }], 'test')
    await engine.tick()
    expect(server.requests.length - before).toBe(1)
    expect(await tagsOf(order!.id)).toEqual(['notice-failed'])
    const step = (await store.listSteps((await runOf(order!.id)).runId)).find((s) => s.nodeId === 'ship')!
    expect(step).toMatchObject({ status: 'failed', port: 'error' })
    expect(step.error).toContain('400')
  })

  it('repeats a call cut off by a crash under the same key and request, with the next attempt number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ordo-activities-'))
    dirs.push(dir)
    const path = join(dir, 'ordo.db')
    server.reply(() => ({ json: { id: 'SN-2' } }))
    await setUp([shipFlow(`${server.url}/after-crash`)], { path })
    const [order] = await engine.ingest([{ input: sampleOrder() }], 'test')
    await engine.idle()
    // A process takes the activity for its try and dies before the outcome commits.
    const [due] = await store.dueActivities(clock.now(), 10)
    expect(await store.claimActivities([{ id: due!.id, until: clock.now() + 3_600_000 }], clock.now())).toHaveLength(1)
    await engine.stop()
    await store.close()

    store = openSqliteStore({ path })
    engine = new OrderEngine({ store, registry: createRegistry(builtinNodeTypes), clock, secretKey: Buffer.alloc(32, 7) })
    await engine.start()
    const before = server.requests.length
    await engine.tick()
    const run = await runOf(order!.id)
    expect(run.status).toBe('completed')
    expect(server.requests.slice(before).map((r) => r.headers['idempotency-key'])).toEqual([`${run.runId}:ship:1`])
    expect((await store.integrationLog({ runId: run.runId, limit: 10 })).items.map((l) => l.attempt)).toEqual([2])
  })

  it('keeps a slow connector to its own slots: other connectors and runs go on meanwhile', async () => {
    server.reply(() => ({ json: { id: 'SN-3' } }))
    const slowFlow = flow('slow-erp', [
      ['start', 'trigger.order-event', { events: ['created'], filter: { '==': [{ var: 'order.platform' }, 'jd'] } }],
      ['erp', 'test.slow-call', {}],
    ], ['start>erp'])
    const fastFlow = shipFlow(`${server.url}/fast`)
    fastFlow.nodes[0]!.config = { events: ['created'], filter: { '==': [{ var: 'order.platform' }, 'douyin'] } }
    await setUp([slowFlow, fastFlow], { extra: [slowNode as unknown as AnyNodeModule], real: true })
    const slow = await engine.ingest([{ input: sampleOrder({ platform: 'jd', platformOrderId: 'JD-1' }) }, { input: sampleOrder({ platform: 'jd', platformOrderId: 'JD-2' }) }], 'test')
    const [fast] = await engine.ingest([{ input: sampleOrder({ platformOrderId: 'DY-1' }) }], 'test')
    await expect.poll(async () => (await runOf(fast!.id)).status, { timeout: 5000 }).toBe('completed')
    expect((await runOf(slow[0]!.id)).status).toBe('waiting')
    expect((await runOf(slow[1]!.id)).status).toBe('waiting')
    releaseSlow()
    await expect.poll(async () => (await store.listRuns({ status: 'completed', limit: 10 })).items.length, { timeout: 5000 }).toBe(2)
    releaseSlow()
    await expect.poll(async () => (await store.listRuns({ status: 'completed', limit: 10 })).items.length, { timeout: 5000 }).toBe(3)
  })

  it('undoes the finished calls of a cancelled run, newest first', async () => {
    server.reply((req) => (req.method === 'POST' ? { status: 201, json: { id: req.url.endsWith('/a') ? 'A-1' : 'B-1' } } : { status: 204 }))
    const call = (path: string) => ({
      url: `${server.url}/${path}`, body: { orderNo: '{{order.platformOrderId}}' },
      compensation: { method: 'DELETE', url: `${server.url}/${path}/{{response.body.id}}`, headers: { Authorization: 'Bearer {{secret.wms-token}}' } },
    })
    await setUp([flow('reserve-then-wait', [
      ['start', 'trigger.order-event', { events: ['created'] }],
      ['a', 'http.request', call('a')],
      ['b', 'http.request', call('b')],
      ['wait', 'time.wait', { signal: 'paid', timeout: 'PT1H' }],
    ], ['start>a', 'a:ok>b', 'b:ok>wait'])])
    const [order] = await engine.ingest([{ input: sampleOrder() }], 'test')
    await engine.tick()
    const run = await runOf(order!.id)
    expect(run.status).toBe('waiting')
    const before = server.requests.length
    await engine.cancelRun(run.runId)
    await engine.tick()
    const undone = server.requests.slice(before)
    expect(undone.map((r) => `${r.method} ${r.url}`)).toEqual(['DELETE /b/B-1', 'DELETE /a/A-1'])
    expect(undone.map((r) => r.headers['idempotency-key'])).toEqual([`${run.runId}:b:1:undo`, `${run.runId}:a:1:undo`])
    expect(undone[0]!.headers.authorization).toBe(`Bearer ${SECRET}`)
  })

  it('sends an approval\'s task and reminders through its IM channel too, without the run waiting for them', async () => {
    server.reply(() => ({ json: { errcode: 0, errmsg: 'ok' } }))
    await setUp([flow('refund-approval', [
      ['start', 'trigger.order-event', { events: ['created'] }],
      ['approve', 'human.approval', {
        title: '退款审批', assignees: { roles: ['approver'] }, reminders: { every: 'PT1H', max: 1 },
        channels: [{ via: 'notify.im', config: { platform: 'dingtalk', webhook: 'robot-url' } }],
      }],
    ], ['start>approve'])])
    await engine.secrets.set('robot-url', `${server.url}/robot/send?access_token=${SECRET}`, 'test', clock.now())
    const before = server.requests.length
    const [order] = await engine.ingest([{ input: sampleOrder() }], 'test')
    await engine.tick()
    const run = await runOf(order!.id)
    expect(run.status).toBe('waiting')
    clock.advance('PT1H')
    await engine.tick()
    const sent = server.requests.slice(before).map((r) => (r.json() as { text: { content: string } }).text.content)
    expect(sent).toHaveLength(2)
    expect(sent[0]).toContain('【新的审批任务】退款审批')
    expect(sent[1]).toContain('【审批提醒】退款审批：第 1 次提醒：等待您的审批')
    expect(sent[1]).toContain(order!.platformOrderId)
    const log = (await store.integrationLog({ runId: run.runId, limit: 10 })).items
    expect(log.map((l) => [l.connector, l.endpoint, l.errorClass])).toEqual([
      ['notify.im', 'https://oapi.dingtalk.com/robot/send', null], ['notify.im', 'https://oapi.dingtalk.com/robot/send', null],
    ].map(([c]) => [c, expect.not.stringContaining(SECRET), null]))
    expect((await runOf(order!.id)).status).toBe('waiting')
  })

  it('never writes a secret into the run, its steps or the integration log', async () => {
    server.reply((req) => ({ status: 500, json: { echo: req.headers.authorization } }))
    await setUp([shipFlow(`${server.url}/echo`, { retries: 0 })])
    const [order] = await engine.ingest([{ input: sampleOrder() }], 'test')
    await engine.tick()
    const run = await runOf(order!.id)
    const everything = JSON.stringify([
      run, await store.listSteps(run.runId), await store.integrationLog({ limit: 100 }), await store.dueActivities(clock.now() + 1e9, 100),
    ])
    expect(everything).toContain('[secret:wms-token]')
    expect(everything).not.toContain(SECRET)
  })
})
