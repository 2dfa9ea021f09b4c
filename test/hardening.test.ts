/**
 * Attacks on the real server (a child process on a real socket): rules built to exhaust memory or
 * time on every route that takes a rule, exponential flows, and a run that takes the process down.
 * The server must stay up, answer each with a 4xx or an incident, and keep its health check fast.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { apiClient, exited, freePort, kill9, ServerExitedError, startServer, stopServer } from './support/server-process.ts'
import { sampleOrder } from './harness.ts'

const token = 'ordo_hardening-admin-token'
const zeroTo26 = Array.from({ length: 27 }, (_, i) => i)
/** The 201-byte rule that made V8 abort: merge doubles its accumulator 27 times. */
const doubling = (list: unknown) => ({ reduce: [list, { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] }, [1]] })
/** Quadratic work: every step re-merges everything so far (60,000 items: 1.8·10^9 copies without a budget). */
const quadratic = { reduce: [{ var: 'vars.list' }, { merge: [{ var: 'accumulator' }, [{ var: 'current' }]] }, []] }

function ruleFlow(id: string, expression: unknown) {
  return {
    id, name: `Attack ${id}`,
    nodes: [
      { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } },
      { id: 'compute', type: 'rule.set', position: { x: 0, y: 100 }, config: { variables: { out: expression } } },
    ],
    edges: [{ id: 'e1', source: 'start', target: 'compute' }],
  }
}

/** 91 nodes: 30 parallel splits in a chain, both branches of each feeding the next (about 3·2^30 steps). */
function diamonds() {
  const nodes: Array<Record<string, unknown>> = [{ id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } }]
  const edges: Array<Record<string, unknown>> = []
  let previous = ['start']
  for (let i = 1; i <= 30; i++) {
    nodes.push({ id: `split-${i}`, type: 'flow.parallel', position: { x: 0, y: i * 300 } },
      { id: `a-${i}`, type: 'rule.set', position: { x: -100, y: i * 300 + 100 }, config: { variables: { a: i } } },
      { id: `b-${i}`, type: 'rule.set', position: { x: 100, y: i * 300 + 100 }, config: { variables: { b: i } } })
    for (const p of previous) edges.push({ id: `e-${p}-${i}`, source: p, target: `split-${i}` })
    edges.push({ id: `ea-${i}`, source: `split-${i}`, target: `a-${i}` }, { id: `eb-${i}`, source: `split-${i}`, target: `b-${i}` })
    previous = [`a-${i}`, `b-${i}`]
  }
  return { id: 'diamonds', name: 'Exponential diamonds', nodes, edges }
}

/** Polls /api/health every 25 ms until stopped; reports the slowest answer and any failure. */
function watchHealth(port: number) {
  let stop = false
  let slowest = 0
  let failures = 0
  let checks = 0
  const done = (async () => {
    while (!stop) {
      const t0 = performance.now()
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(5000) })
        if (!res.ok) failures += 1
        await res.arrayBuffer()
      } catch {
        failures += 1
      }
      checks += 1
      slowest = Math.max(slowest, performance.now() - t0)
      await new Promise((r) => setTimeout(r, 25))
    }
  })()
  return async () => { stop = true; await done; return { slowest, failures, checks } }
}

async function runSettles(api: ReturnType<typeof apiClient>, runId: string): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const { json } = await api('GET', `/api/runs/${runId}`)
    if (json.status !== 'running') return json
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`run ${runId} did not settle`)
}

describe('attacks through rules and flows on the real server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-hardening-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('answers the exhausting rule with a 4xx or an incident on every route that takes a rule, with health under 1 s throughout', async () => {
    const port = await freePort()
    const child = await startServer({ dbPath: join(dir, 'rules.db'), port, token })
    const admin = apiClient(port, token)
    const stopWatching = watchHealth(port)
    try {
      const operator = apiClient(port, (await admin('POST', '/api/tokens', { name: 'attacker', role: 'operator' })).json.token)
      const designer = apiClient(port, (await admin('POST', '/api/tokens', { name: 'designer', role: 'designer' })).json.token)
      const list = Array.from({ length: 60_000 }, (_, i) => i)

      // Trying a rule.
      const tried = await operator('POST', '/api/rules/evaluate', { rule: doubling(zeroTo26), data: {} })
      expect(tried.status).toBe(400)
      expect(tried.json.details[0]).toMatchObject({ pointer: '/rule', reason: expect.stringMatching(/budget|items/) })
      const slow = await operator('POST', '/api/rules/evaluate', { rule: quadratic, data: { vars: { list } } })
      expect(slow.status).toBe(400)
      expect(slow.json.details[0].reason).toMatch(/budget of 100,000 operations/)

      // Validating: nothing is evaluated, so the rule is simply valid.
      await designer('POST', '/api/workflows', ruleFlow('doubling', doubling(zeroTo26)))
      const validated = await designer('POST', '/api/workflows/doubling/validate')
      expect(validated).toMatchObject({ status: 200, json: { valid: true } })

      // Dry runs: the rule fails as a step, the run as an incident.
      const dry = await operator('POST', '/api/workflows/doubling/dry-run', { order: sampleOrder() })
      expect(dry.status).toBe(200)
      expect(dry.json.status).toBe('failed')
      expect(dry.json.incident.error).toMatch(/budget|items/)
      const dryQuadratic = await operator('POST', '/api/workflows/doubling/dry-run', { definition: ruleFlow('doubling', quadratic), order: sampleOrder(), variables: { list } })
      expect(dryQuadratic.json.incident.error).toMatch(/budget/)

      // A published flow whose list comes from the run's variables, started by an operator.
      await admin('POST', '/api/workflows', ruleFlow('from-data', doubling({ var: 'vars.list' })))
      expect((await admin('POST', '/api/workflows/from-data/publish')).status).toBe(201)
      const started = await operator('POST', '/api/runs', { workflowId: 'from-data', variables: { list: zeroTo26 } })
      expect(started.status).toBe(201)
      const run = await runSettles(admin, started.json.id)
      expect(run.status).toBe('failed')
      expect(run.incident.error).toMatch(/budget|items/)

      // An exponential flow: a warning at validation, an incident when run.
      await admin('POST', '/api/workflows', diamonds())
      const published = await admin('POST', '/api/workflows/diamonds/publish')
      expect(published.status).toBe(201)
      expect(published.json.warnings).toEqual([expect.objectContaining({ nodeId: 'split-8', reason: expect.stringMatching(/up to 128 branches/) })])
      const exploding = await operator('POST', '/api/runs', { workflowId: 'diamonds' })
      const exploded = await runSettles(admin, exploding.json.id)
      expect(exploded.status).toBe('failed')
      expect(exploded.incident.error).toMatch(/more than 1,000 branches/)
    } finally {
      const health = await stopWatching()
      expect(child.exitCode).toBeNull()
      expect(health.failures).toBe(0)
      expect(health.checks).toBeGreaterThan(10)
      expect(health.slowest).toBeLessThan(1000)
      await stopServer(child)
    }
  }, 90_000)

  it('parks a run that takes the process down after a few restarts, instead of resuming it forever', async () => {
    const port = await freePort()
    const dbPath = join(dir, 'abort.db')
    const script = join(import.meta.dirname, 'support', 'aborting-server.ts')
    let child: ChildProcess = await startServer({ dbPath, port, token, script })
    const admin = apiClient(port, token)
    await admin('POST', '/api/workflows', {
      id: 'aborts', name: 'Takes the process down',
      nodes: [{ id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } }, { id: 'boom', type: 'test.abort', position: { x: 0, y: 100 } }],
      edges: [{ id: 'e1', source: 'start', target: 'boom' }],
    })
    expect((await admin('POST', '/api/workflows/aborts/publish')).status).toBe(201)
    // The run is committed, then its first turn takes the process down.
    const started = await admin('POST', '/api/runs', { workflowId: 'aborts' }).catch(() => null)
    await exited(child)
    let runId: string | null = started?.json?.id ?? null
    let parked: any = null
    let starts = 0
    for (; starts < 8 && !parked; starts++) {
      try {
        child = await startServer({ dbPath, port, token, script })
      } catch (error) {
        if (error instanceof ServerExitedError) continue // it resumed the run and went down again
        throw error
      }
      for (let i = 0; i < 40 && child.exitCode === null && child.signalCode === null; i++) {
        try {
          runId ??= (await admin('GET', '/api/runs?workflowId=aborts')).json.items[0]?.id ?? null
          const run = runId ? (await admin('GET', `/api/runs/${runId}`)).json : null
          if (run?.status === 'failed') { parked = run; break }
        } catch { /* it went down while we asked */ }
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    expect(parked?.incident?.error).toMatch(/Ordo stopped 4 times while running this run/)
    expect(parked.incident.nodeId).toBe('boom')
    expect(starts).toBeLessThanOrEqual(7)
    // It stays up now: the parked run is not resumed.
    expect((await admin('GET', '/api/health')).status).toBe(200)
    await kill9(child)
  }, 90_000)
})
