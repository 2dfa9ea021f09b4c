/**
 * Compiles a JsonLogic rule into a tree of closures, once per workflow version. Compiling checks the
 * rule's shape (known operators, arguments an operator can take, depth and size limits) and never
 * evaluates any part of it: validation cannot be made to run a rule. Running the result walks the
 * closures under a RuleMeter.
 */
import { RULE_SHAPE_LIMITS } from './rule-meter.ts'
import { RuleCompileError, climb, isPlainPath, readPath, readPlainPath, splitPath, type Evaluator, type Scope } from './rule-scope.ts'
import { OPERATORS } from './rule-operators.ts'
import { escapePointer } from '../../../schemas/index.ts'

/** What an operator's compiler may call to compile its arguments. */
export interface RuleCompiler {
  /** Compiles a sub-rule found at `pointer` (relative to the rule's root). */
  compile(rule: unknown, pointer: string): Evaluator
}

/** Compiles `rule`; throws RuleCompileError (with a pointer into the rule) for a rule that cannot run. */
export function compileRuleTree(rule: unknown): Evaluator {
  let nodes = 0
  let depth = 0
  const compiler: RuleCompiler = {
    compile(sub, pointer) {
      nodes += 1
      if (nodes > RULE_SHAPE_LIMITS.nodes) {
        throw new RuleCompileError(`rule is too large: more than ${RULE_SHAPE_LIMITS.nodes.toLocaleString('en-US')} operators and values`, pointer)
      }
      if (depth >= RULE_SHAPE_LIMITS.depth) {
        throw new RuleCompileError(`rule is nested more than ${RULE_SHAPE_LIMITS.depth} levels deep`, pointer)
      }
      depth += 1
      try {
        return compileNode(sub, pointer, compiler)
      } finally {
        depth -= 1
      }
    },
  }
  return compiler.compile(rule, '')
}

function compileNode(rule: unknown, pointer: string, c: RuleCompiler): Evaluator {
  if (rule === null || typeof rule !== 'object') {
    const value = rule === undefined ? null : rule
    return () => value
  }
  if (Array.isArray(rule)) {
    const items = rule.map((item, i) => c.compile(item, `${pointer}/${i}`))
    return (scope, meter) => {
      meter.array(items.length)
      const out = new Array(items.length)
      for (let i = 0; i < items.length; i++) out[i] = items[i](scope, meter)
      return out
    }
  }
  const keys = Object.keys(rule)
  if (keys.length !== 1) {
    throw new RuleCompileError(keys.length === 0
      ? 'an empty object is not a rule; a rule object has exactly one operator key'
      : `a rule object has exactly one operator key, not ${keys.length} (${keys.slice(0, 3).map((k) => JSON.stringify(k)).join(', ')})`, pointer)
  }
  const operator = keys[0]
  const arg = (rule as Record<string, unknown>)[operator]
  const at = `${pointer}/${escapePointer(operator)}`
  if (operator === 'var') return compileVar(arg, at, c)
  const compileOperator = Object.hasOwn(OPERATORS, operator) ? OPERATORS[operator] : undefined
  if (!compileOperator) throw new RuleCompileError(`unknown operator ${JSON.stringify(operator)} in rule`, pointer)
  const evaluate = compileOperator(arg, at, c)
  return (scope, meter) => {
    meter.spend(1)
    return evaluate(scope, meter)
  }
}

/** `var`: a path into the data (dots between keys), with an optional default; "../" climbs to the enclosing scope. */
function compileVar(arg: unknown, at: string, c: RuleCompiler): Evaluator {
  const [key, fallbackRule] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined]
  const fallback = fallbackRule === undefined ? (() => null) : c.compile(fallbackRule, `${at}/1`)
  if (key === undefined || key === null || key === '') {
    return (scope, meter) => { meter.spend(1); return scope.data }
  }
  if (typeof key === 'string' || typeof key === 'number') {
    const text = String(key)
    if (text.startsWith('../')) return (scope, meter) => { meter.spend(1); return readVar(scope, text, fallback, meter) }
    const keys = splitPath(text)
    if (!isPlainPath(keys)) return (scope, meter) => { meter.spend(1); return fallback(scope, meter) }
    // The common shapes without a loop: "order.totalAmount", "vars.threshold", "quantity".
    if (keys.length === 1 && fallbackRule === undefined) {
      const [k0] = keys
      return (scope, meter) => {
        meter.spend(1)
        const v = (scope.data as Record<string, unknown> | null | undefined)?.[k0]
        return v === undefined || v === null || typeof v === 'function' ? null : v
      }
    }
    if (keys.length === 2 && fallbackRule === undefined) {
      const [k0, k1] = keys
      return (scope, meter) => {
        meter.spend(1)
        const v = ((scope.data as Record<string, Record<string, unknown> | null | undefined> | null | undefined)?.[k0])?.[k1]
        return v === undefined || v === null || typeof v === 'function' ? null : v
      }
    }
    return (scope, meter) => {
      meter.spend(1)
      const value = readPlainPath(scope.data, keys, undefined)
      return value === undefined ? fallback(scope, meter) : value
    }
  }
  // A computed path: {"var": {"cat": ["vars.", {"var": "which"}]}}.
  const path = c.compile(key, Array.isArray(arg) ? `${at}/0` : at)
  return (scope, meter) => {
    meter.spend(1)
    const computed = path(scope, meter)
    if (computed === null || computed === undefined || computed === '') return scope.data
    if (typeof computed !== 'string' && typeof computed !== 'number') return fallback(scope, meter)
    return readVar(scope, String(computed), fallback, meter)
  }
}

function readVar(scope: Scope, text: string, fallback: Evaluator, meter: Parameters<Evaluator>[1]): unknown {
  const climbed = climb(scope, text)
  meter.spend(1 + (climbed.path.length >>> 6))
  const value = climbed.path === '' ? climbed.scope.data : readPath(climbed.scope.data, splitPath(climbed.path), undefined)
  return value === undefined || value === null ? fallback(scope, meter) : value
}
