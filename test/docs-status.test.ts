/** The docs say what is built as the code has it: the node types, the tables, the designer's pages. */
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { builtinNodes } from '../engine/nodes/index.ts'
import { migrations } from '../engine/store/sqlite/migrations.ts'
import { MESSAGES } from '../designer/src/i18n/messages.ts'

const root = join(import.meta.dirname, '..')
const read = (file: string) => readFileSync(join(root, file), 'utf8')

/** The text of `file` from the heading `title` to the next heading of its level. */
function section(file: string, title: string): string {
  const text = read(file)
  const level = /^#+/.exec(title)![0]
  const start = text.indexOf(`${title}\n`)
  expect(start, `${file} has the section ${title}`).toBeGreaterThanOrEqual(0)
  const rest = text.slice(start + title.length)
  const end = rest.search(new RegExp(`\\n${level} `))
  return end < 0 ? rest : rest.slice(0, end)
}

describe('what the docs say is built', () => {
  it('lists every built-in node type among those built today, and none as planned', () => {
    const registry = section('docs/architecture.md', '## One registry of node types')
    const built = registry.slice(registry.indexOf('Built in today:'), registry.indexOf('Planned'))
    for (const { manifest } of builtinNodes) expect(built, manifest.type).toContain(`\`${manifest.type}\``)
    const planned = registry.slice(registry.indexOf('Planned'))
    for (const family of ['human approvals', 'schedules', 'sub-workflows', 'exception classification']) expect(planned).not.toContain(family)
  })

  it('names every table the SQLite store creates in the data model', () => {
    const storage = section('docs/data-model.md', '## Storage (SQLite)')
    const tables = new Set(migrations.flatMap((m) => [...m.sql.matchAll(/CREATE TABLE (\w+)/g)].map((x) => x[1])))
    for (const table of tables) expect(storage, table).toContain(`\`${table}\``)
  })

  it('walks through every page of the designer\'s navigation in the README', () => {
    const designer = section('README.md', '## The designer')
    const pages = [MESSAGES.en['nav.workflows'], MESSAGES.en['nav.templates'], MESSAGES.en['nav.orders'], MESSAGES.en['nav.runs'], MESSAGES.en['nav.incidents'], MESSAGES.en['inbox.nav'], MESSAGES.en['nav.integrations'], MESSAGES.en['nav.subscriptions'], MESSAGES.en['nav.secrets']]
    for (const page of pages) expect(designer, page).toMatch(new RegExp(`\\*\\*[^*]*\\b${page}\\b[^*]*\\*\\*`))
  })
})
