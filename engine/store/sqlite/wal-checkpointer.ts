/**
 * WAL checkpoints off the event loop: a worker thread with its own connection copies the log back
 * into the database file (PASSIVE: it never waits for, nor blocks, the writer) a few times a second.
 * A checkpoint of a large log on the main thread holds the event loop for tens of milliseconds, and
 * with synchronous=NORMAL it is also where SQLite fsyncs: both now happen beside the requests.
 */
import { Worker } from 'node:worker_threads'
import { createRequire } from 'node:module'

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.path)
// Never wait for the writer: a checkpoint that cannot go on now goes on at the next tick.
db.pragma('busy_timeout = 0')
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)') } catch {} }
const timer = setInterval(checkpoint, workerData.everyMs)
parentPort.on('message', (m) => {
  if (m === 'now') { checkpoint(); parentPort.postMessage('done') }
  else if (m === 'stop') { clearInterval(timer); db.close(); parentPort.postMessage('stopped') }
})
`

const driver = createRequire(import.meta.url).resolve('better-sqlite3')

/** The checkpointing thread of one database file. */
export class WalCheckpointer {
  private readonly worker: Worker
  private waiting: Array<() => void> = []

  constructor(path: string, everyMs = 250) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver, everyMs } })
    this.worker.unref()
    this.worker.on('message', () => { for (const done of this.waiting.splice(0)) done() })
    // A worker that dies leaves the main connection's fallback autocheckpoint to keep the log bounded.
    this.worker.on('error', () => { for (const done of this.waiting.splice(0)) done() })
    this.worker.on('exit', () => { for (const done of this.waiting.splice(0)) done() })
  }

  /** Checkpoints now (in the worker) and resolves when it is done. */
  now(): Promise<void> {
    return new Promise((resolve) => { this.waiting.push(resolve); this.worker.postMessage('now') })
  }

  /** Closes the worker's connection and ends the thread. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => { this.waiting.push(resolve); this.worker.postMessage('stop') })
    await this.worker.terminate()
  }
}
