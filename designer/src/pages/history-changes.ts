/**
 * What one order history entry changed, from the `before` and `after` values a patched entry
 * records: a field from one value to another, tags added and removed, holds added and released.
 * Status moves are shown by the entry's own from/to, so they are left out here.
 */

/** One change, ready to render. */
export type HistoryChange =
  | { field: string; kind: 'value'; from: unknown; to: unknown }
  | { field: 'tags'; kind: 'tags'; added: string[]; removed: string[] }
  | { field: 'holds'; kind: 'holds'; added: Array<{ pool: string; reason?: string }>; released: string[] }

function objectOr(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : null
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

function holds(value: unknown): Array<{ pool: string; reason?: string }> {
  if (!Array.isArray(value)) return []
  return value.flatMap((h) => (h && typeof h.pool === 'string' ? [{ pool: h.pool as string, ...(typeof h.reason === 'string' ? { reason: h.reason as string } : {}) }] : []))
}

/** The changes a history entry's detail records (none for entries without before/after values). */
export function historyChanges(detail: Record<string, unknown> | undefined): HistoryChange[] {
  const before = objectOr(detail?.before)
  const after = objectOr(detail?.after)
  if (!before || !after) return []
  const out: HistoryChange[] = []
  for (const field of Object.keys(after)) {
    if (field === 'status') continue
    if (field === 'tags') {
      const was = strings(before.tags)
      const now = strings(after.tags)
      out.push({ field, kind: 'tags', added: now.filter((t) => !was.includes(t)), removed: was.filter((t) => !now.includes(t)) })
    } else if (field === 'holds') {
      const was = holds(before.holds)
      const now = holds(after.holds)
      out.push({ field, kind: 'holds', added: now.filter((h) => !was.some((w) => w.pool === h.pool)), released: was.filter((w) => !now.some((h) => h.pool === w.pool)).map((w) => w.pool) })
    } else {
      out.push({ field, kind: 'value', from: before[field] ?? null, to: after[field] ?? null })
    }
  }
  return out
}
