/**
 * The rule sandbox's worker thread: evaluates tried-out rules and dry runs, so that however much
 * work they ask for (each rule within its budget, a dry run within its step limit) the server's
 * event loop stays free. It holds no state between jobs.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { evaluateRule, RuleError, RuleCompileError } from '../core/json-logic.ts'
import { loadNodeCatalog } from './node-catalog.ts'
import { dryRun } from './dry-run.ts'
import type { SandboxJob, SandboxReply } from './rule-sandbox.ts'

// The same node types as the engine: its own, the built-in connectors and the custom ones.
const { registry } = await loadNodeCatalog({ customDir: (workerData as { nodesDir?: string | null } | null)?.nodesDir ?? undefined })

function perform(job: SandboxJob): unknown {
  switch (job.kind) {
    case 'evaluate': return evaluateRule(job.rule, job.data)
    case 'dry-run': return dryRun(job.request, registry)
  }
}

parentPort?.on('message', ({ id, job }: { id: number; job: SandboxJob }) => {
  let reply: SandboxReply
  try {
    reply = { id, ok: true, value: perform(job) }
  } catch (error) {
    const pointer = error instanceof RuleCompileError ? error.pointer : undefined
    reply = { id, ok: false, error: { kind: error instanceof RuleError ? 'rule' : 'internal', message: (error as Error)?.message ?? String(error), ...(pointer !== undefined ? { pointer } : {}) } }
  }
  try {
    parentPort?.postMessage(reply)
  } catch (error) {
    // A result that cannot be sent back (it holds something structured clone refuses) is an error too.
    parentPort?.postMessage({ id, ok: false, error: { kind: 'internal', message: `the result could not be returned: ${(error as Error).message}` } } satisfies SandboxReply)
  }
})
parentPort?.postMessage({ ready: true })
