/**
 * Timers as rows: each fires once, whoever fires it, late but once after downtime; a timer that an
 * earlier event of the same turn took down is only removed.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.ts'
import { createRegistry } from '../core/registry.ts'
import { builtinNodes } from '../nodes/index.ts'
import { OrderEngine } from './order-engine.ts'
import { ManualClock } from './clocks.ts'
import { importWorkflows } from './workflow-import.ts'
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'

const pause: WorkflowDefinition = {
  id: 'pause', name: 'Pause',
  nodes: [
    { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } },
    { id: 'wait', type: 'time.wait', position: { x: 0, y: 100 }, config: { for: 'PT1H' } },
    { id: 'count', type: 'rule.set', position: { x: 0, y: 200 }, config: { variables: { fired: { '+': [{ var: 'vars.fired' }, 1] } } } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'wait' }, { id: 'e2', source: 'wait', target: 'count' }],
  variables: { fired: 0 },
}

describe('timers', () => {
  const cleanups: Array<() => Promise<void> | void> = []
  afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c() })

  function engineOn(store: SqliteStore, clock: ManualClock): OrderEngine {
    const engine = new OrderEngine({ store, registry: createRegistry(builtinNodes), clock })
    cleanups.push(() => engine.stop())
    return engine
  }

  it('fires a timer once when two engines on one database tick at the same moment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ordo-timers-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const a = openSqliteStore({ path: join(dir, 'ordo.db') })
    const b = openSqliteStore({ path: join(dir, 'ordo.db') })
    cleanups.push(() => a.close(), () => b.close())
    const clock = new ManualClock('2026-12-01T00:00:00Z')
    const first = engineOn(a, clock)
    const second = engineOn(b, clock)
    await first.start()
    await importWorkflows(first, [pause], { publish: true, by: 'test' })
    await second.start()
    const runs = await Promise.all(Array.from({ length: 20 }, () => first.startManualRun({ workflowId: 'pause', by: 'test' })))
    await first.idle()
    clock.advance('PT1H')
    await Promise.all([first.tick(), second.tick()])
    await Promise.all([first.tick(), second.tick()])
    for (const run of runs) {
      const state = (await a.getRun(run.runId))!.state
      expect(state.status).toBe('completed')
      expect(state.variables.fired).toBe(1)
      expect((await a.listSteps(run.runId)).filter((s) => s.nodeId === 'count')).toHaveLength(1)
    }
  })

  it('fires a timer that came due while Ordo was down when it starts again, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ordo-timers-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const clock = new ManualClock('2026-12-01T00:00:00Z')
    const before = openSqliteStore({ path: join(dir, 'ordo.db') })
    const engine = engineOn(before, clock)
    await engine.start()
    await importWorkflows(engine, [pause], { publish: true, by: 'test' })
    const run = await engine.startManualRun({ workflowId: 'pause', by: 'test' })
    await engine.idle()
    await engine.stop()
    await before.close()

    clock.advance('PT5H') // down for five hours
    const after = openSqliteStore({ path: join(dir, 'ordo.db') })
    cleanups.push(() => after.close())
    const restarted = engineOn(after, clock)
    await restarted.start()
    await restarted.tick()
    await restarted.tick()
    expect((await after.getRun(run.runId))!.state).toMatchObject({ status: 'completed', variables: { fired: 1 } })
  })

  it('removes a timer that an earlier event of the same turn cancelled, instead of refusing the turn', async () => {
    const store = openSqliteStore({ path: ':memory:' })
    cleanups.push(() => store.close())
    const clock = new ManualClock('2026-12-01T00:00:00Z')
    const engine = engineOn(store, clock)
    await engine.start()
    const approval: WorkflowDefinition = {
      id: 'escalating', name: 'Escalating',
      nodes: [
        { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } },
        // The reminder and the escalation fall due together; the escalation moves the reminder.
        { id: 'ask', type: 'human.approval', position: { x: 0, y: 100 }, config: {
          title: 'Check', assignees: { users: ['li'] }, reminders: { every: 'PT2H' },
          escalation: [{ after: 'PT2H', assignees: { users: ['wang'] } }],
        } },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'ask' }],
    }
    await importWorkflows(engine, [approval], { publish: true, by: 'test' })
    const run = await engine.startManualRun({ workflowId: 'escalating', by: 'test' })
    await engine.idle()
    clock.advance('PT2H')
    await engine.tick()
    const state = (await store.getRun(run.runId))!.state
    expect(state.status).toBe('waiting')
    const [task] = (await store.listTasks({ status: 'open', limit: 10 })).items
    expect(task.assignees.users).toEqual(['wang'])
    // The reminder starts over from the escalation, two hours on.
    expect((await store.dueTimers(clock.now() + 2 * 3_600_000, 10)).map((t) => t.purpose)).toEqual(['reminder'])
  })
})
