/**
 * Publishing a draft: a new immutable version only when it differs from the latest one, so
 * publishing twice (or importing the same file twice) does not make identical versions.
 */
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'
import type { Store, WorkflowVersionRow } from '../store/store.ts'
import { NotFoundError } from '../store/store.ts'
import { sameJson } from '../core/same-json.ts'

/** What a publish did: the latest version afterwards, and whether it is a new one. */
export interface PublishOutcome { version: WorkflowVersionRow; changed: boolean }

/** True when two definitions are the same flow; the `version` a stored definition names itself by does not count. */
export function sameDefinition(a: WorkflowDefinition, b: WorkflowDefinition): boolean {
  const { version: _a, ...restA } = a
  const { version: _b, ...restB } = b
  return sameJson(restA, restB)
}

/** Publishes `def` as workflow `id`'s next version, unless it equals the latest version: then that one, `changed: false`. */
export async function publishIfChanged(store: Store, id: string, def: WorkflowDefinition, now: number, by: string): Promise<PublishOutcome> {
  const row = await store.getWorkflow(id)
  if (!row) throw new NotFoundError(`workflow ${id} not found`)
  if (row.latestVersion != null) {
    const latest = await store.getVersion(id, row.latestVersion)
    if (latest && sameDefinition(latest.definition, def)) return { version: latest, changed: false }
  }
  return { version: await store.publishVersion(id, def, now, by), changed: true }
}
