/**
 * Who is signed in: the bearer token (kept in localStorage so a reload stays signed in) and the
 * role the API reports for it. `can()` decides what the UI offers; the API refuses the rest anyway.
 */
import { create } from 'zustand'
import type { Role, Session } from '../api/types.ts'

const TOKEN_KEY = 'ordo.token'

interface SessionState {
  token: string | null
  who: Session | null
  signIn(token: string, who: Session): void
  logout(): void
}

function storedToken(): string | null {
  try { return globalThis.localStorage?.getItem(TOKEN_KEY) ?? null } catch { return null }
}

export const useSession = create<SessionState>((set) => ({
  token: storedToken(),
  who: null,
  signIn(token, who) {
    try { globalThis.localStorage?.setItem(TOKEN_KEY, token) } catch { /* private mode: session lasts the tab */ }
    set({ token, who })
  },
  logout() {
    try { globalThis.localStorage?.removeItem(TOKEN_KEY) } catch { /* nothing stored */ }
    set({ token: null, who: null })
  },
}))

/** What each role may do, mirroring the API's route roles. */
const PERMISSIONS = {
  editWorkflow: ['admin', 'designer'],
  publishWorkflow: ['admin', 'designer'],
  dryRun: ['admin', 'designer', 'operator'],
  sendOrder: ['admin', 'operator'],
  retryRun: ['admin', 'operator'],
  cancelRun: ['admin', 'operator'],
  viewIntegrations: ['admin', 'designer', 'operator'],
  viewSecrets: ['admin', 'designer'],
  manageSecrets: ['admin'],
  viewSubscriptions: ['admin', 'designer', 'operator'],
  manageSubscriptions: ['admin'],
  replayDeadLetters: ['admin', 'operator'],
  viewShops: ['admin', 'operator'],
  manageShops: ['admin'],
  /** Replay a push, pull a shop now, try the normalizer. */
  workShops: ['admin', 'operator'],
} as const satisfies Record<string, readonly Role[]>

export type Permission = keyof typeof PERMISSIONS

/** true when the role may do it. */
export function roleCan(role: Role | undefined, action: Permission): boolean {
  return role !== undefined && (PERMISSIONS[action] as readonly Role[]).includes(role)
}

/** Hook form of roleCan for the signed-in user. */
export function useCan(action: Permission): boolean {
  return roleCan(useSession((s) => s.who?.role), action)
}
