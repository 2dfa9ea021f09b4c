/**
 * The interpreter: a pure function of (prepared workflow, run state, event, now, order) → (new state,
 * effects). It never mutates its inputs, never reads a clock, and never throws for a node failure;
 * the shell persists the state and performs the effects in one transaction per call.
 */
import type { Order } from '../../schemas/generated/order.ts'
import { COMPENSATE_PERFORMER, type Effect } from './effects.ts'
import { DEFAULT_ACTIVITY_TIMEOUT_MS, MAX_ACTIVITY_TIMEOUT_MS } from './activity-limits.ts'
import { parseRetryPolicy } from './retry-policy.ts'
import type { ResumeEvent } from '../../connectors/sdk/define-node.ts'
import { dropAllTokens, executeToken, parkAsIncident, resumeToken, type Transition } from './execute-token.ts'
import type { PreparedWorkflow } from './prepare-workflow.ts'
import type { RunState, Token } from './run-state.ts'
import { MAX_LIVE_TOKENS, MAX_STEPS_WITHOUT_WAIT } from './run-limits.ts'

export { MAX_LIVE_TOKENS, MAX_STEPS_WITHOUT_WAIT }

/** Something from outside that wakes waiting tokens; `eventId` is the stored event it came from (claimed once). */
export type WakeEvent =
  | { kind: 'signal'; name: string; data: unknown; eventId?: number }
  | { kind: 'order-changed'; eventId?: number }
  | { kind: 'task-completed'; taskId: string; decision: 'approve' | 'reject'; by: string[]; comment: string | null; data: Record<string, unknown> | null; eventId?: number }
  | { kind: 'activity-result'; activityId: string; ok: boolean; response?: unknown; error?: string; permanent?: boolean; errorClass?: string; attempts?: number; eventId?: number }
  | { kind: 'children-finished'; groupId: string; outcomes: Array<{ item: unknown; runId: string; status: string; variables: Record<string, unknown> }>; eventId?: number }

/** What can happen to a run. */
export type RunEvent =
  /** Execute the first ready token (one node execution). */
  | { kind: 'step' }
  /** A timer fired: a retry's token becomes ready, a waiting token's node resumes. Claimed exactly once. */
  | { kind: 'timer'; timerId: string }
  /** An operator retries a failed run from its failed step, optionally with edited variables. */
  | { kind: 'retry'; tokenId?: string; variables?: Record<string, unknown> }
  /** Stop the run: drop its tokens and take down what they wait for. */
  | { kind: 'cancel' }
  | WakeEvent

/** The new state and what the shell must do; `state` is the very input object when nothing changed. */
export interface AdvanceResult {
  state: RunState
  effects: Effect[]
}

/** How a run starts: its id, its order, variables over the definition's, and the trigger's input. */
export interface StartRunOptions {
  runId: string
  orderId: string | null
  variables?: Record<string, unknown>
  now: number
  input?: unknown
  /** The person who started it by hand. */
  startedBy?: string | null
  /** The run whose node started it (for-each, sub-workflow). */
  parent?: { runId: string; groupId: string; depth?: number } | null
}

/** The initial state of a run: one ready token on the trigger node, visit 1. */
export function startRun(prepared: PreparedWorkflow, options: StartRunOptions): RunState {
  const trigger = prepared.triggerNodeId
  return {
    runId: options.runId,
    workflowId: prepared.workflowId,
    version: prepared.version,
    orderId: options.orderId,
    startedBy: options.startedBy ?? null,
    parent: options.parent ?? null,
    status: 'running',
    tokens: [{ id: 't1', nodeId: trigger, visit: 1, attempt: 1, status: 'ready', input: options.input ?? null, viaEdge: null }],
    visits: { [trigger]: 1 },
    joins: {},
    variables: { ...prepared.variables, ...(options.variables ?? {}) },
    incident: null,
    nextTokenSeq: 2,
    stepsSinceWake: 0,
    startedAt: options.now,
    updatedAt: options.now,
    finishedAt: null,
  }
}

/** The token the next `step` executes, or null when the run is not running or nothing is ready. */
export function nextReadyToken(state: RunState): Token | null {
  if (state.status !== 'running') return null
  return state.tokens.find((token) => token.status === 'ready') ?? null
}

/** True when the run is over (completed or cancelled); a failed run can still be retried. */
export function isFinished(state: RunState): boolean {
  return state.status === 'completed' || state.status === 'cancelled'
}

/** Applies one event to a run. Events that do not apply (a step of a waiting run, a stale timer) change nothing. */
export function advance(prepared: PreparedWorkflow, state: RunState, event: RunEvent, now: number, order: Order | null, orderChangedBy: string | null = null): AdvanceResult {
  const unchanged: AdvanceResult = { state, effects: [] }
  if (isFinished(state)) {
    // A finished run still consumes what was queued for it, so nothing fires or waits for it again.
    if (event.kind === 'timer') return { state, effects: [{ kind: 'cancel-timer', timerId: event.timerId }] }
    if ('eventId' in event && event.eventId !== undefined) return { state, effects: [{ kind: 'claim-event', eventId: event.eventId, strict: false }] }
    return unchanged
  }
  const t: Transition = { prepared, draft: copyState(state), effects: [], now, orderChangedBy }

  switch (event.kind) {
    case 'step': {
      const ready = nextReadyToken(state)
      if (!ready) return unchanged
      const token = t.draft.tokens[state.tokens.indexOf(ready)]
      const steps = (state.stepsSinceWake ?? 0) + 1
      if (steps > MAX_STEPS_WITHOUT_WAIT) {
        parkAsIncident(t, token, `the run took ${MAX_STEPS_WITHOUT_WAIT.toLocaleString('en-US')} steps without waiting for anything; a flow whose branches multiply (parallel splits without joins) or loop grows without bound. Retry to allow ${MAX_STEPS_WITHOUT_WAIT.toLocaleString('en-US')} more.`)
        break
      }
      t.draft.stepsSinceWake = steps
      executeToken(t, token, order)
      if (t.draft.tokens.length > MAX_LIVE_TOKENS) {
        const next = t.draft.tokens.find((x) => x.status === 'ready') ?? t.draft.tokens[0]
        parkAsIncident(t, next, `the run has more than ${MAX_LIVE_TOKENS.toLocaleString('en-US')} branches at once (node ${token.nodeId} fanned out); a flow whose parallel splits have no joins multiplies its branches`)
      }
      break
    }
    case 'timer': {
      // The fired timer is claimed first, whatever it finds: a timer applies once, even if stale.
      const claim: Effect = { kind: 'claim-timer', timerId: event.timerId }
      const retrying = t.draft.tokens.find((x) => x.status === 'retry-wait' && x.timerId === event.timerId)
      const waitingFor = t.draft.tokens.some((x) => x.status === 'waiting' && Object.values(x.wait?.timers ?? {}).some((tm) => tm.id === event.timerId))
      // A timer nothing waits for any more (cancelled by an earlier event of this very turn, or stale)
      // is only removed: no race to detect there.
      if (!retrying && !waitingFor) return { state, effects: [{ kind: 'cancel-timer', timerId: event.timerId }] }
      t.effects.push(claim)
      if (retrying) {
        retrying.status = 'ready'
        delete retrying.timerId
      } else {
        const waiting = t.draft.tokens.find((x) => x.status === 'waiting' && Object.values(x.wait?.timers ?? {}).some((tm) => tm.id === event.timerId))
        if (waiting) {
          const [name, timer] = Object.entries(waiting.wait!.timers).find(([, tm]) => tm.id === event.timerId)!
          // It fired: it is no longer part of the wait (a node that wants it again declares it anew).
          const { [name]: _fired, ...rest } = waiting.wait!.timers
          waiting.wait = { ...waiting.wait!, timers: rest }
          resumeToken(t, waiting, { kind: 'timer', name, purpose: timer.purpose }, order)
        }
      }
      t.draft.stepsSinceWake = 0
      break
    }
    case 'signal': case 'order-changed': case 'task-completed': case 'activity-result': case 'children-finished': {
      const woken = wokenBy(t.draft, event)
      const claims: Effect[] = event.eventId !== undefined ? [{ kind: 'claim-event', eventId: event.eventId, strict: woken.length > 0 }] : []
      if (woken.length === 0) return { state, effects: claims }
      t.effects.push(...claims)
      for (const [token, resumeEvent] of woken) {
        const current = t.draft.tokens.find((x) => x.id === token.id)
        if (current && current.status === 'waiting') resumeToken(t, current, resumeEvent, order)
      }
      t.draft.stepsSinceWake = 0
      break
    }
    case 'retry': {
      if (state.status !== 'failed' || !state.incident) return unchanged
      const tokenId = event.tokenId ?? state.incident.tokenId
      const token = t.draft.tokens.find((x) => x.id === tokenId && x.status === 'failed')
      if (!token) return unchanged
      // Same visit, so the same idempotency key: the outside world can recognise the retried call.
      token.status = 'ready'
      token.attempt += 1
      t.draft.incident = null
      t.draft.stepsSinceWake = 0
      if (event.variables) t.draft.variables = { ...t.draft.variables, ...event.variables }
      break
    }
    case 'cancel': {
      dropAllTokens(t)
      undoConnectorSteps(t, now)
      t.draft.incident = null
      t.draft.status = 'cancelled'
      t.draft.finishedAt = now
      break
    }
  }
  settleStatus(t.draft, now)
  t.draft.updatedAt = now
  return { state: t.draft, effects: t.effects }
}

/** A cancelled run undoes what its finished connector steps did: one detached call, newest step first. */
function undoConnectorSteps(t: { draft: RunState; effects: Effect[] }, now: number): void {
  const steps = t.draft.compensations ?? []
  if (steps.length === 0) return
  const newestFirst = [...steps].reverse()
  t.effects.push({
    kind: 'enqueue-activity',
    activity: {
      id: `${t.draft.runId}:compensate`, runId: t.draft.runId, tokenId: null, nodeId: newestFirst[0]!.nodeId, performer: COMPENSATE_PERFORMER,
      request: { steps: newestFirst.map(({ nodeId, performer, request, idempotencyKey }) => ({ nodeId, performer, request, idempotencyKey })) },
      timeoutMs: Math.min(MAX_ACTIVITY_TIMEOUT_MS, newestFirst.reduce((sum, s) => sum + (s.timeoutMs ?? DEFAULT_ACTIVITY_TIMEOUT_MS), 0)),
      retry: parseRetryPolicy({ maxAttempts: 5, initialInterval: 'PT2S', backoffRate: 2, maxInterval: 'PT5M' }),
      idempotencyKey: `${t.draft.runId}:compensate`, attempt: 1, createdAt: now,
    },
  })
  delete t.draft.compensations
}

/** The waiting tokens an outside event wakes, each with what its node is told. */
function wokenBy(state: RunState, event: WakeEvent): Array<[Token, ResumeEvent]> {
  const woken: Array<[Token, ResumeEvent]> = []
  for (const token of state.tokens) {
    const wait = token.wait
    if (token.status !== 'waiting' || !wait) continue
    switch (event.kind) {
      case 'signal':
        if (wait.signal === event.name) woken.push([token, { kind: 'signal', name: event.name, data: event.data ?? null }])
        break
      case 'order-changed':
        if (wait.orderChange) woken.push([token, { kind: 'order-changed' }])
        break
      case 'task-completed': {
        const entry = Object.entries(wait.tasks).find(([, task]) => task.id === event.taskId)
        if (entry) woken.push([token, { kind: 'task-completed', taskKey: entry[0], decision: event.decision, by: event.by, comment: event.comment, data: event.data }])
        break
      }
      case 'activity-result':
        if (wait.activityId === event.activityId) {
          const { activityId: _a, eventId: _e, kind: _k, ...result } = event
          woken.push([token, { kind: 'activity-result', ...result }])
        }
        break
      case 'children-finished':
        if (wait.childrenGroupId === event.groupId) woken.push([token, { kind: 'children-finished', outcomes: event.outcomes }])
        break
    }
  }
  return woken
}

/**
 * Parks a run as an incident for a reason outside its nodes (the shell could not advance it, or the
 * process stopped while it ran, again and again): its first ready token (else its first token) is
 * marked failed, so an operator's retry resumes from there. Pure; a finished run is returned as is.
 */
export function parkRun(state: RunState, error: string, now: number): RunState {
  if (isFinished(state)) return state
  const draft = copyState(state)
  const token = draft.tokens.find((x) => x.status === 'ready') ?? draft.tokens.find((x) => x.status !== 'failed') ?? draft.tokens[0]
  if (!token) return state
  draft.incident = { nodeId: token.nodeId, tokenId: token.id, error, at: now }
  if (token.status === 'ready' || token.status === 'retry-wait') token.status = 'failed'
  delete token.timerId
  draft.status = 'failed'
  draft.updatedAt = now
  return draft
}

/** Derives the run status from its tokens after a transition. */
function settleStatus(draft: RunState, now: number): void {
  if (isFinished(draft)) return
  if (draft.tokens.length === 0) {
    draft.status = 'completed'
    draft.finishedAt = now
  } else if (draft.incident) {
    draft.status = 'failed'
  } else {
    draft.status = draft.tokens.some((x) => x.status === 'ready') ? 'running' : 'waiting'
  }
}

/** A copy deep enough that the transition can change it freely (token inputs are never modified). */
function copyState(state: RunState): RunState {
  return {
    ...state,
    tokens: state.tokens.map((token) => (token.wait ? { ...token, wait: { ...token.wait } } : { ...token })),
    visits: { ...state.visits },
    joins: Object.fromEntries(Object.entries(state.joins).map(([id, arrived]) => [id, { ...arrived }])),
    variables: { ...state.variables },
    incident: state.incident ? { ...state.incident } : null,
  }
}
