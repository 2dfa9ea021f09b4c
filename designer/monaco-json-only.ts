/**
 * A Vite plugin giving `virtual:monaco-editor-json`: Monaco's full editor entry (editor.main: the
 * editor with all its contributions: hover, suggest, folding…) with only the JSON language. The
 * stock entry also registers every other language, whose workers (TypeScript alone is 7 MB) the
 * designer would ship and never load. Derived from the installed entry, so an upgrade stays in step.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { Plugin } from 'vite'

const ID = 'virtual:monaco-editor-json'
const RESOLVED = '\0' + ID

export function monacoJsonOnly(): Plugin {
  return {
    name: 'ordo-monaco-json-only',
    resolveId(id) { return id === ID ? RESOLVED : null },
    load(id) {
      if (id !== RESOLVED) return null
      const require = createRequire(import.meta.url)
      // The package's exports map hides package.json: find its folder from its main entry.
      const entry = require.resolve('monaco-editor')
      const root = entry.slice(0, entry.lastIndexOf('monaco-editor') + 'monaco-editor'.length)
      const main = join(root, 'esm', 'vs', 'editor', 'editor.main.js')
      const dir = dirname(main)
      const lines = readFileSync(main, 'utf8').split('\n')
      // Drop every language but JSON, the LSP client, and the exports of what was dropped.
      const dropped = new Set<string>()
      const kept = lines.filter((line) => {
        const from = /from '([^']+)'|^import '([^']+)'/.exec(line)
        const spec = from?.[1] ?? from?.[2]
        const binding = /^import \* as (\w+) from/.exec(line)?.[1]
        const drop = spec !== undefined && (/\/languages\/definitions\//.test(spec) || /external\/monaco-lsp-client/.test(spec)
          || (/\/languages\/features\//.test(spec) && !/\/features\/json\//.test(spec)))
        if (drop && binding) dropped.add(binding)
        return !drop
      }).filter((line) => {
        const exported = /^export \{ (\w+) as \w+ \};$/.exec(line)?.[1]
        return !(exported && (dropped.has(exported) || exported === 'index'))
      })
      // Relative specifiers point into the package.
      return kept.map((line) => line.replace(/'(\.\.?\/[^']+)'/g, (_m, rel: string) => `'${join(dir, rel).replace(/\\/g, '/')}'`)).join('\n')
    },
  }
}
