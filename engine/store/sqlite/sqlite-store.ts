/**
 * The embedded Store: one SQLite file in WAL mode through better-sqlite3. better-sqlite3 is
 * synchronous, so each method does its work at once and returns a settled promise; every write
 * is one IMMEDIATE transaction over statements prepared when the store opens.
 */
import Database from 'better-sqlite3'
import type { OrderInput } from '../../../schemas/generated/order-input.ts'
import type { WorkflowDefinition } from '../../../schemas/generated/workflow.ts'
import type {
  AuditEntry, ClaimedActivity, ShopHealthDelta, ShopPushOutcome, ShopPushRow, StockCause, StockChange, StockItem, StockPushOutcome, StockReleaseOutcome, StockReleaseRequest,
  StockReservationOutcome, StockReservationRequest, StockPush, CommitOutcome, EventSubscriptionRow, IntegrationEntry, IntegrationFilter, OutboxDelivery, OutboxOutcome, IngestPlanner, IngestResult, NewRun, OrderFilter, OrderPatcher, Role, RunFilter, ScheduleRow, Store,
  StoredRunEvent, TaskAction, TaskFilter, TaskRow, TransitionCommit,
} from '../store.ts'
import { ConflictError, NotFoundError } from '../store.ts'
import type { RunState } from '../../core/run-state.ts'
import type { Effect } from '../../core/effects.ts'
import type { WakeEvent } from '../../core/advance.ts'
import { isFinished } from '../../core/advance.ts'
import { SqliteChildren } from './sqlite-children.ts'
import { SqliteWaits } from './sqlite-waits.ts'
import { migrate } from './migrations.ts'
import { SqliteAccess } from './sqlite-access.ts'
import { SqliteOrders } from './sqlite-orders.ts'
import { SqliteRuns } from './sqlite-runs.ts'
import { SqliteUpkeep } from './sqlite-upkeep.ts'
import { WalCheckpointer } from './wal-checkpointer.ts'
import { SqliteWorkflows } from './sqlite-workflows.ts'
import { SqliteOrderValues } from './sqlite-order-values.ts'
import { SqliteIntegrations } from './sqlite-integrations.ts'
import { SqliteOutbox } from './sqlite-outbox.ts'
import { SqliteShopCursors } from './sqlite-shop-cursors.ts'
import { SqliteStock } from './sqlite-stock.ts'
import { SqliteShops } from './sqlite-shops.ts'

/** Options of `openSqliteStore`. */
export interface SqliteStoreOptions {
  /** File path, or ':memory:' for a private in-memory database (tests). */
  path: string
  /** 'normal' (default) may lose the last commits on power loss but never corrupts; 'full' fsyncs every commit. */
  sync?: 'normal' | 'full'
  /** Checkpoint the WAL in a worker thread (default for files); false checkpoints on the main connection. */
  backgroundCheckpoints?: boolean
}

/** Reads of SQLite settings for diagnostics and tests; nothing here can change a setting. */
const READABLE_PRAGMAS = new Set(['journal_mode', 'synchronous', 'foreign_keys', 'busy_timeout', 'temp_store', 'cache_size', 'user_version', 'wal_autocheckpoint', 'journal_size_limit'])

/** The SQLite Store; `pragma` reads a connection setting. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const
  private readonly orders: SqliteOrders
  private readonly runs: SqliteRuns
  private readonly workflows: SqliteWorkflows
  private readonly access: SqliteAccess
  private readonly upkeep: SqliteUpkeep
  private readonly waits: SqliteWaits
  private readonly values: SqliteOrderValues
  private readonly integrations: SqliteIntegrations
  private readonly appendLogTx: (entries: readonly IntegrationEntry[]) => void
  private readonly outbox: SqliteOutbox
  private readonly shopCursors: SqliteShopCursors
  private readonly shops: SqliteShops
  private readonly settleOutboxTx: (outcomes: readonly OutboxOutcome[], now: number) => void
  private readonly claimOutboxTx: (now: number, limit: number, leaseUntil: number) => OutboxDelivery[]
  private readonly children: SqliteChildren
  private readonly ingestTx: (batch: Array<{ input: OrderInput; raw: unknown }>, plan: IngestPlanner, now: number) => IngestResult[]
  private readonly commitTx: (commits: TransitionCommit[], patchOrder: OrderPatcher, now: number, settled: readonly string[]) => CommitOutcome
  private readonly beginTurnsTx: (runIds: readonly string[]) => Map<string, number>
  private readonly createRunsTx: (runs: NewRun[]) => string[]
  private readonly signalTx: (orderId: string, name: string, data: unknown, now: number) => string[]
  private readonly actOnTaskTx: (id: string, act: (task: TaskRow) => TaskAction, now: number) => { task: TaskRow; woken: string[] }
  private readonly finishActivityTx: (id: string, result: Extract<WakeEvent, { kind: 'activity-result' }>, calls: readonly IntegrationEntry[], now: number) => string | null
  private readonly retryActivityTx: (id: string, nextTryAt: number, failure: { error: string; errorClass: string }, calls: readonly IntegrationEntry[], now: number) => void
  private readonly claimActivitiesTx: (leases: ReadonlyArray<{ id: string; until: number }>, now: number) => ClaimedActivity[]
  private readonly startChildRunsTx: (children: Array<{ groupId: string; idx: number; run: NewRun }>) => string[]
  private readonly setSchedulesTx: (schedules: ScheduleRow[]) => void
  private readonly fireScheduleTx: (workflowId: string, tick: number, nextAt: number, run: NewRun | null) => string | null
  private readonly stock: SqliteStock
  private readonly reserveStockTx: (request: StockReservationRequest, now: number) => { result: StockReservationOutcome; queued: number }
  private readonly releaseStockTx: (request: StockReleaseRequest, now: number) => { result: StockReleaseOutcome; queued: number }
  private readonly putStockTx: (sku: string, change: StockChange, cause: StockCause, now: number) => { item: StockItem; queued: number }
  private readonly queueStockTx: (skus: readonly string[], now: number) => Array<{ shopId: string; sku: string; quantity: number }>
  private readonly claimStockTx: (now: number, limit: number, leaseUntil: number) => StockPush[]
  private readonly settleStockTx: (outcomes: readonly StockPushOutcome[], now: number) => void

  private checkpointer: WalCheckpointer | null = null

  constructor(private readonly db: Database.Database) {
    const runs = new SqliteRuns(db)
    const integrations = new SqliteIntegrations(db)
    this.integrations = integrations
    this.appendLogTx = db.transaction((entries: readonly IntegrationEntry[]) => integrations.append(entries)).immediate
    const outbox = new SqliteOutbox(db, integrations)
    this.outbox = outbox
    this.shops = new SqliteShops(db, integrations)
    const orders = new SqliteOrders(db, outbox)
    this.runs = runs
    this.orders = orders
    this.workflows = new SqliteWorkflows(db)
    this.access = new SqliteAccess(db)
    this.upkeep = new SqliteUpkeep(db)
    const waits = new SqliteWaits(db, integrations)
    const children = new SqliteChildren(db, waits)
    this.waits = waits
    this.values = new SqliteOrderValues(db)
    this.children = children
    this.shopCursors = new SqliteShopCursors(db)
    const stock = new SqliteStock(db, integrations)
    this.stock = stock
    // IMMEDIATE: the write lock is taken before the levels are read, so no other writer (thread or
    // process) can take the same units between a reservation's check and its write.
    this.reserveStockTx = db.transaction((request: StockReservationRequest, now: number) => stock.reserve(request, now)).immediate
    this.releaseStockTx = db.transaction((request: StockReleaseRequest, now: number) => stock.release(request, now)).immediate
    this.putStockTx = db.transaction((sku: string, change: StockChange, cause: StockCause, now: number) => stock.put(sku, change, cause, now)).immediate
    this.queueStockTx = db.transaction((skus: readonly string[], now: number) => stock.queueNow(skus, now)).immediate
    this.claimStockTx = db.transaction((now: number, limit: number, leaseUntil: number) => stock.claim(now, limit, leaseUntil)).immediate
    this.settleStockTx = db.transaction((outcomes: readonly StockPushOutcome[], now: number) => stock.settle(outcomes, now)).immediate
    // Applies one run's effects in the current transaction, in order. `touched` collects the orders it
    // changed (their waiting runs get one order-changed event at the end), `woken` the runs it queued events for.
    const applyEffects = (state: RunState, effects: readonly Effect[], patchOrder: OrderPatcher | undefined, now: number, woken: Set<string>, touched: Set<string>) => {
      for (const effect of effects) {
        switch (effect.kind) {
          case 'record-step': runs.recordStep(effect.step); break
          case 'patch-order':
            if (!patchOrder) throw new TypeError('a run with order patches needs a patchOrder')
            if (orders.applyPatch(effect, patchOrder, now)) touched.add(effect.orderId)
            break
          case 'schedule-timer': runs.scheduleTimer(effect.timer); break
          case 'cancel-timer': runs.cancelTimer(effect.timerId); break
          case 'claim-timer': runs.claimTimer(effect.timerId); break
          case 'claim-event': waits.claimEvent(effect.eventId, effect.strict); break
          case 'create-task': waits.createTask(effect); break
          case 'update-task': waits.updateTask(effect, now); break
          case 'close-task': waits.closeTask(effect.taskId, effect.status, effect.at); break
          case 'subscribe': waits.subscribe(effect, now); break
          case 'unsubscribe': waits.unsubscribe(effect.subscriptionId); break
          case 'notify': waits.notify(effect); break
          case 'enqueue-activity': waits.enqueueActivity(effect); break
          case 'cancel-activity': waits.cancelActivity(effect.activityId, now); break
          case 'start-children': children.start(effect); break
          case 'cancel-children': children.cancel(effect.groupId); break
          default: throw new TypeError(`unknown effect ${JSON.stringify(effect satisfies never)}`)
        }
      }
      // After the effects, so that a finished run also drops what it scheduled in this very commit.
      runs.dropTimersIfFinished(state)
      if (isFinished(state)) {
        waits.clearFinishedRun(state.runId, now)
        const parent = children.childFinished(state, now)
        if (parent) woken.add(parent)
      }
    }
    this.ingestTx = db.transaction((batch: Array<{ input: OrderInput; raw: unknown }>, plan: IngestPlanner, now: number) => {
      const woken = new Set<string>()
      const touched = new Set<string>()
      const results = orders.ingest(batch, plan, (run) => {
        if (!runs.insertRun(run)) return false
        // A plan's runs come with their order changes folded into the plan: no patcher is needed here.
        if (run.effects) applyEffects(run.state, run.effects, undefined, now, woken, touched)
        return true
      })
      for (const r of results) if (r.outcome !== 'unchanged') touched.add(r.id)
      for (const orderId of touched) for (const id of waits.notifyOrderChanged(orderId, now)) woken.add(id)
      if (woken.size > 0) for (const r of results) r.woken = [...woken]
      return results
    }).immediate
    this.createRunsTx = db.transaction((list: NewRun[]) => list.filter((run) => runs.insertRun(run)).map((run) => run.state.runId)).immediate
    this.commitTx = db.transaction((commits: TransitionCommit[], patchOrder: OrderPatcher, now: number, settled: readonly string[]) => {
      const woken = new Set<string>()
      const touched = new Set<string>()
      for (const { state, effects } of commits) {
        runs.saveState(state)
        applyEffects(state, effects, patchOrder, now, woken, touched)
      }
      for (const orderId of touched) for (const id of waits.notifyOrderChanged(orderId, now)) woken.add(id)
      for (const id of settled) runs.settleTurn(id)
      return { woken: [...woken] }
    }).immediate
    this.beginTurnsTx = db.transaction((runIds: readonly string[]) => runs.beginTurns(runIds)).immediate
    this.signalTx = db.transaction((orderId: string, name: string, data: unknown, now: number) => {
      const subscribers = waits.signalSubscribers(orderId, name)
      for (const runId of subscribers) waits.appendEvent(runId, { kind: 'signal', name, data }, now)
      return subscribers
    }).immediate
    this.actOnTaskTx = db.transaction((id: string, act: (task: TaskRow) => TaskAction, now: number) => {
      const task = waits.getTask(id)
      if (!task) throw new NotFoundError(`task ${id} not found`)
      const action = act(task)
      if (task.status !== 'open') throw new ConflictError(closedTaskReason(task))
      if (action.claimedBy !== undefined) waits.claim(id, action.claimedBy, now)
      const updated = action.votes.length === task.votes.length && action.decision === null ? waits.getTask(id)! : waits.vote(task, action.votes, action.decision, now)
      if (action.decision === null) return { task: updated, woken: [] }
      waits.appendEvent(task.runId, {
        kind: 'task-completed', taskId: id, decision: action.decision, by: action.votes.map((v) => v.by),
        comment: updated.comment, data: updated.data,
      }, now)
      return { task: updated, woken: [task.runId] }
    }).immediate
    this.finishActivityTx = db.transaction((id: string, result: Extract<WakeEvent, { kind: 'activity-result' }>, calls: readonly IntegrationEntry[], now: number) =>
      waits.finishActivity(id, result, calls, now)).immediate
    this.retryActivityTx = db.transaction((id: string, nextTryAt: number, failure: { error: string; errorClass: string }, calls: readonly IntegrationEntry[], now: number) =>
      waits.retryActivity(id, nextTryAt, failure, calls, now)).immediate
    this.settleOutboxTx = db.transaction((outcomes: readonly OutboxOutcome[], now: number) => outbox.settle(outcomes, now)).immediate
    this.claimOutboxTx = db.transaction((now: number, limit: number, leaseUntil: number) => outbox.claimHeads(now, limit, leaseUntil)).immediate
    this.claimActivitiesTx = db.transaction((leases: ReadonlyArray<{ id: string; until: number }>, now: number) => waits.claimActivities(leases, now)).immediate
    this.startChildRunsTx = db.transaction((list: Array<{ groupId: string; idx: number; run: NewRun }>) => {
      const started: string[] = []
      for (const c of list) {
        if (!children.markRunning(c.groupId, c.idx, c.run.state.runId)) continue
        if (runs.insertRun(c.run)) started.push(c.run.state.runId)
      }
      return started
    }).immediate
    this.setSchedulesTx = db.transaction((schedules: ScheduleRow[]) => children.setSchedules(schedules)).immediate
    this.fireScheduleTx = db.transaction((workflowId: string, tick: number, nextAt: number, run: NewRun | null) => {
      if (!children.move(workflowId, tick, nextAt)) return null
      return run && runs.insertRun(run) ? run.state.runId : null
    }).immediate
  }

  /** Reads a connection setting such as 'journal_mode' or 'synchronous'. */
  pragma(name: string): unknown {
    if (!READABLE_PRAGMAS.has(name)) throw new RangeError(`pragma ${name} is not readable here`)
    return this.db.pragma(name, { simple: true })
  }

  /** Hands WAL checkpoints to a worker thread (see WalCheckpointer). */
  checkpointInBackground(path: string): void {
    this.checkpointer = new WalCheckpointer(path)
  }

  async close(): Promise<void> {
    const checkpointer = this.checkpointer
    this.checkpointer = null
    await checkpointer?.stop()
    if (this.db.open) this.db.close()
  }

  async ingestOrders(batch: Array<{ input: OrderInput; raw: unknown }>, plan: IngestPlanner, now: number): Promise<IngestResult[]> {
    return this.ingestTx(batch, plan, now)
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
  async commitTransitions(commits: TransitionCommit[], patchOrder: OrderPatcher, now: number, settledTurns: readonly string[] = []): Promise<CommitOutcome> {
    return this.commitTx(commits, patchOrder, now, settledTurns)
  }
  async beginTurns(runIds: readonly string[]) { return this.beginTurnsTx(runIds) }
  async dueTimers(now: number, limit: number) { return this.runs.due(now, limit) }
  async nextTimerDue() { return this.runs.nextDue() }

  async pendingRunEvents(runIds: readonly string[]) {
    const out = new Map<string, StoredRunEvent[]>()
    for (const id of runIds) {
      const events = this.waits.eventsOf(id)
      if (events.length > 0) out.set(id, events)
    }
    return out
  }
  async runsWithPendingEvents(limit: number) { return this.waits.runsWithEvents(limit) }
  async deliverSignal(orderId: string, name: string, data: unknown, now: number) { return this.signalTx(orderId, name, data, now) }
  async getTask(id: string) { return this.waits.getTask(id) }
  async listTasks(filter: TaskFilter) { return this.waits.listTasks(filter) }
  async countOpenTasks(actor: { name: string; role: string } | null) { return this.waits.countOpen(actor) }
  async actOnTask(id: string, act: (task: TaskRow) => TaskAction, now: number) { return this.actOnTaskTx(id, act, now) }
  async listNotifications(actor: { name: string; role: string } | null, limit: number, cursor?: string) { return this.waits.listNotifications(actor, limit, cursor) }
  async dueActivities(now: number, limit: number, room?: (performer: string) => number) { return this.waits.dueActivities(now, limit, room) }
  async claimActivities(leases: ReadonlyArray<{ id: string; until: number }>, now: number) { return this.claimActivitiesTx(leases, now) }
  async finishActivity(id: string, result: Extract<WakeEvent, { kind: 'activity-result' }>, calls: readonly IntegrationEntry[], now: number) {
    return this.finishActivityTx(id, result, calls, now)
  }
  async retryActivity(id: string, nextTryAt: number, failure: { error: string; errorClass: string }, calls: readonly IntegrationEntry[], now: number) {
    this.retryActivityTx(id, nextTryAt, failure, calls, now)
  }
  // One process per SQLite file: what a previous process held, it held when it died.
  async releaseActivityLeases() { return this.waits.releaseActivityLeases() }
  async nextActivityAt() { return this.waits.nextActivityAt() }
  async appendIntegrationLog(entries: readonly IntegrationEntry[]) { this.appendLogTx(entries) }
  async integrationLog(filter: IntegrationFilter) { return this.integrations.list(filter) }
  async integrationHealth(now: number, windowsMs: readonly number[]) { return this.integrations.health(now, windowsMs) }
  async putSecret(secret: { name: string; sealed: Buffer; by: string }, now: number) { return this.integrations.putSecret(secret.name, secret.sealed, secret.by, now) }
  async getSecret(name: string) { return this.integrations.getSecret(name) }
  async listSecrets() { return this.integrations.listSecrets() }
  async deleteSecret(name: string) { return this.integrations.deleteSecret(name) }
  async createEventSubscription(row: Omit<EventSubscriptionRow, 'createdAt' | 'createdBy'>, now: number, by: string) { return this.outbox.createSubscription(row, now, by) }
  async listEventSubscriptions() { return this.outbox.listSubscriptions() }
  async getEventSubscription(id: string) { return this.outbox.getSubscription(id) }
  async deleteEventSubscription(id: string, now: number) { return this.db.transaction(() => this.outbox.deleteSubscription(id, now)).immediate() }
  async claimOutboxHeads(now: number, limit: number, leaseUntil: number) { return this.claimOutboxTx(now, limit, leaseUntil) }
  async settleOutbox(outcomes: readonly OutboxOutcome[], now: number) { this.settleOutboxTx(outcomes, now) }
  async releaseOutboxLeases() { return this.outbox.releaseLeases() }
  async nextOutboxAt() { return this.outbox.nextDueAt() }
  async deadLetters(subscriptionId: string, limit: number, cursor?: string) { return this.outbox.deadLetters(subscriptionId, limit, cursor) }
  async replayDeadLetters(subscriptionId: string, ids: readonly number[] | undefined, now: number) { return this.outbox.replay(subscriptionId, ids, now) }
  async subscriptionStats(subscriptionId: string) { return this.outbox.stats(subscriptionId) }
  async outboxPending() { return this.outbox.pendingCount() }
  async childGroupsWithQueued(limit: number) { return this.children.withQueued(limit) }
  async queuedChildren(groupId: string, limit: number) { return this.children.queued(groupId, limit) }
  async startChildRuns(list: Array<{ groupId: string; idx: number; run: NewRun }>) { return this.startChildRunsTx(list) }
  async orphanedChildRuns(limit: number) { return this.children.orphans(limit) }
  async setSchedules(schedules: ScheduleRow[]) { this.setSchedulesTx(schedules) }
  async dueSchedules(now: number) { return this.children.due(now) }
  async fireSchedule(workflowId: string, tick: number, nextAt: number, run: NewRun | null) { return this.fireScheduleTx(workflowId, tick, nextAt, run) }

  async shopPullCursor(shopId: string) { return this.shopCursors.get(shopId) }
  async saveShopPullCursor(shopId: string, pulledThrough: number, now: number) { this.shopCursors.save(shopId, pulledThrough, now) }
  async reserveStock(request: StockReservationRequest, now: number) {
    const { result, queued } = this.reserveStockTx(request, now)
    if (queued > 0) this.stock.notifyQueued()
    return result
  }
  async releaseStock(request: StockReleaseRequest, now: number) {
    const { result, queued } = this.releaseStockTx(request, now)
    if (queued > 0) this.stock.notifyQueued()
    return result
  }
  async putStock(sku: string, change: StockChange, cause: StockCause, now: number) {
    const { item, queued } = this.putStockTx(sku, change, cause, now)
    if (queued > 0) this.stock.notifyQueued()
    return item
  }
  async getStock(sku: string) { return this.stock.get(sku) }
  async listStock(filter: { limit: number; cursor?: string }) { return this.stock.list(filter) }
  async stockLedger(sku: string, limit: number, cursor?: string) { return this.stock.ledgerOf(sku, limit, cursor) }
  async queueStockPushes(skus: readonly string[], now: number) {
    const queued = this.queueStockTx(skus, now)
    if (queued.length > 0) this.stock.notifyQueued()
    return queued
  }
  async claimStockPushes(now: number, limit: number, leaseUntil: number) { return this.claimStockTx(now, limit, leaseUntil) }
  async settleStockPushes(outcomes: readonly StockPushOutcome[], now: number) { this.settleStockTx(outcomes, now) }
  // One process per SQLite file: what a previous process held, it held when it died.
  async releaseStockPushLeases() { return this.stock.releaseLeases() }
  async nextStockPushAt() { return this.stock.nextDueAt() }
  onStockPushesQueued(listener: () => void) { return this.stock.subscribe(listener) }
  async createShop(row: Parameters<SqliteShops['create']>[0], now: number) { return this.shops.create(row, now) }
  async getShop(id: string) { return this.shops.get(id) }
  async listShops() { return this.shops.list() }
  async updateShop(id: string, change: Parameters<SqliteShops['update']>[1], now: number) { return this.shops.update(id, change, now) }
  async deleteShop(id: string, now: number) { return this.shops.delete(id, now) }
  async recordShopHealth(shopId: string, delta: ShopHealthDelta) { this.shops.recordHealth(shopId, delta) }
  async shopHealthCounts(shopIds: readonly string[], since: number) { return this.shops.counts(shopIds, since) }
  async insertShopPush(push: Parameters<SqliteShops['insertPush']>[0]) { return this.shops.insertPush(push) }
  async dueShopPushes(now: number, limit: number): Promise<ShopPushRow[]> { return this.shops.due(now, limit) }
  async nextShopPushAt() { return this.shops.nextDueAt() }
  async getShopPush(shopId: string, id: number) { return this.shops.getPush(shopId, id) }
  async listShopPushes(shopId: string, limit: number, cursor?: string) { return this.shops.listPushes(shopId, limit, cursor) }
  async settleShopPush(id: number, outcome: ShopPushOutcome, calls: readonly IntegrationEntry[], now: number) { this.shops.settle(id, outcome, calls, now) }

  async createToken(row: { id: string; name: string; role: Role; hash: string }, now: number) { return this.access.createToken(row, now) }
  async findTokenByHash(hash: string) { return this.access.findTokenByHash(hash) }
  async revokeToken(id: string, now: number) { return this.access.revokeToken(id, now) }
  async listTokens() { return this.access.listTokens() }
  async appendAudit(entry: Omit<AuditEntry, 'id'>) { this.access.appendAudit(entry) }
  async listAudit(limit: number, cursor?: string) { return this.access.listAudit(limit, cursor) }

  async prune(before: number, limit?: number) { return this.upkeep.prune(before, limit) }
  async checkpoint() { if (this.checkpointer) await this.checkpointer.now(); else this.upkeep.checkpoint() }
  async stats() { return this.upkeep.stats() }
  async ping(): Promise<void> { this.db.prepare('SELECT 1').get() }
}

/** Why a task can no longer be acted on, naming its status. */
function closedTaskReason(task: TaskRow): string {
  switch (task.status) {
    case 'completed': return `task ${task.id} is completed: ${task.decision === 'approve' ? 'approved' : 'rejected'} by ${(task.completedBy ?? []).join(', ')}`
    case 'expired': return `task ${task.id} is expired: its deadline passed before a decision`
    case 'cancelled': return `task ${task.id} is cancelled: its run no longer waits for it`
    default: return `task ${task.id} is ${task.status}`
  }
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
    const background = options.backgroundCheckpoints ?? options.path !== ':memory:'
    // Checkpoint every ~40 MiB of WAL instead of 4 MiB: hot index pages are copied back once, not
    // ten times, under load. With background checkpoints the main connection only does so as a
    // fallback (~400 MiB), should the worker fail; the worker keeps the log short.
    db.pragma(`wal_autocheckpoint = ${background ? 100_000 : 10_000}`)
    // A log that grew in a burst is cut back to this size once it is checkpointed and reused.
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`)
    migrate(db)
    const store = new SqliteStore(db)
    if (background) store.checkpointInBackground(options.path)
    return store
  } catch (error) {
    db.close()
    throw error
  }
}
