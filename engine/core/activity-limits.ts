/** The defaults and bounds of outside calls (activities), shared by the core and the shell. */

/** A call's deadline when neither the request nor the manifest names one. */
export const DEFAULT_ACTIVITY_TIMEOUT_MS = 30_000
/** No call may take longer than this, whatever a node asks. */
export const MAX_ACTIVITY_TIMEOUT_MS = 10 * 60_000
/** How a connector's call is retried when neither its node nor its manifest says: 3 tries, 1 s then 2 s apart. */
export const CONNECTOR_RETRY = { maxAttempts: 3, initialInterval: 'PT1S', backoffRate: 2, maxInterval: 'PT5M' } as const
