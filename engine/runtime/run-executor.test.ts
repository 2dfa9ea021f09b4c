import { afterEach, describe, expect, it, vi } from 'vitest'
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts'
import type { Store } from '../store/store.ts'
import { createRegistry } from '../core/registry.ts'
import { builtinNodes } from '../nodes/index.ts'
import { OrderEngine } from './order-engine.ts'
import { ManualClock } from './clocks.ts'
import { importWorkflows } from './workflow-import.ts'
import { sampleOrder } from '../../test/harness.ts'
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'

const flow = {
  id: 'manual-end', name: 'Manual end',
  nodes: [
    { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
    { id: 'done', type: 'flow.end', position: { x: 0, y: 100 }, config: {} },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'done' }],
}

describe('RunExecutor step commits', () => {
  let store: Store
  afterEach(() => store.close())

  it('commits the other runs of a batch when one run\'s commit fails', async () => {
    store = openSqliteStore({ path: ':memory:' })
    let poisoned: string | null = null
    const commitTransitions = store.commitTransitions.bind(store)
    store.commitTransitions = async (commits, patch, now, settled) => {
      if (commits.some((c) => c.state.runId === poisoned)) throw new Error('disk says no')
      return commitTransitions(commits, patch, now, settled)
    }
    const engine = new OrderEngine({ store, registry: createRegistry(builtinNodes), clock: new ManualClock() })
    await engine.start()
    await importWorkflows(engine, [flow], { publish: true, by: 'test' })
    await engine.stop() // hold the executor so both runs land in one batch
    const healthy = await engine.startManualRun({ workflowId: 'manual-end', by: 'test' })
    const broken = await engine.startManualRun({ workflowId: 'manual-end', by: 'test' })
    poisoned = broken.runId
    const resumed = new OrderEngine({ store, registry: createRegistry(builtinNodes), clock: new ManualClock() })
    await resumed.start()
    await resumed.idle()
    expect((await store.getRun(healthy.runId))?.state.status).toBe('completed')
    expect((await store.getRun(broken.runId))?.state.status).toBe('running')
    await resumed.stop()
  })
})

/** trigger.manual, then `n` order.tag nodes in a chain, each adding its own tag. */
function tagChain(n: number): WorkflowDefinition {
  const nodes: WorkflowDefinition['nodes'] = [{ id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} }]
  const edgeList: WorkflowDefinition['edges'] = []
  for (let i = 1; i <= n; i++) {
    nodes.push({ id: `tag-${i}`, type: 'order.tag', position: { x: 0, y: i * 100 }, config: { add: [`t${i}`] } })
    edgeList.push({ id: `e${i}`, source: i === 1 ? 'start' : `tag-${i - 1}`, target: `tag-${i}` })
  }
  return { id: 'tag-chain', name: 'Tag chain', nodes, edges: edgeList }
}

describe('RunExecutor under failures', () => {
  let store: Store
  let engine: OrderEngine
  afterEach(async () => {
    await engine?.stop()
    await store.close()
  })

  async function setUp(options: { retryBaseMs?: number } = {}) {
    store = openSqliteStore({ path: ':memory:' })
    engine = new OrderEngine({ store, registry: createRegistry(builtinNodes), clock: new ManualClock(), retryBaseMs: options.retryBaseMs ?? 1 })
    await engine.start()
    await importWorkflows(engine, [tagChain(100), flow], { publish: true, by: 'test' })
    const [order] = await engine.ingest([{ input: sampleOrder() }], 'test')
    return order.id
  }

  it('keeps every step and order patch of a long run when one of its commits fails once', async () => {
    const orderId = await setUp()
    const commitTransitions = store.commitTransitions.bind(store)
    let calls = 0
    store.commitTransitions = async (...args) => {
      calls += 1
      if (calls === 1) throw new Error("injected: the disk hiccupped")
      return commitTransitions(...args)
    }
    const run = await engine.startManualRun({ workflowId: 'tag-chain', orderId, by: 'test' })
    await vi.waitFor(async () => expect((await store.getRun(run.runId))?.state.status).toBe('completed'))
    expect(await store.listSteps(run.runId)).toHaveLength(101)
    expect((await store.getOrder(orderId))?.order.tags).toHaveLength(100)
    expect(calls).toBeGreaterThan(1)
  })

  it('tries a run again when advancing it throws once, and finishes it', async () => {
    const orderId = await setUp()
    const getOrder = store.getOrder.bind(store)
    let failOnce = false
    store.getOrder = async (id) => {
      if (failOnce && id === orderId) { failOnce = false; throw new Error('injected: read failed') }
      return getOrder(id)
    }
    const run = await engine.startManualRun({ workflowId: 'tag-chain', orderId, by: 'test' })
    failOnce = true // armed after the start, so the executor's first read of the order fails
    await vi.waitFor(async () => expect((await store.getRun(run.runId))?.state.status).toBe('completed'))
    expect(await store.listSteps(run.runId)).toHaveLength(101)
  })

  it('parks a run whose turns keep throwing as an incident naming the error, and a retry resumes it', async () => {
    const orderId = await setUp()
    const getOrder = store.getOrder.bind(store)
    let broken = false
    store.getOrder = async (id) => {
      if (broken && id === orderId) throw new Error('injected: the order row cannot be read')
      return getOrder(id)
    }
    const run = await engine.startManualRun({ workflowId: 'tag-chain', orderId, by: 'test' })
    broken = true
    await vi.waitFor(async () => expect((await store.getRun(run.runId))?.state.status).toBe('failed'), { timeout: 5000 })
    const parked = (await store.getRun(run.runId))!.state
    expect(parked.incident?.error).toMatch(/could not advance this run 4 times in a row \(last error: injected: the order row cannot be read\)/)
    expect(parked.incident?.nodeId).toBe('start')
    broken = false
    await engine.retryRun(run.runId)
    await engine.idle()
    expect((await store.getRun(run.runId))?.state.status).toBe('completed')
  })

  it('parks a run whose turns took the process down again and again, and runs the others of its batch', async () => {
    await setUp()
    await engine.stop()
    const crashing = await engine.startManualRun({ workflowId: 'manual-end', by: 'test' })
    const bystander = await engine.startManualRun({ workflowId: 'manual-end', by: 'test' })
    // Four processes began a turn of `crashing` and died before committing; one also had `bystander` in its batch.
    for (let i = 0; i < 4; i++) await store.beginTurns(i === 3 ? [crashing.runId, bystander.runId] : [crashing.runId])
    const batches: string[][] = []
    const commitTransitions = store.commitTransitions.bind(store)
    store.commitTransitions = async (commits, ...rest) => {
      batches.push(commits.map((c) => c.state.runId))
      return commitTransitions(commits, ...rest)
    }
    engine = new OrderEngine({ store, registry: createRegistry(builtinNodes), clock: new ManualClock() })
    await engine.start()
    await engine.idle()
    const parked = (await store.getRun(crashing.runId))!.state
    expect(parked.status).toBe('failed')
    expect(parked.incident?.error).toMatch(/Ordo stopped 4 times while running this run/)
    expect((await store.getRun(bystander.runId))?.state.status).toBe('completed')
    // Each run with an unfinished turn behind it was committed alone.
    expect(batches.filter((b) => b.length > 0).every((b) => b.length === 1)).toBe(true)
  })
})
