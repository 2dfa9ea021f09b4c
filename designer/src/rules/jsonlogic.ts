/**
 * JsonLogic ⇄ rule-builder query, exactly. The builder only shows a rule when turning the shown
 * query back into JsonLogic gives the very same rule (checked inside ruleToQuery); anything else
 * (arithmetic, `var` alone, `===`, reversed operands, field-to-field comparisons, operators the
 * builder does not offer) stays in the JSON tab.
 *
 * Canonical forms, shared by both directions:
 * - a group holding exactly one condition is written as that condition: a single comparison is
 *   never wrapped in `{"and": [...]}`, and a negated one-condition group is `{"!": condition}`;
 * - a query without conditions is the rule `true` (no condition: every order passes — the engine
 *   compiles the literal `true`, while `{"and": []}` would evaluate to null, i.e. false); negated, `false`.
 * So `{"and": [x]}` / `{"or": [x]}` written by hand are not shown in the builder (they would come
 * back as `x`); neither is `{"!": {"and": [x]}}`.
 */
import { sameJson } from '../graph/convert.ts'
import { formatQuery } from 'react-querybuilder/formatQuery'
import { parseJsonLogic } from 'react-querybuilder/parseJsonLogic'
import type { RuleGroupType, RuleType } from 'react-querybuilder'
import { RULE_OPERATORS, unknownRuleField, type RuleField, type RuleOperatorName } from './order-fields.ts'

export type { RuleGroupType }

/** JsonLogic from a builder query, in the canonical form above. `fields` lets number fields turn typed text into numbers. */
export function queryToRule(query: RuleGroupType, fields?: readonly RuleField[]): unknown {
  const formatted = formatQuery(query, {
    format: 'jsonlogic',
    ...(fields ? { fields: fields as RuleField[], parseNumbers: 'strict-limited' as const } : {}),
  }) as unknown
  // formatQuery answers `false` when there is no condition left to write.
  if (formatted === false) return query.not ? false : true
  return canonical(formatted)
}

/**
 * The builder query showing a JsonLogic rule, or null when the builder cannot show it faithfully
 * (queryToRule of the answer would not deep-equal `rule`). With `fields`, a known field must also
 * offer the rule's operator and hold a value of its type (an enum value from its list, a number
 * for a number field); paths no field knows (`input.x`) are shown as free fields.
 */
export function ruleToQuery(rule: unknown, fields?: readonly RuleField[]): RuleGroupType | null {
  if (rule === true) return { combinator: 'and', rules: [] }
  if (rule === false) return { combinator: 'and', not: true, rules: [] }
  if (!isPlainObject(rule) || Object.keys(rule).length !== 1) return null
  let query: RuleGroupType
  try {
    query = parseJsonLogic(rule as Parameters<typeof parseJsonLogic>[0], { listsAsArrays: true })
  } catch {
    return null
  }
  const byName = new Map((fields ?? []).map((f) => [f.name, f]))
  if (!everyRule(query, (r) => showable(r, fields ? byName.get(r.field) ?? unknownRuleField(r.field) : undefined))) return null
  let back: unknown
  try {
    back = queryToRule(query, fields ? fieldsForQuery(fields, query) : undefined)
  } catch {
    return null
  }
  return sameJson(back, rule) ? query : null
}

/** `fields` plus a free field for each path the query reads that `fields` does not know (e.g. `input.amount`). */
export function fieldsForQuery(fields: readonly RuleField[], query: RuleGroupType | null): RuleField[] {
  const known = new Set(fields.map((f) => f.name))
  const extra: RuleField[] = []
  if (query) {
    everyRule(query, (r) => {
      if (!known.has(r.field)) {
        known.add(r.field)
        extra.push(unknownRuleField(r.field))
      }
      return true
    })
  }
  return [...fields, ...extra]
}

/** The paths a query reads, in order of first use. */
export function queryFields(query: RuleGroupType): string[] {
  const seen = new Set<string>()
  everyRule(query, (r) => { seen.add(r.field); return true })
  return [...seen]
}

function everyRule(group: RuleGroupType, test: (rule: RuleType) => boolean): boolean {
  return group.rules.every((r) => (isGroup(r) ? everyRule(r, test) : test(r as RuleType)))
}

function isGroup(r: unknown): r is RuleGroupType {
  return isPlainObject(r) && Array.isArray((r as { rules?: unknown }).rules)
}

type Scalar = string | number | boolean

function isScalar(v: unknown): v is Scalar {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean'
}

/** Whether the builder's controls can show this condition as it is (operator offered, value of the right shape and type). */
function showable(rule: RuleType, field: RuleField | undefined): boolean {
  const op = rule.operator as RuleOperatorName
  if (!(RULE_OPERATORS as readonly string[]).includes(op)) return false
  if (rule.valueSource !== undefined && rule.valueSource !== 'value') return false
  if (typeof rule.field !== 'string' || rule.field === '') return false
  if (field && !field.operators.includes(op)) return false
  const value: unknown = rule.value
  let values: unknown[]
  switch (op) {
    case 'null': case 'notNull':
      return true
    case 'in': case 'notIn':
      if (!Array.isArray(value)) return false
      values = value
      break
    case 'between': case 'notBetween':
      if (!Array.isArray(value) || value.length !== 2) return false
      values = value
      break
    default:
      values = [value]
  }
  if (!values.every(isScalar)) return false
  // A list is edited as comma-separated text: an item holding a comma would be split in two.
  if (Array.isArray(value) && values.some((x) => typeof x === 'string' && x.includes(','))) return false
  if (!field) return true
  switch (field.kind) {
    case 'number':
      return values.every((v) => typeof v === 'number')
    case 'boolean':
      return values.every((v) => typeof v === 'boolean')
    case 'enum': {
      const allowed = new Set((field.values ?? []).map((o) => (o as { name?: string; value?: string }).name ?? (o as { value?: string }).value))
      return values.every((v) => typeof v === 'string' && allowed.has(v))
    }
    case 'string': case 'timestamp':
      return values.every((v) => typeof v === 'string')
    case 'list':
      return values.every((v) => (field.inputType === 'number' ? typeof v === 'number' : typeof v === 'string'))
    case 'any':
      // A free text box: numbers and booleans would come back as text once edited, but are shown faithfully.
      return true
  }
}

/** Unwraps one-condition groups at every level (see the module comment). */
function canonical(rule: unknown): unknown {
  if (!isPlainObject(rule)) return rule
  const keys = Object.keys(rule)
  if (keys.length !== 1) return rule
  const op = keys[0]
  const arg = (rule as Record<string, unknown>)[op]
  if ((op === 'and' || op === 'or') && Array.isArray(arg)) {
    if (arg.length === 1) return canonical(arg[0])
    return { [op]: arg.map(canonical) }
  }
  if (op === '!') return { '!': canonical(arg) }
  return rule
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

