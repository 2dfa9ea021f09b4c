import { readFileSync, readdirSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * engine/core and engine/nodes must stay pure (STYLE.md §1): no I/O modules, no wall clock, no
 * randomness. Time comes in as `now`; ids and jitter are derived deterministically.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const pureDirs = ['engine/core', 'engine/nodes']

const bareBuiltins = new Set(builtinModules.filter((m) => !m.startsWith('_')))
const forbiddenPackages = ['fastify', 'better-sqlite3', 'pg', 'amqplib']

const forbiddenCalls: Array<[RegExp, string]> = [
  [/\bDate\.now\s*\(/, 'Date.now() reads the wall clock; use the injected `now`'],
  [/\bnew\s+Date\s*\(\s*\)/, 'new Date() reads the wall clock; pass `now`'],
  [/\bMath\.random\s*\(/, 'Math.random() is not deterministic'],
  [/\bperformance\.now\s*\(/, 'performance.now() reads a clock'],
  [/\bcrypto\.(randomUUID|getRandomValues)\s*\(/, 'random ids are not deterministic'],
  [/\b(setTimeout|setInterval|setImmediate)\s*\(/, 'timers belong to the shell'],
  [/\bprocess\./, 'process state belongs to the shell'],
]

/** Problems found in one file's source (comments are ignored). */
function impurities(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
  const problems: string[] = []
  const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1])
  for (const spec of specifiers) {
    const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]
    if (spec.startsWith('node:') || bareBuiltins.has(pkg)) problems.push(`imports the Node built-in "${spec}"`)
    else if (forbiddenPackages.includes(pkg)) problems.push(`imports "${spec}"`)
  }
  for (const [pattern, why] of forbiddenCalls) if (pattern.test(code)) problems.push(why)
  return problems
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

describe('purity of engine/core and engine/nodes', () => {
  const files = pureDirs.flatMap((d) => sourceFiles(join(root, d)))

  it('finds the source files to check', () => {
    expect(files.length).toBeGreaterThan(20)
  })

  it.each(files.map((f) => [relative(root, f), f]))('%s is pure', (_, file) => {
    expect(impurities(readFileSync(file, 'utf8'))).toEqual([])
  })

  it('catches the forbidden imports and calls it promises to catch', () => {
    expect(impurities(`import { readFileSync } from 'node:fs'`)).toEqual(['imports the Node built-in "node:fs"'])
    expect(impurities(`import path from "path"`)).toEqual(['imports the Node built-in "path"'])
    expect(impurities(`import Fastify from 'fastify'`)).toEqual(['imports "fastify"'])
    expect(impurities(`const db = await import('better-sqlite3')`)).toEqual(['imports "better-sqlite3"'])
    expect(impurities('const t = Date.now()')).toHaveLength(1)
    expect(impurities('const d = new Date( )')).toHaveLength(1)
    expect(impurities('const r = Math.random()')).toHaveLength(1)
  })

  it('allows what is pure: dates from a given time, comments that mention the rules', () => {
    expect(impurities('const iso = new Date(now).toISOString() // not Date.now()')).toEqual([])
    expect(impurities('/** never Math.random() */\nconst t = Date.parse(s)')).toEqual([])
    expect(impurities(`import { LogicEngine } from 'json-logic-engine'`)).toEqual([])
  })
})
