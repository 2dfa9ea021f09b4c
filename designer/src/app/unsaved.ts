/**
 * Unsaved work: the editor registers whether it has unsaved changes, so leaving the page through the
 * navigation or signing out asks first; and it keeps a copy of the dirty flow in sessionStorage, so a
 * reload, an expired token or a crash of the tab does not lose it.
 */
let hasUnsaved: (() => boolean) | null = null
let unsavedMessage: string | null = null

/**
 * The editor calls this with a check of its dirty state (null when it unmounts); another page
 * holding something that would be lost (a secret shown once) passes what to ask instead.
 */
export function registerUnsaved(check: (() => boolean) | null, message: string | null = null): void {
  hasUnsaved = check
  unsavedMessage = check ? message : null
}

/** true when it is fine to leave: nothing unsaved, or the user confirmed (asked `message`, or what the page registered). */
export function confirmLeave(message: string): boolean {
  return !hasUnsaved?.() || window.confirm(unsavedMessage ?? message)
}

const stashKey = (workflowId: string) => `ordo.unsaved.${workflowId}`

export function stashDraft(workflowId: string, definition: unknown): void {
  try { sessionStorage.setItem(stashKey(workflowId), JSON.stringify({ at: Date.now(), definition })) } catch { /* storage full or off */ }
}

export function readStash(workflowId: string): { at: number; definition: unknown } | null {
  try {
    const raw = sessionStorage.getItem(stashKey(workflowId))
    return raw ? (JSON.parse(raw) as { at: number; definition: unknown }) : null
  } catch { return null }
}

export function clearStash(workflowId: string): void {
  try { sessionStorage.removeItem(stashKey(workflowId)) } catch { /* nothing stored */ }
}
