import { afterEach, describe, expect, it } from 'vitest'
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts'
import type { Store } from '../store/store.ts'
import { createRegistry } from '../core/registry.ts'
import { builtinNodes } from '../nodes/index.ts'
import { OrderEngine } from './order-engine.ts'
import { ManualClock } from './clocks.ts'
import { importWorkflows } from './workflow-import.ts'

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
    store.commitTransitions = async (commits, patch, now) => {
      if (commits.some((c) => c.state.runId === poisoned)) throw new Error('disk says no')
      return commitTransitions(commits, patch, now)
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
