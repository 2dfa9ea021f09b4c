/**
 * The README's "API by example" runs as written on a fresh install: its shell block, run with bash
 * in a folder that holds the server's data folder and a link to examples/, against the real server
 * started fresh (it imports and publishes the templates, and writes the first admin token into
 * data/). Every curl there uses -f, so an error answer fails the block; the answers it prints say
 * what the README says they do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { freePort, startServer, stopServer } from './support/server-process.ts'

const root = join(import.meta.dirname, '..')

/** The first sh code block after the "## API by example" heading of README.md. */
function apiByExample(readme: string): string {
  const section = readme.slice(readme.indexOf('## API by example'))
  const block = /```sh\n([\s\S]*?)```/.exec(section)
  if (!block) throw new Error('README.md has no sh block under "## API by example"')
  return block[1]
}

describe('README: API by example', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-readme-'))
  let port: number
  let server: ChildProcess

  beforeAll(async () => {
    port = await freePort()
    symlinkSync(join(root, 'examples'), join(dir, 'examples'))
    // No ORDO_ADMIN_TOKEN: as on a fresh install, the first admin token is written to data/admin-token.txt.
    server = await startServer({ port, dbPath: join(dir, 'data', 'ordo.db'), token: '', env: { ORDO_ADMIN_TOKEN: '' } })
  }, 60_000)

  afterAll(async () => {
    if (server) await stopServer(server)
    rmSync(dir, { recursive: true, force: true })
  })

  it('runs top to bottom, every curl answered as the README says', () => {
    const script = apiByExample(readFileSync(join(root, 'README.md'), 'utf8')).replaceAll('localhost:3000', `localhost:${port}`)
    const run = spawnSync('bash', ['-c', `set -euo pipefail\n${script}`], { cwd: dir, encoding: 'utf8', timeout: 60_000 })
    expect(run.status, `stderr:\n${run.stderr}\nstdout:\n${run.stdout.slice(-2000)}`).toBe(0)
    const out = run.stdout
    // The order was routed by the published template in the ingest transaction.
    expect(out).toMatch(/"tags":\["vip"\],"assignedTeam":"vip-service"/)
    expect(out).toContain('"origin":{"kind":"run"')
    // A Taobao payload read into an order input, its 64-bit tid whole.
    expect(out).toMatch(/"platformOrderId":"3921847562019384756","status":"paid","totalAmount":54800,"currency":"CNY"/)
    expect(out).toContain('"createdAt":"2026-11-10T16:03:12.000Z"')
    // The first publish made version 1, the second changed nothing.
    expect(out).toMatch(/"workflowId":"split-amount","version":1,[^}]*"changed":true/)
    expect(out).toMatch(/"workflowId":"split-amount","version":1,[^}]*"changed":false/)
    // Import: a draft, then the exported version again (unchanged: still version 1).
    expect(out).toContain('{"imported":[{"id":"refund-desk-routing","version":null,"created":false}]}')
    expect(out).toContain('{"imported":[{"id":"split-amount","version":1,"created":false}]}')
    // The incident, then its retry with divisor 2.
    expect(out).toMatch(/"status":"failed"[^\n]*"incident":\{"nodeId":"share"[^}]*"error":"division by zero[^}]*"nodeName":"计算每份金额"/)
    expect(out).toMatch(/"status":"completed"[^\n]*"variables":\{"divisor":2,"share":64400\}/)
    expect(out).toContain('"result":true')
    expect(out).toMatch(/"role":"operator","token":"/)
  }, 90_000)
})
