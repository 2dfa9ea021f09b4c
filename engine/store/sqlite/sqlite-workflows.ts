/**
 * Workflow drafts and their immutable published versions in SQLite. Drafts use optimistic
 * concurrency (draft_revision); versions are append-only, enforced by triggers in the schema.
 */
import type Database from 'better-sqlite3'
import type { WorkflowDefinition } from '../../../schemas/generated/workflow.ts'
import type { WorkflowRow, WorkflowVersionRow } from '../store.ts'
import { ConflictError, NotFoundError } from '../store.ts'

interface WorkflowRecordRow {
  id: string; name: string; draft: string; draft_revision: number; latest_version: number | null
  created_at: number; updated_at: number
}
interface VersionRecordRow { workflow_id: string; version: number; definition: string; published_at: number; published_by: string }

function toWorkflow(r: WorkflowRecordRow): WorkflowRow {
  return {
    id: r.id, name: r.name, draft: JSON.parse(r.draft) as WorkflowDefinition, draftRevision: r.draft_revision,
    latestVersion: r.latest_version, createdAt: r.created_at, updatedAt: r.updated_at,
  }
}

function toVersion(r: VersionRecordRow): WorkflowVersionRow {
  return {
    workflowId: r.workflow_id, version: r.version, definition: JSON.parse(r.definition) as WorkflowDefinition,
    publishedAt: r.published_at, publishedBy: r.published_by,
  }
}

function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare<[string, string, string, number, number]>(
      `INSERT INTO workflows (id, name, draft, draft_revision, latest_version, created_at, updated_at)
       VALUES (?, ?, ?, 1, NULL, ?, ?) ON CONFLICT (id) DO NOTHING`),
    byId: db.prepare<[string], WorkflowRecordRow>('SELECT * FROM workflows WHERE id = ?'),
    all: db.prepare<[], WorkflowRecordRow>('SELECT * FROM workflows ORDER BY id'),
    updateDraft: db.prepare<[string, string, number, number, string]>(
      'UPDATE workflows SET name = ?, draft = ?, draft_revision = ?, updated_at = ? WHERE id = ?'),
    setLatest: db.prepare<[number, number, string]>('UPDATE workflows SET latest_version = ?, updated_at = ? WHERE id = ?'),
    insertVersion: db.prepare<[string, number, string, number, string]>(
      `INSERT INTO workflow_versions (workflow_id, version, definition, published_at, published_by)
       VALUES (?, ?, ?, ?, ?)`),
    versions: db.prepare<[string], VersionRecordRow>('SELECT * FROM workflow_versions WHERE workflow_id = ? ORDER BY version'),
    version: db.prepare<[string, number], VersionRecordRow>('SELECT * FROM workflow_versions WHERE workflow_id = ? AND version = ?'),
    latest: db.prepare<[], VersionRecordRow>(
      `SELECT v.* FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.latest_version
       ORDER BY w.id`),
  }
}

/** Repository of workflows and versions over one connection. */
export class SqliteWorkflows {
  private readonly q: ReturnType<typeof prepareStatements>
  /** Read-check-write sequences: IMMEDIATE transactions, so another process cannot write between the check and the write. */
  readonly updateDraft: (id: string, def: WorkflowDefinition, now: number, expectedRevision?: number) => WorkflowRow
  readonly publish: (id: string, def: WorkflowDefinition, now: number, by: string) => WorkflowVersionRow

  constructor(db: Database.Database) {
    const q = prepareStatements(db)
    this.q = q
    this.updateDraft = db.transaction((id: string, def: WorkflowDefinition, now: number, expectedRevision?: number) => {
      const row = q.byId.get(id)
      if (!row) throw new NotFoundError(`workflow ${id} does not exist`)
      if (expectedRevision !== undefined && expectedRevision !== row.draft_revision) {
        throw new ConflictError(`workflow ${id} draft is at revision ${row.draft_revision}, not ${expectedRevision}`)
      }
      const draftRevision = row.draft_revision + 1
      const draft = JSON.stringify(def)
      q.updateDraft.run(def.name, draft, draftRevision, now, id)
      return {
        id, name: def.name, draft: def, draftRevision, latestVersion: row.latest_version, createdAt: row.created_at, updatedAt: now,
      }
    }).immediate
    this.publish = db.transaction((id: string, def: WorkflowDefinition, now: number, by: string) => {
      const row = q.byId.get(id)
      if (!row) throw new NotFoundError(`workflow ${id} does not exist`)
      const version = (row.latest_version ?? 0) + 1
      // The stored definition names its own version, so an exported version says which one it is.
      const definition: WorkflowDefinition = { ...def, version }
      q.insertVersion.run(id, version, JSON.stringify(definition), now, by)
      q.setLatest.run(version, now, id)
      return { workflowId: id, version, definition, publishedAt: now, publishedBy: by }
    }).immediate
  }

  /** Creates a draft at revision 1; throws ConflictError when the id exists. */
  create(def: WorkflowDefinition, now: number): WorkflowRow {
    if (this.q.insert.run(def.id, def.name, JSON.stringify(def), now, now).changes === 0) {
      throw new ConflictError(`workflow ${def.id} already exists`)
    }
    return { id: def.id, name: def.name, draft: def, draftRevision: 1, latestVersion: null, createdAt: now, updatedAt: now }
  }

  /** Reads one workflow. */
  get(id: string): WorkflowRow | null {
    const row = this.q.byId.get(id)
    return row ? toWorkflow(row) : null
  }

  /** Every workflow by id. */
  list(): WorkflowRow[] {
    return this.q.all.all().map(toWorkflow)
  }

  /** A workflow's versions, oldest first. */
  versions(id: string): WorkflowVersionRow[] {
    return this.q.versions.all(id).map(toVersion)
  }

  /** One version, or null. */
  version(id: string, version: number): WorkflowVersionRow | null {
    const row = this.q.version.get(id, version)
    return row ? toVersion(row) : null
  }

  /** The latest published version of every workflow that has one. */
  latest(): WorkflowVersionRow[] {
    return this.q.latest.all().map(toVersion)
  }
}
