/* Generated from schemas/step.schema.json by `npm run gen:types`. Do not edit. */

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
