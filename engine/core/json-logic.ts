/**
 * JsonLogic, the rule language of Ordo (conditions, switches, filters, computed variables).
 * Rules are compiled once per workflow version by `json-logic-engine`; running a compiled rule is a
 * plain function call. The library throws non-Error values (NaN, `{ type: 'Unknown Operator' }`), so
 * every failure is turned into an Error with a message an operator can read.
 */
import { LogicEngine } from 'json-logic-engine'

/** A compiled rule: call it with the data the rule reads; it throws an Error on a runtime rule error. */
export type CompiledRule = (data: unknown) => unknown

// One engine for the whole process: it holds no per-rule state, only the operator table.
const engine = new LogicEngine()

/** Turns whatever the library threw into an Error whose message says what went wrong in the rule. */
export function toRuleError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown
  // Arithmetic that yields NaN (x / 0, x % 0, "abc" * 1) throws NaN itself.
  if (typeof thrown === 'number' && Number.isNaN(thrown)) {
    return new Error('division by zero or arithmetic on a non-number in rule')
  }
  if (typeof thrown === 'object' && thrown !== null && 'type' in thrown) {
    const { type, key } = thrown as { type: unknown; key?: unknown }
    if (type === 'Unknown Operator') return new Error(`unknown operator ${JSON.stringify(key)} in rule`)
    if (type === 'Invalid Arguments') return new Error('invalid arguments to an operator in rule')
    return new Error(`rule failed: ${String(type)}`)
  }
  return new Error(`rule failed: ${JSON.stringify(thrown) ?? String(thrown)}`)
}

/** Compiles a rule once (throws an Error for an unknown operator); the result throws Errors only. */
export function compileRule(rule: unknown): CompiledRule {
  let compiled: (data: unknown) => unknown
  try {
    compiled = engine.build(rule as Parameters<LogicEngine['build']>[0]) as (data: unknown) => unknown
  } catch (thrown) {
    throw toRuleError(thrown)
  }
  return (data: unknown) => {
    try {
      return compiled(data)
    } catch (thrown) {
      throw toRuleError(thrown)
    }
  }
}

/** Reports why a rule cannot be compiled (unknown operator, bad arguments), or null when it can. */
export function checkRule(rule: unknown): string | null {
  try {
    compileRule(rule)
    return null
  } catch (error) {
    return (error as Error).message
  }
}

/** Compiles and runs a rule once, for trying rules out (`/api/rules/evaluate`); throws an Error saying why it failed. */
export function evaluateRule(rule: unknown, data: unknown): unknown {
  return compileRule(rule)(data)
}

/** JsonLogic truthiness: like JavaScript's, except that an empty array is false. */
export function isTruthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value)
}
