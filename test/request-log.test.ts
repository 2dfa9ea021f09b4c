/** Request logging: one JSON line per request, quiet by default (what failed), every request with ORDO_LOG=info. */
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { Writable } from 'node:stream'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHarness, type Harness } from './harness.ts'
import { logSettings, requestLogLevel, type RequestLogMode } from '../engine/http/request-log.ts'
import { freePort, spawnServer, stopServer } from './support/server-process.ts'

/** A harness whose app logs JSON lines into `lines`. */
async function loggingHarness(mode: RequestLogMode, lines: Array<Record<string, any>>): Promise<Harness> {
  const stream = new Writable({ write(chunk, _enc, done) { for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l)); done() } })
  return createHarness({ app: { logger: { level: 'info', stream }, requestLog: mode } })
}

const requestLines = (lines: Array<Record<string, any>>) => lines.filter((l) => l.msg === 'request completed' || l.msg === 'incoming request')

describe('request logging', () => {
  let h: Harness | null = null
  afterEach(async () => { await h?.close(); h = null })

  it('writes nothing for a request that succeeded and a warning for one that failed, by default', async () => {
    const lines: Array<Record<string, any>> = []
    h = await loggingHarness('problems', lines)
    expect((await h.api('GET', '/api/workflows')).statusCode).toBe(200)
    expect((await h.api('GET', '/api/orders/ord_missing')).statusCode).toBe(404)
    const written = requestLines(lines)
    expect(written).toHaveLength(1)
    expect(written[0]).toMatchObject({ level: 40, msg: 'request completed', req: { method: 'GET', url: '/api/orders/ord_missing' }, res: { statusCode: 404 } })
    expect(typeof written[0].responseTime).toBe('number')
  })

  it('writes one line per request, not two, when every request is logged', async () => {
    const lines: Array<Record<string, any>> = []
    h = await loggingHarness('all', lines)
    await h.api('GET', '/api/workflows')
    await h.api('GET', '/api/health')
    expect(requestLines(lines).map((l) => [l.level, l.req.url, l.res.statusCode])).toEqual([[30, '/api/workflows', 200], [30, '/api/health', 200]])
    // The token never reaches the log.
    expect(JSON.stringify(lines)).not.toContain(h.adminToken)
  })

  it('reads ORDO_LOG: unset is start-up messages and failures, info is every request, silent is nothing', () => {
    expect(logSettings(undefined)).toMatchObject({ logger: { level: 'info' }, requestLog: 'problems' })
    expect(logSettings('info')).toMatchObject({ logger: { level: 'info' }, requestLog: 'all' })
    expect(logSettings('debug').requestLog).toBe('all')
    expect(logSettings('warn')).toMatchObject({ logger: { level: 'warn' }, requestLog: 'problems' })
    expect(logSettings('silent').logger).toBe(false)
    expect([requestLogLevel(204, 'problems'), requestLogLevel(302, 'all'), requestLogLevel(401, 'problems'), requestLogLevel(503, 'problems')]).toEqual([null, 'info', 'warn', 'error'])
  })
})

describe('the server process log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-log-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  async function requestLinesOf(env: Record<string, string>): Promise<string[]> {
    const port = await freePort()
    const server = spawnServer({ port, dbPath: join(dir, `${Object.values(env).join('-') || 'default'}.db`), token: 'ordo_log-test-token', env, stdout: true })
    try {
      for (let i = 0; ; i++) {
        try { if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) break } catch { /* not up yet */ }
        if (i > 400) throw new Error('server did not start')
        await new Promise((r) => setTimeout(r, 50))
      }
      await fetch(`http://127.0.0.1:${port}/api/workflows`, { headers: { authorization: 'Bearer ordo_log-test-token' } })
      await fetch(`http://127.0.0.1:${port}/api/workflows`)
    } finally {
      await stopServer(server.child)
    }
    return server.stdout().split('\n').filter((l) => l.includes('"request completed"'))
  }

  it('logs only the refused request by default, and every request with ORDO_LOG=info', async () => {
    const quiet = await requestLinesOf({ ORDO_LOG: '' })
    expect(quiet.map((l) => JSON.parse(l).res.statusCode)).toEqual([401])
    const full = await requestLinesOf({ ORDO_LOG: 'info' })
    expect(full.map((l) => JSON.parse(l).res.statusCode)).toEqual([200, 200, 401])
  }, 60_000)
})
