/* Generated from schemas/node-manifest.schema.json by `npm run gen:types`. Do not edit. */

/**
 * What a node type is: the palette, the config form and the runtime validator all read it.
 */
export interface NodeManifest {
type: string
title: string
description: string
category: ("trigger" | "rule" | "order" | "human" | "time" | "flow" | "connector")
icon?: string
/**
 * 0 for triggers, 1 otherwise
 */
inputs: number
/**
 * Fixed output ports
 */
outputs: Port[]
/**
 * Output ports read from the config: one per element of the array at `from`, named by its `nameKey`
 */
dynamicOutputs?: {
from: string
nameKey: string
}
/**
 * JSON Schema of the node's config
 */
configSchema: {
[k: string]: unknown
}
/**
 * Names of secrets the node reads at run time (never stored in a definition)
 */
secrets?: string[]
/**
 * The node can pause a run (a timer, an event, a person): a cycle through it is allowed
 */
waits?: boolean
/**
 * How the engine performs this connector's calls (its `perform`)
 */
activity?: {
/**
 * Deadline of one call unless the request names one (default 30000)
 */
timeoutMs?: number
/**
 * Calls of this connector performed at once in one process (default 8)
 */
concurrency?: number
retry?: RetryPolicy
}
/**
 * Translations by locale (zh-CN, ...)
 */
i18n?: {
[k: string]: {
title?: string
description?: string
ports?: {
[k: string]: string
}
/**
 * Config form labels, keyed by the field's path in the config: a JSON pointer in which every array item and map value is the segment `*`: /team, /events/* (an item of events), /cases/* then /port for the port of a case
 */
fields?: {
[k: string]: FieldText
}
}
}
}
export interface Port {
name: string
title?: string
/**
 * Taken when the node fails after its retries
 */
errorPort?: boolean
/**
 * A JSON pointer into the config: the port exists only when that value is set (a timeout port without a timeout is no port)
 */
when?: string
}
/**
 * Retry policy of a node that sets none (default: 3 attempts, 1 s, doubling)
 */
export interface RetryPolicy {
/**
 * Attempts in all, the first included
 */
maxAttempts: number
/**
 * Delay before the second attempt (default PT1S)
 */
initialInterval?: string
/**
 * Each delay is the previous one times this (default 2)
 */
backoffRate?: number
/**
 * Upper bound of one delay (default PT5M)
 */
maxInterval?: string
/**
 * Fraction of the delay varied, deterministically per step (default 0)
 */
jitter?: number
}
/**
 * One config field's label, help text and, for an enum, the labels of its values
 */
export interface FieldText {
title?: string
description?: string
/**
 * Label of each enum value, keyed by the value
 */
enum?: {
[k: string]: string
}
}
