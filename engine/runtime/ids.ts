/** Id generation lives in the shell (the core stays deterministic). Ids sort by creation time. */
import { randomBytes } from 'node:crypto'

// 48 random bits per process keep ids of several instances apart; time and a counter order them
// within one. (A crypto call per id cost ~5 % of ingest time.)
const processTag = randomBytes(6).toString('hex')
let lastMs = 0
let seq = 0

/** A time-ordered unique id with a prefix, e.g. `ord_019a...`: 48-bit ms, 16-bit sequence, process tag. */
export function newId(prefix: string, now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now
    seq = 0
  } else if (++seq > 0xffff) {
    // More than 65,536 ids in one millisecond (or a clock that went back): borrow the next millisecond.
    lastMs += 1
    seq = 0
  }
  return `${prefix}_${lastMs.toString(16).padStart(12, '0')}${seq.toString(16).padStart(4, '0')}${processTag}`
}
