/** The inbox API's shapes (engine/http/routes/tasks.ts): tasks, their detail, notifications and their live events. */
import type { Order, OrderHistoryEvent, Role } from '../api/types.ts'

/** How urgent a task is, least first (the API sorts most urgent first). */
export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const
export type TaskPriority = (typeof TASK_PRIORITIES)[number]

/** Where a task stands; only an open one can be claimed or decided. */
export const TASK_STATUSES = ['open', 'completed', 'expired', 'cancelled'] as const
export type TaskStatus = (typeof TASK_STATUSES)[number]

/** Who may act on a task: users by token name and roles. */
export interface Assignees { users: string[]; roles: Role[] }

/** One person's decision on a task with a quorum. */
export interface TaskVote { by: string; decision: 'approve' | 'reject'; comment: string | null; data: Record<string, unknown> | null; at: string }

/** A task as GET /api/tasks lists it: DESIGN's fields with the names the operator reads and whether the caller may act. */
export interface Task {
  id: string
  runId: string
  workflowId: string
  orderId: string | null
  nodeId: string
  title: string
  status: TaskStatus
  priority: TaskPriority
  assignees: Assignees
  level: number
  levelName: string | null
  quorum: { kind: 'any' } | { kind: 'all' } | { kind: 'at-least'; count: number }
  /** JSON Schema of the answers, or null for a plain approve/reject. */
  form: Record<string, unknown> | null
  commentRequired: boolean
  dueAt: string | null
  createdAt: string
  completedAt: string | null
  completedBy: string[] | null
  decision: 'approve' | 'reject' | null
  comment: string | null
  data: Record<string, unknown> | null
  claimedBy: string | null
  votes: TaskVote[]
  workflowName: string | null
  nodeName: string | null
  order: { platform: Order['platform']; platformOrderId: string; totalAmount: number; currency: string; status: Order['status'] } | null
  mayAct: boolean
}

/** GET /api/tasks */
export interface TaskPage { tasks: Task[]; nextCursor: string | null }

/** GET /api/tasks/:id: the task with its whole order, the order's history and its run's header. */
export interface TaskDetail {
  task: Task
  order: Order | null
  history: OrderHistoryEvent[]
  run: { id: string; workflowId: string; version: number; status: string; startedAt: string; variables: Record<string, unknown> } | null
}

/** A message for the caller: a new task, a reminder, an escalation or a notice. */
export interface InboxNotification {
  id: string
  kind: 'task' | 'reminder' | 'escalation' | 'notice'
  to: Assignees
  title: string
  message: string | null
  priority: TaskPriority
  taskId: string | null
  runId?: string
  at: string
}

/** The `task` live event: a task was created, claimed or released, changed (escalated: `previousAssignees` when it was reassigned) or closed; `assignees` null when it names nobody. */
export interface TaskEventData { taskId: string; runId: string; status: TaskStatus; assignees: Assignees | null; previousAssignees?: Assignees }

/** The `notification` live event (it carries no time: the browser stamps it on arrival). */
export interface NotificationEventData { id: string; kind: InboxNotification['kind']; to: Assignees; title: string; message: string | null; priority: TaskPriority; taskId: string | null; runId: string }

/** What a waiting token waits for (GET /api/runs/:id → tokens[].wait). */
export interface TokenWait { label: string; since: string; until: string | null; taskIds: string[] }
