/** What engine/server.ts reads from the environment reaches the listening server. */
import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:net'
import { freePort, spawnServer, startServer, stopServer } from './support/server-process.ts'

describe('the server process environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-env-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('takes its timeouts from ORDO_REQUEST_TIMEOUT_MS and ORDO_HEADERS_TIMEOUT_MS', async () => {
    const port = await freePort()
    const child = await startServer({ port, dbPath: join(dir, 'timeouts.db'), token: 'ordo_env-test-token', env: { ORDO_REQUEST_TIMEOUT_MS: '600', ORDO_HEADERS_TIMEOUT_MS: '300' } })
    try {
      // A connection that never completes its headers is answered 408 and closed within the headers timeout (+ its check interval).
      const socket = connect(port, '127.0.0.1')
      socket.on('error', () => {})
      let received = ''
      socket.setEncoding('latin1')
      socket.on('data', (d: string) => { received += d })
      socket.write('GET /api/health HTTP/1.1\r\n')
      const started = Date.now()
      await new Promise<void>((resolve) => socket.once('close', () => resolve()))
      expect(Date.now() - started).toBeLessThan(1500)
      expect(received).toMatch(/^HTTP\/1\.1 408 /)
    } finally {
      await stopServer(child)
    }
  })

  it('refuses to start on a limit that is not a whole number, naming the variable', async () => {
    const { child, stderr } = spawnServer({ port: await freePort(), dbPath: join(dir, 'bad.db'), token: 'ordo_env-test-token', env: { ORDO_MAX_CONNECTIONS: 'lots' } })
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)))
    expect(code).toBe(1)
    expect(stderr()).toMatch(/ORDO_MAX_CONNECTIONS must be a whole number, got "lots"/)
  })
})
