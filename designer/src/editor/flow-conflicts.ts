/**
 * The field conflicts the last validation reported, per flow id: other published flows that set
 * the same order field on the same event. Kept beside the editor store (not in it) so the Flow tab
 * reads them without the canvas store knowing about other workflows.
 */
import { create } from 'zustand'
import type { FieldConflict } from '../api/types.ts'

interface FlowConflictsState {
  byFlow: Record<string, FieldConflict[]>
  /** Replaces what is known for `flowId` (the validate answer's `conflicts`). */
  set(flowId: string, conflicts: FieldConflict[]): void
}

const NONE: FieldConflict[] = []

/** Conflicts by flow id, as the latest validation answered them. */
export const useFlowConflicts = create<FlowConflictsState>((set) => ({
  byFlow: {},
  set(flowId, conflicts) {
    set((s) => ({ byFlow: { ...s.byFlow, [flowId]: conflicts.length ? conflicts : NONE } }))
  },
}))

/** The conflicts known for one flow (a stable empty list when none). */
export function useConflictsOf(flowId: string): FieldConflict[] {
  return useFlowConflicts((s) => s.byFlow[flowId] ?? NONE)
}
