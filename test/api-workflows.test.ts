import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHarness, sampleOrder, type Harness } from './harness.ts'

/** A small order flow: created orders above `threshold` get the tag `big`. */
function bigOrderFlow(threshold: number, tag = 'big') {
  return {
    id: 'big-orders', name: 'Big orders', description: 'Tags big orders',
    nodes: [
      { id: 'start', type: 'trigger.order-event', position: { x: 0, y: 0 }, config: { events: ['created'] } },
      { id: 'check', type: 'rule.condition', position: { x: 0, y: 120 }, config: { rule: { '>': [{ var: 'order.totalAmount' }, threshold] } } },
      { id: 'tag', type: 'order.tag', position: { x: 0, y: 240 }, config: { add: [tag] } },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'check' },
      { id: 'e2', source: 'check', sourceHandle: 'true', target: 'tag' },
    ],
  }
}

describe('workflows API', () => {
  let h: Harness
  beforeEach(async () => { h = await createHarness() })
  afterEach(() => h.close())

  it('creates, reads and updates a draft, refusing a stale save', async () => {
    const created = await h.api('POST', '/api/workflows', bigOrderFlow(1000))
    expect(created.statusCode).toBe(201)
    expect(created.json()).toMatchObject({ id: 'big-orders', draftRevision: 1, latestVersion: null })
    expect((await h.api('POST', '/api/workflows', bigOrderFlow(1000))).statusCode).toBe(409)
    const updated = await h.app.inject({ method: 'PUT', url: '/api/workflows/big-orders', payload: bigOrderFlow(2000), headers: { authorization: `Bearer ${h.adminToken}`, 'if-match': '"1"' } })
    expect(updated.statusCode).toBe(200)
    expect(updated.json().draftRevision).toBe(2)
    const stale = await h.app.inject({ method: 'PUT', url: '/api/workflows/big-orders', payload: bigOrderFlow(3000), headers: { authorization: `Bearer ${h.adminToken}`, 'if-match': '"1"' } })
    expect(stale.statusCode).toBe(409)
    const read = (await h.api('GET', '/api/workflows/big-orders')).json()
    expect(read.draft.nodes[1].config.rule['>'][1]).toBe(2000)
  })

  it('refuses a body whose id differs from the path', async () => {
    await h.api('POST', '/api/workflows', bigOrderFlow(1000))
    const res = await h.api('PUT', '/api/workflows/big-orders', { ...bigOrderFlow(1), id: 'other' })
    expect(res.statusCode).toBe(400)
    expect(res.json().details[0].pointer).toBe('/id')
  })

  it('validates a definition in the body without saving it, errors per node', async () => {
    await h.api('POST', '/api/workflows', bigOrderFlow(1000))
    const broken = bigOrderFlow(1000)
    broken.edges.push({ id: 'e3', source: 'check', sourceHandle: 'maybe', target: 'tag' })
    broken.edges.push({ id: 'e4', source: 'tag', target: 'ghost' })
    const res = (await h.api('POST', '/api/workflows/big-orders/validate', broken)).json()
    expect(res.valid).toBe(false)
    expect(res.errors).toContainEqual(expect.objectContaining({ pointer: '/edges/2/sourceHandle' }))
    expect(res.errors).toContainEqual(expect.objectContaining({ pointer: '/edges/3/target' }))
    expect((await h.api('POST', '/api/workflows/big-orders/validate')).json()).toEqual({ valid: true, errors: [], warnings: [], conflicts: [] })
  })

  it('publishes immutable versions N+1 and keeps running instances on their version', async () => {
    await h.api('POST', '/api/workflows', bigOrderFlow(1000, 'big-v1'))
    expect((await h.api('POST', '/api/workflows/big-orders/publish')).json()).toMatchObject({ version: 1 })
    await h.api('PUT', '/api/workflows/big-orders', bigOrderFlow(1000, 'big-v2'))
    expect((await h.api('POST', '/api/workflows/big-orders/publish')).json()).toMatchObject({ version: 2 })

    const versions = (await h.api('GET', '/api/workflows/big-orders/versions')).json().items
    expect(versions.map((v: any) => v.version)).toEqual([2, 1])
    const v1 = (await h.api('GET', '/api/workflows/big-orders/versions/1')).json()
    expect(v1.definition.nodes[2].config.add).toEqual(['big-v1'])

    const res = await h.api('POST', '/api/orders', sampleOrder({ totalAmount: 5000 }))
    await h.engine.idle()
    const detail = (await h.api('GET', `/api/orders/${res.json().results[0].id}`)).json()
    expect(detail.order.tags).toEqual(['big-v2'])
    expect(detail.runs[0]).toMatchObject({ workflowId: 'big-orders', version: 2, status: 'completed' })
  })

  it('imports a bundle all or nothing, then exports what it published', async () => {
    const good = bigOrderFlow(1)
    const bad = { ...bigOrderFlow(1), id: 'bad-one', nodes: bigOrderFlow(1).nodes.map((n) => (n.id === 'tag' ? { ...n, config: { add: 'not-a-list' } } : n)) }
    const refused = await h.api('POST', '/api/workflows/import', { workflows: [good, bad] })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().details).toContainEqual(expect.objectContaining({ nodeId: 'tag', pointer: '/workflows/1/nodes/2/config/add' }))
    expect((await h.api('GET', '/api/workflows/big-orders')).statusCode).toBe(404)

    const ok = await h.api('POST', '/api/workflows/import?publish=true', { workflows: [good] })
    expect(ok.statusCode).toBe(201)
    expect(ok.json().imported).toEqual([{ id: 'big-orders', version: 1, created: true }])
    const exported = (await h.api('GET', '/api/workflows/big-orders/export')).json()
    expect(exported.format).toBe('ordo.workflow/v1')
    expect(exported.workflow.nodes).toEqual(good.nodes)

    // The export document imports back unchanged: it is version 1 still, not an identical version 2.
    const again = await h.api('POST', '/api/workflows/import?publish=true', exported)
    expect(again.json().imported).toEqual([{ id: 'big-orders', version: 1, created: false }])
    expect((await h.api('GET', '/api/workflows/big-orders/versions')).json().items).toHaveLength(1)
    const changed = await h.api('POST', '/api/workflows/import?publish=true', bigOrderFlow(2))
    expect(changed.json().imported).toEqual([{ id: 'big-orders', version: 2, created: false }])
  })

  it('imports as drafts unless ?publish=true, as the designer says', async () => {
    const draft = await h.api('POST', '/api/workflows/import', bigOrderFlow(1))
    expect(draft.statusCode).toBe(201)
    expect(draft.json().imported).toEqual([{ id: 'big-orders', version: null, created: true }])
    expect((await h.api('GET', '/api/workflows/big-orders')).json().latestVersion).toBeNull()
    const published = await h.api('POST', '/api/workflows/import?publish=true', bigOrderFlow(1))
    expect(published.json().imported).toEqual([{ id: 'big-orders', version: 1, created: false }])
  })

  it('answers a publish without a change since the latest version with that version, creating and auditing nothing', async () => {
    await h.api('POST', '/api/workflows', bigOrderFlow(1))
    const first = await h.api('POST', '/api/workflows/big-orders/publish')
    expect(first.statusCode).toBe(201)
    expect(first.json()).toMatchObject({ version: 1, changed: true })
    const again = await h.api('POST', '/api/workflows/big-orders/publish')
    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual({ ...first.json(), changed: false })
    expect((await h.api('GET', '/api/workflows/big-orders/versions')).json().items).toHaveLength(1)
    expect((await h.api('GET', '/api/audit')).json().items.filter((e: any) => e.action === 'workflow.publish')).toHaveLength(1)
    // Moving a node is a change: it is the flow as drawn.
    const moved = bigOrderFlow(1)
    moved.nodes[2].position = { x: 40, y: 240 }
    await h.api('PUT', '/api/workflows/big-orders', moved)
    const second = await h.api('POST', '/api/workflows/big-orders/publish')
    expect(second.statusCode).toBe(201)
    expect(second.json()).toMatchObject({ version: 2, changed: true })
  })

  it('points out, at validation and publish, another published flow that sets the team on the same event', async () => {
    const assigning = (id: string, name: string, team: string) => ({
      id, name,
      nodes: [
        { id: 'start', type: 'trigger.order-event', position: { x: 0, y: 0 }, config: { events: ['created'] } },
        { id: `assign-${team}`, type: 'order.assign', name: `分配 ${team}`, position: { x: 0, y: 120 }, config: { team } },
      ],
      edges: [{ id: 'e1', source: 'start', target: `assign-${team}` }],
    })
    await h.api('POST', '/api/workflows/import?publish=true', assigning('vip-routing', 'VIP 分流', 'vip-service'))
    await h.api('POST', '/api/workflows', assigning('night-shift', '夜班接单', 'night-shift'))
    const expected = {
      field: 'assignedTeam', event: 'created', otherWorkflowId: 'vip-routing', otherWorkflowName: 'VIP 分流',
      nodeId: 'assign-night-shift', nodeName: '分配 night-shift', otherNodeId: 'assign-vip-service', otherNodeName: '分配 vip-service',
      value: 'night-shift', otherValue: 'vip-service',
    }
    expect((await h.api('POST', '/api/workflows/night-shift/validate')).json().conflicts).toEqual([expected])
    // A warning, not a refusal: the publish goes through and says what it collides with.
    const published = await h.api('POST', '/api/workflows/night-shift/publish')
    expect(published.statusCode).toBe(201)
    expect(published.json().conflicts).toEqual([expected])
    // The other flow now sees this one.
    expect((await h.api('POST', '/api/workflows/vip-routing/validate')).json().conflicts).toMatchObject([{ otherWorkflowId: 'night-shift', otherWorkflowName: '夜班接单' }])
  })

  it('lists node types with their manifests', async () => {
    const types = (await h.api('GET', '/api/node-types')).json().nodeTypes.map((m: any) => m.type)
    expect(types).toEqual(expect.arrayContaining(['trigger.order-event', 'trigger.manual', 'rule.condition', 'rule.switch', 'rule.set',
      'order.update-status', 'order.tag', 'order.hold', 'order.assign', 'flow.parallel', 'flow.join', 'flow.end']))
  })

  it('lets a designer edit but not an operator', async () => {
    const operator = await h.tokenFor('operator')
    expect((await h.api('POST', '/api/workflows', bigOrderFlow(1), operator)).statusCode).toBe(403)
    const designer = await h.tokenFor('designer')
    expect((await h.api('POST', '/api/workflows', bigOrderFlow(1), designer)).statusCode).toBe(201)
    expect((await h.api('POST', '/api/workflows/big-orders/publish', undefined, operator)).statusCode).toBe(403)
    expect((await h.api('GET', '/api/workflows/big-orders', undefined, operator)).statusCode).toBe(200)
  })

  it('writes what designers did to the audit log', async () => {
    await h.api('POST', '/api/workflows', bigOrderFlow(1))
    await h.api('POST', '/api/workflows/big-orders/publish')
    const audit = (await h.api('GET', '/api/audit')).json().items.map((e: any) => e.action)
    expect(audit).toEqual(['workflow.publish', 'workflow.create'])
  })
})
