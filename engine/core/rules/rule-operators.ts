/**
 * The operators of Ordo's rule language: JsonLogic as json-logic-engine v5 evaluates it (its
 * compiled mode, which Ordo ran before), each charging the meter for the work it does and the
 * values it creates. Where that library is inconsistent (cat skips a literal null but prints a
 * missing var as "null"), the rule here is the consistent one; rule-differential.test.ts lists them.
 */
import type { RuleCompiler } from './compile-rule.ts'
import { RuleError, RuleLimitError, type RuleMeter } from './rule-meter.ts'
import {
  RuleCompileError, hasPath, invalidArguments, isTruthy, notANumber, readPath, splitPath, type Evaluator, type Scope,
} from './rule-scope.ts'

/** Compiles one operator's argument into an evaluator; `at` points at the argument in the rule. */
type OperatorCompiler = (arg: unknown, at: string, c: RuleCompiler) => Evaluator

/** The arguments as a list of evaluators: a literal list element by element, anything else as one argument. */
function argList(arg: unknown, at: string, c: RuleCompiler): Evaluator[] {
  return Array.isArray(arg) ? arg.map((a, i) => c.compile(a, `${at}/${i}`)) : [c.compile(arg, at)]
}

/** Evaluates the arguments of an operator that takes its arguments evaluated (a literal list or one rule giving a list). */
function evaluatedArgs(arg: unknown, at: string, c: RuleCompiler): (scope: Scope, meter: RuleMeter) => unknown[] {
  if (Array.isArray(arg)) {
    const items = argList(arg, at, c)
    return (scope, meter) => {
      const out = new Array(items.length)
      for (let i = 0; i < items.length; i++) out[i] = items[i](scope, meter)
      return out
    }
  }
  const one = c.compile(arg, at)
  return (scope, meter) => {
    const value = one(scope, meter)
    return Array.isArray(value) ? value : [value]
  }
}

function requireList(operator: string, arg: unknown, at: string, minimum = 0): unknown[] {
  if (!Array.isArray(arg)) throw new RuleCompileError(`"${operator}" takes a list of arguments`, at)
  if (arg.length < minimum) throw new RuleCompileError(`"${operator}" needs at least ${minimum} argument${minimum === 1 ? '' : 's'}`, at)
  return arg
}

// ---- numbers ---------------------------------------------------------------------------------

/** A value as an arithmetic operand: null, false and "" are 0, numeric text is its number; objects and lists are refused. */
function operand(value: unknown): number {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw notANumber()
    return value
  }
  if (value && typeof value === 'object') throw notANumber()
  const n = value === undefined ? Number.NaN : +(value as number)
  if (Number.isNaN(n)) throw notANumber()
  return n
}

function checked(n: number): number {
  if (Number.isNaN(n)) throw notANumber()
  return n
}

/** The operands of an arithmetic operator: a literal list, or one rule whose value is a list (or a single value). */
function numericArgs(arg: unknown, at: string, c: RuleCompiler): (scope: Scope, meter: RuleMeter) => unknown[] {
  const args = evaluatedArgs(arg, at, c)
  return (scope, meter) => {
    const values = args(scope, meter)
    meter.spend(values.length)
    return values
  }
}

const add: OperatorCompiler = (arg, at, c) => {
  if (Array.isArray(arg) && arg.length === 2) {
    const [a, b] = argList(arg, at, c)
    return (scope, meter) => checked(operand(a(scope, meter)) + operand(b(scope, meter)))
  }
  const args = numericArgs(arg, at, c)
  return (scope, meter) => {
    let sum = 0
    for (const v of args(scope, meter)) sum += operand(v)
    return checked(sum)
  }
}

const multiply: OperatorCompiler = (arg, at, c) => {
  if (Array.isArray(arg) && arg.length === 2) {
    const [a, b] = argList(arg, at, c)
    return (scope, meter) => checked(operand(a(scope, meter)) * operand(b(scope, meter)))
  }
  const args = numericArgs(arg, at, c)
  return (scope, meter) => {
    let product = 1
    for (const v of args(scope, meter)) product *= operand(v)
    return checked(product)
  }
}

const subtract: OperatorCompiler = (arg, at, c) => {
  if (Array.isArray(arg) && arg.length === 0) throw new RuleCompileError('"-" needs at least 1 argument', at)
  const args = numericArgs(arg, at, c)
  return (scope, meter) => {
    const values = args(scope, meter)
    if (values.length === 0) throw invalidArguments('-', 'nothing to subtract')
    if (values.length === 1) return checked(-operand(values[0]))
    let result = operand(values[0])
    for (let i = 1; i < values.length; i++) result -= operand(values[i])
    return checked(result)
  }
}

const divide: OperatorCompiler = (arg, at, c) => {
  if (Array.isArray(arg) && arg.length === 0) throw new RuleCompileError('"/" needs at least 1 argument', at)
  const args = numericArgs(arg, at, c)
  return (scope, meter) => {
    const values = args(scope, meter)
    if (values.length === 0) throw invalidArguments('/', 'nothing to divide')
    // A divisor of 0, null, false or "" has no quotient.
    if (values.length === 1) return checked(1 / (operand(values[0]) || Number.NaN))
    let result = operand(values[0])
    for (let i = 1; i < values.length; i++) result /= operand(values[i]) || Number.NaN
    if (result === Infinity || result === -Infinity) throw notANumber()
    return checked(result)
  }
}

const remainder: OperatorCompiler = (arg, at, c) => {
  if (Array.isArray(arg) && arg.length < 2) throw new RuleCompileError('"%" needs 2 arguments', at)
  const args = numericArgs(arg, at, c)
  return (scope, meter) => {
    const values = args(scope, meter)
    if (values.length < 2) throw invalidArguments('%', 'needs 2 numbers')
    let result = operand(values[0])
    for (let i = 1; i < values.length; i++) result %= operand(values[i])
    return checked(result)
  }
}

function extreme(operator: 'max' | 'min'): OperatorCompiler {
  return (arg, at, c) => {
    const args = numericArgs(arg, at, c)
    return (scope, meter) => {
      const values = args(scope, meter)
      if (values.length === 0) throw invalidArguments(operator, 'needs at least one number')
      let best = values[0]
      for (const v of values) {
        if (typeof v !== 'number') throw invalidArguments(operator, 'takes numbers only')
        if (operator === 'max' ? v > (best as number) : v < (best as number)) best = v
      }
      return best
    }
  }
}

// ---- comparison ------------------------------------------------------------------------------

/** json-logic-engine's pre-check of a comparison operand: NaN and objects cannot be compared as numbers. */
function precoerce(value: unknown): unknown {
  if (typeof value === 'number' && Number.isNaN(value)) throw notANumber()
  if (!value) return value
  if (typeof value === 'object') throw notANumber()
  return value
}

/**
 * What the right-hand side of a loose comparison compares as (json-logic-engine's compareCheck):
 * two texts (or nulls) compare as text; otherwise both must be numbers or numeric text, and a null
 * beside a falsy value compares as equal to it (null == 0, null <= 0, but not null < 0).
 */
function comparable(item: unknown, prev: unknown): unknown {
  // Two numbers, or two texts, compare as they are (the common case, checked first).
  const ti = typeof item
  if (ti === typeof prev && (ti === 'number' ? !Number.isNaN(item) && !Number.isNaN(prev) : ti === 'string')) return item
  if ((ti === 'string' || item === null) && (typeof prev === 'string' || prev === null)) return item
  if (Number.isNaN(+(precoerce(item) as number)) && prev !== null) throw notANumber()
  if (Number.isNaN(+(precoerce(prev) as number))) throw notANumber()
  if (prev === null && !item) return null
  if (item === null && !prev) return 0
  return item
}

/* eslint-disable eqeqeq */
const RELATIONS: Record<string, (a: any, b: any) => boolean> = {
  '==': (a, b) => a == b, '!=': (a, b) => a != b, '===': (a, b) => a === b, '!==': (a, b) => a !== b,
  '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b,
}

/** A two-sided comparison with its relation written out, so each operator's call site stays monomorphic. */
function binaryComparison(operator: string, left: Evaluator, right: Evaluator): Evaluator {
  switch (operator) {
    case '==': return (s, m) => { const a: any = left(s, m); return a == comparable(right(s, m), a) }
    case '!=': return (s, m) => { const a: any = left(s, m); return a != comparable(right(s, m), a) }
    case '===': return (s, m) => left(s, m) === right(s, m)
    case '!==': return (s, m) => left(s, m) !== right(s, m)
    case '<': return (s, m) => { const a: any = left(s, m); return a < (comparable(right(s, m), a) as any) }
    case '<=': return (s, m) => { const a: any = left(s, m); return a <= (comparable(right(s, m), a) as any) }
    case '>': return (s, m) => { const a: any = left(s, m); return a > (comparable(right(s, m), a) as any) }
    default: return (s, m) => { const a: any = left(s, m); return a >= (comparable(right(s, m), a) as any) }
  }
}
/* eslint-enable eqeqeq */

function comparison(operator: string): OperatorCompiler {
  const relation = RELATIONS[operator]
  const strict = operator === '===' || operator === '!=='
  return (arg, at, c) => {
    const items = argList(requireList(operator, arg, at, 2), at, c)
    if (items.length === 2) return binaryComparison(operator, items[0], items[1])
    return (scope, meter) => {
      let prev = items[0](scope, meter)
      for (let i = 1; i < items.length; i++) {
        const raw = items[i](scope, meter)
        const current = strict ? raw : comparable(raw, prev)
        if (!relation(prev, current)) return false
        prev = current
      }
      return true
    }
  }
}

// ---- logic -----------------------------------------------------------------------------------

function negation(double: boolean): OperatorCompiler {
  return (arg, at, c) => {
    const value = Array.isArray(arg) ? (arg.length === 0 ? () => undefined : c.compile(arg[0], `${at}/0`)) : c.compile(arg, at)
    return (scope, meter) => (double ? isTruthy(value(scope, meter)) : !isTruthy(value(scope, meter)))
  }
}

function junction(all: boolean): OperatorCompiler {
  return (arg, at, c) => {
    const items = argList(requireList(all ? 'and' : 'or', arg, at), at, c)
    return (scope, meter) => {
      let item: unknown = null
      for (const evaluate of items) {
        item = evaluate(scope, meter)
        if (isTruthy(item) !== all) return item
      }
      return item
    }
  }
}

const condition: OperatorCompiler = (arg, at, c) => {
  const items = argList(requireList('if', arg, at), at, c)
  if (items.length === 0) return () => null
  if (items.length === 1) return items[0]
  return (scope, meter) => {
    let i = 0
    for (; i + 1 < items.length; i += 2) if (isTruthy(items[i](scope, meter))) return items[i + 1](scope, meter)
    return i < items.length ? items[i](scope, meter) : null
  }
}

const coalesce: OperatorCompiler = (arg, at, c) => {
  const items = argList(requireList('??', arg, at), at, c)
  return (scope, meter) => {
    let item: unknown = null
    for (const evaluate of items) {
      item = evaluate(scope, meter)
      if (item !== null && item !== undefined) return item
    }
    return item ?? null
  }
}

/** `try`: the first alternative that does not fail; later ones read the failure as {"var": "type"}. Budgets are never caught. */
const attempt: OperatorCompiler = (arg, at, c) => {
  const items = argList(Array.isArray(arg) ? arg : [arg], at, c)
  return (scope, meter) => {
    let failure: RuleError | null = null
    for (const evaluate of items) {
      try {
        return evaluate(failure ? { data: { type: failure.type }, up: { data: null, up: scope } } : scope, meter)
      } catch (error) {
        if (!(error instanceof RuleError) || error instanceof RuleLimitError) throw error
        failure = error
      }
    }
    throw failure ?? new RuleError('try has no alternative')
  }
}

const raise: OperatorCompiler = (arg, at, c) => {
  const value = c.compile(Array.isArray(arg) ? arg[0] : arg, at)
  return (scope, meter) => {
    const thrown = value(scope, meter)
    const type = thrown && typeof thrown === 'object' ? String((thrown as { type?: unknown }).type ?? 'Error') : String(thrown)
    throw new RuleError(`rule threw ${JSON.stringify(type)}`, type)
  }
}

// ---- data ------------------------------------------------------------------------------------

const missing: OperatorCompiler = (arg, at, c) => {
  const args = evaluatedArgs(arg, at, c)
  return (scope, meter) => missingPaths(args(scope, meter), scope, meter)
}

function missingPaths(paths: unknown[], scope: Scope, meter: RuleMeter): unknown[] {
  meter.spend(paths.length)
  const out: unknown[] = []
  for (const path of paths) if (!hasPath(scope.data, splitPath(String(path)))) out.push(path)
  return out
}

const missingSome: OperatorCompiler = (arg, at, c) => {
  const [need, paths] = requireList('missing_some', arg, at, 2).map((a, i) => c.compile(a, `${at}/${i}`))
  return (scope, meter) => {
    const list = paths(scope, meter)
    if (!Array.isArray(list)) throw invalidArguments('missing_some', 'the second argument must be a list of paths')
    const absent = missingPaths(list, scope, meter)
    return list.length - absent.length >= operand(need(scope, meter)) ? [] : absent
  }
}

const get: OperatorCompiler = (arg, at, c) => {
  const [object, key, fallback] = argList(requireList('get', arg, at, 2), at, c)
  return (scope, meter) => {
    const found = readPath(object(scope, meter), splitPath(String(key(scope, meter))), undefined)
    return found === undefined ? (fallback ? fallback(scope, meter) : null) : found
  }
}

const keys: OperatorCompiler = (arg, at, c) => {
  const args = evaluatedArgs(arg, at, c)
  return (scope, meter) => {
    const [object] = args(scope, meter)
    if (object === null || object === undefined) throw invalidArguments('keys', 'needs an object')
    if (typeof object !== 'object') return []
    const list = Object.keys(object)
    meter.array(list.length)
    return list
  }
}

const length: OperatorCompiler = (arg, at, c) => {
  if (!arg) throw new RuleCompileError('"length" needs a list, a text or an object', at)
  const value = Array.isArray(arg) ? c.compile(arg[0], `${at}/0`) : c.compile(arg, at)
  return (scope, meter) => {
    const v = value(scope, meter)
    if (typeof v === 'string' || Array.isArray(v)) return v.length
    if (v && typeof v === 'object') {
      const n = Object.keys(v).length
      meter.spend(n)
      return n
    }
    throw invalidArguments('length', 'needs a list, a text or an object')
  }
}

const preserve: OperatorCompiler = (arg) => () => arg

// ---- lists and text --------------------------------------------------------------------------

const membership: OperatorCompiler = (arg, at, c) => {
  if (Array.isArray(arg) && arg.length === 2) {
    const [item, container] = argList(arg, at, c)
    return (scope, meter) => contains(item(scope, meter), container(scope, meter), meter)
  }
  const args = evaluatedArgs(arg, at, c)
  return (scope, meter) => {
    const [item, container] = args(scope, meter)
    return contains(item, container, meter)
  }
}

/** `in`: an item of a list, or a piece of a text; a missing container contains nothing. */
function contains(item: unknown, container: unknown, meter: RuleMeter): boolean {
  if (!container) return false
  if (Array.isArray(container)) {
    meter.spend(container.length)
    return container.includes(item)
  }
  if (typeof container === 'string') {
    meter.spend(1 + (container.length >>> 6))
    return container.includes(String(item))
  }
  throw invalidArguments('in', 'the second argument must be a list or a text')
}

const merge: OperatorCompiler = (arg, at, c) => {
  const args = evaluatedArgs(arg, at, c)
  return (scope, meter) => {
    const parts = args(scope, meter)
    let total = 0
    for (const p of parts) total += Array.isArray(p) ? p.length : 1
    // Counted before anything is built: a list that would be too long is never allocated.
    meter.array(total)
    const out: unknown[] = []
    for (const p of parts) {
      if (Array.isArray(p)) for (const x of p) out.push(x)
      else out.push(p)
    }
    return out
  }
}

/** The text `cat` makes of a value: a list joins its items with commas, null and missing are empty. */
function textOf(value: unknown, meter: RuleMeter, depth = 0): string {
  if (typeof value === 'string') return value
  if (value === null || value === undefined) return ''
  if (Array.isArray(value)) {
    if (depth > 8) throw invalidArguments('cat', 'lists nested too deeply to print')
    meter.spend(value.length)
    return value.map((v) => textOf(v, meter, depth + 1)).join(',')
  }
  if (typeof value === 'object') return '[object Object]'
  return String(value)
}

const concat: OperatorCompiler = (arg, at, c) => {
  const args = evaluatedArgs(arg, at, c)
  return (scope, meter) => {
    const parts = args(scope, meter).map((v) => textOf(v, meter))
    let total = 0
    for (const p of parts) total += p.length
    meter.string(total)
    return parts.join('')
  }
}

const substring: OperatorCompiler = (arg, at, c) => {
  const args = evaluatedArgs(arg, at, c)
  return (scope, meter) => {
    const [text, from, count] = args(scope, meter)
    if (typeof text !== 'string') throw invalidArguments('substr', 'the first argument must be a text')
    const start = operand(from ?? 0)
    let out: string
    if (count === undefined || count === null) out = text.substr(start)
    else {
      const n = operand(count)
      // A negative length drops that many characters from the end, as json-logic-engine does.
      if (n < 0) {
        const rest = text.substr(start)
        out = rest.slice(0, Math.max(0, rest.length + n))
      } else out = text.substr(start, n)
    }
    meter.string(out.length)
    return out
  }
}

/** The list an iterating operator walks: missing means empty, anything else but a list is refused. */
function selected(operator: string, value: unknown): unknown[] {
  if (!value) return []
  if (!Array.isArray(value)) throw invalidArguments(operator, 'the first argument must be a list')
  return value
}

type Walk = (list: unknown[], each: (item: unknown, index: number) => unknown, meter: RuleMeter) => unknown

/** True when a rule may read an enclosing scope ("../" in a var, or a var whose path is computed). */
function climbsOut(rule: unknown): boolean {
  if (Array.isArray(rule)) return rule.some(climbsOut)
  if (!rule || typeof rule !== 'object') return false
  for (const [op, arg] of Object.entries(rule)) {
    if (op === 'var') {
      const key = Array.isArray(arg) ? arg[0] : arg
      if (key !== null && key !== undefined && typeof key === 'object') return true
      if (typeof key === 'string' && key.startsWith('../')) return true
    }
    if (op === 'try') return true
    if (climbsOut(arg)) return true
  }
  return false
}

/** map, filter, all, some, none: the mapper sees each item, "../" is { iterator, index }, "../../" the data around. */
function iteration(operator: string, walk: Walk): OperatorCompiler {
  return (arg, at, c) => {
    const [list, mapperRule] = requireList(operator, arg, at, 1)
    const selector = c.compile(list, `${at}/0`)
    const mapper = c.compile(mapperRule, `${at}/1`)
    if (!climbsOut(mapperRule)) {
      // Nothing can look past the item, so one scope serves the whole loop.
      return (scope, meter) => {
        const items = selected(operator, selector(scope, meter))
        const itemScope: Scope = { data: null, up: scope }
        return walk(items, (item) => {
          meter.spend(1)
          itemScope.data = item
          return mapper(itemScope, meter)
        }, meter)
      }
    }
    return (scope, meter) => {
      const items = selected(operator, selector(scope, meter))
      return walk(items, (item, index) => {
        meter.spend(1)
        return mapper({ data: item, up: { data: { iterator: items, index }, up: scope } }, meter)
      }, meter)
    }
  }
}

const map = iteration('map', (items, each, meter) => {
  meter.array(items.length)
  const out = new Array(items.length)
  for (let i = 0; i < items.length; i++) out[i] = each(items[i], i)
  return out
})
const filter = iteration('filter', (items, each, meter) => {
  const out: unknown[] = []
  for (let i = 0; i < items.length; i++) if (isTruthy(each(items[i], i))) out.push(items[i])
  meter.array(out.length)
  return out
})
const every = iteration('all', (items, each) => {
  if (items.length === 0) return false
  for (let i = 0; i < items.length; i++) if (!isTruthy(each(items[i], i))) return false
  return true
})
const some = iteration('some', (items, each) => {
  for (let i = 0; i < items.length; i++) if (isTruthy(each(items[i], i))) return true
  return false
})
const none = iteration('none', (items, each) => {
  for (let i = 0; i < items.length; i++) if (isTruthy(each(items[i], i))) return false
  return true
})

/** reduce: [list, rule over { accumulator, current }, initial]; without an initial value the first item is one. */
const reduce: OperatorCompiler = (arg, at, c) => {
  const [list, mapperRule, initialRule] = requireList('reduce', arg, at, 2)
  const selector = c.compile(list, `${at}/0`)
  const mapper = c.compile(mapperRule, `${at}/1`)
  const initial = (arg as unknown[]).length > 2 ? c.compile(initialRule, `${at}/2`) : null
  return (scope, meter) => {
    const items = selected('reduce', selector(scope, meter))
    let i = 0
    let accumulator: unknown
    if (initial) accumulator = initial(scope, meter)
    else {
      if (items.length === 0) throw invalidArguments('reduce', 'an empty list has nothing to reduce without an initial value')
      accumulator = items[i++]
    }
    const around: Scope = { data: items, up: scope }
    for (; i < items.length; i++) {
      meter.spend(1)
      accumulator = mapper({ data: { accumulator, current: items[i] }, up: around }, meter)
    }
    return accumulator
  }
}

/** Every operator but `var` (compiled by compile-rule.ts), by name. */
export const OPERATORS: Readonly<Record<string, OperatorCompiler>> = Object.freeze({
  '+': add, '-': subtract, '*': multiply, '/': divide, '%': remainder, max: extreme('max'), min: extreme('min'),
  '==': comparison('=='), '!=': comparison('!='), '===': comparison('==='), '!==': comparison('!=='),
  '<': comparison('<'), '<=': comparison('<='), '>': comparison('>'), '>=': comparison('>='),
  '!': negation(false), not: negation(false), '!!': negation(true), and: junction(true), or: junction(false),
  if: condition, '?:': condition, '??': coalesce, try: attempt, throw: raise,
  missing, missing_some: missingSome, get, keys, length, preserve,
  in: membership, merge, cat: concat, substr: substring,
  map, filter, all: every, every, some, none, reduce,
})

/** The names of every operator a rule may use. */
export const RULE_OPERATORS: readonly string[] = Object.freeze(['var', ...Object.keys(OPERATORS)].sort())
