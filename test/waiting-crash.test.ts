/**
 * Waiting survives kill -9: the real server (a child process, the real clock) is killed while a run
 * waits on a timer, while a task is open, and right after a task was decided; after a restart the
 * timer fires once, the task is still there, and completing it resumes the run once.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { apiClient, freePort, kill9, startServer, stopServer } from './support/server-process.ts'

const token = 'ordo_waiting-crash-admin-token'

const timerFlow = {
  id: 'short-wait', name: 'Short wait',
  nodes: [
    { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } },
    { id: 'wait', type: 'time.wait', position: { x: 0, y: 100 }, config: { for: 'PT2S' } },
    { id: 'count', type: 'rule.set', position: { x: 0, y: 200 }, config: { variables: { fired: { '+': [{ var: 'vars.fired' }, 1] } } } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'wait' }, { id: 'e2', source: 'wait', target: 'count' }],
  variables: { fired: 0 },
}
const approvalFlow = {
  id: 'needs-ok', name: 'Needs an OK',
  nodes: [
    { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } },
    { id: 'ok', type: 'human.approval', position: { x: 0, y: 100 }, config: { title: 'OK?', assignees: { users: ['boss'] } } },
    { id: 'count', type: 'rule.set', position: { x: 0, y: 200 }, config: { variables: { resumed: { '+': [{ var: 'vars.resumed' }, 1] } } } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'ok' }, { id: 'e2', source: 'ok', sourceHandle: 'approved', target: 'count' }],
  variables: { resumed: 0 },
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await what()
    if (ok(v) || Date.now() > deadline) return v
    await sleep(50)
  }
}

describe('waiting runs across kill -9', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-waiting-crash-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('fires a timer that came due while the server was down once, keeps an open task, and resumes a decided one once', async () => {
    const port = await freePort()
    const dbPath = join(dir, 'ordo.db')
    const api = apiClient(port, token)
    let child = await startServer({ dbPath, port, token })
    for (const flow of [timerFlow, approvalFlow]) {
      expect((await api('POST', '/api/workflows/import?publish=true', flow)).status).toBe(201)
    }
    const boss = apiClient(port, (await api('POST', '/api/tokens', { name: 'boss', role: 'approver' })).json.token)

    const timed = (await api('POST', '/api/runs', { workflowId: 'short-wait' })).json.id
    const asked = (await api('POST', '/api/runs', { workflowId: 'needs-ok' })).json.id
    const second = (await api('POST', '/api/runs', { workflowId: 'needs-ok' })).json.id
    expect((await until(() => api('GET', `/api/runs/${timed}`), (r) => r.json.status === 'waiting')).json.status).toBe('waiting')
    const tasks = (await until(() => boss('GET', '/api/tasks'), (r) => r.json.tasks.length === 2)).json.tasks
    expect(tasks).toHaveLength(2)

    // Killed while the timer waits and both tasks are open; the timer falls due while it is down.
    await kill9(child)
    await sleep(2500)
    child = await startServer({ dbPath, port, token })
    const fired = await until(() => api('GET', `/api/runs/${timed}`), (r) => r.json.status === 'completed')
    expect(fired.json).toMatchObject({ status: 'completed', variables: { fired: 1 } })
    expect((await api('GET', `/api/runs/${timed}`)).json.steps.filter((s: { nodeId: string }) => s.nodeId === 'count')).toHaveLength(1)

    const stillOpen = (await boss('GET', '/api/tasks')).json.tasks
    expect(stillOpen.map((t: { id: string }) => t.id).sort()).toEqual(tasks.map((t: { id: string }) => t.id).sort())
    const first = stillOpen.find((t: { runId: string }) => t.runId === asked)
    expect((await boss('POST', `/api/tasks/${first.id}/complete`, { decision: 'approve' })).status).toBe(200)
    const resumed = await until(() => api('GET', `/api/runs/${asked}`), (r) => r.json.status === 'completed')
    expect(resumed.json.variables.resumed).toBe(1)

    // Killed right after the other task was decided: its run resumes after the restart, once.
    const other = stillOpen.find((t: { runId: string }) => t.runId === second)
    expect((await boss('POST', `/api/tasks/${other.id}/complete`, { decision: 'approve' })).status).toBe(200)
    await kill9(child)
    child = await startServer({ dbPath, port, token })
    const after = await until(() => api('GET', `/api/runs/${second}`), (r) => r.json.status === 'completed')
    expect(after.json).toMatchObject({ status: 'completed', variables: { resumed: 1 } })
    const again = await boss('POST', `/api/tasks/${other.id}/complete`, { decision: 'approve' })
    expect(again.status).toBe(409)
    await stopServer(child)
  }, 90_000)
})
