/**
 * The rule sandbox: one worker thread, started on first use, that runs the work an operator can
 * ask for on demand — trying a rule, dry-running a flow — away from the event loop that serves
 * ingest and health checks. Each job has a wall-clock limit and the worker a memory limit; a job
 * that passes either ends with a SandboxError and a fresh worker takes the next one. Jobs beyond
 * the queue's length are refused at once (SandboxBusyError), so a flood of them cannot pile up.
 */
import { Worker } from 'node:worker_threads'
import type { DryRunRequest, DryRunResult } from './dry-run.ts'
import type { RuleEvaluation } from '../core/json-logic.ts'

/** Work the sandbox does. */
export type SandboxJob =
  | { kind: 'evaluate'; rule: unknown; data: unknown }
  | { kind: 'dry-run'; request: DryRunRequest }

/** What the worker sends back for one job. */
export type SandboxReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { kind: 'rule' | 'internal'; message: string; pointer?: string } }

/** A job that failed: the rule failed (`rule`), it ran out of time or memory (`limit`), or the worker broke (`internal`). */
export class SandboxError extends Error {
  override readonly name = 'SandboxError'
  constructor(readonly kind: 'rule' | 'limit' | 'internal', message: string, readonly pointer?: string) {
    super(message)
  }
}

/** The queue is full: try again shortly. */
export class SandboxBusyError extends Error {
  override readonly name = 'SandboxBusyError'
}

/** Limits of the sandbox. */
export interface RuleSandboxOptions {
  /** Wall-clock limit of one job (default 2 s). */
  jobTimeoutMs?: number
  /** Jobs waiting or running at most (default 32). */
  maxQueued?: number
  /** Old-generation heap of the worker, MiB (default 256). */
  maxHeapMb?: number
  /** The custom nodes' folder (ORDO_NODES_DIR), so dry runs know the node types the engine runs. */
  nodesDir?: string
}

interface QueuedJob { id: number; job: SandboxJob; resolve: (v: unknown) => void; reject: (e: unknown) => void }

const ENTRY = new URL('./rule-sandbox-entry.mjs', import.meta.url)

/** One worker and its queue. */
export class RuleSandbox {
  private readonly nodesDir: string | undefined
  private worker: Worker | null = null
  private ready: Promise<void> | null = null
  private readonly queue: QueuedJob[] = []
  private running: QueuedJob | null = null
  private timer: NodeJS.Timeout | null = null
  private seq = 0
  private closed = false
  private readonly timeoutMs: number
  private readonly maxQueued: number
  private readonly maxHeapMb: number

  constructor(options: RuleSandboxOptions = {}) {
    this.timeoutMs = options.jobTimeoutMs ?? 2000
    this.maxQueued = options.maxQueued ?? 32
    this.maxHeapMb = options.maxHeapMb ?? 256
    this.nodesDir = options.nodesDir
  }

  /** Tries a rule on data; rejects with SandboxError (kind 'rule' for a failing rule). */
  evaluate(rule: unknown, data: unknown): Promise<RuleEvaluation> {
    return this.submit({ kind: 'evaluate', rule, data }) as Promise<RuleEvaluation>
  }

  /** Dry-runs a checked definition against a sample order. */
  dryRun(request: DryRunRequest): Promise<DryRunResult> {
    return this.submit({ kind: 'dry-run', request }) as Promise<DryRunResult>
  }

  /** Starts the worker now, so the first request does not wait for it. */
  async warm(): Promise<void> {
    await this.spawn()
  }

  /** Stops the worker; queued jobs are refused. */
  async close(): Promise<void> {
    this.closed = true
    for (const q of this.queue.splice(0)) q.reject(new SandboxError('internal', 'the rule sandbox was closed'))
    this.running?.reject(new SandboxError('internal', 'the rule sandbox was closed'))
    this.running = null
    if (this.timer) clearTimeout(this.timer)
    const w = this.worker
    this.worker = null
    this.ready = null
    if (w) await w.terminate()
  }

  private submit(job: SandboxJob): Promise<unknown> {
    if (this.closed) return Promise.reject(new SandboxError('internal', 'the rule sandbox was closed'))
    if (this.queue.length + (this.running ? 1 : 0) >= this.maxQueued) {
      return Promise.reject(new SandboxBusyError(`the rule sandbox has ${this.maxQueued} jobs already; try again in a moment`))
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ id: ++this.seq, job, resolve, reject })
      void this.next()
    })
  }

  private spawn(): Promise<void> {
    if (this.ready) return this.ready
    const worker = new Worker(ENTRY, {
      execArgv: [],
      workerData: { nodesDir: this.nodesDir ?? null },
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    })
    worker.unref()
    this.worker = worker
    this.ready = new Promise<void>((resolve, reject) => {
      const onReady = (m: unknown) => {
        if ((m as { ready?: boolean })?.ready) { worker.off('message', onReady); resolve() }
      }
      worker.on('message', onReady)
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new SandboxError('internal', `the rule sandbox stopped while starting (exit ${code})`)))
    })
    worker.on('message', (m: SandboxReply | { ready: true }) => { if ('id' in m) this.settle(m) })
    worker.on('error', (err) => this.crashed(worker, err))
    worker.on('exit', (code) => this.crashed(worker, new Error(`exit code ${code}`)))
    return this.ready
  }

  private async next(): Promise<void> {
    if (this.running || this.queue.length === 0 || this.closed) return
    const job = this.queue.shift() as QueuedJob
    this.running = job
    try {
      await this.spawn()
    } catch (err) {
      this.running = null
      this.worker = null
      this.ready = null
      job.reject(err instanceof SandboxError ? err : new SandboxError('internal', `the rule sandbox could not start: ${(err as Error).message}`))
      void this.next()
      return
    }
    if (this.running !== job) return
    this.timer = setTimeout(() => {
      if (this.running !== job) return
      this.running = null
      job.reject(new SandboxError('limit', `took longer than ${this.timeoutMs} ms`))
      void this.restart()
    }, this.timeoutMs)
    this.timer.unref()
    this.worker?.postMessage({ id: job.id, job: job.job })
  }

  private settle(reply: SandboxReply): void {
    const job = this.running
    if (!job || job.id !== reply.id) return
    if (this.timer) clearTimeout(this.timer)
    this.running = null
    if (reply.ok) job.resolve(reply.value)
    else job.reject(new SandboxError(reply.error.kind, reply.error.message, reply.error.pointer))
    void this.next()
  }

  /** The worker died (out of memory, a crash): the job it ran fails, a fresh worker takes the rest. */
  private crashed(worker: Worker, err: Error): void {
    if (this.worker !== worker) return
    this.worker = null
    this.ready = null
    if (this.timer) clearTimeout(this.timer)
    const job = this.running
    this.running = null
    const outOfMemory = (err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
    job?.reject(new SandboxError(outOfMemory ? 'limit' : 'internal', outOfMemory ? `used more than ${this.maxHeapMb} MiB of memory` : `the rule sandbox stopped: ${err.message}`))
    void this.next()
  }

  private async restart(): Promise<void> {
    const w = this.worker
    this.worker = null
    this.ready = null
    if (w) await w.terminate().catch(() => {})
    void this.next()
  }
}
