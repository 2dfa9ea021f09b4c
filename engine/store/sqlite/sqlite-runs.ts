/**
 * Runs, their steps and their timers in SQLite. Every statement is prepared once here; the store
 * composes these operations into its transactions.
 */
import type Database from 'better-sqlite3'
import type { NewRun, NodeVisitTime, Page, RunFilter, RunRow, StepRow, TimerRow } from '../store.ts'
import { isFinished } from '../../core/advance.ts'
import type { RunState } from '../../core/run-state.ts'
import type { StepEffect } from '../../core/effects.ts'
import { NotFoundError, StaleWakeError } from '../store.ts'
import { decodeCursor, keysetPage, pageLimit } from '../page-cursor.ts'

interface RunRecordRow { id: string; started_at: number; state: string; trigger: string }
interface StepRecordRow {
  run_id: string; node_id: string; node_type: string; visit: number; attempt: number
  status: StepRow['status']; port: string | null; input: string | null
  output: string | null; error: string | null; started_at: number; finished_at: number
}
interface TimerRecordRow { id: string; run_id: string; token_id: string; due_at: number; purpose: string }

/** Serialises a JSON column; undefined (no value) is stored as NULL. */
function toJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value)
}

function fromJson(text: string | null): unknown {
  return text === null ? null : JSON.parse(text)
}

/** Prepares every statement once per connection. */
function prepareStatements(db: Database.Database) {
  return {
    insertRun: db.prepare<[string, string, number, string | null, string, string, string, string, number, number, number | null]>(
      `INSERT INTO runs (id, workflow_id, version, order_id, status, "trigger", trigger_key, state, started_at, updated_at, finished_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (trigger_key) DO NOTHING`),
    // Saving a state ends the turn that produced it.
    updateRun: db.prepare<[string, string, number, number | null, string]>(
      'UPDATE runs SET status = ?, state = ?, updated_at = ?, finished_at = ?, unfinished_turns = 0 WHERE id = ?'),
    beginTurn: db.prepare<[string], number>('UPDATE runs SET unfinished_turns = unfinished_turns + 1 WHERE id = ? RETURNING unfinished_turns').pluck(),
    settleTurn: db.prepare<[string]>('UPDATE runs SET unfinished_turns = 0 WHERE id = ? AND unfinished_turns <> 0'),
    selectRun: db.prepare<[string], RunRecordRow>('SELECT id, started_at, state, "trigger" FROM runs WHERE id = ?'),
    selectActive: db.prepare<[], string>(
      "SELECT id FROM runs WHERE status = 'running' ORDER BY started_at, id").pluck(),
    upsertStep: db.prepare<[string, string, number, number, string, string, string | null, string | null, string | null, string | null, number, number | null]>(
      `INSERT INTO steps (run_id, node_id, visit, attempt, node_type, status, port, input, output, error, started_at, finished_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, node_id, visit, attempt) DO UPDATE SET status = excluded.status, port = excluded.port, input = excluded.input,
         output = excluded.output, error = excluded.error, started_at = excluded.started_at, finished_at = excluded.finished_at`),
    selectSteps: db.prepare<[string], StepRecordRow>('SELECT * FROM steps WHERE run_id = ? ORDER BY started_at, rowid'),
    // The recent runs come from the runs_workflow_started index; their steps from steps_attempt.
    countRecentRuns: db.prepare<[string, number], number>(
      'SELECT count(*) FROM (SELECT id FROM runs WHERE workflow_id = ? ORDER BY started_at DESC, id DESC LIMIT ?)').pluck(),
    selectVisitTimes: db.prepare<[string, number], { node_id: string; started_at: number; finished_at: number; attempts: number; failed: number }>(
      `WITH recent AS (SELECT id FROM runs WHERE workflow_id = ? ORDER BY started_at DESC, id DESC LIMIT ?)
       SELECT s.node_id, min(s.started_at) AS started_at, max(s.finished_at) AS finished_at,
              count(*) AS attempts, sum(s.status <> 'completed') AS failed
       FROM recent JOIN steps s ON s.run_id = recent.id
       GROUP BY s.run_id, s.node_id, s.visit`),
    upsertTimer: db.prepare<[string, string, string, number, string]>(
      `INSERT INTO timers (id, run_id, token_id, due_at, purpose) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET run_id = excluded.run_id, token_id = excluded.token_id,
         due_at = excluded.due_at, purpose = excluded.purpose`),
    deleteTimer: db.prepare<[string]>('DELETE FROM timers WHERE id = ?'),
    claimTimer: db.prepare<[string]>('DELETE FROM timers WHERE id = ?'),
    deleteRunTimers: db.prepare<[string]>('DELETE FROM timers WHERE run_id = ?'),
    selectDue: db.prepare<[number, number], TimerRecordRow>(
      'SELECT * FROM timers WHERE due_at <= ? ORDER BY due_at, id LIMIT ?'),
    selectNextDue: db.prepare<[], number | null>('SELECT min(due_at) FROM timers').pluck(),
  }
}

/** Repository of runs, steps and timers over one connection. */
export class SqliteRuns {
  private readonly q: ReturnType<typeof prepareStatements>
  /** listRuns statements by filter shape: at most 2^4 shapes, each prepared once. */
  private readonly listStatements = new Map<string, Database.Statement<unknown[], RunRecordRow>>()

  constructor(private readonly db: Database.Database) {
    this.q = prepareStatements(db)
  }

  /** Inserts a run unless its triggerKey exists; true when inserted. A reused run id still throws. */
  insertRun(run: NewRun): boolean {
    const s = run.state
    return this.q.insertRun.run(s.runId, s.workflowId, s.version, s.orderId, s.status, JSON.stringify(run.trigger),
      run.triggerKey, JSON.stringify(s), s.startedAt, s.updatedAt, s.finishedAt).changes === 1
  }

  /** Saves a run's new state; throws NotFoundError for a run that was never created. */
  saveState(state: RunState): void {
    const info = this.q.updateRun.run(state.status, JSON.stringify(state), state.updatedAt, state.finishedAt, state.runId)
    if (info.changes === 0) throw new NotFoundError(`run ${state.runId} does not exist`)
  }

  /** Counts a turn begun for each run; returns the runs' counts of turns begun since their state was last saved. */
  beginTurns(runIds: readonly string[]): Map<string, number> {
    const counts = new Map<string, number>()
    for (const id of runIds) {
      const n = this.q.beginTurn.get(id)
      if (n !== undefined) counts.set(id, n)
    }
    return counts
  }

  /** Ends the turn of a run that had nothing to save (an event that changed nothing, a turn given up). */
  settleTurn(runId: string): void {
    this.q.settleTurn.run(runId)
  }

  /** Drops every timer of a run that has finished: it waits for nothing, and a leftover timer would wake it. */
  dropTimersIfFinished(state: RunState): void {
    // Only an ended run drops its timers: a failed run keeps the retry timers of its other branches
    // for when an operator retries it.
    if (isFinished(state)) this.q.deleteRunTimers.run(state.runId)
  }

  /** Records one attempt of one node; re-recording the same attempt overwrites it. */
  recordStep(step: StepEffect['step']): void {
    this.q.upsertStep.run(step.runId, step.nodeId, step.visit, step.attempt, step.nodeType, step.status, step.port, toJson(step.input), toJson(step.output), step.error, step.startedAt, step.finishedAt)
  }

  /** Schedules (or moves) a timer. */
  scheduleTimer(timer: TimerRow): void {
    this.q.upsertTimer.run(timer.id, timer.runId, timer.tokenId, timer.dueAt, timer.purpose)
  }

  /** Removes the timer a transition was woken by; throws StaleWakeError when another transition applied it first. */
  claimTimer(id: string): void {
    if (this.q.claimTimer.run(id).changes !== 1) throw new StaleWakeError(`timer ${id} has already fired`)
  }

  /** Deletes a timer; a missing timer is fine (it may have fired and been cancelled already). */
  cancelTimer(id: string): void {
    this.q.deleteTimer.run(id)
  }

  /** Reads one run. */
  get(id: string): RunRow | null {
    const row = this.q.selectRun.get(id)
    return row ? { state: JSON.parse(row.state) as RunState, trigger: JSON.parse(row.trigger) as NewRun['trigger'] } : null
  }

  /** Runs newest first (started_at DESC, id DESC), keyset paged. */
  list(filter: RunFilter): Page<RunRow> {
    const where: string[] = []
    const params: unknown[] = []
    if (filter.workflowId !== undefined) { where.push('workflow_id = ?'); params.push(filter.workflowId) }
    if (filter.orderId !== undefined) { where.push('order_id = ?'); params.push(filter.orderId) }
    if (filter.status !== undefined) { where.push('status = ?'); params.push(filter.status) }
    if (filter.cursor !== undefined) {
      const [startedAt, id] = decodeCursor(filter.cursor, ['number', 'string'])
      where.push('(started_at, id) < (?, ?)')
      params.push(startedAt, id)
    }
    const sql = `SELECT id, started_at, state, "trigger" FROM runs${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY started_at DESC, id DESC LIMIT ?`
    let stmt = this.listStatements.get(sql)
    if (!stmt) {
      stmt = this.db.prepare<unknown[], RunRecordRow>(sql)
      this.listStatements.set(sql, stmt)
    }
    const limit = pageLimit(filter.limit)
    return keysetPage(stmt.all(...params, limit + 1), limit, (r) => [r.started_at, r.id],
      (r) => ({ state: JSON.parse(r.state) as RunState, trigger: JSON.parse(r.trigger) as NewRun['trigger'] }))
  }

  /** A run's steps in the order they started. */
  steps(runId: string): StepRow[] {
    return this.q.selectSteps.all(runId).map((r) => {
      const idempotencyKey = `${r.run_id}:${r.node_id}:${r.visit}`
      return {
        id: `${idempotencyKey}:${r.attempt}`, runId: r.run_id, nodeId: r.node_id, nodeType: r.node_type, visit: r.visit, attempt: r.attempt,
        idempotencyKey, status: r.status, port: r.port, input: fromJson(r.input),
        output: fromJson(r.output), error: r.error, startedAt: r.started_at, finishedAt: r.finished_at,
      }
    })
  }

  nodeVisitTimes(workflowId: string, runLimit: number): { runs: number; visits: NodeVisitTime[] } {
    return {
      runs: this.q.countRecentRuns.get(workflowId, runLimit) ?? 0,
      visits: this.q.selectVisitTimes.all(workflowId, runLimit).map((r) => ({
        nodeId: r.node_id, startedAt: r.started_at, finishedAt: r.finished_at, attempts: r.attempts, failedAttempts: r.failed,
      })),
    }
  }

  /** Ids of runs to resume after a restart, oldest first. */
  activeIds(): string[] {
    return this.q.selectActive.all()
  }

  /** Timers due at or before `now`, oldest first. */
  due(now: number, limit: number): TimerRow[] {
    return this.q.selectDue.all(now, pageLimit(limit)).map((r) => ({
      id: r.id, runId: r.run_id, tokenId: r.token_id, dueAt: r.due_at, purpose: r.purpose,
    }))
  }

  /** When the earliest timer is due, or null when none is scheduled. */
  nextDue(): number | null {
    return this.q.selectNextDue.get() ?? null
  }
}
