/**
 * The names behind ids: a published version's definition (immutable, so fetched once per session)
 * and, for an order's history, which workflow and node a run's change came from.
 */
import { useEffect, useState } from 'react'
import { api } from '../api/client.ts'
import type { RunSummary, VersionInfo, WorkflowDefinition } from '../api/types.ts'

const versions = new Map<string, Promise<WorkflowDefinition>>()

/** The definition of `workflowId` at `version`; a failed fetch is forgotten so the next call tries again. */
export function versionDefinition(workflowId: string, version: number): Promise<WorkflowDefinition> {
  const key = `${workflowId}@${version}`
  let known = versions.get(key)
  if (!known) {
    known = api<VersionInfo>('GET', `/api/workflows/${encodeURIComponent(workflowId)}/versions/${version}`).then((v) => v.definition!)
    known.catch(() => versions.delete(key))
    versions.set(key, known)
  }
  return known
}

/** What a run is, by name: its workflow's name and its nodes' names. */
export interface RunNames { workflowId: string; workflowName: string; nodeName(nodeId: string): string }

/** The names of a known definition. */
export function namesOf(def: WorkflowDefinition): RunNames {
  const nodes = new Map(def.nodes.map((n) => [n.id, n.name]))
  return { workflowId: def.id, workflowName: def.name, nodeName: (id) => nodes.get(id) || id }
}

/** Names for each run id (fetched: the run for its version, then that version's definition); a run that cannot be read stays unnamed. */
export function useRunNames(runIds: readonly string[], known: Record<string, WorkflowDefinition> = {}): Record<string, RunNames> {
  const [names, setNames] = useState<Record<string, RunNames>>({})
  const key = [...new Set(runIds)].sort().join(',')
  const knownKey = Object.keys(known).sort().join(',')
  useEffect(() => {
    let live = true
    const ids = key ? key.split(',') : []
    for (const [runId, def] of Object.entries(known)) setNames((n) => (n[runId] ? n : { ...n, [runId]: namesOf(def) }))
    for (const runId of ids.filter((id) => !known[id])) {
      api<RunSummary>('GET', `/api/runs/${encodeURIComponent(runId)}`)
        .then((run) => versionDefinition(run.workflowId, run.version))
        .then((def) => { if (live) setNames((n) => ({ ...n, [runId]: namesOf(def) })) }, () => { /* shown by id */ })
    }
    return () => { live = false }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, knownKey])
  return names
}
