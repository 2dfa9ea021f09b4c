/** The limits one run lives within, whatever its flow says. */

/**
 * Live tokens a run may hold at once. A flow of parallel splits without joins doubles its tokens at
 * every split; past this the run is parked as an incident instead of eating the process.
 */
export const MAX_LIVE_TOKENS = 1_000

/** Steps a run may take without waiting for anything; a finite but exponential flow is parked here. */
export const MAX_STEPS_WITHOUT_WAIT = 10_000
