/**
 * The approval inbox's service: who may see and act on which task, and what acting does. Only an
 * assignee (by name or role) or an admin acts; a person the task excludes (who started the run or
 * last changed the order, when self-approval is forbidden) may not approve; the answers must fit the
 * task's form; a task is decided once, by its quorum, and its run is woken in the same transaction.
 * Every action goes to the audit log.
 */
import type { EventEmitter } from 'node:events'
import type { ValidateFunction } from 'ajv'
import { formAjv, toErrorDetails, type ErrorDetail } from '../../schemas/index.ts'
import type { Page, Role, Store, TaskFilter, TaskRow, TaskVote, TokenRow } from '../store/store.ts'
import { decideTask } from '../core/task-quorum.ts'

/** Who acts: a token's name and role. */
export type Actor = Pick<TokenRow, 'name' | 'role'>

/** The caller may not act on this task (403), and why. */
export class TaskForbiddenError extends Error { readonly code = 'FORBIDDEN' }
/** The answers do not fit the task's form (400), field by field. */
export class TaskFormError extends Error {
  readonly code = 'BAD_FORM'
  constructor(message: string, readonly details: ErrorDetail[]) { super(message) }
}

/** A decision on a task. */
export interface TaskDecision { decision: 'approve' | 'reject'; comment?: string; data?: Record<string, unknown> }

/** Tasks for people, over the store; `wake` hands a woken run to the executor. */
export class TaskService {
  private readonly forms = new Map<string, ValidateFunction>()

  constructor(private readonly store: Store, private readonly wake: (runId: string) => void, private readonly events?: EventEmitter) {}

  /** May `actor` act on `task`? Admin may act on any. */
  static mayAct(task: Pick<TaskRow, 'assignees'>, actor: Actor): boolean {
    return actor.role === 'admin' || task.assignees.users.includes(actor.name) || task.assignees.roles.includes(actor.role as Role)
  }

  /** The tasks `actor` may act on (admin: all), open ones unless the filter says otherwise. */
  list(actor: Actor, filter: Omit<TaskFilter, 'actor'>): Promise<Page<TaskRow>> {
    return this.store.listTasks({ status: 'open', ...filter, actor: actor.role === 'admin' ? null : { name: actor.name, role: actor.role } })
  }

  /** How many open tasks `actor` may act on (the inbox badge). */
  countOpen(actor: Actor): Promise<number> {
    return this.store.countOpenTasks(actor.role === 'admin' ? null : { name: actor.name, role: actor.role })
  }

  /** One task, if `actor` may see it (its assignees, admin, or anyone who can read runs: designers and operators). */
  async get(id: string, actor: Actor): Promise<TaskRow | null> {
    const task = await this.store.getTask(id)
    if (!task) return null
    if (actor.role === 'approver' && !TaskService.mayAct(task, actor)) throw new TaskForbiddenError(`${actor.name} is not an assignee of task ${id}`)
    return task
  }

  /** Marks the task as being worked on by `actor` (or frees it), so colleagues see who has it. */
  async claim(id: string, actor: Actor, now: number, release = false): Promise<TaskRow> {
    const { task } = await this.store.actOnTask(id, (t) => {
      this.authorize(t, actor, 'claim')
      if (!release && t.claimedBy !== null && t.claimedBy !== actor.name && actor.role !== 'admin') {
        throw new TaskForbiddenError(`task ${id} is being handled by ${t.claimedBy}`)
      }
      return { votes: t.votes, decision: null, claimedBy: release ? null : actor.name }
    }, now)
    await this.audit(actor, release ? 'task.release' : 'task.claim', id, {}, now)
    // Colleagues with the same task see at once who handles it (or that nobody does any more).
    this.emitTask(task)
    return task
  }

  /** Records `actor`'s decision; when the quorum is reached the task completes and its run resumes. */
  async complete(id: string, actor: Actor, decision: TaskDecision, now: number): Promise<TaskRow> {
    const { task, woken } = await this.store.actOnTask(id, (t) => {
      this.authorize(t, actor, decision.decision)
      if (t.status !== 'open') return { votes: t.votes, decision: null }
      if (t.votes.some((v) => v.by === actor.name)) throw new TaskAlreadyVotedError(`${actor.name} has already decided on task ${id}`)
      if (t.commentRequired && !decision.comment?.trim()) {
        throw new TaskFormError('a comment is required', [{ pointer: '/comment', reason: 'is required for this task' }])
      }
      if (decision.decision === 'approve' && t.form) this.checkForm(t, decision.data ?? {})
      const vote: TaskVote = { by: actor.name, decision: decision.decision, comment: decision.comment?.trim() || null, data: decision.data ?? null, at: now }
      const votes = [...t.votes, vote]
      return { votes, decision: decideTask(t.quorum, t.assignees, votes) }
    }, now)
    for (const runId of woken) this.wake(runId)
    await this.audit(actor, `task.${decision.decision}`, id, { decided: task.status === 'completed', comment: decision.comment ?? null }, now)
    this.emitTask(task)
    return task
  }

  /** The live `task` event, for the task's assignees (and admins). */
  private emitTask(task: TaskRow): void {
    this.events?.emit('task', { taskId: task.id, runId: task.runId, status: task.status, assignees: task.assignees })
  }

  private authorize(task: TaskRow, actor: Actor, action: string): void {
    if (!TaskService.mayAct(task, actor)) {
      throw new TaskForbiddenError(`${actor.name} (${actor.role}) may not ${action} task ${task.id}: it is assigned to ${describe(task)}`)
    }
    if (action === 'approve' && (task.excluded ?? []).includes(actor.name) && actor.role !== 'admin') {
      throw new TaskForbiddenError(`${actor.name} started this run or last changed the order, and this approval forbids approving one's own change`)
    }
  }

  private checkForm(task: TaskRow, data: Record<string, unknown>): void {
    let validate = this.forms.get(task.id)
    if (!validate) {
      validate = formAjv.compile(task.form as object)
      if (this.forms.size > 500) this.forms.clear()
      this.forms.set(task.id, validate)
    }
    if (!validate(data)) {
      const details = toErrorDetails(validate.errors, '/data')
      throw new TaskFormError(`the answers do not fit the form: ${details.slice(0, 3).map((d) => `${d.pointer} ${d.reason}`).join('; ')}`, details)
    }
  }

  private audit(actor: Actor, action: string, target: string, detail: Record<string, unknown>, now: number): Promise<void> {
    return this.store.appendAudit({ at: now, actor: actor.name, action, target, detail })
  }
}

/** The caller already decided on this task (409). */
export class TaskAlreadyVotedError extends Error { readonly code = 'ALREADY_VOTED' }

function describe(task: TaskRow): string {
  const parts = [...task.assignees.users.map((u) => `user ${u}`), ...task.assignees.roles.map((r) => `role ${r}`)]
  return parts.join(', ') || 'nobody'
}
