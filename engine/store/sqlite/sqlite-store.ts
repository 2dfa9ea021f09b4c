/**
 * The embedded Store: one SQLite file in WAL mode through better-sqlite3. better-sqlite3 is
 * synchronous, so each method does its work at once and returns a settled promise; every write
 * is one IMMEDIATE transaction over statements prepared when the store opens.
 */
import Database from 'better-sqlite3'
import type { OrderInput } from '../../../schemas/generated/order-input.ts'
import type { WorkflowDefinition } from '../../../schemas/generated/workflow.ts'
import type {
  AuditEntry, IngestPlanner, IngestResult, NewRun, OrderFilter, OrderPatcher, Role, RunFilter, Store, TransitionCommit,
} from '../store.ts'
import type { RunState } from '../../core/run-state.ts'
import type { Effect } from '../../core/effects.ts'
import { migrate } from './migrations.ts'
import { SqliteAccess } from './sqlite-access.ts'
import { SqliteOrders } from './sqlite-orders.ts'
import { SqliteRuns } from './sqlite-runs.ts'
import { SqliteUpkeep } from './sqlite-upkeep.ts'
import { SqliteWorkflows } from './sqlite-workflows.ts'
import { SqliteOrderValues } from './sqlite-order-values.ts'

/** Options of `openSqliteStore`. */
export interface SqliteStoreOptions {
  /** File path, or ':memory:' for a private in-memory database (tests). */
  path: string
  /** 'normal' (default) may lose the last commits on power loss but never corrupts; 'full' fsyncs every commit. */
  sync?: 'normal' | 'full'
}

/** Reads of SQLite settings for diagnostics and tests; nothing here can change a setting. */
const READABLE_PRAGMAS = new Set(['journal_mode', 'synchronous', 'foreign_keys', 'busy_timeout', 'temp_store', 'cache_size', 'user_version'])

/** The SQLite Store; `pragma` reads a connection setting. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const
  private readonly orders: SqliteOrders
  private readonly runs: SqliteRuns
  private readonly workflows: SqliteWorkflows
  private readonly access: SqliteAccess
  private readonly upkeep: SqliteUpkeep
  private readonly values: SqliteOrderValues
  private readonly ingestTx: (batch: Array<{ input: OrderInput; raw: unknown }>, plan: IngestPlanner, now: number, patchOrder?: OrderPatcher) => IngestResult[]
  private readonly commitTx: (commits: TransitionCommit[], patchOrder: OrderPatcher, now: number, settled: readonly string[]) => void
  private readonly beginTurnsTx: (runIds: readonly string[]) => Map<string, number>
  private readonly createRunsTx: (runs: NewRun[]) => string[]

  constructor(private readonly db: Database.Database) {
    const runs = new SqliteRuns(db)
    const orders = new SqliteOrders(db)
    this.runs = runs
    this.orders = orders
    this.workflows = new SqliteWorkflows(db)
    this.access = new SqliteAccess(db)
    this.upkeep = new SqliteUpkeep(db)
    this.values = new SqliteOrderValues(db)
    // Applies one run's effects in the current transaction, in order.
    const applyEffects = (state: RunState, effects: readonly Effect[], patchOrder: OrderPatcher | undefined, now: number) => {
      for (const effect of effects) {
        switch (effect.kind) {
          case 'record-step': runs.recordStep(effect.step); break
          case 'patch-order':
            if (!patchOrder) throw new TypeError('a run with order patches needs a patchOrder')
            orders.applyPatch(effect, patchOrder, now)
            break
          case 'schedule-timer': runs.scheduleTimer(effect.timer); break
          case 'cancel-timer': runs.cancelTimer(effect.timerId); break
          default: throw new TypeError(`unknown effect ${JSON.stringify(effect satisfies never)}`)
        }
      }
      // After the effects, so that a finished run also drops a timer scheduled in this very commit.
      runs.dropTimersIfFinished(state)
    }
    this.ingestTx = db.transaction((batch: Array<{ input: OrderInput; raw: unknown }>, plan: IngestPlanner, now: number, patchOrder?: OrderPatcher) =>
      orders.ingest(batch, plan, (run) => {
        if (!runs.insertRun(run)) return false
        if (run.effects) applyEffects(run.state, run.effects, patchOrder, now)
        return true
      })).immediate
    this.createRunsTx = db.transaction((list: NewRun[]) => list.filter((run) => runs.insertRun(run)).map((run) => run.state.runId)).immediate
    this.commitTx = db.transaction((commits: TransitionCommit[], patchOrder: OrderPatcher, now: number, settled: readonly string[]) => {
      for (const { state, effects } of commits) {
        runs.saveState(state)
        applyEffects(state, effects, patchOrder, now)
      }
      for (const id of settled) runs.settleTurn(id)
    }).immediate
    this.beginTurnsTx = db.transaction((runIds: readonly string[]) => runs.beginTurns(runIds)).immediate
  }

  /** Reads a connection setting such as 'journal_mode' or 'synchronous'. */
  pragma(name: string): unknown {
    if (!READABLE_PRAGMAS.has(name)) throw new RangeError(`pragma ${name} is not readable here`)
    return this.db.pragma(name, { simple: true })
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close()
  }

  async ingestOrders(batch: Array<{ input: OrderInput; raw: unknown }>, plan: IngestPlanner, now: number, patchOrder?: OrderPatcher): Promise<IngestResult[]> {
    return this.ingestTx(batch, plan, now, patchOrder)
  }

  async getOrder(id: string) { return this.orders.get(id) }
  async listOrders(filter: OrderFilter) { return this.orders.list(filter) }
  async orderHistory(orderId: string) { return this.orders.history(orderId) }
  async orderValues(limit: number, recentOrders: number) { return this.values.read(limit, recentOrders) }

  async createWorkflow(def: WorkflowDefinition, now: number) { return this.workflows.create(def, now) }
  async getWorkflow(id: string) { return this.workflows.get(id) }
  async listWorkflows() { return this.workflows.list() }
  async updateDraft(id: string, def: WorkflowDefinition, now: number, expectedRevision?: number) {
    return this.workflows.updateDraft(id, def, now, expectedRevision)
  }
  async publishVersion(id: string, def: WorkflowDefinition, now: number, by: string) { return this.workflows.publish(id, def, now, by) }
  async listVersions(id: string) { return this.workflows.versions(id) }
  async getVersion(id: string, version: number) { return this.workflows.version(id, version) }
  async latestVersions() { return this.workflows.latest() }

  async createRuns(runs: NewRun[]) { return this.createRunsTx(runs) }
  async getRun(id: string) { return this.runs.get(id) }
  async listRuns(filter: RunFilter) { return this.runs.list(filter) }
  async listSteps(runId: string) { return this.runs.steps(runId) }
  async nodeVisitTimes(workflowId: string, runLimit: number) { return this.runs.nodeVisitTimes(workflowId, runLimit) }
  async activeRunIds() { return this.runs.activeIds() }
  async commitTransitions(commits: TransitionCommit[], patchOrder: OrderPatcher, now: number, settledTurns: readonly string[] = []): Promise<void> {
    this.commitTx(commits, patchOrder, now, settledTurns)
  }
  async beginTurns(runIds: readonly string[]) { return this.beginTurnsTx(runIds) }
  async dueTimers(now: number, limit: number) { return this.runs.due(now, limit) }
  async nextTimerDue() { return this.runs.nextDue() }

  async createToken(row: { id: string; name: string; role: Role; hash: string }, now: number) { return this.access.createToken(row, now) }
  async findTokenByHash(hash: string) { return this.access.findTokenByHash(hash) }
  async revokeToken(id: string, now: number) { return this.access.revokeToken(id, now) }
  async listTokens() { return this.access.listTokens() }
  async appendAudit(entry: Omit<AuditEntry, 'id'>) { this.access.appendAudit(entry) }
  async listAudit(limit: number, cursor?: string) { return this.access.listAudit(limit, cursor) }

  async prune(before: number, limit?: number) { return this.upkeep.prune(before, limit) }
  async checkpoint() { this.upkeep.checkpoint() }
  async stats() { return this.upkeep.stats() }
  async ping(): Promise<void> { this.db.prepare('SELECT 1').get() }
}

/** Opens (creating and migrating as needed) the SQLite store at `path`. */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const db = new Database(options.path)
  try {
    // WAL lets readers run beside the single writer; an in-memory database stays 'memory'.
    db.pragma('journal_mode = WAL')
    // In WAL mode NORMAL syncs at checkpoints only: a crash never corrupts, power loss may drop the last commits.
    db.pragma(`synchronous = ${options.sync === 'full' ? 'FULL' : 'NORMAL'}`)
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    db.pragma('temp_store = MEMORY')
    // Negative means KiB: 64 MiB of page cache keeps the hot order and run indexes in memory.
    db.pragma('cache_size = -65536')
    // Checkpoint every ~40 MiB of WAL instead of 4 MiB: hot index pages are copied back once, not
    // ten times, under load. The upkeep loop also checkpoints (TRUNCATE) every minute.
    db.pragma('wal_autocheckpoint = 10000')
    migrate(db)
    return new SqliteStore(db)
  } catch (error) {
    db.close()
    throw error
  }
}
