/**
 * The retry box's model: a run's variables as a form (one input per text, number or true/false
 * variable) plus a JSON object for the rest (lists, objects, null), read back into variables with
 * each value keeping its type, and only what changed sent with the retry.
 */
import { sameJson } from '../../../engine/core/same-json.ts'
import { parseJsonObject } from './format.ts'

/** The input a variable gets in the form. */
export type VariableKind = 'text' | 'number' | 'boolean'

/** One form input: the variable's name, its kind and what the input holds ("true"/"false" for a boolean). */
export interface VariableField { name: string; kind: VariableKind; text: string }

/** The form: one field per scalar variable, and the other variables as JSON object text. */
export interface RetryDraft { fields: VariableField[]; rest: string }

/** Why the form or the JSON does not read as variables. */
export type DraftError =
  | { kind: 'notNumber'; name: string }
  | { kind: 'notJson'; reason: string }
  | { kind: 'notObject' }

/** The form for `variables`: scalars as fields (in their order), everything else in the JSON box ("" when nothing). */
export function draftFromVariables(variables: Record<string, unknown>): RetryDraft {
  const fields: VariableField[] = []
  const rest: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === 'string') fields.push({ name, kind: 'text', text: value })
    else if (typeof value === 'number' && Number.isFinite(value)) fields.push({ name, kind: 'number', text: String(value) })
    else if (typeof value === 'boolean') fields.push({ name, kind: 'boolean', text: String(value) })
    else rest[name] = value
  }
  return { fields, rest: Object.keys(rest).length ? JSON.stringify(rest, null, 2) : '' }
}

/** The variables the form says, each field keeping its kind; a number field must hold a number. */
export function variablesFromDraft(draft: RetryDraft): { ok: true; value: Record<string, unknown> } | { ok: false; error: DraftError } {
  const value: Record<string, unknown> = {}
  for (const f of draft.fields) {
    if (f.kind === 'text') value[f.name] = f.text
    else if (f.kind === 'boolean') value[f.name] = f.text === 'true'
    else {
      const n = f.text.trim() === '' ? NaN : Number(f.text)
      if (!Number.isFinite(n)) return { ok: false, error: { kind: 'notNumber', name: f.name } }
      value[f.name] = n
    }
  }
  const rest = readJsonObject(draft.rest)
  if (!rest.ok) return rest
  return { ok: true, value: { ...value, ...rest.value } }
}

/** JSON object text as variables; empty text is none. */
export function readJsonObject(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; error: DraftError } {
  const parsed = parseJsonObject(text)
  if (!parsed.ok) return { ok: false, error: parsed.notObject ? { kind: 'notObject' } : { kind: 'notJson', reason: parsed.error } }
  return { ok: true, value: parsed.value ?? {} }
}

/** The variables of `next` that differ from `current` (new ones included): what a retry needs to set. */
export function changedVariables(current: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(next)) {
    if (!Object.hasOwn(current, name) || !sameJson(current[name], value)) out[name] = value
  }
  return out
}
