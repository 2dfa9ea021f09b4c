/**
 * A JsonLogic rule in short infix form for cards, lists and diffs: `平台 = 抖音 且 订单金额 > ¥1,000.00`
 * with a vocabulary (field names, value labels, amounts as money, and/or/not in the operator's
 * language), or `order.platform = "douyin" and order.totalAmount > 100000` without one.
 */

/** The words a rule is spelled out in. */
export interface RuleVocabulary {
  /** A field's name (`order.platform` → 平台); its path when it has none. */
  field(path: string): string
  /**
   * A value the rule compares field `path` with, in words (douyin → 抖音, 100000 of an amount →
   * ¥1,000.00 in `currency`); null to write it as JSON.
   */
  value(path: string, value: unknown, currency: string): string | null
  and: string
  or: string
  not: string
  /** `in` with a list: the field is one of the values. */
  oneOf: string
  /** `in` with a field holding a list or text: it contains the value. */
  contains: string
}

/** Paths and JSON as they are: the rule as its author wrote it. */
export const RAW_VOCABULARY: RuleVocabulary = {
  field: (path) => path, value: () => null, and: 'and', or: 'or', not: 'not', oneOf: 'in', contains: 'contains',
}

const INFIX: Record<string, string> = {
  '==': '=', '===': '=', '!=': '≠', '!==': '≠', '>': '>', '>=': '≥', '<': '<', '<=': '≤',
  '+': '+', '-': '−', '*': '×', '/': '÷', '%': 'mod',
}
/** Comparisons, whose literal side is a value of the field on the other side. */
const COMPARISONS = new Set(['==', '===', '!=', '!==', '>', '>=', '<', '<='])

type Rule = Record<string, unknown>

function isObject(v: unknown): v is Rule {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function operatorOf(rule: unknown): string | undefined {
  return isObject(rule) ? Object.keys(rule)[0] : undefined
}

function argsOf(rule: Rule, op: string): unknown[] {
  const raw = rule[op]
  return Array.isArray(raw) ? raw : [raw]
}

/** The path a `{"var": …}` reads, or null for anything else. */
function varPath(rule: unknown): string | null {
  if (operatorOf(rule) !== 'var') return null
  const arg = argsOf(rule as Rule, 'var')[0]
  return typeof arg === 'string' || typeof arg === 'number' ? String(arg) : null
}

/**
 * The currency the amounts of a rule are in: what it compares `order.currency` with (the Douyin VIP
 * rule says `order.currency = "CNY"`), else CNY, the currency of the platforms Ordo starts with.
 */
export function ruleCurrency(rule: unknown): string {
  let found: string | null = null
  const visit = (r: unknown) => {
    if (found !== null) return
    if (Array.isArray(r)) { r.forEach(visit); return }
    if (!isObject(r)) return
    const op = operatorOf(r)!
    const args = argsOf(r, op)
    if ((op === '==' || op === '===') && args.length === 2) {
      const [a, b] = args
      if (varPath(a) === 'order.currency' && typeof b === 'string') { found = b; return }
      if (varPath(b) === 'order.currency' && typeof a === 'string') { found = a; return }
    }
    args.forEach(visit)
  }
  visit(rule)
  return found ?? 'CNY'
}

/** `rule` in words; `vocabulary` decides whose words (default: paths and JSON). */
export function describeRule(rule: unknown, vocabulary: RuleVocabulary = RAW_VOCABULARY): string {
  return new Describer(vocabulary, ruleCurrency(rule)).rule(rule, null)
}

class Describer {
  constructor(private readonly words: RuleVocabulary, private readonly currency: string) {}

  /** `rule`; `field` is the path its value is compared with, when it is a literal of one. */
  rule(rule: unknown, field: string | null): string {
    if (rule === null || typeof rule !== 'object') return this.literal(rule, field)
    if (Array.isArray(rule)) return `[${rule.map((r) => this.rule(r, field)).join(', ')}]`
    const op = operatorOf(rule)
    if (op === undefined) return '{}'
    const args = argsOf(rule as Rule, op)
    if (op === 'var') return varPath(rule) !== null ? this.words.field(varPath(rule)!) : `var(${args.map((a) => this.rule(a, null)).join(', ')})`
    if (op === 'and' || op === 'or') return args.map((a) => this.wrap(a)).join(` ${this.words[op]} `)
    if (op === '!') return `${this.words.not} ${this.wrap(args[0])}`
    if (op === '!!') return this.rule(args[0], null)
    if (op === 'in' && args.length === 2) {
      const [needle, haystack] = args
      if (varPath(haystack) !== null) return `${this.rule(haystack, null)} ${this.words.contains} ${this.rule(needle, varPath(haystack))}`
      return `${this.rule(needle, null)} ${this.words.oneOf} ${this.rule(haystack, varPath(needle))}`
    }
    if (INFIX[op] && args.length === 2) {
      const [a, b] = args
      const compared = COMPARISONS.has(op)
      return `${this.rule(a, compared ? varPath(b) : null)} ${INFIX[op]} ${this.rule(b, compared ? varPath(a) : null)}`
    }
    if ((op === '<' || op === '<=') && args.length === 3) {
      const path = varPath(args[1])
      return `${this.rule(args[0], path)} ${INFIX[op]} ${this.rule(args[1], null)} ${INFIX[op]} ${this.rule(args[2], path)}`
    }
    return `${op}(${args.map((a) => this.rule(a, null)).join(', ')})`
  }

  private literal(value: unknown, field: string | null): string {
    const said = field !== null ? this.words.value(field, value, this.currency) : null
    return said ?? JSON.stringify(value) ?? 'null'
  }

  private wrap(rule: unknown): string {
    const text = this.rule(rule, null)
    const op = operatorOf(rule)
    return op === 'and' || op === 'or' ? `(${text})` : text
  }
}
