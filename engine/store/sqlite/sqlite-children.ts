/**
 * Child runs in SQLite: the groups a for-each or sub-workflow node starts, each child queued until
 * the launcher starts it (at most `concurrency` at a time), done when its run ends; the last one to
 * end queues the outcomes for the waiting parent. Also the schedules that start scheduled runs.
 */
import type Database from 'better-sqlite3'
import type { StartChildrenEffect } from '../../core/effects.ts'
import type { RunState } from '../../core/run-state.ts'
import type { ChildGroupRow, QueuedChild, ScheduleRow } from '../store.ts'
import type { SqliteWaits } from './sqlite-waits.ts'

function prepareStatements(db: Database.Database) {
  return {
    insertGroup: db.prepare(`INSERT INTO child_groups (id, parent_run_id, parent_token_id, workflow_id, order_id, concurrency, item_variable,
      variables, await_all, status, created_at) VALUES (@id, @parentRunId, @parentTokenId, @workflowId, @orderId, @concurrency, @itemVariable,
      @variables, @awaitAll, 'running', @createdAt) ON CONFLICT (id) DO NOTHING`),
    insertChild: db.prepare<[string, number, string]>(`INSERT INTO child_runs (group_id, idx, item, run_id, status) VALUES (?, ?, ?, NULL, 'queued') ON CONFLICT DO NOTHING`),
    cancelGroup: db.prepare<[string]>(`UPDATE child_groups SET status = 'cancelled' WHERE id = ? AND status = 'running'`),
    cancelQueued: db.prepare<[string]>(`UPDATE child_runs SET status = 'cancelled' WHERE group_id = ? AND status = 'queued'`),
    finishChild: db.prepare<[string, string, string]>(`UPDATE child_runs SET status = 'done', outcome = ? WHERE group_id = ? AND run_id = ? AND status = 'running'`),
    unfinished: db.prepare<[string], number>(`SELECT count(*) FROM child_runs WHERE group_id = ? AND status IN ('queued', 'running')`).pluck(),
    group: db.prepare<[string], { id: string; parent_run_id: string; await_all: number; status: string }>('SELECT id, parent_run_id, await_all, status FROM child_groups WHERE id = ?'),
    finishGroup: db.prepare<[string]>(`UPDATE child_groups SET status = 'done' WHERE id = ? AND status = 'running'`),
    outcomes: db.prepare<[string], { idx: number; item: string; run_id: string | null; status: string; outcome: string | null }>(
      'SELECT idx, item, run_id, status, outcome FROM child_runs WHERE group_id = ? ORDER BY idx'),
    withQueued: db.prepare<[number], Record<string, unknown>>(`SELECT g.*, (SELECT count(*) FROM child_runs c WHERE c.group_id = g.id AND c.status = 'running') AS running
      FROM child_groups g WHERE g.status = 'running' AND EXISTS (SELECT 1 FROM child_runs c WHERE c.group_id = g.id AND c.status = 'queued')
      ORDER BY g.created_at LIMIT ?`),
    queued: db.prepare<[string, number], { group_id: string; idx: number; item: string }>(
      `SELECT group_id, idx, item FROM child_runs WHERE group_id = ? AND status = 'queued' ORDER BY idx LIMIT ?`),
    markRunning: db.prepare<[string, string, number]>(`UPDATE child_runs SET status = 'running', run_id = ? WHERE group_id = ? AND idx = ? AND status = 'queued'`),
    orphans: db.prepare<[number], string>(`SELECT c.run_id FROM child_runs c JOIN child_groups g ON g.id = c.group_id
      JOIN runs r ON r.id = c.run_id WHERE g.status = 'cancelled' AND c.status = 'running' AND r.status NOT IN ('completed', 'cancelled') LIMIT ?`).pluck(),

    deleteSchedules: db.prepare('DELETE FROM schedules'),
    insertSchedule: db.prepare(`INSERT INTO schedules (workflow_id, version, cron, time_zone, next_at, last_tick) VALUES (@workflowId, @version, @cron, @timeZone, @nextAt, @lastTick)`),
    schedule: db.prepare<[string], Record<string, unknown>>('SELECT * FROM schedules WHERE workflow_id = ?'),
    allSchedules: db.prepare<[], Record<string, unknown>>('SELECT * FROM schedules'),
    dueSchedules: db.prepare<[number], Record<string, unknown>>('SELECT * FROM schedules WHERE next_at <= ? ORDER BY next_at'),
    moveSchedule: db.prepare<[number, number, string, number]>('UPDATE schedules SET next_at = ?, last_tick = ? WHERE workflow_id = ? AND next_at = ?'),
  }
}

function toSchedule(r: Record<string, unknown>): ScheduleRow {
  return { workflowId: r.workflow_id as string, version: r.version as number, cron: r.cron as string, timeZone: r.time_zone as string, nextAt: r.next_at as number, lastTick: r.last_tick as number | null }
}

/** Repository of child-run groups and schedules over one connection. */
export class SqliteChildren {
  readonly q: ReturnType<typeof prepareStatements>

  constructor(db: Database.Database, private readonly waits: SqliteWaits) {
    this.q = prepareStatements(db)
  }

  start(effect: StartChildrenEffect): void {
    const g = effect.group
    const inserted = this.q.insertGroup.run({
      id: g.id, parentRunId: g.parentRunId, parentTokenId: g.parentTokenId, workflowId: g.workflowId, orderId: g.orderId,
      concurrency: g.concurrency, itemVariable: g.itemVariable, variables: JSON.stringify(g.variables ?? {}), awaitAll: g.awaitAll ? 1 : 0,
      createdAt: g.createdAt,
    }).changes === 1
    if (!inserted) return
    g.items.forEach((item, i) => this.q.insertChild.run(g.id, i, JSON.stringify(item ?? null)))
  }

  cancel(groupId: string): void {
    this.q.cancelGroup.run(groupId)
    this.q.cancelQueued.run(groupId)
  }

  /**
   * A child run ended: its row is done; when it was the group's last, the group is done and, if the
   * parent waits for it, the outcomes are queued for the parent. Returns the parent to wake, if any.
   */
  childFinished(state: RunState, now: number): string | null {
    const parent = state.parent
    if (!parent) return null
    const outcome = { status: state.status, variables: state.variables }
    if (this.q.finishChild.run(JSON.stringify(outcome), parent.groupId, state.runId).changes !== 1) return null
    if ((this.q.unfinished.get(parent.groupId) ?? 0) > 0) return null
    const group = this.q.group.get(parent.groupId)
    if (!group || group.status !== 'running') return null
    this.q.finishGroup.run(group.id)
    if (group.await_all !== 1) return null
    const outcomes = this.q.outcomes.all(group.id).map((r) => {
      const o = r.outcome === null ? null : (JSON.parse(r.outcome) as { status: string; variables: Record<string, unknown> })
      return { item: JSON.parse(r.item), runId: r.run_id ?? '', status: o?.status ?? r.status, variables: o?.variables ?? {} }
    })
    this.waits.appendEvent(group.parent_run_id, { kind: 'children-finished', groupId: group.id, outcomes }, now)
    return group.parent_run_id
  }

  withQueued(limit: number): ChildGroupRow[] {
    return this.q.withQueued.all(limit).map((r) => ({
      id: r.id as string, parentRunId: r.parent_run_id as string, workflowId: r.workflow_id as string, orderId: r.order_id as string | null,
      concurrency: r.concurrency as number, itemVariable: r.item_variable as string, variables: JSON.parse(r.variables as string),
      running: r.running as number,
    }))
  }

  queued(groupId: string, limit: number): QueuedChild[] {
    return this.q.queued.all(groupId, limit).map((r) => ({ groupId: r.group_id, idx: r.idx, item: JSON.parse(r.item) }))
  }

  /** Marks a queued child running under `runId`; false when it is no longer queued. */
  markRunning(groupId: string, idx: number, runId: string): boolean {
    return this.q.markRunning.run(runId, groupId, idx).changes === 1
  }

  orphans(limit: number): string[] {
    return this.q.orphans.all(limit)
  }

  setSchedules(schedules: ScheduleRow[]): void {
    const before = new Map(this.q.allSchedules.all().map((r) => [r.workflow_id as string, toSchedule(r)]))
    this.q.deleteSchedules.run()
    for (const s of schedules) {
      // An unchanged schedule keeps its next tick: re-publishing must not skip or repeat one.
      const old = before.get(s.workflowId)
      const keep = old && old.cron === s.cron && old.timeZone === s.timeZone
      this.q.insertSchedule.run({ ...s, nextAt: keep ? old.nextAt : s.nextAt, lastTick: old?.lastTick ?? null })
    }
  }

  due(now: number): ScheduleRow[] {
    return this.q.dueSchedules.all(now).map(toSchedule)
  }

  /** Moves a schedule from `tick` to `nextAt`; false when another tick moved it first. */
  move(workflowId: string, tick: number, nextAt: number): boolean {
    return this.q.moveSchedule.run(nextAt, tick, workflowId, tick).changes === 1
  }
}
