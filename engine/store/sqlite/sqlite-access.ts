/**
 * API tokens (stored only as hashes) and the audit log in SQLite.
 */
import type Database from 'better-sqlite3'
import type { AuditEntry, Page, Role, TokenRow } from '../store.ts'
import { ConflictError } from '../store.ts'
import { decodeCursor, keysetPage, pageLimit } from '../page-cursor.ts'

interface TokenRecordRow { id: string; name: string; role: Role; created_at: number; revoked_at: number | null }
interface AuditRecordRow { id: number; at: number; actor: string; action: string; target: string; detail: string }

function toToken(r: TokenRecordRow): TokenRow {
  return { id: r.id, name: r.name, role: r.role, createdAt: r.created_at, revokedAt: r.revoked_at }
}

function toAudit(r: AuditRecordRow): AuditEntry {
  return { id: r.id, at: r.at, actor: r.actor, action: r.action, target: r.target, detail: JSON.parse(r.detail) as Record<string, unknown> }
}

function prepareStatements(db: Database.Database) {
  return {
    insertToken: db.prepare<[string, string, Role, string, number]>(
      `INSERT INTO api_tokens (id, name, role, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, NULL)
       ON CONFLICT DO NOTHING`),
    activeByHash: db.prepare<[string], TokenRecordRow>(
      'SELECT id, name, role, created_at, revoked_at FROM api_tokens WHERE hash = ? AND revoked_at IS NULL'),
    revoke: db.prepare<[number, string]>('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    allTokens: db.prepare<[], TokenRecordRow>('SELECT id, name, role, created_at, revoked_at FROM api_tokens ORDER BY created_at, id'),
    insertAudit: db.prepare<[number, string, string, string, string]>(
      'INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)'),
    auditFirst: db.prepare<[number], AuditRecordRow>('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?'),
    auditAfter: db.prepare<[number, number], AuditRecordRow>('SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?'),
  }
}

/** Repository of API tokens and audit entries over one connection. */
export class SqliteAccess {
  private readonly q: ReturnType<typeof prepareStatements>

  constructor(db: Database.Database) {
    this.q = prepareStatements(db)
  }

  /** Stores a token by its hash; throws ConflictError when the id or the hash exists. */
  createToken(row: { id: string; name: string; role: Role; hash: string }, now: number): TokenRow {
    if (this.q.insertToken.run(row.id, row.name, row.role, row.hash, now).changes === 0) {
      throw new ConflictError(`token ${row.id} (or its hash) already exists`)
    }
    return { id: row.id, name: row.name, role: row.role, createdAt: now, revokedAt: null }
  }

  /** The active token with this hash; a revoked token is never found, so it can never authenticate. */
  findTokenByHash(hash: string): TokenRow | null {
    const row = this.q.activeByHash.get(hash)
    return row ? toToken(row) : null
  }

  /** Revokes a token; false when it does not exist or was revoked before. */
  revokeToken(id: string, now: number): boolean {
    return this.q.revoke.run(now, id).changes === 1
  }

  /** Every token, revoked ones included, oldest first. */
  listTokens(): TokenRow[] {
    return this.q.allTokens.all().map(toToken)
  }

  /** Appends one audit entry. */
  appendAudit(entry: Omit<AuditEntry, 'id'>): void {
    this.q.insertAudit.run(entry.at, entry.actor, entry.action, entry.target, JSON.stringify(entry.detail))
  }

  /** Audit entries newest first, keyset paged by id. */
  listAudit(limit: number, cursor?: string): Page<AuditEntry> {
    const n = pageLimit(limit)
    const rows = cursor === undefined
      ? this.q.auditFirst.all(n + 1)
      : this.q.auditAfter.all(decodeCursor(cursor, ['number'])[0], n + 1)
    return keysetPage(rows, n, (r) => [r.id], toAudit)
  }
}
