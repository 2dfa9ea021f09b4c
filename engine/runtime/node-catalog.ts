/**
 * Every node type one Ordo runs: the engine's own, the built-in connectors and the custom nodes of
 * ORDO_NODES_DIR (TypeScript or JavaScript, one `*.node.ts` / `*.node.js` module each). All go
 * through one check; a custom node that cannot load (a syntax error, a bad manifest, a type that
 * exists already, an import that never finishes) is reported with its file and reason, and Ordo
 * starts without it.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createRegistry, type AnyNodeModule, type NodeRegistry } from '../core/registry.ts'
import { builtinNodes } from '../nodes/index.ts'
import { builtinConnectors } from '../../connectors/index.ts'

/** A custom node that was not loaded, and why. */
export interface NodeLoadProblem { file: string; reason: string }

/** A custom node that was loaded. */
export interface CustomNode { file: string; type: string }

/** The node types of this Ordo, and what happened to the custom ones. */
export interface NodeCatalog {
  registry: NodeRegistry
  custom: CustomNode[]
  problems: NodeLoadProblem[]
}

/** How long a custom module may take to load (a top-level await that never ends must not stall the start). */
export const NODE_LOAD_TIMEOUT_MS = 10_000
const NODE_FILE = /\.node\.(ts|mts|js|mjs)$/

/** Node module files of `dir` and its subfolders (one level), sorted, skipping tests and node_modules. */
export function nodeFiles(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string, depth: number) => {
    for (const name of readdirSync(d).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue
      const path = join(d, name)
      const stat = statSync(path)
      if (stat.isDirectory()) { if (depth < 1) walk(path, depth + 1) } else if (NODE_FILE.test(name) && !/\.test\./.test(name)) out.push(path)
    }
  }
  walk(dir, 0)
  return out
}

function looksLikeNode(value: unknown): value is AnyNodeModule {
  return typeof value === 'object' && value !== null && typeof (value as { manifest?: unknown }).manifest === 'object' && typeof (value as { run?: unknown }).run === 'function'
}

async function importWithin(url: string, ms: number): Promise<Record<string, unknown>> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      import(url) as Promise<Record<string, unknown>>,
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`did not finish loading within ${ms / 1000} s`)), ms) }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

/** Checks one module alone (manifest, config schema, perform) and names what is wrong, or null. */
function problemOf(module: AnyNodeModule): string | null {
  try {
    createRegistry([module])
  } catch (error) {
    return (error as Error).message
  }
  if (module.perform !== undefined && typeof module.perform !== 'function') return 'perform must be a function'
  if (module.resume !== undefined && typeof module.resume !== 'function') return 'resume must be a function'
  if (module.compensate !== undefined && typeof module.compensate !== 'function') return 'compensate must be a function'
  if (module.compensate && !module.perform) return 'compensate needs a perform to carry out the undo'
  return null
}

const ordoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * Custom nodes import the SDK as `ordo/sdk`: a folder outside this checkout resolves it through
 * its own node_modules, so Ordo links itself there unless something already answers to that name.
 * Returns why it could not, or null.
 */
export function linkSdk(dir: string): string | null {
  const link = join(dir, 'node_modules', 'ordo')
  try {
    if (existsSync(link) || lstatSync(link, { throwIfNoEntry: false })) return null
    mkdirSync(dirname(link), { recursive: true })
    symlinkSync(ordoRoot, link, 'dir')
    return null
  } catch (error) {
    return `cannot link the SDK as ${link}: ${(error as Error).message}`
  }
}

/** Loads the custom nodes of `dir` (each module's default export, or every export that is a node). */
export async function loadCustomNodes(dir: string, taken: ReadonlySet<string>, timeoutMs = NODE_LOAD_TIMEOUT_MS): Promise<{ modules: Array<{ file: string; module: AnyNodeModule }>; problems: NodeLoadProblem[] }> {
  const root = resolve(dir)
  const modules: Array<{ file: string; module: AnyNodeModule }> = []
  const problems: NodeLoadProblem[] = []
  let files: string[]
  try {
    files = nodeFiles(root)
  } catch (error) {
    return { modules, problems: [{ file: root, reason: `cannot read the folder: ${(error as Error).message}` }] }
  }
  const types = new Set(taken)
  const linkProblem = files.length > 0 ? linkSdk(root) : null
  for (const path of files) {
    // Named within the nodes folder (the folder itself is in the start log): the same on every machine.
    const file = relative(root, path) || path
    let exports: Record<string, unknown>
    try {
      exports = await importWithin(pathToFileURL(path).href, timeoutMs)
    } catch (error) {
      const message = (error as Error)?.message ?? String(error)
      problems.push({ file, reason: `cannot be loaded: ${message}${linkProblem && /ordo/.test(message) ? ` (${linkProblem})` : ''}` })
      continue
    }
    const found = looksLikeNode(exports.default) ? [exports.default] : Object.values(exports).filter(looksLikeNode)
    if (found.length === 0) {
      problems.push({ file, reason: 'exports no node: write `export default defineNode({ manifest, run, ... })`' })
      continue
    }
    for (const module of found) {
      const problem = problemOf(module)
      const type = module.manifest.type
      if (problem) problems.push({ file, reason: problem })
      else if (types.has(type)) problems.push({ file, reason: `node type ${type} exists already (a built-in or another file); give it a type of its own` })
      else {
        types.add(type)
        modules.push({ file, module })
      }
    }
  }
  return { modules, problems }
}

/** The engine's nodes, the built-in connectors and, when `customDir` is given, the custom nodes in it. */
export async function loadNodeCatalog(options: { customDir?: string } = {}): Promise<NodeCatalog> {
  const builtins = [...builtinNodes, ...builtinConnectors]
  if (!options.customDir) return { registry: createRegistry(builtins), custom: [], problems: [] }
  const { modules, problems } = await loadCustomNodes(options.customDir, new Set(builtins.map((m) => m.manifest.type)))
  return {
    registry: createRegistry([...builtins, ...modules.map((m) => m.module)]),
    custom: modules.map((m) => ({ file: m.file, type: m.module.manifest.type })),
    problems,
  }
}

/** The built-in node types only (tests, tools). */
export const builtinNodeTypes: readonly AnyNodeModule[] = [...builtinNodes, ...builtinConnectors]
