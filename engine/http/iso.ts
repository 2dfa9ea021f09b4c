/** Epoch ms inside, ISO 8601 at the edges. */

/** ISO 8601 (UTC) of epoch ms; null stays null. */
export function iso(ms: number): string
export function iso(ms: number | null): string | null
export function iso(ms: number | null): string | null {
  return ms == null ? null : new Date(ms).toISOString()
}
