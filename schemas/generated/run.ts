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
version: number
orderId: (string | null)
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
export interface Incident {
nodeId: string
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
