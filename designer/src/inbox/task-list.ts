/**
 * The inbox list as pure functions: the API's order (most urgent, soonest due first), the filters
 * read from the URL, and how a task that changed live is merged into the rows already shown.
 */
import { TASK_PRIORITIES, TASK_STATUSES, type Task, type TaskPriority, type TaskStatus } from './types.ts'

/** A listed task; `left` once it no longer fits the filters (decided, expired while shown): kept in place, dimmed, until the next load. */
export type InboxRow = Task & { left?: boolean }

/** The list's filters; `status` is always set (the API lists open tasks by default). */
export interface TaskFilters { status: TaskStatus; priority?: TaskPriority; workflowId?: string }

const RANK: Record<TaskPriority, number> = { low: 0, normal: 1, high: 2, urgent: 3 }

/** The API's order: priority descending, then due time (none last), then id. */
export function compareTasks(a: Pick<Task, 'priority' | 'dueAt' | 'id'>, b: Pick<Task, 'priority' | 'dueAt' | 'id'>): number {
  const rank = RANK[b.priority] - RANK[a.priority]
  if (rank !== 0) return rank
  const due = (a.dueAt ? Date.parse(a.dueAt) : Number.MAX_SAFE_INTEGER) - (b.dueAt ? Date.parse(b.dueAt) : Number.MAX_SAFE_INTEGER)
  if (due !== 0) return due
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** Does the task belong in a list with these filters? */
export function matchesFilters(task: Pick<Task, 'status' | 'priority' | 'workflowId'>, f: TaskFilters): boolean {
  return task.status === f.status && (!f.priority || task.priority === f.priority) && (!f.workflowId || task.workflowId === f.workflowId)
}

/**
 * The rows after `task` changed (or appeared). One that fits the filters takes its place in the
 * order (a new task appears, an escalated one moves up); one that no longer fits stays where it was,
 * marked `left`, so a row does not vanish under the reader's pointer. With more pages to load
 * (`more`), a task that sorts after the last row shown is left for "load more" to bring.
 */
export function mergeTask(rows: readonly InboxRow[], task: Task, filters: TaskFilters, more = false): InboxRow[] {
  const at = rows.findIndex((r) => r.id === task.id)
  if (!matchesFilters(task, filters)) {
    if (at < 0) return rows as InboxRow[]
    const next = [...rows]
    next[at] = { ...task, left: true }
    return next
  }
  const rest = rows.filter((r) => r.id !== task.id)
  const before = rest.findIndex((r) => !r.left && compareTasks(task, r) < 0)
  if (before < 0) {
    const last = [...rest].reverse().find((r) => !r.left)
    if (more && last && compareTasks(task, last) > 0) return rest
    return [...rest, task]
  }
  return [...rest.slice(0, before), task, ...rest.slice(before)]
}

/** The rows without the task (it is gone, or no longer the caller's). */
export function dropTask(rows: readonly InboxRow[], id: string): InboxRow[] {
  return rows.some((r) => r.id === id) ? rows.filter((r) => r.id !== id) : (rows as InboxRow[])
}

/** The ids of the shown tasks of one run: a run event may mean they changed (an escalation that took them from the caller). */
export function tasksOfRun(rows: readonly InboxRow[], runId: string): string[] {
  return rows.filter((r) => r.runId === runId).map((r) => r.id)
}

/** The filters in the URL, values the API would refuse dropped (a hand-edited URL should not 400 the page). */
export function readTaskFilters(params: URLSearchParams): TaskFilters {
  const status = params.get('status')
  const priority = params.get('priority')
  const workflowId = params.get('workflow')?.trim().slice(0, 64)
  return {
    status: (TASK_STATUSES as readonly string[]).includes(status ?? '') ? status as TaskStatus : 'open',
    ...((TASK_PRIORITIES as readonly string[]).includes(priority ?? '') ? { priority: priority as TaskPriority } : {}),
    ...(workflowId ? { workflowId } : {}),
  }
}
