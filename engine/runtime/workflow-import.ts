/** Imports workflow templates: create or update each draft, then publish it (used by the API and first start). */
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'
import { ConflictError } from '../store/store.ts'
import type { OrderEngine } from './order-engine.ts'

export interface ImportedWorkflow { id: string; version: number | null; created: boolean }

/** Imports already-checked definitions in order; publishes each when `publish`. */
export async function importWorkflows(engine: OrderEngine, defs: WorkflowDefinition[], options: { publish: boolean; by: string }): Promise<ImportedWorkflow[]> {
  const { store, clock } = engine
  const out: ImportedWorkflow[] = []
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
    const version = options.publish ? (await store.publishVersion(draft.id, draft, now, options.by)).version : null
    await store.appendAudit({ at: now, actor: options.by, action: 'workflow.import', target: draft.id, detail: { created, version } })
    out.push({ id: draft.id, version, created })
  }
  if (options.publish) await engine.refreshWorkflows()
  return out
}
