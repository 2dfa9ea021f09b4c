/**
 * What waiting runs need in SQLite: tasks and who may act on them, subscriptions to signals and order
 * changes, the run events that wake runs (written with their cause, deleted with their effect),
 * notifications and activities. The store composes these into its transactions.
 */
import type Database from 'better-sqlite3'
import type { Assignees, Quorum, TaskPriority } from '../../../connectors/sdk/define-node.ts'
import type { CreateTaskEffect, EnqueueActivityEffect, NotifyEffect, SubscribeEffect, UpdateTaskEffect } from '../../core/effects.ts'
import type { WakeEvent } from '../../core/advance.ts'
import type { ActivityRow, ClaimedActivity, IntegrationEntry, NotificationRow, Page, StoredRunEvent, TaskFilter, TaskRow, TaskVote } from '../store.ts'
import { DEFAULT_ACTIVITY_TIMEOUT_MS } from '../../core/activity-limits.ts'
import { parseRetryPolicy, type RetrySettings } from '../../core/retry-policy.ts'
import { StaleWakeError } from '../store.ts'
import type { SqliteIntegrations } from './sqlite-integrations.ts'
import { decodeCursor, keysetPage, pageLimit } from '../page-cursor.ts'

/** low 0 .. urgent 3: the inbox lists the most urgent first. */
export const PRIORITY_RANK: Record<TaskPriority, number> = { low: 0, normal: 1, high: 2, urgent: 3 }

interface TaskRecordRow {
  id: string; run_id: string; workflow_id: string; version: number; order_id: string | null; node_id: string; token_id: string
  title: string; status: TaskRow['status']; priority: TaskPriority; priority_rank: number; level: number; level_name: string | null
  assignees: string; quorum: string; form: string | null; comment_required: number; excluded: string; votes: string
  claimed_by: string | null; due_at: number | null; created_at: number; updated_at: number; completed_at: number | null
  completed_by: string | null; decision: TaskRow['decision']; comment: string | null; data: string | null
}

function toTask(r: TaskRecordRow): TaskRow {
  return {
    id: r.id, runId: r.run_id, workflowId: r.workflow_id, version: r.version, orderId: r.order_id, nodeId: r.node_id, tokenId: r.token_id,
    title: r.title, status: r.status, priority: r.priority, level: r.level, ...(r.level_name !== null ? { levelName: r.level_name } : {}),
    assignees: JSON.parse(r.assignees) as Assignees, quorum: JSON.parse(r.quorum) as Quorum,
    ...(r.form !== null ? { form: JSON.parse(r.form) as Record<string, unknown> } : {}),
    commentRequired: r.comment_required === 1, excluded: JSON.parse(r.excluded) as string[], votes: JSON.parse(r.votes) as TaskVote[],
    claimedBy: r.claimed_by, dueAt: r.due_at, createdAt: r.created_at, updatedAt: r.updated_at, completedAt: r.completed_at,
    completedBy: r.completed_by === null ? null : (JSON.parse(r.completed_by) as string[]), decision: r.decision,
    comment: r.comment, data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>),
  }
}

function prepareStatements(db: Database.Database) {
  return {
    insertTask: db.prepare(`INSERT INTO tasks (id, run_id, workflow_id, version, order_id, node_id, token_id, title, status, priority,
      priority_rank, level, level_name, assignees, quorum, form, comment_required, excluded, votes, due_at, created_at, updated_at)
      VALUES (@id, @runId, @workflowId, @version, @orderId, @nodeId, @tokenId, @title, 'open', @priority, @priorityRank, @level,
      @levelName, @assignees, @quorum, @form, @commentRequired, @excluded, '[]', @dueAt, @createdAt, @createdAt) ON CONFLICT (id) DO NOTHING`),
    insertAssignee: db.prepare<[string, string, string]>('INSERT INTO task_assignees (task_id, kind, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    deleteAssignees: db.prepare<[string]>('DELETE FROM task_assignees WHERE task_id = ?'),
    taskById: db.prepare<[string], TaskRecordRow>('SELECT * FROM tasks WHERE id = ?'),
    updateOpenTask: db.prepare(`UPDATE tasks SET assignees = COALESCE(@assignees, assignees), priority = COALESCE(@priority, priority),
      priority_rank = COALESCE(@priorityRank, priority_rank), due_at = CASE WHEN @setDue = 1 THEN @dueAt ELSE due_at END,
      level = COALESCE(@level, level), level_name = COALESCE(@levelName, level_name), updated_at = @now WHERE id = @id AND status = 'open'`),
    closeOpenTask: db.prepare<[string, number, number, string]>(`UPDATE tasks SET status = ?, completed_at = ?, updated_at = ? WHERE id = ? AND status = 'open'`),
    closeRunTasks: db.prepare<[number, number, string]>(`UPDATE tasks SET status = 'cancelled', completed_at = ?, updated_at = ? WHERE run_id = ? AND status = 'open'`),
    recordVotes: db.prepare<[string, number, string]>('UPDATE tasks SET votes = ?, updated_at = ? WHERE id = ?'),
    completeTask: db.prepare(`UPDATE tasks SET status = 'completed', votes = @votes, decision = @decision, completed_by = @completedBy,
      comment = @comment, data = @data, completed_at = @now, updated_at = @now WHERE id = @id AND status = 'open'`),
    claimTask: db.prepare<[string | null, number, string]>(`UPDATE tasks SET claimed_by = ?, updated_at = ? WHERE id = ? AND status = 'open'`),

    insertSubscription: db.prepare(`INSERT INTO subscriptions (id, run_id, token_id, order_id, signal, order_change, created_at)
      VALUES (@id, @runId, @tokenId, @orderId, @signal, @orderChange, @now)
      ON CONFLICT (id) DO UPDATE SET signal = excluded.signal, order_change = excluded.order_change`),
    deleteSubscription: db.prepare<[string]>('DELETE FROM subscriptions WHERE id = ?'),
    deleteRunSubscriptions: db.prepare<[string]>('DELETE FROM subscriptions WHERE run_id = ?'),
    signalSubscribers: db.prepare<[string, string], string>('SELECT DISTINCT run_id FROM subscriptions WHERE order_id = ? AND signal = ?').pluck(),
    changeSubscribers: db.prepare<[string], string>('SELECT DISTINCT run_id FROM subscriptions WHERE order_id = ? AND order_change = 1').pluck(),

    insertEvent: db.prepare<[string, string, string, number]>('INSERT INTO run_events (run_id, kind, payload, created_at) VALUES (?, ?, ?, ?)'),
    deleteEvent: db.prepare<[number]>('DELETE FROM run_events WHERE id = ?'),
    deleteRunEvents: db.prepare<[string]>('DELETE FROM run_events WHERE run_id = ?'),
    eventsOfRun: db.prepare<[string], { id: number; run_id: string; kind: string; payload: string; created_at: number }>(
      'SELECT * FROM run_events WHERE run_id = ? ORDER BY id'),
    runsWithEvents: db.prepare<[number], string>('SELECT run_id FROM run_events GROUP BY run_id ORDER BY min(id) LIMIT ?').pluck(),

    insertNotification: db.prepare(`INSERT INTO notifications (id, run_id, node_id, task_id, kind, recipients, title, message, priority, at)
      VALUES (@id, @runId, @nodeId, @taskId, @kind, @recipients, @title, @message, @priority, @at) ON CONFLICT (id) DO NOTHING`),
    insertRecipient: db.prepare<[string, string, string]>('INSERT INTO notification_recipients (notification_id, kind, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),

    insertActivity: db.prepare(`INSERT INTO activities (id, run_id, token_id, node_id, performer, request, idempotency_key, attempt, timeout_ms,
      retry, detached, status, next_try_at, created_at, updated_at) VALUES (@id, @runId, @tokenId, @nodeId, @performer, @request, @idempotencyKey,
      @attempt, @timeoutMs, @retry, @detached, 'pending', @createdAt, @createdAt, @createdAt) ON CONFLICT (id) DO NOTHING`),
    cancelActivity: db.prepare<[number, string]>(`UPDATE activities SET status = 'cancelled', updated_at = ? WHERE id = ? AND status = 'pending'`),
    // A finished run's detached calls (an undo, a reminder by IM) still go out.
    cancelRunActivities: db.prepare<[number, string]>(`UPDATE activities SET status = 'cancelled', updated_at = ? WHERE run_id = ? AND status = 'pending' AND detached = 0`),
    // The connectors with pending activities, each found by one index probe (a loose index scan).
    pendingPerformers: db.prepare<[], string>(`WITH RECURSIVE p(performer) AS (
        SELECT min(performer) FROM activities WHERE status = 'pending'
        UNION ALL
        SELECT (SELECT min(performer) FROM activities WHERE status = 'pending' AND performer > p.performer) FROM p WHERE p.performer IS NOT NULL)
      SELECT performer FROM p WHERE performer IS NOT NULL`).pluck(),
    // rowid (insertion order) breaks ties: the index ends with it, so the first rows come straight off it.
    dueActivitiesOf: db.prepare<{ performer: string; now: number; limit: number }, Record<string, unknown>>(`SELECT * FROM activities
      WHERE status = 'pending' AND performer = @performer AND next_try_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
      ORDER BY next_try_at, rowid LIMIT @limit`),
    activityById: db.prepare<[string], Record<string, unknown>>('SELECT * FROM activities WHERE id = ?'),
    claimActivity: db.prepare<[number, number, string, number]>(`UPDATE activities SET tries = tries + 1, lease_until = ?, updated_at = ?
      WHERE id = ? AND status = 'pending' AND (lease_until IS NULL OR lease_until <= ?)`),
    triesOfKey: db.prepare<[string], number>('SELECT COALESCE(SUM(tries), 0) FROM activities WHERE idempotency_key = ?').pluck(),
    finishActivity: db.prepare<[string, number, string]>(`UPDATE activities SET status = 'done', result = ?, lease_until = NULL, updated_at = ? WHERE id = ? AND status = 'pending'`),
    retryActivity: db.prepare<[number, string, string, number, string]>(`UPDATE activities SET next_try_at = ?, last_error = ?, error_class = ?, lease_until = NULL,
      updated_at = ? WHERE id = ? AND status = 'pending'`),
    releaseLeases: db.prepare(`UPDATE activities SET lease_until = NULL WHERE status = 'pending' AND lease_until IS NOT NULL`),
    nextActivityAt: db.prepare<[], number | null>(`SELECT min(max(next_try_at, COALESCE(lease_until, 0))) FROM activities WHERE status = 'pending'`).pluck(),

  }
}

/** Repository of tasks, subscriptions, run events, notifications and activities over one connection. */
export class SqliteWaits {
  readonly q: ReturnType<typeof prepareStatements>
  private readonly listStatements = new Map<string, Database.Statement<unknown[], TaskRecordRow>>()

  constructor(private readonly db: Database.Database, private readonly integrations: SqliteIntegrations) {
    this.q = prepareStatements(db)
  }

  // ---- tasks ----------------------------------------------------------------------------------

  createTask(effect: CreateTaskEffect): void {
    const t = effect.task
    const inserted = this.q.insertTask.run({
      id: t.id, runId: t.runId, workflowId: t.workflowId, version: t.version, orderId: t.orderId, nodeId: t.nodeId, tokenId: t.tokenId,
      title: t.title, priority: t.priority, priorityRank: PRIORITY_RANK[t.priority], level: t.level, levelName: t.levelName ?? null,
      assignees: JSON.stringify(t.assignees), quorum: JSON.stringify(t.quorum), form: t.form === undefined ? null : JSON.stringify(t.form),
      commentRequired: t.commentRequired ? 1 : 0, excluded: JSON.stringify(t.excluded ?? []), dueAt: t.dueAt, createdAt: t.createdAt,
    }).changes === 1
    if (inserted) this.setAssignees(t.id, t.assignees)
  }

  updateTask(effect: UpdateTaskEffect, now: number): void {
    const c = effect.changes
    const changed = this.q.updateOpenTask.run({
      id: effect.taskId, now, assignees: c.assignees ? JSON.stringify(c.assignees) : null, priority: c.priority ?? null,
      priorityRank: c.priority ? PRIORITY_RANK[c.priority] : null, setDue: c.dueAt !== undefined ? 1 : 0, dueAt: c.dueAt ?? null,
      level: c.level ?? null, levelName: c.levelName ?? null,
    }).changes === 1
    if (changed && c.assignees) {
      this.q.deleteAssignees.run(effect.taskId)
      this.setAssignees(effect.taskId, c.assignees)
    }
  }

  private setAssignees(taskId: string, assignees: Assignees): void {
    for (const user of assignees.users) this.q.insertAssignee.run(taskId, 'user', user)
    for (const role of assignees.roles) this.q.insertAssignee.run(taskId, 'role', role)
  }

  /** Closes a task that is still open (a completed task stays completed). */
  closeTask(taskId: string, status: 'cancelled' | 'expired', at: number): void {
    this.q.closeOpenTask.run(status, at, at, taskId)
  }

  getTask(id: string): TaskRow | null {
    const row = this.q.taskById.get(id)
    return row ? toTask(row) : null
  }

  /** Records a vote; when `decision` is given the task is completed with it (in the caller's transaction). */
  vote(task: TaskRow, votes: TaskVote[], decision: 'approve' | 'reject' | null, now: number): TaskRow {
    if (decision === null) {
      this.q.recordVotes.run(JSON.stringify(votes), now, task.id)
    } else {
      const last = votes[votes.length - 1]
      const data = votes.reduce<Record<string, unknown> | null>((acc, v) => (v.data ? { ...(acc ?? {}), ...v.data } : acc), null)
      this.q.completeTask.run({
        id: task.id, now, votes: JSON.stringify(votes), decision, completedBy: JSON.stringify(votes.map((v) => v.by)),
        comment: last?.comment ?? null, data: data === null ? null : JSON.stringify(data),
      })
    }
    return this.getTask(task.id) as TaskRow
  }

  claim(taskId: string, by: string | null, now: number): void {
    this.q.claimTask.run(by, now, taskId)
  }

  /** Tasks by filter, most urgent and soonest due first; `actor` limits them to what that user or role may act on. */
  listTasks(filter: TaskFilter): Page<TaskRow> {
    const where: string[] = []
    const params: unknown[] = []
    if (filter.status !== undefined) { where.push('t.status = ?'); params.push(filter.status) }
    if (filter.priority !== undefined) { where.push('t.priority = ?'); params.push(filter.priority) }
    if (filter.workflowId !== undefined) { where.push('t.workflow_id = ?'); params.push(filter.workflowId) }
    if (filter.orderId !== undefined) { where.push('t.order_id = ?'); params.push(filter.orderId) }
    if (filter.actor) {
      where.push(`t.id IN (SELECT task_id FROM task_assignees WHERE (kind = 'user' AND name = ?) OR (kind = 'role' AND name = ?))`)
      params.push(filter.actor.name, filter.actor.role)
    }
    // Sorted by urgency (rank descending), then due time (none last), then id: the cursor holds all three.
    if (filter.cursor !== undefined) {
      const [rank, due, id] = decodeCursor(filter.cursor, ['number', 'number', 'string'])
      where.push('(-t.priority_rank, COALESCE(t.due_at, 9007199254740991), t.id) > (?, ?, ?)')
      params.push(-rank, due, id)
    }
    const sql = `SELECT t.* FROM tasks t${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY -t.priority_rank, COALESCE(t.due_at, 9007199254740991), t.id LIMIT ?`
    let stmt = this.listStatements.get(sql)
    if (!stmt) {
      stmt = this.db.prepare<unknown[], TaskRecordRow>(sql)
      this.listStatements.set(sql, stmt)
    }
    const limit = pageLimit(filter.limit)
    return keysetPage(stmt.all(...params, limit + 1), limit, (r) => [r.priority_rank, r.due_at ?? Number.MAX_SAFE_INTEGER, r.id], toTask)
  }

  countOpen(actor: { name: string; role: string } | null): number {
    const sql = actor
      ? `SELECT count(*) FROM tasks WHERE status = 'open' AND id IN (SELECT task_id FROM task_assignees WHERE (kind = 'user' AND name = ?) OR (kind = 'role' AND name = ?))`
      : `SELECT count(*) FROM tasks WHERE status = 'open'`
    const stmt = this.db.prepare<unknown[], number>(sql).pluck()
    return (actor ? stmt.get(actor.name, actor.role) : stmt.get()) ?? 0
  }

  // ---- subscriptions and run events -------------------------------------------------------------

  subscribe(effect: SubscribeEffect, now: number): void {
    const s = effect.subscription
    this.q.insertSubscription.run({ id: s.id, runId: s.runId, tokenId: s.tokenId, orderId: s.orderId, signal: s.signal, orderChange: s.orderChange ? 1 : 0, now })
  }

  unsubscribe(id: string): void {
    this.q.deleteSubscription.run(id)
  }

  /** Queues an event for a run (in the caller's transaction). */
  appendEvent(runId: string, event: WakeEvent, now: number): void {
    const { kind, eventId: _eventId, ...payload } = event
    this.q.insertEvent.run(runId, kind, JSON.stringify(payload), now)
  }

  /** Removes an event a transition consumed; when `strict`, throws StaleWakeError if another transition took it first. */
  claimEvent(id: number, strict: boolean): void {
    if (this.q.deleteEvent.run(id).changes !== 1 && strict) throw new StaleWakeError(`run event ${id} was already applied`)
  }

  /** The runs waiting on a signal for this order (their events are queued by the caller). */
  signalSubscribers(orderId: string, name: string): string[] {
    return this.q.signalSubscribers.all(orderId, name)
  }

  /** Queues an order-changed event for every run waiting on changes of this order; returns those runs. */
  notifyOrderChanged(orderId: string, now: number): string[] {
    const runs = this.q.changeSubscribers.all(orderId)
    for (const runId of runs) this.appendEvent(runId, { kind: 'order-changed' }, now)
    return runs
  }

  eventsOf(runId: string): StoredRunEvent[] {
    return this.q.eventsOfRun.all(runId).map((r) => ({ id: r.id, runId: r.run_id, event: { kind: r.kind, ...JSON.parse(r.payload), eventId: r.id } as WakeEvent, at: r.created_at }))
  }

  runsWithEvents(limit: number): string[] {
    return this.q.runsWithEvents.all(limit)
  }

  // ---- notifications ----------------------------------------------------------------------------

  notify(effect: NotifyEffect): void {
    const n = effect.notification
    const inserted = this.q.insertNotification.run({
      id: n.id, runId: n.runId, nodeId: n.nodeId, taskId: n.taskId, kind: n.kind, recipients: JSON.stringify(n.to),
      title: n.title, message: n.message ?? null, priority: n.priority, at: n.at,
    }).changes === 1
    if (!inserted) return
    for (const user of n.to.users) this.q.insertRecipient.run(n.id, 'user', user)
    for (const role of n.to.roles) this.q.insertRecipient.run(n.id, 'role', role)
  }

  /** Notifications for a user or role (all for admin), newest first. */
  listNotifications(actor: { name: string; role: string } | null, limit: number, cursor?: string): Page<NotificationRow> {
    const where: string[] = []
    const params: unknown[] = []
    if (actor) {
      where.push(`n.id IN (SELECT notification_id FROM notification_recipients WHERE (kind = 'user' AND name = ?) OR (kind = 'role' AND name = ?))`)
      params.push(actor.name, actor.role)
    }
    if (cursor !== undefined) {
      const [at, id] = decodeCursor(cursor, ['number', 'string'])
      where.push('(n.at, n.id) < (?, ?)')
      params.push(at, id)
    }
    const rows = this.db.prepare<unknown[], Record<string, unknown>>(`SELECT n.* FROM notifications n${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY n.at DESC, n.id DESC LIMIT ?`).all(...params, pageLimit(limit) + 1)
    return keysetPage(rows, pageLimit(limit), (r) => [r.at as number, r.id as string], (r) => ({
      id: r.id as string, runId: r.run_id as string, nodeId: r.node_id as string, taskId: r.task_id as string | null,
      kind: r.kind as NotificationRow['kind'], to: JSON.parse(r.recipients as string) as Assignees, title: r.title as string,
      message: r.message as string | null, priority: r.priority as TaskPriority, at: r.at as number,
    }))
  }

  // ---- activities -------------------------------------------------------------------------------

  enqueueActivity(effect: EnqueueActivityEffect): void {
    const a = effect.activity
    this.q.insertActivity.run({
      id: a.id, runId: a.runId, tokenId: a.tokenId ?? '', nodeId: a.nodeId, performer: a.performer, request: JSON.stringify(a.request ?? null),
      idempotencyKey: a.idempotencyKey, attempt: a.attempt, timeoutMs: a.timeoutMs, retry: JSON.stringify(a.retry),
      detached: a.tokenId === null ? 1 : 0, createdAt: a.createdAt,
    })
  }

  cancelActivity(id: string, now: number): void {
    this.q.cancelActivity.run(now, id)
  }

  dueActivities(now: number, limit: number, room: (performer: string) => number = () => limit): ActivityRow[] {
    const n = pageLimit(limit)
    const rows: Array<Record<string, unknown>> = []
    for (const performer of this.q.pendingPerformers.all()) {
      const take = Math.min(n, room(performer))
      if (take > 0) rows.push(...this.q.dueActivitiesOf.all({ performer, now, limit: take }))
    }
    // Oldest due first across connectors, as one query would have given them.
    rows.sort((a, b) => (a.next_try_at as number) - (b.next_try_at as number))
    return rows.slice(0, n).map(toActivity)
  }

  /** Takes activities for one try each until `leaseUntil[id]`; returns those it got, each with its key's try count. */
  claimActivities(leases: ReadonlyArray<{ id: string; until: number }>, now: number): ClaimedActivity[] {
    const claimed: ClaimedActivity[] = []
    for (const { id, until } of leases) {
      if (this.q.claimActivity.run(until, now, id, now).changes !== 1) continue
      const row = toActivity(this.q.activityById.get(id)!)
      claimed.push({ ...row, keyAttempt: this.q.triesOfKey.get(row.idempotencyKey) ?? row.tries })
    }
    return claimed
  }

  /**
   * Marks a pending activity done and, when a run waits for it, queues its result for the run; the
   * calls it made go to the integration log in the same transaction. Null when it was no longer pending.
   */
  finishActivity(id: string, result: Extract<WakeEvent, { kind: 'activity-result' }>, calls: readonly IntegrationEntry[], now: number): string | null {
    const row = this.q.activityById.get(id)
    if (!row || this.q.finishActivity.run(JSON.stringify(result), now, id).changes !== 1) return null
    this.integrations.append(calls)
    if (row.detached === 1) return null
    this.appendEvent(row.run_id as string, result, now)
    return row.run_id as string
  }

  /** Puts a failed try back for another at `nextTryAt`, its calls logged. */
  retryActivity(id: string, nextTryAt: number, failure: { error: string; errorClass: string }, calls: readonly IntegrationEntry[], now: number): void {
    this.q.retryActivity.run(nextTryAt, failure.error, failure.errorClass, now, id)
    this.integrations.append(calls)
  }

  /** Frees every activity a process had taken: on start, when this process is the store's only user. */
  releaseActivityLeases(): number {
    return this.q.releaseLeases.run().changes
  }

  /** When the next pending activity can be tried (null when none is pending). */
  nextActivityAt(): number | null {
    return this.q.nextActivityAt.get() ?? null
  }

  /** A finished run leaves nothing waiting behind: subscriptions, events, open tasks and pending activities go. */
  clearFinishedRun(runId: string, now: number): void {
    this.q.deleteRunSubscriptions.run(runId)
    this.q.deleteRunEvents.run(runId)
    this.q.closeRunTasks.run(now, now, runId)
    this.q.cancelRunActivities.run(now, runId)
  }
}

function toActivity(r: Record<string, unknown>): ActivityRow {
  return {
    id: r.id as string, runId: r.run_id as string, tokenId: r.detached === 1 ? null : r.token_id as string, nodeId: r.node_id as string,
    performer: r.performer as string, request: JSON.parse(r.request as string), idempotencyKey: r.idempotency_key as string,
    attempt: r.attempt as number, timeoutMs: (r.timeout_ms as number | null) ?? DEFAULT_ACTIVITY_TIMEOUT_MS,
    retry: r.retry ? JSON.parse(r.retry as string) as RetrySettings : parseRetryPolicy(undefined),
    tries: r.tries as number, status: r.status as ActivityRow['status'], nextTryAt: r.next_try_at as number,
    lastError: r.last_error as string | null, errorClass: r.error_class as string | null, createdAt: r.created_at as number,
  }
}
