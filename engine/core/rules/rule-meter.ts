/**
 * The budget every rule evaluation runs under. A JsonLogic rule is operator input: without limits a
 * 200-byte rule can ask for 2^27 array elements (V8 aborts the process) or an O(n²) loop over a
 * large list (the event loop stalls for a minute). Every evaluation gets a meter; each operator, each
 * iteration and each element or character it creates spends from it, so running out is a rule error
 * like division by zero. The budget counts work, not time, so a rule's outcome never depends on how
 * busy the machine is: a run replayed after a restart takes the same path.
 */

/** What one evaluation of one rule may use. */
export interface RuleLimits {
  /** Work units: one per operator, per iteration step, per element created, per 64 characters created. */
  operations: number
  /** Longest array a rule may create (merge, map, filter, literal lists). */
  arrayLength: number
  /** Longest string a rule may create (cat, substr). */
  stringLength: number
}

/** Limits of the rule itself, checked when it is compiled. */
export interface RuleShapeLimits {
  /** Deepest nesting of operators and lists. */
  depth: number
  /** Most operators and literals in one rule. */
  nodes: number
}

/**
 * The defaults: generous for real order rules (a `some` over 500 items with a few comparisons each
 * costs a few thousand units) and small enough that the worst rule ends within milliseconds.
 */
export const DEFAULT_RULE_LIMITS: Readonly<RuleLimits> = Object.freeze({ operations: 100_000, arrayLength: 100_000, stringLength: 1_000_000 })

/** Rules deeper or larger than this are refused when compiled, before they can run. */
export const RULE_SHAPE_LIMITS: Readonly<RuleShapeLimits> = Object.freeze({ depth: 64, nodes: 10_000 })

/** A rule failed: an unknown operator, bad arguments, arithmetic on a non-number, a thrown value. */
export class RuleError extends Error {
  override readonly name: string = 'RuleError'
  /** The type a `try` fallback reads as {"var": "type"}. */
  readonly type: string

  constructor(message: string, type = 'Error') {
    super(message)
    this.type = type
  }
}

/** A rule used up its budget. `try` never catches it: a budget is not something a rule can recover from. */
export class RuleLimitError extends RuleError {
  override readonly name = 'RuleLimitError'
  /** Which limit was hit. */
  readonly limit: keyof RuleLimits

  constructor(limit: keyof RuleLimits, message: string) {
    super(message, 'Limit')
    this.limit = limit
  }
}

/** The running count of one evaluation. */
export class RuleMeter {
  private left: number

  constructor(readonly limits: Readonly<RuleLimits> = DEFAULT_RULE_LIMITS) {
    this.left = limits.operations
  }

  /** Starts a new evaluation with the whole budget (a compiled rule reuses its meter: evaluation is synchronous). */
  reset(): this {
    this.left = this.limits.operations
    return this
  }

  /** Work units spent so far. */
  get used(): number {
    return this.limits.operations - this.left
  }

  /** Spends `units`; throws RuleLimitError once the budget is gone. */
  spend(units: number): void {
    this.left -= units
    if (this.left < 0) {
      throw new RuleLimitError('operations', `rule exceeded its budget of ${this.limits.operations.toLocaleString('en-US')} operations (a loop over too many items, or too much work per item)`)
    }
  }

  /** Accounts for a new array of `length` elements. */
  array(length: number): void {
    if (length > this.limits.arrayLength) {
      throw new RuleLimitError('arrayLength', `rule built a list of ${length.toLocaleString('en-US')} items; at most ${this.limits.arrayLength.toLocaleString('en-US')} are allowed`)
    }
    this.spend(length)
  }

  /** Accounts for a new string of `length` characters. */
  string(length: number): void {
    if (length > this.limits.stringLength) {
      throw new RuleLimitError('stringLength', `rule built a text of ${length.toLocaleString('en-US')} characters; at most ${this.limits.stringLength.toLocaleString('en-US')} are allowed`)
    }
    this.spend(1 + (length >>> 6))
  }
}
