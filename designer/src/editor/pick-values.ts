/**
 * The values in use for the pick lists of config fields: what GET /api/values answers (orders and
 * stored flows), fetched at most once a minute, plus what the flow on the canvas uses now.
 */
import { useEffect, useState } from 'react'
import { api } from '../api/client.ts'
import type { NodeManifest, WorkflowDefinition } from '../api/types.ts'
import { collectDefinitionPickValues, emptyPickValues } from '../../../engine/nodes/pick-values.ts'
import type { PickList } from '../../../engine/nodes/schema-fragments.ts'

/** GET /api/values. */
export type ValuesInUse = Record<PickList, string[]>

const FRESH_MS = 60_000
let cached: { at: number; values: Promise<ValuesInUse> } | null = null

/** The values in use on the server; a failed fetch is retried on the next call. */
export function fetchValuesInUse(now = Date.now()): Promise<ValuesInUse> {
  if (!cached || now - cached.at > FRESH_MS) {
    const values = api<ValuesInUse>('GET', '/api/values')
    values.catch(() => { if (cached?.values === values) cached = null })
    cached = { at: now, values }
  }
  return cached.values
}

/** The server's values of `list` once fetched (empty until then). */
export function useValuesInUse(list: PickList): string[] {
  const [values, setValues] = useState<string[]>([])
  useEffect(() => {
    let live = true
    fetchValuesInUse().then((v) => { if (live) setValues(v[list] ?? []) }, () => { /* offered from the canvas alone */ })
    return () => { live = false }
  }, [list])
  return values
}

/** `server`'s values and those `definition` uses, each once, in code-point order. */
export function mergeWithDefinition(server: readonly string[], list: PickList, definition: WorkflowDefinition, manifests: readonly NodeManifest[]): string[] {
  const into = emptyPickValues()
  collectDefinitionPickValues(definition, (type) => manifests.find((m) => m.type === type), into)
  return [...new Set([...server, ...into[list]])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/** Edit distance of two short texts (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    row = next
  }
  return row[b.length]
}

/**
 * The values to offer for `typed`: those containing it, then those a typo away from it (so
 * "vip-servcie" still shows vip-service), in the order of `values`; all of them for no text.
 */
export function matchingValues(values: readonly string[], typed: string): string[] {
  const needle = typed.trim().toLowerCase()
  if (!needle) return [...values]
  const containing = values.filter((v) => v.toLowerCase().includes(needle))
  const close = values.filter((v) => !containing.includes(v) && distance(v.toLowerCase(), needle) <= Math.max(2, Math.floor(needle.length / 4)))
  return [...containing, ...close]
}
