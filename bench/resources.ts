/**
 * Everything the bench must give back: temp folders and child servers. Both are registered here and
 * removed by `cleanupAll()` (also run on process exit), so an error or Ctrl-C leaves nothing behind.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (bench/..). */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

const dirs = new Set<string>()
const children = new Set<ChildProcess>()

/** A fresh temp folder, removed by `removeDir` or at exit. */
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ordo-bench-${label}-`))
  dirs.add(dir)
  return dir
}

/** Removes a temp folder made by `tempDir`. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  dirs.delete(dir)
}

/** Kills every child still running and removes every temp folder (synchronous: safe in an 'exit' handler). */
export function cleanupAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  children.clear()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
  dirs.clear()
}
process.on('exit', cleanupAll)

/** A TCP port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer()
    srv.once('error', rej)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => res(port))
    })
  })
}

/** A child server process: its base URL and a graceful `stop()` (SIGTERM, then SIGKILL after 10 s). */
export interface ChildServer { url: string; pid: number; stop(): Promise<void> }

/** Starts `node --import tsx <script>` (plus `nodeArgs`) with `env` and PORT, waiting until `healthPath` answers 200. */
export async function startChild(options: { script: string; env: Record<string, string>; healthPath: string; nodeArgs?: string[] }): Promise<ChildServer> {
  const port = await freePort()
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', options.script], {
    cwd: root,
    env: { ...process.env, ...options.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  children.add(child)
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
  const exited = new Promise<void>((res) => child.once('exit', () => res()))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${options.script} exited early (${child.exitCode ?? child.signalCode}): ${stderr}`)
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`${options.script} did not answer ${options.healthPath} within 30 s: ${stderr}`) }
    const ok = await fetch(url + options.healthPath).then((r) => r.ok, () => false)
    if (ok) break
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(timer)
      }
      children.delete(child)
    },
  }
}
