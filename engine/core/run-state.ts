/**
 * The state of one run, as the pure interpreter sees it. It is plain JSON: the store saves it whole
 * in the run's row at each step transition and the interpreter resumes from it after a restart.
 */
import type { RunStatus } from '../../schemas/generated/run.ts'

/** A position of execution: "this node is next (or waiting)". A parallel split makes several. */
export interface Token {
  id: string
  nodeId: string
  /** How many times the run has entered this node, this entry included (1-based). */
  visit: number
  /** Attempt number of this visit (1-based); a retry keeps the visit and raises the attempt. */
  attempt: number
  /** ready: to execute; retry-wait: a timer will make it ready; failed: parked as incident */
  status: 'ready' | 'retry-wait' | 'failed'
  input: unknown
  /** The edge that brought the token here (null for the trigger). */
  viaEdge: string | null
  /** Id of the timer this token waits for, if any */
  timerId?: string
}

/** One run: its tokens, visits, joins, variables and incident. */
export interface RunState {
  runId: string
  workflowId: string
  version: number
  orderId: string | null
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
  startedAt: number
  updatedAt: number
  finishedAt: number | null
}
