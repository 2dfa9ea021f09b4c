import { describe, expect, it } from 'vitest'
import { checkRule, compileRule, evaluateRule, RuleError, RuleLimitError } from '../json-logic.ts'
import { DEFAULT_RULE_LIMITS, RULE_SHAPE_LIMITS } from './rule-meter.ts'

/** The 201-byte rule that made V8 abort the process: merge doubles the accumulator 27 times (2^27 items). */
const doublingMerge = (list: unknown) => ({ reduce: [list, { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] }, [1]] })
const zeroTo26 = Array.from({ length: 27 }, (_, i) => i)

function limitOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    if (error instanceof RuleLimitError) return error.limit
    throw error
  }
  throw new Error('the rule stayed within its budget')
}

describe('the rule budget', () => {
  it('stops a merge that doubles a list before the list is built', () => {
    expect(JSON.stringify(doublingMerge(zeroTo26)).length).toBeLessThan(210)
    expect(limitOf(() => compileRule(doublingMerge(zeroTo26))({}))).toMatch(/arrayLength|operations/)
  })

  it('stops the same merge when the list comes from the data', () => {
    const rule = compileRule(doublingMerge({ var: 'vars.list' }))
    expect(limitOf(() => rule({ vars: { list: zeroTo26 } }))).toMatch(/arrayLength|operations/)
  })

  it('stops quadratic work over a long list (a reduce that re-merges everything it has)', () => {
    const items = Array.from({ length: 60_000 }, (_, i) => i)
    const rule = { reduce: [{ var: 'items' }, { merge: [{ var: 'accumulator' }, [{ var: 'current' }]] }, []] }
    expect(limitOf(() => compileRule(rule)({ items }))).toBe('operations')
  })

  it('stops a loop over more items than the budget allows even when each step is cheap', () => {
    const items = new Array(DEFAULT_RULE_LIMITS.operations + 1).fill(1)
    expect(limitOf(() => compileRule({ some: [{ var: 'items' }, { '==': [{ var: '' }, 2] }] })({ items }))).toBe('operations')
  })

  it('stops text that doubles until it is too long', () => {
    const rule = { reduce: [zeroTo26, { cat: [{ var: 'accumulator' }, { var: 'accumulator' }] }, 'xxxxxxxx'] }
    expect(limitOf(() => compileRule(rule)({}))).toMatch(/stringLength|operations/)
  })

  it('refuses a map that would build a list longer than the limit, before building it', () => {
    const items = new Array(DEFAULT_RULE_LIMITS.arrayLength + 1).fill(0)
    expect(limitOf(() => compileRule({ map: [{ var: 'items' }, 1] })({ items }))).toBe('arrayLength')
  })

  it('is never caught by try: a rule cannot recover from its budget', () => {
    const rule = { try: [doublingMerge(zeroTo26), 'fallback'] }
    expect(limitOf(() => compileRule(rule)({}))).toMatch(/arrayLength|operations/)
  })

  it('still lets try catch an ordinary rule error', () => {
    expect(compileRule({ try: [{ '/': [1, { var: 'zero' }] }, 0] })({ zero: 0 })).toBe(0)
  })

  it('fails the same way every time for the same rule and data (it counts work, not time)', () => {
    const rule = compileRule({ reduce: [{ var: 'l' }, { '+': [{ var: 'accumulator' }, { reduce: [{ var: '../../l' }, { '+': [{ var: 'accumulator' }, 1] }, 0] }] }, 0] })
    const data = { l: Array.from({ length: 400 }, (_, i) => i) }
    const messages = [0, 1, 2].map(() => { try { rule(data); return 'ok' } catch (e) { return (e as Error).message } })
    expect(new Set(messages).size).toBe(1)
    expect(messages[0]).toMatch(/budget of 100,000 operations/)
  })

  it('leaves room for real order rules: a check over 500 items uses a small part of it', () => {
    const items = Array.from({ length: 500 }, (_, i) => ({ sku: `SKU-${i}`, quantity: i % 3, unitPrice: 1000 + i }))
    const { result, operations } = evaluateRule({
      and: [
        { some: [{ var: 'order.items' }, { and: [{ '==': [{ var: 'quantity' }, 0] }, { '>': [{ var: 'unitPrice' }, 1200] }] }] },
        { '>': [{ reduce: [{ var: 'order.items' }, { '+': [{ var: 'accumulator' }, { '*': [{ var: 'current.quantity' }, { var: 'current.unitPrice' }] }] }, 0] }, 100000] },
      ],
    }, { order: { items } })
    expect(result).toBe(true)
    expect(operations).toBeLessThan(DEFAULT_RULE_LIMITS.operations / 10)
  })

  it('reports what a rule used', () => {
    expect(evaluateRule({ '>': [{ var: 'order.totalAmount' }, 100000] }, { order: { totalAmount: 128800 } })).toEqual({ result: true, operations: 2 })
  })
})

describe('the rule shape limits', () => {
  it('refuses a rule nested deeper than the limit when it is compiled', () => {
    let rule: unknown = true
    for (let i = 0; i < RULE_SHAPE_LIMITS.depth + 1; i++) rule = { '!': [rule] }
    expect(checkRule(rule)).toMatch(/nested more than 64 levels/)
  })

  it('refuses a rule nested 200,000 levels deep without overflowing the stack', () => {
    let rule: unknown = 1
    for (let i = 0; i < 200_000; i++) rule = { '!': rule }
    expect(checkRule(rule)).toMatch(/nested more than/)
  })

  it('refuses a rule with more operators than the limit', () => {
    const rule = { and: Array.from({ length: RULE_SHAPE_LIMITS.nodes }, () => ({ '==': [1, 1] })) }
    expect(checkRule(rule)).toMatch(/too large/)
  })

  it('names where in the rule an unknown operator is', () => {
    try {
      compileRule({ and: [true, { if: [{ nope: [] }, 1, 2] }] })
      throw new Error('compiled')
    } catch (error) {
      expect(error).toBeInstanceOf(RuleError)
      expect((error as RuleError & { pointer: string }).pointer).toBe('/and/1/if/0')
    }
  })

  it('reads own properties only: constructor and __proto__ are missing values', () => {
    expect(compileRule({ var: 'constructor' })({})).toBeNull()
    expect(compileRule({ var: 'o.__proto__' })({ o: {} })).toBeNull()
    expect(compileRule({ var: 'order.items.length' })({ order: { items: [1, 2] } })).toBe(2)
  })
})
