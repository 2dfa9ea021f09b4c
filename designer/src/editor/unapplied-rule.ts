/** Registers a rule's unparsed JSON text with the editor store while its editor is open. */
import { useCallback, useEffect } from 'react'
import { useEditorStore } from './store.ts'

/**
 * The `onInvalid` of a rule editor at Monaco model `path` on node `nodeId`: unparsed text makes a
 * save refuse. When the editor closes its text is gone, and so is the refusal.
 */
export function useUnappliedRule(path: string, nodeId: string | undefined): (text: string | null) => void {
  const store = useEditorStore()
  useEffect(() => () => store.getState().setUnapplied(path, null), [store, path])
  return useCallback((text: string | null) => {
    store.getState().setUnapplied(path, text === null ? null : { where: 'rule', nodeId, text, kind: 'syntax' })
  }, [store, path, nodeId])
}
