/**
 * Durable step transitions per second, in-process: an engine on a temp SQLite file (WAL, synchronous
 * NORMAL, the real store) runs a trigger.manual followed by a chain of rule.set nodes for many manual
 * runs; the baseline is bare better-sqlite3 committing one INSERT per transaction on the same PRAGMAs.
 */
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { openSqliteStore } from '../engine/store/sqlite/sqlite-store.ts'
import { createRegistry } from '../engine/core/registry.ts'
import { builtinNodeTypes } from '../engine/runtime/node-catalog.ts'
import { OrderEngine } from '../engine/runtime/order-engine.ts'
import { systemClock } from '../engine/runtime/clocks.ts'
import { importWorkflows } from '../engine/runtime/workflow-import.ts'
import { checkDefinition } from '../engine/core/check-definition.ts'
import type { WorkflowDefinition } from '../schemas/generated/workflow.ts'
import { removeDir, tempDir } from './resources.ts'

/** The result: Ordo's steps/s and how it got them, beside bare single-insert transactions/s. */
export interface StepResult {
  chainLength: number
  runs: number
  steps: number
  seconds: number
  startSeconds: number
  stepsPerSec: number
  transactions: number
  stepsPerTransaction: number
  bareInsertsPerSec: number
}

/** A workflow: trigger.manual then `length` rule.set nodes, each adding 1 to vars.n. */
export function chainWorkflow(length: number): WorkflowDefinition {
  const nodes: WorkflowDefinition['nodes'] = [{ id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } }]
  const edges: WorkflowDefinition['edges'] = []
  for (let i = 1; i <= length; i++) {
    nodes.push({ id: `set-${i}`, type: 'rule.set', position: { x: 0, y: i * 100 }, config: { variables: { n: { '+': [{ var: 'vars.n' }, 1] } } } })
    edges.push({ id: `e-${i}`, source: i === 1 ? 'start' : `set-${i - 1}`, target: `set-${i}` })
  }
  return { id: 'bench-chain', name: `Bench: ${length} rule.set steps`, nodes, edges, variables: { n: 0 } }
}

async function stepsCommitted(engine: OrderEngine): Promise<number> {
  const m = await engine.metrics.stepsExecuted.get()
  return m.values.reduce((s, v) => s + v.value, 0)
}

/** Starts `runs` manual runs and waits until all are done; returns seconds spent starting and in total. */
async function runMany(engine: OrderEngine, runs: number): Promise<{ total: number; start: number }> {
  const t0 = performance.now()
  for (let i = 0; i < runs; i++) await engine.startManualRun({ workflowId: 'bench-chain', by: 'bench' })
  const t1 = performance.now()
  await engine.idle()
  return { total: (performance.now() - t0) / 1000, start: (t1 - t0) / 1000 }
}

/** Ordo's figure: warms up, sizes the main batch of runs to last about `targetSeconds`, measures it. */
async function measureOrdo(chainLength: number, targetSeconds: number) {
  const dir = tempDir('steps')
  const store = openSqliteStore({ path: join(dir, 'steps.db'), sync: 'normal' })
  const engine = new OrderEngine({ store, registry: createRegistry(builtinNodeTypes), clock: systemClock })
  try {
    await engine.start()
    const def = chainWorkflow(chainLength)
    const check = checkDefinition(def, engine.registry)
    if (!check.valid) throw new Error(`bench workflow invalid: ${JSON.stringify(check.errors)}`)
    await importWorkflows(engine, [def], { publish: true, by: 'bench' })
    let transactions = 0
    const commit = store.commitTransitions.bind(store)
    store.commitTransitions = (...args) => { transactions++; return commit(...args) }

    const warm = await runMany(engine, 500)
    const warmRate = (500 * (chainLength + 1)) / warm.total
    const runs = Math.max(500, Math.min(20_000, Math.round((warmRate * targetSeconds) / (chainLength + 1))))

    const s0 = await stepsCommitted(engine)
    transactions = 0
    const t = await runMany(engine, runs)
    const steps = (await stepsCommitted(engine)) - s0
    if (steps !== runs * (chainLength + 1)) throw new Error(`expected ${runs * (chainLength + 1)} steps, counted ${steps}`)
    return { runs, steps, seconds: t.total, startSeconds: t.start, transactions }
  } finally {
    await engine.stop()
    await store.close()
    removeDir(dir)
  }
}

/** The baseline: one INSERT of a step-shaped row per IMMEDIATE transaction for `seconds`, same PRAGMAs as the store. */
function measureBare(seconds: number): number {
  const dir = tempDir('steps-bare')
  const db = new Database(join(dir, 'bare.db'))
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('temp_store = MEMORY')
    db.pragma('cache_size = -65536')
    db.exec(`CREATE TABLE steps (id TEXT PRIMARY KEY, run_id TEXT NOT NULL, node_id TEXT NOT NULL, status TEXT NOT NULL,
      input TEXT, output TEXT, started_at INTEGER NOT NULL, finished_at INTEGER)`)
    const insert = db.prepare('INSERT INTO steps VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    const tx = db.transaction((i: number) => {
      const now = Date.now()
      insert.run(`stp_${i}`, `run_${i >> 6}`, `set-${i & 63}`, 'completed', '{"n":1}', '{"n":2}', now, now)
    }).immediate
    let i = 0
    const t0 = performance.now()
    const end = t0 + seconds * 1000
    while (performance.now() < end) for (let k = 0; k < 100; k++) tx(i++)
    return i / ((performance.now() - t0) / 1000)
  } finally {
    db.close()
    removeDir(dir)
  }
}

/** Measures durable step transitions per second for a chain of `chainLength` rule.set nodes. */
export async function measureSteps(chainLength = 50, targetSeconds = 6): Promise<StepResult> {
  const bareInsertsPerSec = measureBare(3)
  const o = await measureOrdo(chainLength, targetSeconds)
  return {
    chainLength, runs: o.runs, steps: o.steps, seconds: o.seconds, startSeconds: o.startSeconds,
    stepsPerSec: o.steps / o.seconds, transactions: o.transactions,
    stepsPerTransaction: o.transactions ? o.steps / o.transactions : 0, bareInsertsPerSec,
  }
}
