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
import { pruneInSlices } from './bootstrap.ts'
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

describe('child runs, escalation and classification', () => {
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

  const child = flow('tag-one', [['start', 'trigger.manual'], ['wait', 'time.wait', { for: 'PT1M' }], ['tag', 'order.tag', { add: ['handled'] }]], ['start>wait', 'wait>tag'])

  it('runs a child per found order, at most two at a time, and gives the parent their outcomes', async () => {
    await setUp([child, flow('each', [
      ['start', 'trigger.manual'],
      ['find', 'order.find', { status: ['paid'], limit: 10 }],
      ['each', 'flow.for-each', { items: { var: 'vars.found' }, workflowId: 'tag-one', concurrency: 2, itemVariable: 'order' }],
      ['count', 'rule.set', { variables: { done: { var: 'input.completed' } } }],
    ], ['start>find', 'find>each', 'each:done>count'])])
    const ids = []
    for (let i = 0; i < 5; i++) ids.push((await engine.ingest([{ input: sampleOrder() }], 'test'))[0].id)
    const parent = await engine.startManualRun({ workflowId: 'each', by: 'test' })
    await engine.tick()
    const running = async () => (await store.listRuns({ workflowId: 'tag-one', limit: 50 })).items.filter((r) => r.state.status !== 'completed')
    expect((await running()).length).toBe(2)
    for (let lap = 0; lap < 3; lap++) {
      clock.advance('PT1M')
      await engine.tick()
      expect((await running()).length).toBeLessThanOrEqual(2)
    }
    const done = (await store.getRun(parent.runId))!.state
    expect(done.status).toBe('completed')
    expect(done.variables.done).toBe(5)
    for (const id of ids) expect((await store.getOrder(id))!.order.tags).toEqual(['handled'])
    const children = (await store.listRuns({ workflowId: 'tag-one', limit: 50 })).items
    expect(children.map((r) => r.state.orderId).sort()).toEqual([...ids].sort())
    expect(children.every((r) => r.state.parent?.runId === parent.runId)).toBe(true)
  })

  it('calls a sub-workflow on the order and goes on with its variables', async () => {
    await setUp([
      flow('score', [['start', 'trigger.manual'], ['set', 'rule.set', { variables: { score: { '*': [{ var: 'order.totalAmount' }, 2] } } }]], ['start>set']),
      flow('caller', [['start', 'trigger.order-event', { events: ['created'] }], ['call', 'flow.sub-workflow', { workflowId: 'score', resultVariable: 'scored' }],
        ['use', 'rule.set', { variables: { doubled: { var: 'vars.scored.score' } } }]], ['start>call', 'call:done>use']),
    ])
    const [order] = await engine.ingest([{ input: sampleOrder({ totalAmount: 5000 }) }], 'test')
    await engine.tick()
    const caller = (await store.listRuns({ workflowId: 'caller', limit: 1 })).items[0].state
    expect(caller.status).toBe('completed')
    expect(caller.variables.doubled).toBe(10000)
    expect((await store.listRuns({ workflowId: 'score', limit: 1 })).items[0].state.orderId).toBe(order.id)
  })

  it('escalates step by step until the order is put right', async () => {
    await setUp([flow('nag', [
      ['start', 'trigger.order-event', { events: ['created'] }],
      ['nag', 'time.escalate', {
        title: '审核卡住', until: { '!=': [{ var: 'order.status' }, 'paid'] },
        steps: [{ after: 'PT0S', notify: { roles: ['operator'] } }, { after: 'PT1H', notify: { users: ['boss'] }, priority: 'urgent' }, { after: 'PT2H', notify: { users: ['ceo'] } }],
      }],
      ['fixed', 'order.tag', { add: ['fixed'] }],
    ], ['start>nag', 'nag:resolved>fixed'])])
    const input = sampleOrder()
    const [order] = await engine.ingest([{ input }], 'test')
    await engine.idle()
    const notes = async () => (await store.listNotifications(null, 50)).items.map((n) => `${n.to.users.join()}${n.to.roles.join()}:${n.priority}`)
    expect(await notes()).toEqual(['operator:high'])
    clock.advance('PT1H')
    await engine.tick()
    expect(await notes()).toEqual(['boss:urgent', 'operator:high'])
    await engine.ingest([{ input: { ...input, status: 'shipped', updatedAt: '2026-11-20T10:30:00+08:00' } }], 'test')
    await engine.tick()
    expect((await store.getOrder(order.id))!.order.tags).toEqual(['fixed'])
    clock.advance('PT5H')
    await engine.tick()
    expect(await notes()).toHaveLength(2)
  })

  it('classifies the exception by the first rule that matches, with its priority', async () => {
    await setUp([flow('classify', [
      ['start', 'trigger.order-event', { events: ['created'] }],
      ['classify', 'rule.classify-exception', { rules: [
        { type: 'blacklist', when: { in: ['blacklist', { var: 'order.tags' }] } },
        { type: 'address', when: { '!': { var: 'order.shippingAddress.detail' } }, reason: '缺少详细地址' },
      ] }],
      ['route', 'order.assign', { team: 'exception-desk' }],
    ], ['start>classify', 'classify:classified>route'])])
    const [plain] = await engine.ingest([{ input: sampleOrder() }], 'test')
    const [noAddress] = await engine.ingest([{ input: sampleOrder({ shippingAddress: { country: 'CN', province: '上海市', city: '上海市' } }) }], 'test')
    const [listed] = await engine.ingest([{ input: sampleOrder({ tags: ['blacklist'], shippingAddress: { country: 'CN' } }) }], 'test')
    await engine.idle()
    expect((await store.getOrder(plain.id))!.order).toMatchObject({ exception: null, assignedTeam: null })
    expect((await store.getOrder(noAddress.id))!.order).toMatchObject({ exception: { type: 'address', reason: '缺少详细地址', priority: 'normal' }, assignedTeam: 'exception-desk' })
    expect((await store.getOrder(listed.id))!.order.exception).toEqual({ type: 'blacklist', priority: 'urgent' })
  })

  it('loops through a wait (a poll every 5 minutes until the order ships), which validation allows', async () => {
    await setUp([flow('poll', [
      ['start', 'trigger.order-event', { events: ['created'] }],
      ['wait', 'time.wait', { for: 'PT5M' }],
      ['shipped', 'rule.condition', { rule: { '==': [{ var: 'order.status' }, 'shipped'] } }],
      ['tag', 'order.tag', { add: ['shipped-seen'] }],
    ], ['start>wait', 'wait>shipped', 'shipped:false>wait', 'shipped:true>tag'])])
    const input = sampleOrder()
    const [order] = await engine.ingest([{ input }], 'test')
    for (let i = 0; i < 3; i++) { clock.advance('PT5M'); await engine.tick() }
    expect((await store.getOrder(order.id))!.order.tags).toEqual([])
    await engine.ingest([{ input: { ...input, status: 'shipped', updatedAt: '2026-11-20T11:00:00+08:00' } }], 'test')
    clock.advance('PT5M')
    await engine.tick()
    expect((await store.getOrder(order.id))!.order.tags).toEqual(['shipped-seen'])
  })

  it('prunes finished runs with their tasks, assignees, notifications and child runs', async () => {
    await setUp([child,
      flow('each', [['start', 'trigger.manual'], ['find', 'order.find', { status: ['paid'], limit: 10 }],
        ['each', 'flow.for-each', { items: { var: 'vars.found' }, workflowId: 'tag-one', concurrency: 2, itemVariable: 'order' }]], ['start>find', 'find>each']),
      flow('ask', [['start', 'trigger.manual'], ['ask', 'human.approval', { title: 'OK?', assignees: { roles: ['approver'], users: ['ann'] } }]], ['start>ask'])])
    for (let i = 0; i < 3; i++) await engine.ingest([{ input: sampleOrder() }], 'test')
    const parent = await engine.startManualRun({ workflowId: 'each', by: 'test' })
    const asked = await engine.startManualRun({ workflowId: 'ask', by: 'test' })
    await engine.tick()
    for (let lap = 0; lap < 3; lap++) { clock.advance('PT1M'); await engine.tick() }
    expect((await store.getRun(parent.runId))!.state.status).toBe('completed')
    const [task] = (await store.listTasks({ status: 'open', limit: 5 })).items
    expect((await store.listNotifications({ name: 'ann', role: 'operator' }, 5)).items).not.toEqual([])
    await engine.cancelRun(asked.runId)

    clock.advance('P30D')
    expect(await pruneInSlices(engine, clock.now())).toMatchObject({ runs: 5 })
    expect(await store.getRun(parent.runId)).toBeNull()
    expect(await store.getRun(asked.runId)).toBeNull()
    expect(await store.getTask(task.id)).toBeNull()
    expect((await store.listNotifications({ name: 'ann', role: 'operator' }, 5)).items).toEqual([])
    expect((await store.listRuns({ limit: 50 })).items).toEqual([])
  })

  it('cancelling a run waiting on an approval cancels its task', async () => {
    await setUp([flow('ask', [['start', 'trigger.manual'], ['ask', 'human.approval', { title: 'OK?', assignees: { roles: ['approver'] } }]], ['start>ask'])])
    const run = await engine.startManualRun({ workflowId: 'ask', by: 'test' })
    await engine.idle()
    const [task] = (await store.listTasks({ status: 'open', limit: 5 })).items
    await engine.cancelRun(run.runId)
    expect((await store.getTask(task.id))!.status).toBe('cancelled')
  })
})
