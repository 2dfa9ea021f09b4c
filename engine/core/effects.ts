/**
 * Effects: what the interpreter asks the shell to do, as data. The shell persists all effects of one
 * step transition (and the new run state) in one transaction.
 */
import type { OrderPatch } from '../../connectors/sdk/define-node.ts'

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
    status: 'completed' | 'failed' | 'retrying'
    port: string | null
    input: unknown
    output: unknown
    error: string | null
    startedAt: number
    finishedAt: number
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

export interface ScheduleTimerEffect {
  kind: 'schedule-timer'
  timer: { id: string; runId: string; tokenId: string; dueAt: number; purpose: 'retry' }
}

export interface CancelTimerEffect {
  kind: 'cancel-timer'
  timerId: string
}

export type Effect = StepEffect | OrderPatchEffect | ScheduleTimerEffect | CancelTimerEffect
