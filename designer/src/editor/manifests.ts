/** The node-type manifests, fetched once per session from GET /api/node-types. */
import { useEffect, useState } from 'react'
import { api } from '../api/client.ts'
import type { NodeManifest } from '../api/types.ts'

let cached: Promise<NodeManifest[]> | null = null

function fetchManifests(): Promise<NodeManifest[]> {
  cached ??= api<{ nodeTypes: NodeManifest[] }>('GET', '/api/node-types').then((r) => r.nodeTypes).catch((e) => { cached = null; throw e })
  return cached
}

export function useManifests(): { manifests: NodeManifest[] | null; error: Error | null } {
  const [manifests, setManifests] = useState<NodeManifest[] | null>(null)
  const [error, setError] = useState<Error | null>(null)
  useEffect(() => {
    let live = true
    fetchManifests().then((m) => live && setManifests(m), (e) => live && setError(e as Error))
    return () => { live = false }
  }, [])
  return { manifests, error }
}
