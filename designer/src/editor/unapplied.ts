/** Why the editor will not save yet: JSON typed in one of its boxes that is not applied to the flow. */
import { format, type Locale } from '../i18n/messages.ts'
import { describeJsonError } from '../monaco/json-problem.ts'
import type { UnappliedText } from './store.ts'

/** The first unapplied text, in the order the boxes appear (the JSON tab first), or null. */
export function firstUnapplied(unapplied: Record<string, UnappliedText>): UnappliedText | null {
  const all = Object.values(unapplied)
  return all.find((u) => u.where === 'definition') ?? all.find((u) => u.where === 'variables') ?? all[0] ?? null
}

/** What is wrong with the text, in `locale`. */
export function describeUnapplied(entry: UnappliedText, locale: Locale): string {
  switch (entry.kind) {
    case 'syntax':
      try {
        JSON.parse(entry.text)
        return format(locale, 'editor.json.invalid', { what: '' })
      } catch (error) {
        return describeJsonError(entry.text, error, locale)
      }
    case 'notFlow': return format(locale, 'editor.json.notFlow')
    case 'notObject': return format(locale, 'editor.json.notObject')
    case 'idFixed': return format(locale, 'editor.idFixed')
  }
}

/** "Nothing was saved: <where> … (<problem>)", in `locale`. */
export function refusalToSave(entry: UnappliedText, locale: Locale): string {
  const where = entry.where === 'rule'
    ? format(locale, 'editor.unapplied.rule', { node: entry.nodeId ?? '' })
    : format(locale, entry.where === 'definition' ? 'editor.unapplied.definition' : 'editor.unapplied.variables')
  return format(locale, 'editor.saveUnparsed', { where, problem: describeUnapplied(entry, locale) })
}
