import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from './harness.ts'

/** A manual flow whose rule divides by a run variable: divisor 0 fails, retried with backoff. */
const divisionFlow = {
  id: 'divide', name: 'Divide',
  nodes: [
    { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
    { id: 'check', type: 'rule.condition', position: { x: 0, y: 120 }, config: { rule: { '>': [{ '/': [100, { var: 'vars.divisor' }] }, 1] } },
      retry: { maxAttempts: 3, initialInterval: 'PT10S', backoffRate: 2 } },
    { id: 'done', type: 'flow.end', position: { x: 0, y: 240 }, config: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'check' },
    { id: 'e2', source: 'check', sourceHandle: 'true', target: 'done' },
  ],
}

describe('runs API', () => {
  let h: Harness
  beforeEach(async () => {
    h = await createHarness()
    expect((await h.api('POST', '/api/workflows/import?publish=true', divisionFlow)).statusCode).toBe(201)
  })
  afterEach(() => h.close())

  async function startRun(variables: Record<string, unknown>) {
    const res = await h.api('POST', '/api/runs', { workflowId: 'divide', variables })
    expect(res.statusCode).toBe(201)
    await h.engine.idle()
    return res.json().id as string
  }
  const run = async (id: string) => (await h.api('GET', `/api/runs/${id}`)).json()

  it('completes a manual run and shows its steps with timings', async () => {
    const id = await startRun({ divisor: 2 })
    const r = await run(id)
    expect(r.status).toBe('completed')
    expect(r.steps.map((s: any) => [s.nodeId, s.status, s.port])).toEqual([['start', 'completed', 'out'], ['check', 'completed', 'true'], ['done', 'completed', null]])
    expect(r.steps[1]).toMatchObject({ idempotencyKey: `${id}:check:1`, attempt: 1, durationMs: 0, startedAt: '2026-11-20T02:00:00.000Z' })
  })

  it('retries with backoff on the injected clock, then parks the run as an incident', async () => {
    const id = await startRun({ divisor: 0 })
    expect((await run(id)).status).toBe('waiting')
    h.clock.advance('PT9S')
    await h.engine.tick()
    expect((await run(id)).steps.filter((s: any) => s.nodeId === 'check')).toHaveLength(1)
    h.clock.advance('PT1S')
    await h.engine.tick()
    expect((await run(id)).steps.filter((s: any) => s.nodeId === 'check')).toHaveLength(2)
    h.clock.advance('PT20S')
    await h.engine.tick()
    const parked = await run(id)
    expect(parked.status).toBe('failed')
    expect(parked.incident).toMatchObject({ nodeId: 'check', error: expect.stringMatching(/division by zero/i) })
    const checks = parked.steps.filter((s: any) => s.nodeId === 'check')
    expect(checks.map((s: any) => [s.attempt, s.status])).toEqual([[1, 'retrying'], [2, 'retrying'], [3, 'failed']])
    expect(new Set(checks.map((s: any) => s.idempotencyKey))).toEqual(new Set([`${id}:check:1`]))
    expect((await h.api('GET', '/api/runs?status=failed')).json().items.map((r: any) => r.id)).toEqual([id])
  })

  it('retries an incident from the failed step after editing its variables', async () => {
    const id = await startRun({ divisor: 0 })
    for (const step of ['PT10S', 'PT20S']) { h.clock.advance(step); await h.engine.tick() }
    expect((await run(id)).status).toBe('failed')
    const retried = await h.api('POST', `/api/runs/${id}/retry`, { variables: { divisor: 4 } })
    expect(retried.statusCode).toBe(200)
    await h.engine.idle()
    const r = await run(id)
    expect(r.status).toBe('completed')
    expect(r.variables.divisor).toBe(4)
    expect(r.steps.filter((s: any) => s.nodeId === 'check').map((s: any) => s.attempt)).toEqual([1, 2, 3, 4])
    expect(r.steps.filter((s: any) => s.nodeId === 'start')).toHaveLength(1)
  })

  it('refuses to retry a run that has not failed', async () => {
    const id = await startRun({ divisor: 1 })
    expect((await h.api('POST', `/api/runs/${id}/retry`, {})).statusCode).toBe(409)
  })

  it('cancels a waiting run and drops its timer', async () => {
    const id = await startRun({ divisor: 0 })
    const res = await h.api('POST', `/api/runs/${id}/cancel`)
    expect(res.statusCode).toBe(200)
    expect(res.json().status).toBe('cancelled')
    h.clock.advance('PT1H')
    await h.engine.tick()
    const r = await run(id)
    expect(r.status).toBe('cancelled')
    expect(r.steps.filter((s: any) => s.nodeId === 'check')).toHaveLength(1)
    expect((await h.api('POST', `/api/runs/${id}/cancel`)).statusCode).toBe(409)
  })

  it('answers 404 for a workflow that was never published and for an unknown run', async () => {
    expect((await h.api('POST', '/api/runs', { workflowId: 'nope' })).statusCode).toBe(404)
    expect((await h.api('GET', '/api/runs/run_nope')).statusCode).toBe(404)
  })

  it('evaluates a rule for the designer and names a bad one', async () => {
    const ok = await h.api('POST', '/api/rules/evaluate', { rule: { '>': [{ var: 'order.totalAmount' }, 100000] }, data: { order: { totalAmount: 100001 } } })
    expect(ok.json()).toEqual({ result: true, operations: 2, budget: 100_000 })
    const bad = await h.api('POST', '/api/rules/evaluate', { rule: { '/': [1, 0] }, data: {} })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().details[0].pointer).toBe('/rule')
    const unknownOp = await h.api('POST', '/api/rules/evaluate', { rule: { and: [true, { teleport: [1] }] } })
    expect(unknownOp.statusCode).toBe(400)
    expect(unknownOp.json().details[0]).toEqual({ pointer: '/rule/and/1', reason: 'unknown operator "teleport" in rule' })
  })

  it('answers a rule that would exhaust memory with a 400 naming the rule, and stays up', async () => {
    const doubling = { reduce: [Array.from({ length: 27 }, (_, i) => i), { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] }, [1]] }
    const res = await h.api('POST', '/api/rules/evaluate', { rule: doubling, data: {} })
    expect(res.statusCode).toBe(400)
    expect(res.json().details[0]).toMatchObject({ pointer: '/rule', reason: expect.stringMatching(/budget|items/) })
    expect((await h.api('GET', '/api/health', undefined, null)).statusCode).toBe(200)
  })
})

describe('tokens API', () => {
  let h: Harness
  beforeEach(async () => { h = await createHarness() })
  afterEach(() => h.close())

  it('shows a new token once, stores only its hash, and revokes it', async () => {
    const created = await h.api('POST', '/api/tokens', { name: 'warehouse bot', role: 'operator' })
    expect(created.statusCode).toBe(201)
    const { id, token } = created.json()
    expect(token).toMatch(/^ordo_/)
    const list = await h.api('GET', '/api/tokens')
    expect(list.body).not.toContain(token)
    expect((await h.api('GET', '/api/orders', undefined, token)).statusCode).toBe(200)
    expect((await h.api('DELETE', `/api/tokens/${id}`)).statusCode).toBe(204)
    expect((await h.api('GET', '/api/orders', undefined, token)).statusCode).toBe(401)
  })

  it('refuses an unknown role naming the field', async () => {
    const res = await h.api('POST', '/api/tokens', { name: 'x', role: 'root' })
    expect(res.statusCode).toBe(400)
    expect(res.json().details[0].pointer).toBe('/role')
  })
})

describe('a failed run with a branch still waiting to retry', () => {
  let h: Harness
  beforeEach(async () => { h = await createHarness() })
  afterEach(() => h.close())

  it('keeps that branch\'s retry timer, so the run finishes after the operator retries it', async () => {
    const divide = (name: string) => ({ '>': [{ '/': [100, { var: `vars.${name}` }] }, 1] })
    const flow = {
      id: 'two-branches', name: 'Two branches',
      nodes: [
        { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
        { id: 'split', type: 'flow.parallel', position: { x: 0, y: 100 }, config: {} },
        { id: 'a', type: 'rule.condition', position: { x: -100, y: 200 }, config: { rule: divide('a') }, retry: { maxAttempts: 2, initialInterval: 'PT10S' } },
        { id: 'b', type: 'rule.condition', position: { x: 100, y: 200 }, config: { rule: divide('b') } },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'split' },
        { id: 'e2', source: 'split', target: 'a' },
        { id: 'e3', source: 'split', target: 'b' },
      ],
    }
    expect((await h.api('POST', '/api/workflows/import?publish=true', flow)).statusCode).toBe(201)
    const id = (await h.api('POST', '/api/runs', { workflowId: 'two-branches', variables: { a: 0, b: 0 } })).json().id
    await h.engine.idle()
    expect((await h.api('GET', `/api/runs/${id}`)).json()).toMatchObject({ status: 'failed', incident: { nodeId: 'b' } })

    expect((await h.api('POST', `/api/runs/${id}/retry`, { variables: { a: 1, b: 1 } })).statusCode).toBe(200)
    await h.engine.idle()
    h.clock.advance('PT10S')
    await h.engine.tick()
    const run = (await h.api('GET', `/api/runs/${id}`)).json()
    expect(run.status).toBe('completed')
    expect(run.steps.filter((s: any) => s.nodeId === 'a').map((s: any) => [s.attempt, s.status])).toEqual([[1, 'retrying'], [2, 'completed']])
  })
})
