/**
 * The interpreter: a pure function of (prepared workflow, run state, event, now, order) → (new state,
 * effects). It never mutates its inputs, never reads a clock, and never throws for a node failure;
 * the shell persists the state and performs the effects in one transaction per call.
 */
import type { Order } from '../../schemas/generated/order.ts'
import type { Effect } from './effects.ts'
import { dropAllTokens, executeToken, parkAsIncident, type Transition } from './execute-token.ts'
import type { PreparedWorkflow } from './prepare-workflow.ts'
import type { RunState, Token } from './run-state.ts'
import { MAX_LIVE_TOKENS, MAX_STEPS_WITHOUT_WAIT } from './run-limits.ts'

export { MAX_LIVE_TOKENS, MAX_STEPS_WITHOUT_WAIT }

/** What can happen to a run. */
export type RunEvent =
  /** Execute the first ready token (one node execution). */
  | { kind: 'step' }
  /** A retry timer fired: its token becomes ready. */
  | { kind: 'timer'; timerId: string }
  /** An operator retries a failed run from its failed step, optionally with edited variables. */
  | { kind: 'retry'; tokenId?: string; variables?: Record<string, unknown> }
  /** Stop the run: drop its tokens and cancel their timers. */
  | { kind: 'cancel' }

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
}

/** The initial state of a run: one ready token on the trigger node, visit 1. */
export function startRun(prepared: PreparedWorkflow, options: StartRunOptions): RunState {
  const trigger = prepared.triggerNodeId
  return {
    runId: options.runId,
    workflowId: prepared.workflowId,
    version: prepared.version,
    orderId: options.orderId,
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
export function advance(prepared: PreparedWorkflow, state: RunState, event: RunEvent, now: number, order: Order | null): AdvanceResult {
  const unchanged: AdvanceResult = { state, effects: [] }
  if (isFinished(state)) return unchanged
  const t: Transition = { prepared, draft: copyState(state), effects: [], now }

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
      const token = t.draft.tokens.find((x) => x.status === 'retry-wait' && x.timerId === event.timerId)
      if (!token) return unchanged
      token.status = 'ready'
      delete token.timerId
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
    tokens: state.tokens.map((token) => ({ ...token })),
    visits: { ...state.visits },
    joins: Object.fromEntries(Object.entries(state.joins).map(([id, arrived]) => [id, { ...arrived }])),
    variables: { ...state.variables },
    incident: state.incident ? { ...state.incident } : null,
  }
}
