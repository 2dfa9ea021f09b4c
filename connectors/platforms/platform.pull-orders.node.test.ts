/**
 * platform.pull-orders: its config, what it asks for, and its calls performed by a whole Ordo with
 * the shop puller against a fake platform (and, in an Ordo without one, a clear failure).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import pullOrders from './platform.pull-orders.node.ts'
import { NodeConfigError, runNode, sampleOrder } from '../sdk/testing.ts'
import { createHarness, type Harness } from '../../test/harness.ts'
import { FakePlatform, FakeShopDirectory, pinduoduoDetail } from '../../test/support/fake-shops.ts'
import { ShopPuller } from '../../engine/runtime/shop-puller.ts'
import { PULL_ORDERS_PERFORMER, pullOrdersPerformer } from '../../engine/runtime/pull-orders.ts'
import { PlatformApiError } from './platform-api.ts'

describe('platform.pull-orders on its own', () => {
  it('asks for the shops its scope names, or for the run\'s order by platform and number', async () => {
    const ask = async (config: Record<string, unknown>) => ((await runNode(pullOrders, { config })).run as { wait: { activity: { request: unknown } } }).wait.activity.request
    expect(await ask({})).toEqual({ scope: 'all' })
    expect(await ask({ scope: 'platforms', platforms: ['pinduoduo', 'taobao'] })).toEqual({ scope: 'platforms', platforms: ['pinduoduo', 'taobao'] })
    expect(await ask({ scope: 'shops', shopIds: ['shop_1'] })).toEqual({ scope: 'shops', shopIds: ['shop_1'] })
    expect(await ask({ scope: 'order' })).toEqual({ scope: 'order', platform: 'douyin', platformOrderId: '6931000000000000001' })
  })

  it('refuses a scope without the platforms or shops it needs, naming the field', async () => {
    await expect(runNode(pullOrders, { config: { scope: 'platforms' } })).rejects.toMatchObject({ pointer: '/platforms', message: 'names the platforms whose shops to pull' })
    await expect(runNode(pullOrders, { config: { scope: 'shops' } })).rejects.toMatchObject({ pointer: '/shopIds' })
    await expect(runNode(pullOrders, { config: { scope: 'shops', shopIds: [] } })).rejects.toBeInstanceOf(NodeConfigError)
    await expect(runNode(pullOrders, { config: { scope: 'everything' } as never })).rejects.toBeInstanceOf(NodeConfigError)
  })

  it('cannot pull the run\'s order again when the run has none, or when it was entered by hand', async () => {
    expect((await runNode(pullOrders, { config: { scope: 'order' }, order: null })).port).toBe('error')
    const manual = await runNode(pullOrders, { config: { scope: 'order' }, order: sampleOrder({ platform: 'manual' }) })
    expect(manual.result).toEqual({ fail: { error: 'order ord_test_1 was entered by hand: no platform has it', retryable: false } })
  })

  it('fails at once, saying why, in an Ordo that runs no shop puller', async () => {
    const out = await runNode(pullOrders, { config: {} })
    expect(out.port).toBe('error')
    expect(out.attempts).toHaveLength(1)
    expect(out.attempts[0]).toMatchObject({ ok: false, retryable: false, error: 'this Ordo pulls no shops: no shop puller was started with the engine' })
  })
})

describe('platform.pull-orders in a flow', () => {
  let h: Harness
  let directory: FakeShopDirectory
  let pdd: FakePlatform
  let puller: ShopPuller | undefined

  beforeEach(async () => {
    h = await createHarness({ start: '2026-12-01T01:00:00Z', engine: { performers: [[PULL_ORDERS_PERFORMER, pullOrdersPerformer(() => puller)]] } })
    directory = new FakeShopDirectory(h.engine)
    pdd = new FakePlatform('pinduoduo')
    puller = new ShopPuller({ store: h.engine.store, directory, clock: h.clock, platformApi: (p) => (p === 'pinduoduo' ? pdd : undefined) })
  })
  afterEach(async () => {
    await puller?.stop()
    await h.close()
  })

  async function runFlow(config: Record<string, unknown>) {
    const def = {
      id: 'pull-now', name: '立即拉取',
      nodes: [
        { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } },
        { id: 'pull', type: 'platform.pull-orders', position: { x: 0, y: 120 }, config },
        { id: 'pulled', type: 'rule.set', position: { x: -100, y: 240 }, config: { variables: { outcome: 'pulled' } } },
        { id: 'failed', type: 'rule.set', position: { x: 100, y: 240 }, config: { variables: { outcome: 'failed' } } },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'pull' },
        { id: 'e2', source: 'pull', sourceHandle: 'ok', target: 'pulled' },
        { id: 'e3', source: 'pull', sourceHandle: 'error', target: 'failed' },
      ],
    }
    expect((await h.api('POST', '/api/workflows/import?publish=true', def)).statusCode).toBeLessThan(300)
    const started = await h.api('POST', '/api/runs', { workflowId: 'pull-now' })
    expect(started.statusCode).toBe(201)
    await h.engine.tick()
    const run = (await h.api('GET', `/api/runs/${started.json().id}`)).json()
    return { run, output: run.steps.find((s: { nodeId: string }) => s.nodeId === 'pull')?.output }
  }

  it('pulls the shops it names and puts out what they brought', async () => {
    directory.add('pdd-1', 'pinduoduo')
    pdd.put('261201-01', h.clock.now() - 3600_000, 1)
    pdd.put('261201-02', h.clock.now() - 60_000, 2)
    const { run, output } = await runFlow({ scope: 'shops', shopIds: ['pdd-1'] })
    expect(run.status).toBe('completed')
    expect(run.variables.outcome).toBe('pulled')
    expect(output).toMatchObject({ orders: 2, changed: 2, shops: [{ shopId: 'pdd-1', orders: 2, changed: 2, window: { to: '2026-12-01T00:59:50.000Z' } }] })
    const pool = (await h.api('GET', '/api/orders?platform=pinduoduo')).json().items
    expect(pool.map((o: { platformOrderId: string; status: string }) => `${o.platformOrderId} ${o.status}`).sort()).toEqual(['261201-01 paid', '261201-02 shipped'])
  })

  it('takes its error port, naming the shop, when a shop\'s session expired', async () => {
    directory.add('pdd-1', 'pinduoduo')
    directory.add('pdd-2', 'pinduoduo', { clientId: 'c', clientSecret: 's3cret-value', accessToken: 'expired' })
    const { run, output } = await runFlow({ scope: 'platforms', platforms: ['pinduoduo'] })
    expect(run.variables.outcome).toBe('failed')
    expect(output.shops).toEqual([
      expect.objectContaining({ shopId: 'pdd-1' }),
      { shopId: 'pdd-2', orders: 0, changed: 0, pages: 0, error: 'access_token 已过期' },
    ])
    expect(directory.healthOf('pdd-2')).toEqual([{ kind: 'pull-error', code: '10019' }])
  })

  it('tries again later when the platform throttles the run\'s order', async () => {
    directory.add('pdd-1', 'pinduoduo')
    pdd.put('261201-03', h.clock.now() - 60_000, 1)
    await directory.ingestDetails('pdd-1', [pinduoduoDetail(pdd.orders.get('261201-03')!)], 'pull')
    const order = (await h.api('GET', '/api/orders?platform=pinduoduo')).json().items[0]
    pdd.put('261201-03', h.clock.now() - 30_000, 2)
    pdd.refuse(new PlatformApiError('throttled', '70031', '调用过于频繁', 1000))
    const def = {
      id: 'repull-one', name: '重新拉取订单',
      nodes: [
        { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } },
        { id: 'pull', type: 'platform.pull-orders', position: { x: 0, y: 120 }, config: { scope: 'order' } },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'pull' }],
    }
    await h.api('POST', '/api/workflows/import?publish=true', def)
    const started = (await h.api('POST', '/api/runs', { workflowId: 'repull-one', orderId: order.id })).json()
    await h.engine.tick()
    expect((await h.api('GET', `/api/runs/${started.id}`)).json().status).toBe('waiting')
    h.clock.advance('PT1M')
    await h.engine.tick()
    expect((await h.api('GET', `/api/runs/${started.id}`)).json().status).toBe('completed')
    expect((await h.api('GET', `/api/orders/${order.id}`)).json().order.status).toBe('shipped')
  })
})
