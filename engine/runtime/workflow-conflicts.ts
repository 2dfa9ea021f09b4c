/** The field conflicts of a definition with what runs now: the latest published version of every other workflow that loads. */
import { findFieldConflicts, type FieldConflict } from '../core/field-conflicts.ts'
import type { OrderEngine } from './order-engine.ts'

/** Conflicts of `def` (a draft, or a version being published) with the other workflows' latest published versions. */
export async function conflictsWithPublished(engine: Pick<OrderEngine, 'store' | 'disabledWorkflows'>, def: unknown): Promise<FieldConflict[]> {
  // A disabled workflow starts no runs, so it writes nothing to fight over.
  const disabled = new Set(engine.disabledWorkflows.map((d) => d.workflowId))
  const latest = (await engine.store.latestVersions()).filter((v) => !disabled.has(v.workflowId))
  return findFieldConflicts(def, latest.map((v) => v.definition))
}
