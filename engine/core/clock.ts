/** The only source of "now" for the engine: the server passes the wall clock, tests a manual one. */
export interface Clock {
  /** UTC epoch milliseconds */
  now(): number
}
