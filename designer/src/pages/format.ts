/** Pure helpers of the operator pages: times, durations, workflow ids, JSON input, throttling. */
import workflowSchema from '../../../schemas/workflow.schema.json' with { type: 'json' }

/** An ISO timestamp in the browser's time zone, formatted for `locale`; '—' when absent or unreadable. */
export function formatTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleString(locale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
}

/**
 * An ISO timestamp in the browser's time zone, as short as a log needs it: the time alone on the
 * day of `now`, with the month and day in the same year, in full otherwise; '—' when absent.
 */
export function formatShortTime(iso: string | null | undefined, locale: string, now: Date = new Date()): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const time = { hour: '2-digit', minute: '2-digit', second: '2-digit' } as const
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString(locale, time)
  if (d.getFullYear() === now.getFullYear()) return d.toLocaleString(locale, { month: '2-digit', day: '2-digit', ...time })
  return formatTime(iso, locale)
}

/** A duration in ms as a short text: "850 ms", "1.2 s", "3 min 5 s", "2 h 4 min", "3 d 1 h". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—'
  // Steps take fractions of a millisecond: "0 ms" would read as "did not run".
  if (ms > 0 && ms < 1) return '<1 ms'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`
  const s = Math.floor(ms / 1000)
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`
}

/**
 * How long a run took: to its end, or for a failed run (which stays open for a retry, so it has no
 * finishedAt) to when it failed; a run still going counts up to now.
 */
export function runElapsedMs(run: { startedAt: string; finishedAt: string | null; updatedAt: string; status: string }, now = Date.now()): number | null {
  return elapsedMs(run.startedAt, run.finishedAt ?? (run.status === 'failed' ? run.updatedAt : null), now)
}

/** ms between two ISO timestamps; to `now` when the end is missing (a run still going). */
export function elapsedMs(startIso: string | null | undefined, endIso: string | null | undefined, now = Date.now()): number | null {
  if (!startIso) return null
  const start = Date.parse(startIso)
  const end = endIso ? Date.parse(endIso) : now
  if (Number.isNaN(start) || Number.isNaN(end)) return null
  return Math.max(0, end - start)
}

/** The workflow id pattern, read from workflow.schema.json. */
export const WORKFLOW_ID_PATTERN = new RegExp(workflowSchema.definitions.slug.pattern)

/** `base` when free, else `base-2`, `base-3`, … (each kept within 64 characters). */
export function nextFreeId(base: string, taken: Iterable<string>): string {
  const used = new Set(taken)
  if (!used.has(base)) return base
  for (let n = 2; ; n++) {
    const suffix = `-${n}`
    const candidate = base.slice(0, 64 - suffix.length) + suffix
    if (!used.has(candidate)) return candidate
  }
}

/** Parses text that must be a JSON object (run variables); empty text is "no variables". */
export function parseJsonObject(text: string): { ok: true; value: Record<string, unknown> | undefined } | { ok: false; notObject: boolean; error: string } {
  if (!text.trim()) return { ok: true, value: undefined }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    return { ok: false, notObject: false, error: e instanceof Error ? e.message : String(e) }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, notObject: true, error: 'not an object' }
  return { ok: true, value: value as Record<string, unknown> }
}

/**
 * The workflow ids an import body holds, read the way the API reads it: one definition, an array,
 * a bundle `{ workflows: [...] }` or an export document `{ format: 'ordo.workflow/v1', workflow }`.
 */
export function importedIds(body: unknown): string[] {
  let defs: unknown[]
  if (Array.isArray(body)) defs = body
  else if (body && typeof body === 'object' && (body as { format?: unknown }).format === 'ordo.workflow/v1') defs = [(body as { workflow?: unknown }).workflow]
  else if (body && typeof body === 'object' && Array.isArray((body as { workflows?: unknown }).workflows)) defs = (body as { workflows: unknown[] }).workflows
  else defs = [body]
  return defs.flatMap((d) => (d && typeof d === 'object' && typeof (d as { id?: unknown }).id === 'string' ? [(d as { id: string }).id] : []))
}

/**
 * Wraps `fn` so it runs at most once per `ms`: the first call runs at once, calls during the
 * window collapse into one trailing call at its end. `cancel()` drops a pending trailing call.
 */
export function throttle(fn: () => void, ms: number): { (): void; cancel(): void } {
  let last = -Infinity
  let timer: ReturnType<typeof setTimeout> | null = null
  const run = () => { last = Date.now(); timer = null; fn() }
  const throttled = () => {
    if (timer) return
    const wait = last + ms - Date.now()
    if (wait <= 0) run()
    else timer = setTimeout(run, wait)
  }
  throttled.cancel = () => { if (timer) clearTimeout(timer); timer = null }
  return throttled
}
