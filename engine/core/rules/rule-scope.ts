/**
 * What a rule reads: the data it runs on, and (inside map, filter, reduce...) the scopes around it,
 * which `{"var": "../../vars.limit"}` climbs, as json-logic-engine does.
 */
import type { RuleMeter } from './rule-meter.ts'
import { RuleError } from './rule-meter.ts'

/**
 * One level of data; `up` is the level a "../" in a var path moves to. Iterating operators reuse one
 * Scope per loop when nothing in their rule can climb out of it (so nothing can keep a reference).
 */
export interface Scope {
  data: unknown
  up: Scope | null
}

/** A compiled rule node: computes its value in a scope, spending from the meter. */
export type Evaluator = (scope: Scope, meter: RuleMeter) => unknown

/** A rule node that failed to compile, with where in the rule (a JSON pointer from the rule's root). */
export class RuleCompileError extends RuleError {
  override readonly name = 'RuleCompileError'
  constructor(message: string, readonly pointer: string) {
    super(message, 'Invalid Rule')
  }
}

/**
 * Splits a var path as json-logic-engine does: dots separate keys, a backslash escapes a dot
 * ("a\\.b.c" → ["a.b", "c"]); "." alone is one empty key.
 */
export function splitPath(path: string): string[] {
  const parts: string[] = []
  let current = ''
  for (let i = 0; i < path.length; i++) {
    const ch = path[i]
    if (ch === '\\') {
      const next = path[i + 1]
      if (next === '.' || next === '/') { current += next; i++ } else if (next === '\\') { current += '\\'; i++ } else current += '\\'
    } else if (ch === '.') {
      parts.push(current)
      current = ''
    } else current += ch
  }
  if (parts.length !== path.length) parts.push(current)
  return parts
}

/** Keys that would reach an object's prototype: a rule reads them as missing. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'prototype', 'constructor'])

/** True when a path can be read with plain property access (it names no prototype key). */
export function isPlainPath(keys: readonly string[]): boolean {
  return !keys.some((k) => PROTOTYPE_KEYS.has(k))
}

/**
 * Reads `keys` one after the other from `value`. A rule never sees prototypes: paths naming
 * "__proto__", "prototype" or "constructor" are missing, and so is anything that is a function
 * (an inherited method such as "toString"). Missing or null anywhere gives `fallback`.
 */
export function readPath(value: unknown, keys: readonly string[], fallback: unknown): unknown {
  if (!isPlainPath(keys)) return fallback
  return readPlainPath(value, keys, fallback)
}

/** readPath for a path already known to be plain (checked once, when the rule was compiled). */
export function readPlainPath(value: unknown, keys: readonly string[], fallback: unknown): unknown {
  let current = value as Record<string, unknown> | null | undefined
  for (let i = 0; i < keys.length; i++) {
    if (current === null || current === undefined) return fallback
    current = current[keys[i]] as Record<string, unknown> | null | undefined
  }
  return current === null || current === undefined || typeof current === 'function' ? fallback : current
}

/** True when `keys` lead to a defined value (null counts as present); a missing or falsy parent does not. */
export function hasPath(value: unknown, keys: readonly string[]): boolean {
  if (!isPlainPath(keys)) return false
  let current = value as Record<string, unknown>
  for (let i = 0; i < keys.length; i++) {
    if (!current) return false
    current = current[keys[i]] as Record<string, unknown>
    if (current === undefined || typeof current === 'function') return false
  }
  return true
}

/** Climbs one level per leading "../" (stopping at the outermost scope); returns the scope and the rest of the path. */
export function climb(scope: Scope, path: string): { scope: Scope; path: string } {
  let s = scope
  let p = path
  while (p.startsWith('../') && s.up !== null) {
    s = s.up
    p = p.slice(3)
  }
  return { scope: s, path: p }
}

/**
 * JsonLogic truthiness as json-logic-engine has it: falsy values, an empty array and an empty plain
 * object are false; everything else is true.
 */
export function isTruthy(value: unknown): boolean {
  if (value === true) return true
  if (!value) return false
  if (typeof value !== 'object') return true
  if (Array.isArray(value)) return value.length > 0
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return true
  // One own key is enough: no need to list a large object's keys.
  for (const key in value) if (Object.hasOwn(value, key)) return true
  return false
}

/** The error of arithmetic that has no number for an answer (x / 0, "abc" * 1, an object in a sum). */
export function notANumber(): RuleError {
  return new RuleError('division by zero or arithmetic on a non-number in rule', 'NaN')
}

/** The error of an operator given arguments it cannot use. */
export function invalidArguments(operator: string, why: string): RuleError {
  return new RuleError(`invalid arguments to "${operator}" in rule: ${why}`, 'Invalid Arguments')
}
