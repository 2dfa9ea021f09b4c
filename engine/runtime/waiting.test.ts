/**
 * Runs that wait, end to end in one process: the real store (SQLite in memory), the engine's shell
 * and an injected clock that tests move; nothing sleeps for a deadline.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts'
import type { Store } from '../store/store.ts'
import { createRegistry } from '../core/registry.ts'
import { builtinNodes } from '../nodes/index.ts'
import { OrderEngine } from './order-engine.ts'
import { ManualClock } from './clocks.ts'
import { importWorkflows } from './workflow-import.ts'
import { sampleOrder } from '../../test/harness.ts'
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'

const at = (i: number) => ({ x: 0, y: i * 120 })
function flow(id: string, nodes: Array<[string, string, Record<string, unknown>?]>, edges: string[]): WorkflowDefinition {
  return {
    id, name: id,
    nodes: nodes.map(([nid, type, config], i) => ({ id: nid, type, position: at(i), ...(config ? { config } : {}) })),
    edges: edges.map((spec, i) => {
      const [from, target] = spec.split('>')
      const [source, sourceHandle] = from.split(':')
      return { id: `e${i}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) }
    }),
  }
}

describe('waiting runs', () => {
  let store: Store
  let engine: OrderEngine
  let clock: ManualClock
  afterEach(async () => { await engine.stop(); await store.close() })

  async function setUp(defs: WorkflowDefinition[]) {
    store = openSqliteStore({ path: ':memory:' })
    clock = new ManualClock('2026-12-01T01:00:00Z')
    engine = new OrderEngine({ store, registry: createRegistry(builtinNodes), clock })
    await engine.start()
    await importWorkflows(engine, defs, { publish: true, by: 'test' })
  }
  const runOf = async (orderId: string) => (await store.listRuns({ orderId, limit: 10 })).items[0].state
  const tagsOf = async (orderId: string) => (await store.getOrder(orderId))!.order.tags

  const addressFlow = flow('confirm-address', [
    ['start', 'trigger.order-event', { events: ['created'] }],
    ['wait', 'time.wait', { signal: 'address_confirmed', timeout: 'PT24H' }],
    ['confirmed', 'order.tag', { add: ['address-confirmed'] }],
    ['freeze', 'order.hold', { pool: 'frozen', reason: 'no answer in 24 h' }],
  ], ['start>wait', 'wait:done>confirmed', 'wait:timeout>freeze'])

  it('goes on when the signal it waits for arrives, with its data', async () => {
    await setUp([addressFlow])
    const [order] = await engine.ingest([{ input: sampleOrder() }], 'test')
    await engine.idle()
    expect((await runOf(order.id)).status).toBe('waiting')
    expect(await engine.signal(order.id, 'other_signal', null)).toBe(0)
    expect(await engine.signal(order.id, 'address_confirmed', { by: 'buyer' })).toBe(1)
    await engine.tick()
    expect((await runOf(order.id)).status).toBe('completed')
    expect(await tagsOf(order.id)).toEqual(['address-confirmed'])
    // The timeout timer went with the wait.
    expect(await store.dueTimers(clock.now() + 48 * 3_600_000, 10)).toEqual([])
    const steps = await store.listSteps((await runOf(order.id)).runId)
    expect(steps.find((s) => s.nodeId === 'wait')).toMatchObject({ status: 'completed', port: 'done', output: { signal: 'address_confirmed', data: { by: 'buyer' } } })
  })

  it('takes the timeout port once its timeout passes, and a later signal is delivered to nobody', async () => {
    await setUp([addressFlow])
    const [order] = await engine.ingest([{ input: sampleOrder() }], 'test')
    await engine.idle()
    clock.advance('PT23H59M')
    await engine.tick()
    expect((await runOf(order.id)).status).toBe('waiting')
    clock.advance('PT1M')
    await engine.tick()
    const run = await runOf(order.id)
    expect(run.status).toBe('completed')
    expect((await store.getOrder(order.id))!.order.holds).toMatchObject([{ pool: 'frozen', reason: 'no answer in 24 h' }])
    expect(await engine.signal(order.id, 'address_confirmed', null)).toBe(0)
  })

  it('waits for the order to change to match its rule, ignoring other changes', async () => {
    await setUp([flow('await-shipping', [
      ['start', 'trigger.order-event', { events: ['created'] }],
      ['wait', 'time.wait', { orderChange: { '==': [{ var: 'order.status' }, 'shipped'] } }],
      ['shipped', 'order.tag', { add: ['seen-shipping'] }],
    ], ['start>wait', 'wait:done>shipped'])])
    const input = sampleOrder()
    const [order] = await engine.ingest([{ input }], 'test')
    await engine.idle()
    await engine.ingest([{ input: { ...input, customer: { ...input.customer, name: '李四' }, updatedAt: '2026-11-20T10:00:00+08:00' } }], 'test')
    await engine.tick()
    expect((await runOf(order.id)).status).toBe('waiting')
    await engine.ingest([{ input: { ...input, status: 'shipped', updatedAt: '2026-11-20T11:00:00+08:00' } }], 'test')
    await engine.tick()
    expect((await runOf(order.id)).status).toBe('completed')
    expect(await tagsOf(order.id)).toEqual(['seen-shipping'])
  })

  it('waits for a while and goes on when the clock passes it', async () => {
    await setUp([flow('pause', [
      ['start', 'trigger.manual'], ['wait', 'time.wait', { for: 'PT30M' }], ['end', 'flow.end'],
    ], ['start>wait', 'wait>end'])])
    const run = await engine.startManualRun({ workflowId: 'pause', by: 'test' })
    await engine.idle()
    clock.advance('PT29M')
    await engine.tick()
    expect((await store.getRun(run.runId))!.state.status).toBe('waiting')
    clock.advance('PT1M')
    await engine.tick()
    expect((await store.getRun(run.runId))!.state.status).toBe('completed')
  })

  it('cancelling a waiting run takes down its timers and subscriptions', async () => {
    await setUp([addressFlow])
    const [order] = await engine.ingest([{ input: sampleOrder() }], 'test')
    await engine.idle()
    await engine.cancelRun((await runOf(order.id)).runId)
    expect(await engine.signal(order.id, 'address_confirmed', null)).toBe(0)
    expect(await store.dueTimers(clock.now() + 48 * 3_600_000, 10)).toEqual([])
  })
})
