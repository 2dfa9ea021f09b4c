import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqliteStore } from '../engine/store/sqlite/sqlite-store.ts'
import type { WorkflowDefinition } from '../schemas/generated/workflow.ts'
import { createHarness, sampleOrder, type Harness } from './harness.ts'

const routing = JSON.parse(readFileSync(join(import.meta.dirname, '../examples/douyin-vip-routing.workflow.json'), 'utf8')) as WorkflowDefinition
/** A version published by an older build whose node type this build no longer has. */
const retired: WorkflowDefinition = {
  id: 'retired', name: 'Fax the warehouse',
  nodes: [
    { id: 'start', type: 'trigger.order-event', position: { x: 0, y: 0 }, config: { events: ['created'] } },
    { id: 'fax', type: 'legacy.fax', position: { x: 0, y: 100 }, config: { number: '+86 21 0000' } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'fax' }],
}

describe('a stored version this build cannot load', () => {
  let dir: string
  let h: Harness
  afterEach(async () => {
    await h?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('disables only that workflow: Ordo starts, reports it in health and the list, and runs the others', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ordo-disabled-'))
    const dbPath = join(dir, 'ordo.db')
    const store = openSqliteStore({ path: dbPath })
    for (const def of [routing, retired]) {
      await store.createWorkflow(def, Date.now())
      await store.publishVersion(def.id, def, Date.now(), 'an older build')
    }
    await store.close()

    h = await createHarness({ dbPath })
    const health = (await h.api('GET', '/api/health', undefined, null))
    expect(health.statusCode).toBe(200)
    expect(health.json()).toMatchObject({
      status: 'degraded',
      workflows: { active: 1, disabled: [{ workflowId: 'retired', version: 1, reason: expect.stringMatching(/unknown node type "legacy\.fax"/) }] },
    })
    const list = (await h.api('GET', '/api/workflows')).json().items
    expect(list.find((w: { id: string }) => w.id === 'retired').disabled).toMatchObject({ version: 1 })
    expect(list.find((w: { id: string }) => w.id === routing.id).disabled).toBeNull()

    const [result] = (await h.api('POST', '/api/orders', sampleOrder({ totalAmount: 150_000 }))).json().results
    await h.engine.idle()
    const detail = (await h.api('GET', `/api/orders/${result.id}`)).json()
    expect(detail.runs.map((r: { workflowId: string }) => r.workflowId)).toEqual([routing.id])

    const manual = await h.api('POST', '/api/runs', { workflowId: 'retired' })
    expect(manual.statusCode).toBe(409)
    expect(manual.json().message).toMatch(/cannot run in this build/)
  })

  it('parks a run pinned to a version that no longer loads at once, naming why', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ordo-disabled-'))
    const dbPath = join(dir, 'ordo.db')
    const manualFlow: WorkflowDefinition = { ...retired, id: 'retired-manual', nodes: [{ ...retired.nodes[0], type: 'trigger.manual', config: {} }, retired.nodes[1]] }
    const store = openSqliteStore({ path: dbPath })
    await store.createWorkflow(manualFlow, Date.now())
    await store.publishVersion(manualFlow.id, manualFlow, Date.now(), 'an older build')
    const state = { runId: 'run_old', workflowId: manualFlow.id, version: 1, orderId: null, status: 'running' as const,
      tokens: [{ id: 't1', nodeId: 'start', visit: 1, attempt: 1, status: 'ready' as const, input: null, viaEdge: null }],
      visits: { start: 1 }, joins: {}, variables: {}, incident: null, nextTokenSeq: 2, startedAt: 0, updatedAt: 0, finishedAt: null }
    await store.createRuns([{ state, trigger: { kind: 'manual', by: 'an older build' }, triggerKey: 'manual:run_old' }])
    await store.close()

    h = await createHarness({ dbPath })
    await h.engine.idle()
    const run = (await h.api('GET', '/api/runs/run_old')).json()
    expect(run.status).toBe('failed')
    expect(run.incident).toMatchObject({ nodeId: 'start', error: expect.stringMatching(/cannot run in this build: .*unknown node type "legacy\.fax"/) })
  })
})
