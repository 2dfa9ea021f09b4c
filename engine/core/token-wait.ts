/**
 * A waiting token's wait, made durable: what a node says it waits for becomes timers, tasks,
 * subscriptions, an activity and child runs (as effects), under ids derived from the visit's
 * idempotency key, so a replayed transition asks for exactly the same things. A node says its whole
 * wait anew each time; only the difference to the previous one becomes effects.
 */
import { parseRetryPolicy } from './retry-policy.ts'
import { pushNotification } from './notify-channels.ts'
import type { Order } from '../../schemas/generated/order.ts'
import { DEFAULT_ACTIVITY_TIMEOUT_MS, MAX_ACTIVITY_TIMEOUT_MS } from './activity-limits.ts'
import type { Wait } from '../../connectors/sdk/define-node.ts'
import type { Effect } from './effects.ts'
import type { PreparedNode } from './prepare-workflow.ts'
import type { RunState, Token, TokenWait } from './run-state.ts'
import { sameJson } from './same-json.ts'

/** The part of a transition the wait needs. */
interface WaitTransition { draft: RunState; effects: Effect[]; now: number; prepared: { workflowId: string; version: number }; order?: Order | null; orderChangedBy?: string | null }

/** What to set up: the node, its token and visit key, the wait it asked for, the wait it was in. */
export interface WaitChange {
  node: PreparedNode
  token: Token
  key: string
  wait: Wait
  previous: TokenWait | undefined
}

/** The fields of a task whose change is an update (an escalation), not a new task. */
function taskDigest(t: { assignees: unknown; priority: unknown; dueAt?: unknown; level: unknown; levelName?: unknown }): string {
  return JSON.stringify([t.assignees, t.priority, t.dueAt ?? null, t.level, t.levelName ?? null])
}

/** Sets up what is new in `change.wait`, takes down what is gone, and returns the token's new wait. */
export function setUpWait(t: WaitTransition, change: WaitChange): TokenWait {
  const { node, token, key, wait, previous } = change
  const runId = t.draft.runId
  const next: TokenWait = {
    label: wait.label,
    since: previous?.since ?? t.now,
    ...(wait.until !== undefined ? { until: wait.until } : {}),
    timers: {},
    subscriptions: [],
    tasks: {},
    ...(wait.state !== undefined ? { state: wait.state } : {}),
  }

  for (const [name, timer] of Object.entries(wait.timers ?? {})) {
    const id = `${key}:${name}@${timer.at}`
    next.timers[name] = { id, at: timer.at, purpose: timer.purpose }
    if (previous?.timers[name]?.id !== id) {
      t.effects.push({ kind: 'schedule-timer', timer: { id, runId, tokenId: token.id, dueAt: timer.at, purpose: timer.purpose } })
    }
  }
  for (const [name, old] of Object.entries(previous?.timers ?? {})) {
    if (next.timers[name]?.id !== old.id) t.effects.push({ kind: 'cancel-timer', timerId: old.id })
  }

  subscription(t, token, key, 'signal', wait.signal, previous?.signal)
  subscription(t, token, key, 'order-change', wait.orderChange ? 'yes' : undefined, previous?.orderChange ? 'yes' : undefined)
  if (wait.signal !== undefined) { next.signal = wait.signal; next.subscriptions.push(`${key}:signal`) }
  if (wait.orderChange) { next.orderChange = true; next.subscriptions.push(`${key}:order-change`) }

  for (const task of wait.tasks ?? []) {
    const id = `${key}:${task.key}`
    const digest = taskDigest(task)
    next.tasks[task.key] = { id, digest, assignees: task.assignees }
    const { key: _key, dueAt, ...rest } = task
    if (!previous?.tasks[task.key]) {
      t.effects.push({
        kind: 'create-task',
        task: {
          ...rest, id, runId, workflowId: t.prepared.workflowId, version: t.prepared.version, orderId: t.draft.orderId,
          nodeId: node.id, tokenId: token.id, dueAt: dueAt ?? null, createdAt: t.now,
        },
      })
    } else if (previous.tasks[task.key].digest !== digest) {
      const before = previous.tasks[task.key].assignees
      t.effects.push({
        kind: 'update-task', taskId: id,
        changes: { assignees: task.assignees, priority: task.priority, dueAt: dueAt ?? null, level: task.level, ...(task.levelName !== undefined ? { levelName: task.levelName } : {}) },
        ...(before && !sameJson(before, task.assignees) ? { previousAssignees: before } : {}),
      })
    }
  }
  for (const [taskKey, old] of Object.entries(previous?.tasks ?? {})) {
    if (!next.tasks[taskKey]) t.effects.push({ kind: 'close-task', taskId: old.id, status: 'cancelled', at: t.now })
  }

  for (const n of wait.notify ?? []) {
    const taskId = n.taskKey !== undefined ? (next.tasks[n.taskKey] ?? previous?.tasks[n.taskKey])?.id ?? null : null
    pushNotification(t, node, key, n, taskId)
  }

  if (wait.activity) {
    next.activityId = previous?.activityId ?? `${key}:activity:${token.attempt}`
    if (!previous?.activityId) {
      t.effects.push({
        kind: 'enqueue-activity',
        activity: {
          id: next.activityId, runId, tokenId: token.id, nodeId: node.id,
          performer: wait.activity.performer ?? node.type, request: wait.activity.request ?? null,
          timeoutMs: activityTimeoutMs(wait.activity.timeoutMs ?? node.manifest.activity?.timeoutMs),
          retry: wait.activity.retry ? parseRetryPolicy(wait.activity.retry) : node.retry, idempotencyKey: key, attempt: token.attempt, createdAt: t.now,
        },
      })
    }
  } else if (previous?.activityId) {
    t.effects.push({ kind: 'cancel-activity', activityId: previous.activityId })
  }

  if (wait.children) {
    next.childrenGroupId = previous?.childrenGroupId ?? `${key}:children`
    if (!previous?.childrenGroupId) {
      t.effects.push({
        kind: 'start-children',
        group: { ...wait.children, id: next.childrenGroupId, parentRunId: runId, parentTokenId: token.id, orderId: t.draft.orderId, createdAt: t.now },
      })
    }
  } else if (previous?.childrenGroupId) {
    t.effects.push({ kind: 'cancel-children', groupId: previous.childrenGroupId })
  }

  return next
}

function activityTimeoutMs(asked: number | undefined): number {
  if (asked === undefined || !Number.isFinite(asked) || asked <= 0) return DEFAULT_ACTIVITY_TIMEOUT_MS
  return Math.min(Math.round(asked), MAX_ACTIVITY_TIMEOUT_MS)
}

/** Takes down everything a wait set up; open tasks end as `taskStatus` (expired when its deadline passed). */
export function takeDownWait(t: WaitTransition, wait: TokenWait, taskStatus: 'cancelled' | 'expired'): void {
  for (const timer of Object.values(wait.timers)) t.effects.push({ kind: 'cancel-timer', timerId: timer.id })
  for (const id of wait.subscriptions) t.effects.push({ kind: 'unsubscribe', subscriptionId: id })
  for (const task of Object.values(wait.tasks)) t.effects.push({ kind: 'close-task', taskId: task.id, status: taskStatus, at: t.now })
  if (wait.activityId) t.effects.push({ kind: 'cancel-activity', activityId: wait.activityId })
  if (wait.childrenGroupId) t.effects.push({ kind: 'cancel-children', groupId: wait.childrenGroupId })
}

function subscription(t: WaitTransition, token: Token, key: string, kind: 'signal' | 'order-change', now: string | undefined, before: string | undefined): void {
  if (now === before) return
  if (before !== undefined) t.effects.push({ kind: 'unsubscribe', subscriptionId: `${key}:${kind}` })
  if (now !== undefined) {
    t.effects.push({
      kind: 'subscribe',
      subscription: {
        id: `${key}:${kind}`, runId: t.draft.runId, tokenId: token.id, orderId: t.draft.orderId,
        signal: kind === 'signal' ? now : null, orderChange: kind === 'order-change',
      },
    })
  }
}
