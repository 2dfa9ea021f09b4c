/**
 * Effects: what the interpreter asks the shell to do, as data. The shell persists all effects of one
 * step transition (and the new run state) in one transaction: a step, a wait set up or taken down,
 * a task, a message, an outside call to make, child runs to start, a run event consumed.
 */
import type { RetrySettings } from './retry-policy.ts'
import type {
  ActivityRequest, Assignees, ChildRunsRequest, Notification, OrderPatch, TaskRequest, TimerPurpose,
} from '../../connectors/sdk/define-node.ts'

/** The record of one attempt of one node (see schemas/step.schema.json; times are epoch ms here). */
export interface StepEffect {
  kind: 'record-step'
  step: {
    id: string
    runId: string
    nodeId: string
    nodeType: string
    visit: number
    attempt: number
    idempotencyKey: string
    /** waiting: the node waits (the record is completed when it resumes) */
    status: 'completed' | 'failed' | 'retrying' | 'waiting'
    port: string | null
    input: unknown
    output: unknown
    error: string | null
    startedAt: number
    finishedAt: number | null
  }
}

/** Apply a change to the run's order, appending to its history with `source`. */
export interface OrderPatchEffect {
  kind: 'patch-order'
  orderId: string
  patch: OrderPatch
  /** e.g. "run:<runId>:<nodeId>:<visit>": the order history names who changed it */
  source: string
  idempotencyKey: string
}

/** A due time that wakes a run's token: a retry, the end of a wait, a deadline, a reminder, an escalation. */
export interface ScheduleTimerEffect {
  kind: 'schedule-timer'
  timer: { id: string; runId: string; tokenId: string; dueAt: number; purpose: TimerPurpose }
}

export interface CancelTimerEffect {
  kind: 'cancel-timer'
  timerId: string
}

/** The timer this transition was woken by: removed with it, and the whole transition refused if it was already gone. */
export interface ClaimTimerEffect {
  kind: 'claim-timer'
  timerId: string
}

/** A task row for people, as the API shows it (times epoch ms). */
export interface TaskRecord extends Omit<TaskRequest, 'key' | 'dueAt'> {
  id: string
  runId: string
  workflowId: string
  version: number
  orderId: string | null
  nodeId: string
  tokenId: string
  dueAt: number | null
  createdAt: number
}

export interface CreateTaskEffect {
  kind: 'create-task'
  task: TaskRecord
}

/** An open task reassigned, reprioritised or given a new due time (an escalation). */
export interface UpdateTaskEffect {
  kind: 'update-task'
  taskId: string
  changes: { assignees?: Assignees; priority?: TaskRequest['priority']; dueAt?: number | null; level?: number; levelName?: string }
  /** Who the task was assigned to, when this reassigns it: they are told it left them. */
  previousAssignees?: Assignees
}

/** An open task that nobody needs to act on any more: its wait ended (cancelled) or ran out (expired). */
export interface CloseTaskEffect {
  kind: 'close-task'
  taskId: string
  status: 'cancelled' | 'expired'
  at: number
}

/** A run's token waits for a signal or for changes of the run's order. */
export interface SubscribeEffect {
  kind: 'subscribe'
  subscription: { id: string; runId: string; tokenId: string; orderId: string | null; signal: string | null; orderChange: boolean }
}

export interface UnsubscribeEffect {
  kind: 'unsubscribe'
  subscriptionId: string
}

/** A message to people: the inbox and the live event stream (and, with connectors, email or IM). */
export interface NotifyEffect {
  kind: 'notify'
  notification: Omit<Notification, 'key' | 'taskKey'> & { id: string; runId: string; nodeId: string; taskId: string | null; at: number }
}

/** The built-in performer that undoes a cancelled run's connector steps, newest first. */
export const COMPENSATE_PERFORMER = 'ordo.compensate'

/** An outside call to perform after commit, at least once, under the step's idempotency key. */
export interface EnqueueActivityEffect {
  kind: 'enqueue-activity'
  activity: QueuedActivity
}

/** An activity as the shell keeps it: what to perform, with which deadline and retry policy. */
export interface QueuedActivity {
  id: string
  runId: string
  /** The waiting token it resumes; null for a detached call nobody waits for (a reminder by IM, an undo). */
  tokenId: string | null
  nodeId: string
  performer: string
  request: ActivityRequest['request']
  timeoutMs: number
  /** Tries in all and the delays between them (the node's retry policy). */
  retry: RetrySettings
  idempotencyKey: string
  attempt: number
  createdAt: number
}

export interface CancelActivityEffect {
  kind: 'cancel-activity'
  activityId: string
}

/** Child runs to start, at most `concurrency` at a time; `awaitAll` sends the parent the outcomes. */
export interface StartChildrenEffect {
  kind: 'start-children'
  group: ChildRunsRequest & { id: string; parentRunId: string; parentTokenId: string; orderId: string | null; createdAt: number }
}

export interface CancelChildrenEffect {
  kind: 'cancel-children'
  groupId: string
}

/**
 * A stored run event (a signal, a task decision...) this transition consumed: removed with it. When
 * the event woke a token (`strict`), the transition is refused if another one consumed it first.
 */
export interface ClaimEventEffect {
  kind: 'claim-event'
  eventId: number
  strict: boolean
}

export type Effect =
  | StepEffect | OrderPatchEffect | ScheduleTimerEffect | CancelTimerEffect | ClaimTimerEffect
  | CreateTaskEffect | UpdateTaskEffect | CloseTaskEffect | SubscribeEffect | UnsubscribeEffect | NotifyEffect
  | EnqueueActivityEffect | CancelActivityEffect | StartChildrenEffect | CancelChildrenEffect | ClaimEventEffect
