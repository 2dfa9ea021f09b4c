/**
 * The real Ordo server as a child process, for tests that must see what a client sees: a listening
 * socket, a process that can be killed with SIGKILL and started again on the same database.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')

/** A port nobody listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

/** What to start: the server script (engine/server.ts unless given), its port, database and environment. */
export interface ServerOptions {
  dbPath: string
  port: number
  token: string
  script?: string
  /** Command-line arguments after the script (`--demo`). */
  args?: string[]
  env?: Record<string, string>
  /** Give up waiting for health after this long (default 20 s). */
  startTimeoutMs?: number
  /** Collect what the server writes to stdout (its log) instead of dropping it. */
  stdout?: boolean
}

/** Spawns the server without waiting for it; its stderr is passed through and collected, its stdout collected when asked. */
export function spawnServer(options: Omit<ServerOptions, 'startTimeoutMs'>): { child: ChildProcess; stderr: () => string; stdout: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', options.script ?? join(root, 'engine/server.ts'), ...(options.args ?? [])], {
    cwd: root,
    env: { ...process.env, PORT: String(options.port), HOST: '127.0.0.1', ORDO_DB: options.dbPath, ORDO_ADMIN_TOKEN: options.token, ORDO_LOG: 'silent', ...options.env },
    stdio: ['ignore', options.stdout ? 'pipe' : 'ignore', 'pipe'],
  })
  let stderr = ''
  let stdout = ''
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (d: string) => { stderr += d; process.stderr.write(d) })
  child.stdout?.setEncoding('utf8')
  child.stdout?.on('data', (d: string) => { stdout += d })
  return { child, stderr: () => stderr, stdout: () => stdout }
}

/** Starts the server and resolves once /api/health answers 200; rejects if it exits first. */
export async function startServer(options: ServerOptions): Promise<ChildProcess> {
  const { child } = spawnServer(options)
  await waitForHealth(child, options.port, options.startTimeoutMs)
  return child
}

/** Resolves once a spawned server's /api/health answers 200; rejects (and kills it) if it exits first or takes too long. */
export async function waitForHealth(child: ChildProcess, port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new ServerExitedError(child.exitCode, child.signalCode)
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`)
      if (res.ok) return
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50))
  }
  child.kill('SIGKILL')
  throw new Error('server did not start')
}

/** The server process ended before it answered. */
export class ServerExitedError extends Error {
  constructor(readonly code: number | null, readonly signal: NodeJS.Signals | null) {
    super(`server exited (${signal ?? `code ${code}`}) before it answered`)
  }
}

/** Resolves when the process has ended (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
  })
}

/** kill -9, and wait for the process to be gone. */
export async function kill9(child: ChildProcess): Promise<void> {
  const gone = exited(child)
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  await gone
}

/** Stops the server cleanly (SIGTERM) and waits for it. */
export async function stopServer(child: ChildProcess): Promise<void> {
  const gone = exited(child)
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
  await gone
}

/** A client of one server: JSON in and out, with the token. */
export function apiClient(port: number, token: string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; json: any; ms: number }> => {
    const t0 = performance.now()
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, json: text ? JSON.parse(text) : null, ms: performance.now() - t0 }
  }
}
