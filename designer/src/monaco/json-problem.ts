/**
 * Why a text is not JSON, in the operator's language: the browser's JSON.parse says it in English
 * ("Expected ',' or '}' after property value in JSON at position 58"); this names the line and
 * column and what was expected there.
 */
import { format, type Locale, type MessageKey } from '../i18n/messages.ts'

const KINDS: Array<[RegExp, MessageKey]> = [
  [/^Expected ',' or '}' after property value/, 'editor.json.commaOrBrace'],
  [/^Expected ',' or '\]' after array element/, 'editor.json.commaOrBracket'],
  [/^Expected (?:double-quoted )?property name/, 'editor.json.propertyName'],
  [/^Expected ':' after property name/, 'editor.json.colon'],
  [/^Unexpected non-whitespace character after JSON/, 'editor.json.trailing'],
  [/^Bad (?:control|escaped) character/, 'editor.json.badCharacter'],
  [/^Unterminated string/, 'editor.json.unterminated'],
  [/^Unexpected end of JSON input/, 'editor.json.end'],
  [/^Unexpected token/, 'editor.json.unexpected'],
]

/** Line and column (both from 1) of a character offset in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)))
  const lines = before.split('\n')
  return { line: lines.length, column: lines[lines.length - 1].length + 1 }
}

/** The reason `text` does not parse, from the SyntaxError JSON.parse threw on it, in `locale`. */
export function describeJsonError(text: string, error: unknown, locale: Locale): string {
  const message = error instanceof Error ? error.message : String(error)
  const kind = KINDS.find(([pattern]) => pattern.test(message))?.[1] ?? 'editor.json.unexpected'
  const token = /^Unexpected token '(.+?)'/.exec(message)?.[1]
  const what = format(locale, kind, { token: token ?? '' })
  const at = /at position (\d+)/.exec(message)
  const offset = at ? Number(at[1]) : kind === 'editor.json.end' ? text.length : null
  if (offset === null) return format(locale, 'editor.json.invalid', { what })
  return format(locale, 'editor.json.invalidAt', { what, ...lineAndColumn(text, offset) })
}
