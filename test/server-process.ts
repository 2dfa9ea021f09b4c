/** The real server (engine/server.ts) as a child process, for tests of what only the process does. */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')

/** A TCP port nothing listens on right now. */
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

/** Spawns the server on `port` with `env` added (stderr collected), without waiting for it. */
export function spawnServer(port: number, env: Record<string, string>): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'engine/server.ts')], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ORDO_LOG: 'silent', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (d: string) => { stderr += d; process.stderr.write(d) })
  return { child, stderr: () => stderr }
}

/** Starts the server on `port` with `env` added and resolves once /api/health answers. */
export async function startServer(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const { child } = spawnServer(port, env)
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`)
      if (res.ok) return child
    } catch { /* not up yet */ }
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('server did not start')
}

/** Resolves once `child` has exited (after SIGKILL when `signal` says so). */
export function stopServer(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill(signal)
  })
}
