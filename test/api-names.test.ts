/** Operators read names, not ids: run views and order history name the workflow, the node and the order. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHarness, sampleOrder, type Harness } from './harness.ts'
import { parseSource } from '../engine/http/routes/history-origin.ts'

const routing = {
  id: 'vip-routing', name: '抖音大额订单 VIP 分流',
  nodes: [
    { id: 'start', type: 'trigger.order-event', name: '新订单', position: { x: 0, y: 0 }, config: { events: ['created'] } },
    { id: 'assign-vip', type: 'order.assign', name: '分配 VIP 客服', position: { x: 0, y: 120 }, config: { team: 'vip-service' } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'assign-vip' }],
}

const split = {
  id: 'split-amount', name: '金额分摊',
  nodes: [
    { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
    { id: 'share', type: 'rule.set', name: '计算每份金额', position: { x: 0, y: 120 }, config: { variables: { share: { '/': [{ var: 'order.totalAmount' }, { var: 'vars.divisor' }] } } } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'share' }],
}

describe('names in run views and order history', () => {
  let h: Harness
  let orderId: string
  beforeEach(async () => {
    h = await createHarness()
    expect((await h.api('POST', '/api/workflows/import?publish=true', { workflows: [routing, split] })).statusCode).toBe(201)
    orderId = (await h.api('POST', '/api/orders', sampleOrder({ platformOrderId: '6931234567890123456' }))).json().results[0].id
  })
  afterEach(() => h.close())

  it('gives each run its workflow name and its order\'s platform and order number', async () => {
    const runs = (await h.api('GET', `/api/runs?orderId=${orderId}`)).json().items
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({
      workflowId: 'vip-routing', workflowName: '抖音大额订单 VIP 分流', orderId,
      order: { platform: 'douyin', platformOrderId: '6931234567890123456' },
    })
    const run = (await h.api('GET', `/api/runs/${runs[0].id}`)).json()
    expect(run.steps.map((s: any) => [s.nodeId, s.nodeName])).toEqual([['start', '新订单'], ['assign-vip', '分配 VIP 客服']])
  })

  it('names the node an incident stopped at, and a run without an order has no order', async () => {
    const withOrder = (await h.api('POST', '/api/runs', { workflowId: 'split-amount', orderId, variables: { divisor: 0 } })).json()
    expect(withOrder.workflowName).toBe('金额分摊')
    expect(withOrder.order).toEqual({ platform: 'douyin', platformOrderId: '6931234567890123456' })
    await h.engine.idle()
    const failed = (await h.api('GET', `/api/runs/${withOrder.id}`)).json()
    expect(failed.status).toBe('failed')
    expect(failed.incident).toMatchObject({ nodeId: 'share', nodeName: '计算每份金额' })
    expect(failed.tokens).toMatchObject([{ nodeId: 'share', nodeName: '计算每份金额' }])
    const retried = (await h.api('POST', `/api/runs/${withOrder.id}/retry`, { variables: { divisor: 2 } })).json()
    expect(retried).toMatchObject({ status: 'completed', workflowName: '金额分摊', order: { platformOrderId: '6931234567890123456' } })

    const orderless = (await h.api('POST', '/api/runs', { workflowId: 'split-amount', variables: { divisor: 1 } })).json()
    expect(orderless).toMatchObject({ orderId: null, order: null })
  })

  it('keeps the node name of the version a run is pinned to after a rename, and the workflow\'s current name', async () => {
    const runId = (await h.api('GET', `/api/runs?orderId=${orderId}`)).json().items[0].id
    const renamed = { ...routing, name: '大额订单分流', nodes: routing.nodes.map((n) => (n.id === 'assign-vip' ? { ...n, name: '分配贵宾客服' } : n)) }
    await h.api('POST', '/api/workflows/import?publish=true', renamed)
    const run = (await h.api('GET', `/api/runs/${runId}`)).json()
    expect(run.workflowName).toBe('大额订单分流')
    expect(run.steps[1].nodeName).toBe('分配 VIP 客服')
  })

  it('gives each order history entry its origin: the run\'s workflow and node, or who sent the order', async () => {
    const detail = (await h.api('GET', `/api/orders/${orderId}`)).json()
    const runId = detail.runs[0].id
    expect(detail.runs[0].workflowName).toBe('抖音大额订单 VIP 分流')
    expect(detail.history.map((e: any) => [e.kind, e.origin])).toEqual([
      ['created', { kind: 'api', actor: 'test admin' }],
      ['patched', { kind: 'run', runId, workflowId: 'vip-routing', workflowName: '抖音大额订单 VIP 分流', version: 1, nodeId: 'assign-vip', nodeName: '分配 VIP 客服', visit: 1 }],
    ])
    // The source text stays, for scripts that read it.
    expect(detail.history[1].source).toBe(`run:${runId}:assign-vip:1`)
    expect(detail.history[1].detail).toMatchObject({ changed: ['assignedTeam'], before: { assignedTeam: null }, after: { assignedTeam: 'vip-service' } })
  })
})

describe('reading a history source', () => {
  it('reads runs, API tokens, webhooks and operators, and keeps anything else as it is', () => {
    expect(parseSource('run:run_01:assign-vip:2')).toEqual({ kind: 'run', runId: 'run_01', nodeId: 'assign-vip', visit: 2, workflowId: null, workflowName: null, version: null, nodeName: null })
    expect(parseSource('api:ops: night')).toEqual({ kind: 'api', actor: 'ops: night' })
    expect(parseSource('api')).toEqual({ kind: 'api', actor: null })
    expect(parseSource('webhook:douyin')).toEqual({ kind: 'webhook', platform: 'douyin' })
    expect(parseSource('shop:shop_01:pull')).toEqual({ kind: 'shop', shopId: 'shop_01', via: 'pull', shopName: null, platform: null })
    expect(parseSource('shop:shop_01:elsewhere')).toEqual({ kind: 'other', source: 'shop:shop_01:elsewhere' })
    expect(parseSource('operator:alice')).toEqual({ kind: 'operator', actor: 'alice' })
    expect(parseSource('import')).toEqual({ kind: 'other', source: 'import' })
  })
})
