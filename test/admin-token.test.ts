/** ORDO_ADMIN_TOKEN across restarts on one database: the token set is the one that works. */
import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHarness, type Harness } from './harness.ts'
import { ensureAdminToken } from '../engine/runtime/bootstrap.ts'
import { hashToken } from '../engine/http/auth.ts'

const OLD = 'ordo_old-admin-token-from-the-env'
const NEW = 'ordo_new-admin-token-from-the-env'

describe('ORDO_ADMIN_TOKEN', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-admin-token-'))
  const dbPath = join(dir, 'ordo.db')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** One start of Ordo on the shared database with ORDO_ADMIN_TOKEN set to `token`. */
  async function start(token: string): Promise<Harness> {
    const h = await createHarness({ dbPath })
    await ensureAdminToken(h.engine.store, { token, tokenFile: join(dir, 'admin-token.txt'), now: h.clock.now() })
    return h
  }
  const status = async (h: Harness, token: string) => (await h.api('GET', '/api/session', undefined, token)).statusCode

  it('revokes the previous env token when it changes, and says so in the audit log without a secret', async () => {
    const first = await start(OLD)
    expect(await status(first, OLD)).toBe(200)
    await first.close()

    const second = await start(NEW)
    try {
      expect(await status(second, NEW)).toBe(200)
      expect(await status(second, OLD)).toBe(401)
      const tokens = (await second.api('GET', '/api/tokens')).json().items.filter((t: any) => t.name === 'ORDO_ADMIN_TOKEN')
      expect(tokens).toHaveLength(2)
      const [oldRow, newRow] = [tokens.find((t: any) => t.revokedAt !== null), tokens.find((t: any) => t.revokedAt === null)]
      expect(oldRow && newRow).toBeTruthy()

      const audit = (await second.api('GET', '/api/audit')).json().items
      expect(audit).toContainEqual(expect.objectContaining({ actor: 'ordo (start)', action: 'token.rotate', target: oldRow.id, detail: { name: 'ORDO_ADMIN_TOKEN', replacedBy: newRow.id } }))
      const log = JSON.stringify(audit)
      for (const secret of [OLD, NEW, hashToken(OLD), hashToken(NEW)]) expect(log).not.toContain(secret)
    } finally {
      await second.close()
    }
  })

  it('changes nothing when the same token starts Ordo again', async () => {
    const h = await start(NEW)
    try {
      expect(await status(h, NEW)).toBe(200)
      const tokens = (await h.api('GET', '/api/tokens')).json().items.filter((t: any) => t.name === 'ORDO_ADMIN_TOKEN' && t.revokedAt === null)
      expect(tokens).toHaveLength(1)
      expect((await h.api('GET', '/api/audit')).json().items.filter((e: any) => e.action === 'token.rotate')).toHaveLength(1)
    } finally {
      await h.close()
    }
  })

  it('does not bring back an env token an admin revoked, nor revoke the others for it', async () => {
    const h = await start(NEW)
    const row = (await h.api('GET', '/api/tokens')).json().items.find((t: any) => t.name === 'ORDO_ADMIN_TOKEN' && t.revokedAt === null)
    expect((await h.api('DELETE', `/api/tokens/${row.id}`)).statusCode).toBe(204)
    await h.close()

    const again = await createHarness({ dbPath })
    try {
      const result = await ensureAdminToken(again.engine.store, { token: NEW, tokenFile: join(dir, 'admin-token.txt'), now: again.clock.now() })
      expect(result).toEqual({ source: 'env', revoked: true })
      expect(await status(again, NEW)).toBe(401)
      // The harness's own admin token still works: nothing else was revoked.
      expect(await status(again, again.adminToken)).toBe(200)
    } finally {
      await again.close()
    }
  })
})
