/**
 * Builds the designer into designer/dist unless the build there was made from the same sources.
 * `npm start` runs it first, so a fresh clone serves the designer without a separate build step,
 * and a restart without changes does not rebuild.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = join(here, '..')
const stampFile = join(here, 'dist', '.build-hash')
const lockDir = join(here, '.build-lock')
/** A lock older than this was left by a build that died (a build takes seconds): it is taken over. */
const STALE_LOCK_MS = 5 * 60_000

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

/**
 * Runs `fn` holding a lock directory: test files run in parallel processes, and two Vite builds
 * into one designer/dist would empty it under each other.
 */
async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lockDir)
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      let age = 0
      try { age = Date.now() - statSync(lockDir).mtimeMs } catch { continue }
      if (age > STALE_LOCK_MS) { rmSync(lockDir, { recursive: true, force: true }); continue }
      await new Promise((done) => setTimeout(done, 250))
    }
  }
  try {
    return await fn()
  } finally {
    rmSync(lockDir, { recursive: true, force: true })
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
