/** First-start chores: the first admin token, the example templates, periodic upkeep. */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { ConflictError, type Store, type TokenRow } from '../store/store.ts'
import { checkDefinition } from '../core/check-definition.ts'
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'
import type { OrderEngine, EngineLogger } from './order-engine.ts'
import { importWorkflows } from './workflow-import.ts'
import { newId } from './ids.ts'
import { generateToken, hashToken } from '../http/auth.ts'

/** The name of the token registered from ORDO_ADMIN_TOKEN. */
const ENV_TOKEN_NAME = 'ORDO_ADMIN_TOKEN'
/** Who the audit log names for what a start does. */
const START_ACTOR = 'ordo (start)'

/**
 * Makes sure an admin can log in: registers ORDO_ADMIN_TOKEN's hash, or on a store without tokens
 * writes a generated one to `tokenFile` (mode 600) — never to the log. A new ORDO_ADMIN_TOKEN
 * replaces the previous one: the earlier env tokens are revoked, so changing the variable and
 * restarting is how the admin token is rotated. An env token an admin revoked stays revoked
 * (`revoked: true`, for the caller to warn about): a restart must not bring back a leaked secret.
 */
export async function ensureAdminToken(store: Store, options: { token?: string; tokenFile: string; now: number }): Promise<{ source: 'env' | 'file' | 'existing'; file?: string; revoked?: true }> {
  if (options.token) {
    const hash = hashToken(options.token)
    if (await store.findTokenByHash(hash)) return { source: 'env' }
    const previous = (await store.listTokens()).filter((t) => t.name === ENV_TOKEN_NAME && t.revokedAt == null)
    let row: TokenRow
    try {
      row = await store.createToken({ id: newId('tok', options.now), name: ENV_TOKEN_NAME, role: 'admin', hash }, options.now)
    } catch (err) {
      // The id is new, so the conflict is the hash: this token exists, revoked (findTokenByHash sees active ones only).
      if (err instanceof ConflictError) return { source: 'env', revoked: true }
      throw err
    }
    await store.appendAudit({ at: options.now, actor: START_ACTOR, action: 'token.create', target: row.id, detail: { name: row.name, role: row.role } })
    for (const old of previous) {
      await store.revokeToken(old.id, options.now)
      await store.appendAudit({ at: options.now, actor: START_ACTOR, action: 'token.rotate', target: old.id, detail: { name: ENV_TOKEN_NAME, replacedBy: row.id } })
    }
    return { source: 'env' }
  }
  const tokens = await store.listTokens()
  if (tokens.some((t) => t.role === 'admin' && t.revokedAt == null)) return { source: 'existing' }
  const token = generateToken()
  await store.createToken({ id: newId('tok', options.now), name: 'first admin', role: 'admin', hash: hashToken(token) }, options.now)
  mkdirSync(dirname(options.tokenFile), { recursive: true })
  writeFileSync(options.tokenFile, token + '\n', { mode: 0o600 })
  return { source: 'file', file: options.tokenFile }
}

/** Reads every *.workflow.json template of a folder, checked; throws naming the file if one is invalid. */
export function readTemplates(dir: string, engine: OrderEngine): WorkflowDefinition[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.workflow.json')).sort()
  return files.map((file) => {
    const def = JSON.parse(readFileSync(join(dir, file), 'utf8'))
    const check = checkDefinition(def, engine.registry)
    if (!check.valid) throw new Error(`${file}: ${check.errors.map((e) => `${e.pointer} ${e.reason}`).join('; ')}`)
    return def as WorkflowDefinition
  })
}

/** On an empty store, imports and publishes the templates of `dir`. */
export async function importExamplesIfEmpty(engine: OrderEngine, dir: string): Promise<number> {
  if ((await engine.store.listWorkflows()).length > 0) return 0
  const defs = readTemplates(dir, engine)
  await importWorkflows(engine, defs, { publish: true, by: 'ordo (first start)' })
  return defs.length
}

/** Rows pruned per transaction: a backlog of millions goes a slice at a time, the event loop free in between. */
export const PRUNE_SLICE = 2_000

/** Prunes everything older than `before`, slice by slice, yielding to other work between slices. */
export async function pruneInSlices(engine: OrderEngine, before: number): Promise<{ runs: number; steps: number; audit: number; log: number }> {
  const total = { runs: 0, steps: 0, audit: 0, log: 0 }
  for (;;) {
    const n = await engine.store.prune(before, PRUNE_SLICE)
    total.runs += n.runs
    total.steps += n.steps
    total.audit += n.audit
    total.log += n.log
    if (n.runs < PRUNE_SLICE && n.audit < PRUNE_SLICE && n.log < PRUNE_SLICE) return total
    await new Promise((r) => setImmediate(r))
  }
}

/** Periodic upkeep: WAL checkpoints and retention of finished runs and old logs. */
export function startUpkeep(engine: OrderEngine, options: { retentionMs: number; checkpointEveryMs?: number; log: EngineLogger }): () => void {
  const checkpoint = setInterval(() => {
    engine.store.checkpoint().catch((err) => options.log.warn({ err }, 'checkpoint failed'))
  }, options.checkpointEveryMs ?? 60_000)
  const prune = setInterval(() => {
    pruneInSlices(engine, engine.clock.now() - options.retentionMs)
      .then((n) => { if (n.runs + n.audit + n.log > 0) options.log.info(n, 'pruned old rows') })
      .catch((err) => options.log.warn({ err }, 'prune failed'))
  }, 60 * 60_000)
  checkpoint.unref()
  prune.unref()
  return () => { clearInterval(checkpoint); clearInterval(prune) }
}
