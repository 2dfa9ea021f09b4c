/** Id generation lives in the shell (the core stays deterministic). Ids sort by creation time. */
import { randomBytes } from 'node:crypto'

let lastMs = 0
let seq = 0

/** A time-ordered id with a prefix, e.g. `ord_01kf3...`: 48-bit ms, 16-bit sequence, 48 random bits. */
export function newId(prefix: string, now: number = Date.now()): string {
  if (now === lastMs) seq = (seq + 1) & 0xffff
  else { lastMs = now; seq = 0 }
  const buf = Buffer.alloc(14)
  buf.writeUIntBE(now, 0, 6)
  buf.writeUInt16BE(seq, 6)
  randomBytes(6).copy(buf, 8)
  return `${prefix}_${buf.toString('hex')}`
}
