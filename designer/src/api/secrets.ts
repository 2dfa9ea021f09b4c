/**
 * The secrets' names (GET /api/secrets: names, dates, uses; never a value), fetched at most every
 * half minute and shared by every config field naming a secret; the secrets page says when it set
 * or deleted one. Only admins and designers may read them: for anyone else the list is unknown.
 */
import { useEffect, useState } from 'react'
import { create } from 'zustand'
import { api } from './client.ts'
import type { Role, SecretInfo } from './types.ts'
import { useSession } from '../app/session.ts'

const FRESH_MS = 30_000
const READERS: readonly Role[] = ['admin', 'designer']

let cached: { at: number; list: Promise<SecretInfo[]> } | null = null

/** Bumped when a secret was set or deleted here, so fields showing the list fetch it again. */
const useSecretsVersion = create<{ version: number }>(() => ({ version: 0 }))

/** The secrets; a failed fetch is tried again on the next call. */
export function fetchSecrets(now = Date.now()): Promise<SecretInfo[]> {
  if (!cached || now - cached.at > FRESH_MS) {
    const list = api<{ secrets: SecretInfo[] }>('GET', '/api/secrets').then((r) => r.secrets)
    list.catch(() => { if (cached?.list === list) cached = null })
    cached = { at: now, list }
  }
  return cached.list
}

/** A secret was set, replaced or deleted: the next look reads the list again. */
export function secretsChanged(): void {
  cached = null
  useSecretsVersion.setState((s) => ({ version: s.version + 1 }))
}

/** The secrets once fetched; null while loading, when it failed, or for a role that may not read them. */
export function useSecretList(): SecretInfo[] | null {
  const role = useSession((s) => s.who?.role)
  const version = useSecretsVersion((s) => s.version)
  const [list, setList] = useState<SecretInfo[] | null>(null)
  const allowed = role !== undefined && READERS.includes(role)
  useEffect(() => {
    if (!allowed) { setList(null); return }
    let live = true
    fetchSecrets().then((l) => { if (live) setList(l) }, () => { if (live) setList(null) })
    return () => { live = false }
  }, [allowed, version])
  return list
}
