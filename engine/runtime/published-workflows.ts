/**
 * The published workflow versions this process runs, prepared (rules compiled) once each: a version
 * is immutable, so its prepared form is cached for good. `latest` is what new order events start.
 *
 * A stored version this build cannot prepare (its node type was removed, its config no longer passes
 * the node's schema) disables that one workflow: it is left out of `latest`, reported in `disabled`
 * (health, the designer), and everything else keeps running.
 */
import type { Store, WorkflowVersionRow } from '../store/store.ts'
import { ConflictError, NotFoundError } from '../store/store.ts'
import type { NodeRegistry } from '../core/registry.ts'
import { prepareWorkflow, type PreparedWorkflow } from '../core/prepare-workflow.ts'

/** A published workflow this process cannot run, and why. */
export interface DisabledWorkflow {
  workflowId: string
  version: number
  reason: string
}

/** Thrown for a version that cannot be prepared (409 to a client); runs pinned to it are parked by the executor. */
export class DisabledWorkflowError extends ConflictError {
  override readonly name = 'DisabledWorkflowError'
}

/** Prepared published versions, by (workflow, version), and the latest of each workflow. */
export class PublishedWorkflows {
  private readonly prepared = new Map<string, PreparedWorkflow>()
  private readonly failed = new Map<string, string>()
  private latestVersions: PreparedWorkflow[] = []
  private disabledLatest: DisabledWorkflow[] = []

  constructor(private readonly store: Store, private readonly registry: NodeRegistry) {}

  /** The latest published version of every workflow that loads, as of the last `refresh()`. */
  get latest(): readonly PreparedWorkflow[] { return this.latestVersions }

  /** Workflows whose latest published version does not load in this build. */
  get disabled(): readonly DisabledWorkflow[] { return this.disabledLatest }

  /** Re-reads the latest published versions (after a publish or import); one that fails disables only itself. */
  async refresh(): Promise<void> {
    const versions = await this.store.latestVersions()
    const latest: PreparedWorkflow[] = []
    const disabled: DisabledWorkflow[] = []
    for (const v of versions) {
      const outcome = this.tryPrepare(v)
      if ('prepared' in outcome) latest.push(outcome.prepared)
      else disabled.push({ workflowId: v.workflowId, version: v.version, reason: outcome.reason })
    }
    this.latestVersions = latest
    this.disabledLatest = disabled
  }

  /** One published version, prepared; NotFoundError when it does not exist, DisabledWorkflowError when it cannot load. */
  async version(workflowId: string, version: number): Promise<PreparedWorkflow> {
    const key = `${workflowId}@${version}`
    const cached = this.prepared.get(key)
    if (cached) return cached
    const known = this.failed.get(key)
    if (known) throw new DisabledWorkflowError(`workflow ${workflowId} version ${version} cannot run in this build: ${known}`)
    const row = await this.store.getVersion(workflowId, version)
    if (!row) throw new NotFoundError(`workflow ${workflowId} has no version ${version}`)
    const outcome = this.tryPrepare(row)
    if ('prepared' in outcome) return outcome.prepared
    throw new DisabledWorkflowError(`workflow ${workflowId} version ${version} cannot run in this build: ${outcome.reason}`)
  }

  private tryPrepare(row: WorkflowVersionRow): { prepared: PreparedWorkflow } | { reason: string } {
    const key = `${row.workflowId}@${row.version}`
    const cached = this.prepared.get(key)
    if (cached) return { prepared: cached }
    const known = this.failed.get(key)
    if (known) return { reason: known }
    try {
      const prepared = prepareWorkflow({ ...row.definition, version: row.version }, this.registry)
      this.prepared.set(key, prepared)
      return { prepared }
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err)
      this.failed.set(key, reason)
      return { reason }
    }
  }
}
