/* Generated from schemas/run.schema.json by `npm run gen:types`. Do not edit. */

/**
 * failed = parked as an incident an operator can retry
 */
export type RunStatus = ("running" | "waiting" | "completed" | "failed" | "cancelled")

/**
 * One execution of a published workflow version, pinned to that version.
 */
export interface RunRecord {
id: string
workflowId: string
/**
 * The workflow's name, for operators (null when the workflow is gone)
 */
workflowName?: (string | null)
version: number
orderId: (string | null)
/**
 * The order as operators know it: its platform and the platform's order number
 */
order?: (null | OrderRef)
status: RunStatus
trigger: {
kind: ("order-event" | "manual" | "schedule" | "child")
event?: string
eventId?: number
by?: string
tick?: string
parentRunId?: string
}
variables: {
[k: string]: unknown
}
incident: (null | Incident)
startedAt: string
updatedAt: string
finishedAt: (string | null)
steps?: StepRecord[]
}
export interface OrderRef {
platform: string
platformOrderId: string
}
export interface Incident {
nodeId: string
/**
 * the node's name in the run's version
 */
nodeName?: (string | null)
tokenId: string
error: string
at: string
}
/**
 * One attempt of one node in one run. The idempotency key (runId:nodeId:visit) is the same for every attempt of the same visit.
 */
export interface StepRecord {
/**
 * idempotencyKey:attempt
 */
id: string
runId: string
nodeId: string
/**
 * The node's name in the run's version, for operators
 */
nodeName?: (string | null)
nodeType: string
visit: number
attempt: number
idempotencyKey: string
status: ("completed" | "failed" | "retrying" | "waiting")
port: (string | null)
input: unknown
output: unknown
error: (string | null)
startedAt: string
finishedAt: (string | null)
durationMs: (number | null)
}
