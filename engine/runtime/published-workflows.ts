/**
 * The published workflow versions this process runs, prepared (rules compiled) once each: a version
 * is immutable, so its prepared form is cached for good. `latest` is what new order events start.
 */
import type { Store } from '../store/store.ts'
import { NotFoundError } from '../store/store.ts'
import type { NodeRegistry } from '../core/registry.ts'
import { prepareWorkflow, type PreparedWorkflow } from '../core/prepare-workflow.ts'

/** Prepared published versions, by (workflow, version), and the latest of each workflow. */
export class PublishedWorkflows {
  private readonly prepared = new Map<string, PreparedWorkflow>()
  private latestVersions: PreparedWorkflow[] = []

  constructor(private readonly store: Store, private readonly registry: NodeRegistry) {}

  /** The latest published version of every workflow, as of the last `refresh()`. */
  get latest(): readonly PreparedWorkflow[] { return this.latestVersions }

  /** Re-reads the latest published versions (after a publish or import). */
  async refresh(): Promise<void> {
    const versions = await this.store.latestVersions()
    this.latestVersions = versions.map((v) => this.prepare(v.workflowId, v.version, v.definition))
  }

  /** One published version, prepared; NotFoundError when it does not exist. */
  async version(workflowId: string, version: number): Promise<PreparedWorkflow> {
    const cached = this.prepared.get(`${workflowId}@${version}`)
    if (cached) return cached
    const row = await this.store.getVersion(workflowId, version)
    if (!row) throw new NotFoundError(`workflow ${workflowId} has no version ${version}`)
    return this.prepare(workflowId, version, row.definition)
  }

  private prepare(workflowId: string, version: number, definition: PreparedWorkflow['definition']): PreparedWorkflow {
    const key = `${workflowId}@${version}`
    let p = this.prepared.get(key)
    if (!p) {
      p = prepareWorkflow({ ...definition, version }, this.registry)
      this.prepared.set(key, p)
    }
    return p
  }
}
