/**
 * JsonLogic, the rule language of Ordo (conditions, switches, filters, computed variables). Rules are
 * compiled once per workflow version into closures (rules/compile-rule.ts) and every evaluation runs
 * under a budget of work and memory (rules/rule-meter.ts), so a rule can fail — and take its node's
 * error path — but never crash the process or stall it. Compiling never evaluates anything.
 */
import { compileRuleTree } from './rules/compile-rule.ts'
import { DEFAULT_RULE_LIMITS, RuleError, RuleMeter, type RuleLimits } from './rules/rule-meter.ts'
import { isTruthy } from './rules/rule-scope.ts'

export { isTruthy, RuleError, DEFAULT_RULE_LIMITS, type RuleLimits }
export { RuleLimitError } from './rules/rule-meter.ts'
export { RuleCompileError } from './rules/rule-scope.ts'
export { RULE_OPERATORS } from './rules/rule-operators.ts'

/** A compiled rule: call it with the data the rule reads; it throws a RuleError on a rule failure. */
export type CompiledRule = (data: unknown) => unknown

/** Turns whatever went wrong while a rule ran into a RuleError an operator can read. */
export function toRuleError(thrown: unknown): RuleError {
  if (thrown instanceof RuleError) return thrown
  if (thrown instanceof Error) return new RuleError(`rule failed: ${thrown.message}`)
  return new RuleError(`rule failed: ${String(thrown)}`)
}

/** Compiles a rule once (throws a RuleCompileError naming what cannot run); the result throws RuleErrors only. */
export function compileRule(rule: unknown, limits: Readonly<RuleLimits> = DEFAULT_RULE_LIMITS): CompiledRule {
  const root = compileRuleTree(rule)
  // Reused by every call: a rule runs synchronously to the end and never calls itself.
  const meter = new RuleMeter(limits)
  const scope = { data: null as unknown, up: null }
  return (data: unknown) => {
    scope.data = data
    try {
      return root(scope, meter.reset())
    } catch (thrown) {
      throw toRuleError(thrown)
    } finally {
      scope.data = null
    }
  }
}

/** Reports why a rule cannot be compiled (unknown operator, bad arguments, too large), or null when it can. */
export function checkRule(rule: unknown): string | null {
  try {
    compileRuleTree(rule)
    return null
  } catch (error) {
    return toRuleError(error).message
  }
}

/** What trying a rule gives: its value, and how much of its budget it used. */
export interface RuleEvaluation {
  result: unknown
  operations: number
}

/** Compiles and runs a rule once, for trying rules out; throws a RuleError saying why it failed. */
export function evaluateRule(rule: unknown, data: unknown, limits: Readonly<RuleLimits> = DEFAULT_RULE_LIMITS): RuleEvaluation {
  const meter = new RuleMeter(limits)
  try {
    const result = compileRuleTree(rule)({ data, up: null }, meter)
    return { result, operations: meter.used }
  } catch (thrown) {
    throw toRuleError(thrown)
  }
}
