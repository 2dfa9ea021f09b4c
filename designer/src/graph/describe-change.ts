/**
 * What changed in a node or a connection between two versions, in words and with the old and new
 * values (`团队：vip-service → gold-service`), for the version diff.
 */
import type { NodeManifest } from '../../../schemas/generated/node-manifest.ts'
import type { Edge, Node } from '../../../schemas/generated/workflow.ts'
import { format, type Locale } from '../i18n/messages.ts'
import { sameJson } from './convert.ts'
import { describeSetting } from './summary.ts'

function quoted(text: string | undefined, locale: Locale): string {
  return text === undefined || text === '' ? format(locale, 'editor.change.none') : format(locale, 'rules.word.quoted', { text })
}

function arrow(before: string, after: string): string {
  return `${before} → ${after}`
}

/** One line per changed field of node `before` → `after`: the name, the type, each setting, the retries, a move. */
export function describeNodeChange(before: Node, after: Node, manifestOf: (type: string) => NodeManifest | undefined, locale: Locale): string[] {
  const sep = format(locale, 'editor.summary.separator')
  const lines: string[] = []
  if (before.name !== after.name) lines.push(`${format(locale, 'editor.change.name')}${sep}${arrow(quoted(before.name, locale), quoted(after.name, locale))}`)
  if (before.type !== after.type) lines.push(`${format(locale, 'editor.change.type')}${sep}${arrow(before.type, after.type)}`)
  if (!sameJson(before.config ?? {}, after.config ?? {})) {
    const oldManifest = manifestOf(before.type)
    const manifest = manifestOf(after.type)
    const old = before.config ?? {}
    const now = after.config ?? {}
    const keys = [...new Set([...Object.keys(old), ...Object.keys(now)])].filter((k) => !sameJson(old[k], now[k]))
    for (const key of keys) {
      const was = describeSetting(oldManifest, key, old[key], locale)
      const is = describeSetting(manifest, key, now[key], locale)
      const label = (is ?? was)!.label
      lines.push(`${label}${sep}${arrow(was?.text || format(locale, 'editor.change.none'), is?.text || format(locale, 'editor.change.none'))}`)
    }
  }
  if (!sameJson(before.retry ?? null, after.retry ?? null)) {
    const retry = (r: Node['retry']) => (r ? JSON.stringify(r) : format(locale, 'editor.change.none'))
    lines.push(`${format(locale, 'editor.change.retry')}${sep}${arrow(retry(before.retry), retry(after.retry))}`)
  }
  if (!sameJson(before.position, after.position)) lines.push(format(locale, 'editor.change.moved'))
  return lines
}

/** One line per changed field of a connection: where it starts, from which port, where it ends, its label. */
export function describeEdgeChange(before: Edge, after: Edge, locale: Locale): string[] {
  const sep = format(locale, 'editor.summary.separator')
  const none = format(locale, 'editor.change.none')
  const fields: Array<[keyof Edge, 'editor.change.source' | 'editor.change.port' | 'editor.change.target' | 'editor.change.label']> = [
    ['source', 'editor.change.source'], ['sourceHandle', 'editor.change.port'], ['target', 'editor.change.target'], ['label', 'editor.change.label'],
  ]
  return fields.filter(([f]) => before[f] !== after[f]).map(([f, key]) => `${format(locale, key)}${sep}${arrow(String(before[f] ?? none), String(after[f] ?? none))}`)
}
