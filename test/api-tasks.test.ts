/**
 * The approval inbox over HTTP: who sees and acts on which task, a task decided once by its quorum,
 * levels one after the other, reminders and escalation on the injected clock, expired tasks, the
 * form, self-approval, and signals; and who hears of a task live (GET /api/events).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHarness, sampleOrder, type Harness } from './harness.ts'
import { sseReader } from './support/sse.ts'

const refundApproval = {
  id: 'refund-approval', name: '大额退款审批',
  nodes: [
    { id: 'start', type: 'trigger.order-event', position: { x: 0, y: 0 }, config: { events: ['created'], filter: { '>': [{ var: 'order.totalAmount' }, 500000] } } },
    {
      id: 'approve', name: '退款审批', type: 'human.approval', position: { x: 0, y: 120 },
      config: {
        title: '退款超过 5,000 元', deadline: 'PT8H',
        levels: [{ name: '组长', assignees: { users: ['lead-li'] } }, { name: '财务', assignees: { roles: ['approver'] } }],
        reminders: { every: 'PT2H', max: 1 },
        escalation: [{ after: 'PT4H', assignees: { users: ['manager-wang'] }, priority: 'urgent', message: '组长 4 小时未处理' }],
        form: { type: 'object', required: ['refundFen'], properties: { refundFen: { type: 'integer', minimum: 1 } } },
      },
    },
    { id: 'ok', type: 'order.tag', position: { x: -100, y: 240 }, config: { add: ['refund-approved'] } },
    { id: 'no', type: 'order.tag', position: { x: 0, y: 240 }, config: { add: ['refund-rejected'] } },
    { id: 'late', type: 'order.tag', position: { x: 100, y: 240 }, config: { add: ['refund-timeout'] } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'approve' },
    { id: 'e2', source: 'approve', sourceHandle: 'approved', target: 'ok' },
    { id: 'e3', source: 'approve', sourceHandle: 'rejected', target: 'no' },
    { id: 'e4', source: 'approve', sourceHandle: 'timeout', target: 'late' },
  ],
}

describe('the approval inbox', () => {
  let h: Harness
  let tokens: Record<string, string>
  beforeEach(async () => {
    h = await createHarness()
    expect((await h.api('POST', '/api/workflows/import?publish=true', refundApproval)).statusCode).toBe(201)
    tokens = {}
    for (const [name, role] of [['lead-li', 'approver'], ['fin-zhao', 'approver'], ['manager-wang', 'approver'], ['op-chen', 'operator']]) {
      tokens[name] = (await h.api('POST', '/api/tokens', { name, role })).json().token
    }
  })
  afterEach(() => h.close())

  const as = (name: string) => (method: string, url: string, body?: unknown) => h.api(method, url, body, tokens[name])
  async function bigOrder(): Promise<string> {
    const [r] = (await h.api('POST', '/api/orders', sampleOrder({ totalAmount: 650000 }))).json().results
    await h.engine.idle()
    return r.id
  }
  const tagsOf = async (orderId: string) => (await h.api('GET', `/api/orders/${orderId}`)).json().order.tags

  it('shows a task only to its assignees, decides it level by level, and resumes the run once', async () => {
    const orderId = await bigOrder()
    const mine = (await as('lead-li')('GET', '/api/tasks')).json()
    expect(mine.tasks).toHaveLength(1)
    const task = mine.tasks[0]
    expect(task).toMatchObject({
      title: '退款超过 5,000 元', status: 'open', level: 1, levelName: '组长', assignees: { users: ['lead-li'], roles: [] },
      workflowName: '大额退款审批', nodeName: '退款审批', order: { platform: 'douyin', totalAmount: 650000 }, mayAct: true,
      dueAt: '2026-11-20T10:00:00.000Z',
    })
    expect((await as('fin-zhao')('GET', '/api/tasks')).json().tasks).toEqual([])
    expect((await as('lead-li')('GET', '/api/tasks/count')).json()).toEqual({ open: 1 })

    // Someone else, even with the right role, may not decide it: 403 before anything else.
    const intruder = await as('fin-zhao')('POST', `/api/tasks/${task.id}/complete`, { decision: 'approve', data: { refundFen: 650000 } })
    expect(intruder.statusCode).toBe(403)
    expect(intruder.json().message).toMatch(/assigned to user lead-li/)

    // The answers must fit the form.
    const badForm = await as('lead-li')('POST', `/api/tasks/${task.id}/complete`, { decision: 'approve', data: { refundFen: 'all of it' } })
    expect(badForm.statusCode).toBe(400)
    expect(badForm.json().details).toContainEqual({ pointer: '/data/refundFen', reason: 'must be integer' })

    const done = await as('lead-li')('POST', `/api/tasks/${task.id}/complete`, { decision: 'approve', comment: '同意', data: { refundFen: 650000 } })
    expect(done.statusCode).toBe(200)
    expect(done.json()).toMatchObject({ status: 'completed', decision: 'approve', completedBy: ['lead-li'], comment: '同意', data: { refundFen: 650000 } })
    const twice = await as('lead-li')('POST', `/api/tasks/${task.id}/complete`, { decision: 'approve', data: { refundFen: 1 } })
    expect(twice.statusCode).toBe(409)
    expect(twice.json().message).toMatch(/is completed: approved by lead-li/)

    await h.engine.idle()
    const second = (await as('fin-zhao')('GET', '/api/tasks')).json().tasks
    expect(second).toMatchObject([{ level: 2, levelName: '财务', assignees: { users: [], roles: ['approver'] } }])
    expect((await as('op-chen')('GET', '/api/tasks')).json().tasks).toEqual([])
    expect((await as('fin-zhao')('POST', `/api/tasks/${second[0].id}/complete`, { decision: 'approve', data: { refundFen: 600000 } })).statusCode).toBe(200)
    await h.engine.idle()
    expect(await tagsOf(orderId)).toEqual(['refund-approved'])
    const run = (await h.api('GET', `/api/orders/${orderId}`)).json().runs[0]
    expect(run.status).toBe('completed')
    const detail = (await h.api('GET', `/api/runs/${run.id}`)).json()
    expect(detail.variables.approve).toMatchObject({ decision: 'approve', data: { refundFen: 600000 } })
  })

  it('rejects at the first level that rejects', async () => {
    const orderId = await bigOrder()
    const [task] = (await as('lead-li')('GET', '/api/tasks')).json().tasks
    expect((await as('lead-li')('POST', `/api/tasks/${task.id}/complete`, { decision: 'reject', comment: '金额不对' })).statusCode).toBe(200)
    await h.engine.idle()
    expect(await tagsOf(orderId)).toEqual(['refund-rejected'])
  })

  it('reminds after 2 hours without moving the run, escalates to the manager after 4, and expires at the deadline', async () => {
    const orderId = await bigOrder()
    const [task] = (await as('lead-li')('GET', '/api/tasks')).json().tasks
    h.clock.advance('PT2H')
    await h.engine.tick()
    const reminders = (await as('lead-li')('GET', '/api/notifications')).json().items
    expect(reminders.map((n: { kind: string }) => n.kind)).toEqual(['reminder', 'task'])
    expect((await h.api('GET', `/api/tasks/${task.id}`)).json().task.status).toBe('open')

    h.clock.advance('PT2H')
    await h.engine.tick()
    const escalated = (await h.api('GET', `/api/tasks/${task.id}`)).json().task
    expect(escalated).toMatchObject({ status: 'open', priority: 'urgent', assignees: { users: ['manager-wang'], roles: [] } })
    expect((await as('lead-li')('GET', '/api/tasks')).json().tasks).toEqual([])
    expect((await as('manager-wang')('GET', '/api/notifications')).json().items[0]).toMatchObject({ kind: 'escalation', message: '组长 4 小时未处理', priority: 'urgent' })

    h.clock.advance('PT4H')
    await h.engine.tick()
    const expired = await as('manager-wang')('POST', `/api/tasks/${task.id}/complete`, { decision: 'approve', data: { refundFen: 1 } })
    expect(expired.statusCode).toBe(409)
    expect(expired.json().message).toMatch(/is expired: its deadline passed/)
    expect(await tagsOf(orderId)).toEqual(['refund-timeout'])
  })

  it('refuses self-approval when the approval forbids it', async () => {
    const flow = {
      id: 'self-check', name: 'Self check',
      nodes: [
        { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } },
        { id: 'approve', type: 'human.approval', position: { x: 0, y: 100 }, config: { title: 'Check', assignees: { roles: ['approver', 'operator'] }, forbidSelfApproval: true } },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'approve' }],
    }
    await h.api('POST', '/api/workflows/import?publish=true', flow)
    const started = await as('op-chen')('POST', '/api/runs', { workflowId: 'self-check' })
    expect(started.statusCode).toBe(201)
    await h.engine.idle()
    const [task] = (await as('op-chen')('GET', '/api/tasks')).json().tasks
    expect(task.mayAct).toBe(false)
    const own = await as('op-chen')('POST', `/api/tasks/${task.id}/complete`, { decision: 'approve' })
    expect(own.statusCode).toBe(403)
    expect(own.json().message).toMatch(/started this run or last changed the order/)
    expect((await as('fin-zhao')('POST', `/api/tasks/${task.id}/complete`, { decision: 'approve' })).statusCode).toBe(200)
  })

  it('answers a signal to an order nobody waits on with 202 and zero delivered, and 404 for an unknown order', async () => {
    const [r] = (await h.api('POST', '/api/orders', sampleOrder({ totalAmount: 1000 }))).json().results
    const res = await as('op-chen')('POST', `/api/orders/${r.id}/signals`, { name: 'address_confirmed' })
    expect(res.statusCode).toBe(202)
    expect(res.json()).toEqual({ delivered: 0 })
    expect((await h.api('POST', '/api/orders/ord_nope/signals', { name: 'x' })).statusCode).toBe(404)
    expect((await as('lead-li')('POST', `/api/orders/${r.id}/signals`, { name: 'x' })).statusCode).toBe(403)
  })
})

describe('task events on the live stream', () => {
  let h: Harness
  let base: string
  let tokens: Record<string, string>
  beforeEach(async () => {
    h = await createHarness()
    await h.app.listen({ port: 0, host: '127.0.0.1' })
    const addr = h.app.server.address()
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
    tokens = {}
    for (const [name, role] of [['lead-li', 'approver'], ['fin-zhao', 'approver'], ['manager-wang', 'approver'], ['op-chen', 'operator']]) {
      tokens[name] = (await h.api('POST', '/api/tokens', { name, role })).json().token
    }
  })
  afterEach(async () => {
    // fetch keeps a spare connection open that the server would otherwise wait for.
    const closing = h.close()
    h.app.server.closeAllConnections()
    await closing
  })

  /** `name`'s event stream, once open (its first frame, the retry hint, read). */
  async function streamOf(name: string) {
    const res = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${tokens[name]}` } })
    expect(res.status).toBe(200)
    const sse = sseReader(res.body!)
    expect((await sse.next()).retry).toBe('3000')
    return sse
  }
  type Stream = Awaited<ReturnType<typeof streamOf>>
  const taskEvent = (sse: Stream, taskId: string) => sse.until((f) => f.event === 'task' && JSON.parse(f.data!).taskId === taskId).then((f) => JSON.parse(f.data!))
  /** The task events `sse` got before an event sent to everyone after them: what it was told so far. */
  async function taskEventsSoFar(sse: Stream): Promise<unknown[]> {
    const marker = `marker-${Math.random()}`
    h.engine.events.emit('order', { orderId: marker, outcome: 'updated' })
    const seen: unknown[] = []
    for (;;) {
      const f = await sse.next()
      if (f.event === 'order' && JSON.parse(f.data!).orderId === marker) return seen
      if (f.event === 'task') seen.push(JSON.parse(f.data!))
    }
  }

  it('tells the colleagues who share a task when one of them claims it and when they release it, and nobody else', async () => {
    const shared = {
      id: 'shared-check', name: '共享审批',
      nodes: [
        { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } },
        { id: 'approve', type: 'human.approval', position: { x: 0, y: 100 }, config: { title: '核对', assignees: { roles: ['approver'] } } },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'approve' }],
    }
    expect((await h.api('POST', '/api/workflows/import?publish=true', shared)).statusCode).toBe(201)
    expect((await h.api('POST', '/api/runs', { workflowId: 'shared-check' })).statusCode).toBe(201)
    await h.engine.idle()
    const [task] = (await h.api('GET', '/api/tasks', undefined, tokens['fin-zhao'])).json().tasks
    const colleague = await streamOf('fin-zhao')
    const operator = await streamOf('op-chen')

    expect((await h.api('POST', `/api/tasks/${task.id}/claim`, {}, tokens['lead-li'])).statusCode).toBe(200)
    expect(await taskEvent(colleague, task.id)).toEqual({ taskId: task.id, runId: task.runId, status: 'open', assignees: { users: [], roles: ['approver'] } })
    expect((await h.api('GET', `/api/tasks/${task.id}`, undefined, tokens['fin-zhao'])).json().task.claimedBy).toBe('lead-li')

    expect((await h.api('POST', `/api/tasks/${task.id}/claim`, { release: true }, tokens['lead-li'])).statusCode).toBe(200)
    expect(await taskEvent(colleague, task.id)).toMatchObject({ taskId: task.id, status: 'open' })
    expect((await h.api('GET', `/api/tasks/${task.id}`, undefined, tokens['fin-zhao'])).json().task.claimedBy).toBeNull()

    // An operator is no assignee of this task: its stream hears nothing of it.
    expect(await taskEventsSoFar(operator)).toEqual([])
    await colleague.cancel()
    await operator.cancel()
  })

  it('tells both the previous and the new assignee when an escalation reassigns a task', async () => {
    expect((await h.api('POST', '/api/workflows/import?publish=true', refundApproval)).statusCode).toBe(201)
    await h.api('POST', '/api/orders', sampleOrder({ totalAmount: 650000 }))
    await h.engine.idle()
    const [task] = (await h.api('GET', '/api/tasks', undefined, tokens['lead-li'])).json().tasks
    const lead = await streamOf('lead-li')
    const manager = await streamOf('manager-wang')
    const finance = await streamOf('fin-zhao')

    h.clock.advance('PT4H')
    await h.engine.tick()
    const reassigned = { taskId: task.id, runId: task.runId, status: 'open', assignees: { users: ['manager-wang'], roles: [] }, previousAssignees: { users: ['lead-li'], roles: [] } }
    // The lead's inbox learns the task left it; the manager's that it arrived.
    expect(await taskEvent(lead, task.id)).toEqual(reassigned)
    expect(await taskEvent(manager, task.id)).toEqual(reassigned)
    expect((await h.api('GET', '/api/tasks', undefined, tokens['lead-li'])).json().tasks).toEqual([])
    // Finance is the next level, not this one's: told nothing yet.
    expect(await taskEventsSoFar(finance)).toEqual([])
    for (const s of [lead, manager, finance]) await s.cancel()
  })
})

describe('flows that start other workflows', () => {
  let h: Harness
  beforeEach(async () => { h = await createHarness() })
  afterEach(() => h.close())

  it('warns at validation and publish when the workflow they start has no published version', async () => {
    const caller = {
      id: 'caller', name: 'Caller',
      nodes: [
        { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } },
        { id: 'call', type: 'flow.sub-workflow', position: { x: 0, y: 100 }, config: { workflowId: 'not-yet' } },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'call' }],
    }
    await h.api('POST', '/api/workflows', caller)
    const validated = (await h.api('POST', '/api/workflows/caller/validate')).json()
    expect(validated).toMatchObject({ valid: true, warnings: [{ nodeId: 'call', pointer: '/nodes/1/config/workflowId', reason: expect.stringMatching(/not-yet has no published version/) }] })
    const published = await h.api('POST', '/api/workflows/caller/publish')
    expect(published.statusCode).toBe(201)
    expect(published.json().warnings).toHaveLength(1)
  })
})
