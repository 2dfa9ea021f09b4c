/**
 * Builds the designer into designer/dist unless the build there was made from the same sources.
 * `npm start` runs it first, so a fresh clone serves the designer without a separate build step,
 * and a restart without changes does not rebuild.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = join(here, '..')
const stampFile = join(here, 'dist', '.build-hash')

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : [path]
  })
}

/**
 * A hash of everything the bundle is made from: designer sources, and what they import from outside
 * designer/ (schemas, engine core, the node manifests and their SDK, the example flow), the lockfile.
 */
function sourceHash(): string {
  const hash = createHash('sha256')
  const inputs = [
    ...files(join(here, 'src')), join(here, 'index.html'), join(here, 'vite.config.ts'), join(here, 'monaco-json-only.ts'),
    ...['schemas', 'engine/core', 'engine/nodes', 'connectors', 'examples'].flatMap((d) => files(join(root, d))),
    join(root, 'package-lock.json'),
  ].filter((f) => !f.endsWith('.test.ts')).sort()
  for (const f of inputs) {
    if (!existsSync(f)) continue
    hash.update(relative(root, f)).update('\0').update(readFileSync(f)).update('\0')
  }
  return hash.digest('hex')
}

function isBuilt(hash: string): boolean {
  return existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === hash && existsSync(join(here, 'dist', 'index.html'))
}

/** True while process `pid` lives (signal 0 checks without signalling). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Runs `build` holding designer/.build-lock (a file naming the building process), so test files
 * started in parallel (each e2e suite calls ensureDesignerBuilt) build once, one after the other,
 * instead of writing dist/ together. A lock whose process is gone is taken over.
 */
async function withBuildLock<T>(build: () => Promise<T>): Promise<T> {
  const lock = join(here, '.build-lock')
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' })
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      let holder = ''
      try { holder = readFileSync(lock, 'utf8').trim() } catch { continue } // released meanwhile: try again
      // An empty lock is being written by its taker this very moment: it is not stale.
      if (holder && !alive(Number(holder))) rmSync(lock, { force: true })
      else await new Promise((r) => setTimeout(r, 100)) // another process is building: look again shortly
    }
  }
  try {
    return await build()
  } finally {
    rmSync(lock, { force: true })
  }
}

/** Builds designer/dist when its sources changed since the last build; true when it built. */
export async function ensureDesignerBuilt(): Promise<boolean> {
  const hash = sourceHash()
  if (isBuilt(hash)) return false
  return withBuildLock(async () => {
    // Another process may have built these very sources while this one waited for the lock.
    if (isBuilt(hash)) return false
    const { build } = await import('vite')
    console.log('Building the designer (once per change of its sources)…')
    // Always the production bundle, also when a test run builds it: vitest sets NODE_ENV=test, with
    // which Vite ships React's development build and the development JSX transform (1.7× bigger, slower).
    const nodeEnv = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    try {
      await build({ configFile: join(here, 'vite.config.ts'), logLevel: 'warn' })
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV
      else process.env.NODE_ENV = nodeEnv
    }
    writeFileSync(stampFile, hash + '\n')
    return true
  })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await ensureDesignerBuilt()
}
