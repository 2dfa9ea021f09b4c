/** Imports workflow templates: create or update each draft, then publish it (used by the API and first start). */
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'
import { ConflictError } from '../store/store.ts'
import type { OrderEngine } from './order-engine.ts'
import { publishIfChanged } from './publish-workflow.ts'

export interface ImportedWorkflow { id: string; version: number | null; created: boolean }

/** Imports already-checked definitions in order; publishes each when `publish` (a definition equal to its latest version keeps that version). */
export async function importWorkflows(engine: OrderEngine, defs: WorkflowDefinition[], options: { publish: boolean; by: string }): Promise<ImportedWorkflow[]> {
  const { store, clock } = engine
  const out: ImportedWorkflow[] = []
  let published = false
  for (const def of defs) {
    const now = clock.now()
    const { version: _exportedVersion, ...draft } = def
    let created = false
    try {
      await store.createWorkflow(draft, now)
      created = true
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err
      await store.updateDraft(draft.id, draft, now)
    }
    let version: number | null = null
    if (options.publish) {
      const outcome = await publishIfChanged(store, draft.id, draft, now, options.by)
      version = outcome.version.version
      published ||= outcome.changed
    }
    await store.appendAudit({ at: now, actor: options.by, action: 'workflow.import', target: draft.id, detail: { created, version } })
    out.push({ id: draft.id, version, created })
  }
  if (published) await engine.refreshWorkflows()
  return out
}
