/**
 * The state of one run, as the pure interpreter sees it. It is plain JSON: the store saves it whole
 * in the run's row at each step transition and the interpreter resumes from it after a restart.
 */
import type { RunStatus } from '../../schemas/generated/run.ts'
import type { Assignees, TimerPurpose } from '../../connectors/sdk/define-node.ts'

/** What a waiting token waits for, and the ids of what the shell set up for it (to take it down again). */
export interface TokenWait {
  /** For people: "signal address_confirmed", "approval (level 1 of 2)". */
  label: string
  since: number
  until?: number
  timers: Record<string, { id: string; at: number; purpose: TimerPurpose }>
  signal?: string
  orderChange?: boolean
  /** Ids of the subscriptions (signal, order change) set up for it. */
  subscriptions: string[]
  /**
   * The tasks set up for it by the node's task key: id, a digest of what an escalation may change,
   * and the assignees, so that a reassignment can tell the previous ones (absent in waits set up
   * before they were kept).
   */
  tasks: Record<string, { id: string; digest: string; assignees?: Assignees }>
  activityId?: string
  childrenGroupId?: string
  /** The node's own bookkeeping, handed back to its resume. */
  state?: unknown
}

/** A position of execution: "this node is next (or waiting)". A parallel split makes several. */
export interface Token {
  id: string
  nodeId: string
  /** How many times the run has entered this node, this entry included (1-based). */
  visit: number
  /** Attempt number of this visit (1-based); a retry keeps the visit and raises the attempt. */
  attempt: number
  /** ready: to execute; retry-wait: a timer will make it ready; waiting: its node waits (see `wait`); failed: parked as incident */
  status: 'ready' | 'retry-wait' | 'waiting' | 'failed'
  input: unknown
  /** The edge that brought the token here (null for the trigger). */
  viaEdge: string | null
  /** Id of the retry timer this token waits for, if any */
  timerId?: string
  /** What its node waits for, while status is 'waiting'. */
  wait?: TokenWait
}

/** One run: its tokens, visits, joins, variables and incident. */
export interface RunState {
  runId: string
  workflowId: string
  version: number
  orderId: string | null
  /** Who started the run by hand (a token name), null for runs an order event or a schedule started. */
  startedBy?: string | null
  /** The run that started this one (for-each, sub-workflow), with the child group. */
  parent?: { runId: string; groupId: string; depth?: number } | null
  status: RunStatus
  tokens: Token[]
  /** Entries into each node so far (for the idempotency key's visit). */
  visits: Record<string, number>
  /** flow.join bookkeeping: outputs of the branches arrived so far, by join node id then edge id */
  joins: Record<string, Record<string, unknown>>
  variables: Record<string, unknown>
  incident: { nodeId: string; tokenId: string; error: string; at: number } | null
  /** Counter for token ids, so ids are deterministic (no randomness in the core). */
  nextTokenSeq: number
  /**
   * Steps taken since the run was last woken from outside (started, a timer, an operator's retry);
   * capped by MAX_STEPS_WITHOUT_WAIT so a flow that fans out exponentially cannot run forever.
   * Absent in states stored before the cap existed (read as 0).
   */
  stepsSinceWake?: number
  /**
   * Calls that undo what finished connector steps did, oldest first, performed newest first when
   * the run is cancelled (absent while there are none).
   */
  compensations?: Compensation[]
  startedAt: number
  updatedAt: number
  finishedAt: number | null
}

/** The undo of one finished connector step. */
export interface Compensation {
  nodeId: string
  performer: string
  request: unknown
  idempotencyKey: string
  timeoutMs?: number
}
