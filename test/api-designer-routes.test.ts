import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { createHarness, sampleOrder, type Harness } from './harness.ts'

const douyin = JSON.parse(readFileSync(new URL('../examples/douyin-vip-routing.workflow.json', import.meta.url), 'utf8'))

describe('designer API', () => {
  let h: Harness
  beforeEach(async () => { h = await createHarness() })
  afterEach(() => h.close())

  it('GET /api/session names the calling token', async () => {
    const me = await h.api('GET', '/api/session')
    expect(me.statusCode).toBe(200)
    expect(me.json()).toEqual({ id: 'tok_test_admin', name: 'test admin', role: 'admin' })
    const approver = await h.tokenFor('approver')
    expect((await h.api('GET', '/api/session', undefined, approver)).json()).toMatchObject({ name: 'approver user', role: 'approver' })
    expect((await h.api('GET', '/api/session', undefined, null)).statusCode).toBe(401)
  })

  it('dry-runs a definition on a sample order without storing anything', async () => {
    const res = await h.api('POST', '/api/workflows/douyin-vip-routing/dry-run', {
      definition: douyin,
      order: sampleOrder({ platform: 'douyin', totalAmount: 200000, currency: 'CNY' }),
    })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.status).toBe('completed')
    expect(body.triggerMatched).toBe(true)
    const nodes = body.steps.map((s: any) => s.nodeId)
    expect(nodes).toEqual(expect.arrayContaining(['start', 'split', 'vip-check', 'presale-check', 'tag-vip', 'assign-vip']))
    expect(nodes).not.toContain('tag-special')
    for (const s of body.steps) expect(s).toMatchObject({ visit: 1, attempt: 1, status: 'completed', error: null, durationMs: expect.any(Number) })
    expect(body.order.tags).toContain('vip')
    expect(body.order.assignedTeam).toBe('vip-service')
    expect(body.changes.map((c: any) => c.nodeId)).toEqual(['tag-vip', 'assign-vip'])
    expect(body.changes[1].changed).toContain('assignedTeam')
    expect(body.waiting).toEqual([])

    expect((await h.api('GET', '/api/orders')).json().items).toEqual([])
    expect((await h.api('GET', '/api/runs')).json().items).toEqual([])
    expect((await h.api('GET', '/api/workflows')).json().items).toEqual([])
  })

  it('dry-runs the stored draft when no definition is given; an operator may, an approver may not', async () => {
    expect((await h.api('POST', '/api/workflows', douyin)).statusCode).toBe(201)
    const operator = await h.tokenFor('operator')
    const order = sampleOrder({ platform: 'douyin', totalAmount: 5000, presale: true })
    const res = await h.api('POST', '/api/workflows/douyin-vip-routing/dry-run', { order }, operator)
    expect(res.statusCode).toBe(200)
    expect(res.json().order.tags).toEqual(['special-fulfillment'])
    expect(res.json().order.assignedTeam).toBeNull()
    const approver = await h.tokenFor('approver')
    expect((await h.api('POST', '/api/workflows/douyin-vip-routing/dry-run', { order }, approver)).statusCode).toBe(403)
    expect((await h.api('POST', '/api/workflows/nope/dry-run', { order })).statusCode).toBe(404)
    expect((await h.api('GET', '/api/runs')).json().items).toEqual([])
  })

  it('reports a retrying node as waiting on its timer', async () => {
    const flow = {
      id: 'divide', name: 'Divide',
      nodes: [
        { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
        { id: 'check', type: 'rule.condition', position: { x: 0, y: 120 }, config: { rule: { '>': [{ '/': [100, { var: 'vars.divisor' }] }, 1] } },
          retry: { maxAttempts: 3, initialInterval: 'PT10S', backoffRate: 2 } },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'check' }],
    }
    const res = await h.api('POST', '/api/workflows/divide/dry-run', { definition: flow, order: sampleOrder(), variables: { divisor: 0 } })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.status).toBe('waiting')
    expect(body.triggerMatched).toBeNull()
    expect(body.steps.at(-1)).toMatchObject({ nodeId: 'check', status: 'retrying', error: expect.stringMatching(/division by zero/i) })
    expect(body.waiting).toEqual([{ nodeId: 'check', reason: expect.stringMatching(/retry/), until: '2026-11-20T02:00:10.000Z' }])
  })

  it('refuses an invalid definition with the publish details, naming the node', async () => {
    const bad = {
      ...douyin,
      nodes: [...douyin.nodes, { id: 'ghost', type: 'no.such-type', position: { x: 0, y: 0 } }],
      edges: [...douyin.edges, { id: 'e-dangling', source: 'assign-vip', target: 'nowhere' }],
    }
    const res = await h.api('POST', '/api/workflows/douyin-vip-routing/dry-run', { definition: bad, order: sampleOrder() })
    expect(res.statusCode).toBe(400)
    const body = res.json()
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' })
    expect(body.details).toEqual(expect.arrayContaining([expect.objectContaining({ nodeId: 'ghost', pointer: expect.any(String), reason: expect.any(String) })]))
    expect(body.details.some((d: any) => /nowhere|e-dangling/.test(`${d.reason} ${d.pointer}`) || d.nodeId === 'assign-vip')).toBe(true)
    // a bad order is named by field
    const badOrder = await h.api('POST', '/api/workflows/douyin-vip-routing/dry-run', { definition: douyin, order: { ...sampleOrder(), items: [] } })
    expect(badOrder.statusCode).toBe(400)
    expect(badOrder.json().details[0].pointer).toMatch(/^\/order\/items/)
    // the definition must be the workflow of the path
    expect((await h.api('POST', '/api/workflows/other/dry-run', { definition: douyin, order: sampleOrder() })).statusCode).toBe(400)
  })

  it('computes a per-node heatmap of recent runs', async () => {
    expect((await h.api('POST', '/api/workflows/import?publish=true', douyin)).statusCode).toBe(201)
    for (const totalAmount of [200000, 300000, 5000]) {
      expect((await h.api('POST', '/api/orders', sampleOrder({ totalAmount }))).statusCode).toBe(200)
    }
    await h.engine.idle()
    const res = await h.api('GET', '/api/workflows/douyin-vip-routing/heatmap')
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.runs).toBe(3)
    const byNode = Object.fromEntries(body.nodes.map((n: any) => [n.nodeId, n]))
    expect(byNode.start).toMatchObject({ count: 3, failures: 0 })
    expect(byNode['tag-vip'].count).toBe(2)
    expect(byNode['tag-special']).toBeUndefined()
    expect((await h.api('GET', '/api/workflows/douyin-vip-routing/heatmap?limit=1')).json().runs).toBe(1)
    expect((await h.api('GET', '/api/workflows/douyin-vip-routing/heatmap?limit=501')).statusCode).toBe(400)
    expect((await h.api('GET', '/api/workflows/nope/heatmap')).statusCode).toBe(404)
  })

  it('puts the time a node spends retrying on its heat', async () => {
    const flaky = {
      id: 'flaky', name: 'Flaky',
      nodes: [
        { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
        // Divides by a run variable: 0 fails, then is retried a minute later.
        { id: 'check', type: 'rule.condition', position: { x: 0, y: 120 }, config: { rule: { '>': [{ '/': [100, { var: 'vars.divisor' }] }, 1] } },
          retry: { maxAttempts: 2, initialInterval: 'PT1M' } },
        { id: 'done', type: 'flow.end', position: { x: 0, y: 240 }, config: {} },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'check' }, { id: 'e2', source: 'check', sourceHandle: 'true', target: 'done' }],
    }
    expect((await h.api('POST', '/api/workflows/import?publish=true', flaky)).statusCode).toBe(201)
    expect((await h.api('POST', '/api/runs', { workflowId: 'flaky', variables: { divisor: 0 } })).statusCode).toBe(201)
    expect((await h.api('POST', '/api/runs', { workflowId: 'flaky', variables: { divisor: 2 } })).statusCode).toBe(201)
    h.clock.advance('PT1M')
    await h.engine.tick()
    const byNode = Object.fromEntries((await h.api('GET', '/api/workflows/flaky/heatmap')).json().nodes.map((n: any) => [n.nodeId, n]))
    expect(byNode.check).toMatchObject({ count: 2, failures: 2, totalMs: 60_000, maxMs: 60_000 })
    expect(byNode.start).toMatchObject({ count: 2, failures: 0, totalMs: 0 })
  })

  it('lists the example templates', async () => {
    const res = await h.api('GET', '/api/templates')
    expect(res.statusCode).toBe(200)
    const t = res.json().items.find((i: any) => i.id === 'douyin-vip-routing')
    expect(t).toMatchObject({ name: douyin.name, description: douyin.description, nodeCount: douyin.nodes.length, definition: douyin })
    expect((await h.api('GET', '/api/templates', undefined, null)).statusCode).toBe(401)
  })
})

describe('dry runs of flows that wait', () => {
  let h: Harness
  beforeEach(async () => { h = await createHarness() })
  afterEach(() => h.close())

  it('stops where the flow waits and says for what and until when, with the task it would create', async () => {
    const flow = {
      id: 'ask-lead', name: 'Ask the lead',
      nodes: [
        { id: 'start', type: 'trigger.order-event', position: { x: 0, y: 0 }, config: { events: ['created'] } },
        { id: 'ask', type: 'human.approval', position: { x: 0, y: 100 }, config: { title: 'Refund?', assignees: { users: ['lead'] }, deadline: 'PT4H' } },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'ask' }],
    }
    const res = await h.api('POST', '/api/workflows/ask-lead/dry-run', { definition: flow, order: sampleOrder() })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.status).toBe('waiting')
    expect(body.waiting).toEqual([{ nodeId: 'ask', reason: 'waits for approval "Refund?" until 2026-11-20T06:00:00.000Z', until: '2026-11-20T06:00:00.000Z' }])
    expect(body.tasks).toEqual([{ nodeId: 'ask', title: 'Refund?', assignees: { users: ['lead'], roles: [] }, dueAt: '2026-11-20T06:00:00.000Z' }])
    expect((await h.api('GET', '/api/tasks')).json().tasks).toEqual([])
  })
})
