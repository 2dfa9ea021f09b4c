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
 * Translations by locale (zh-CN, ...)
 */
i18n?: {
[k: string]: {
title?: string
description?: string
ports?: {
[k: string]: string
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
}
