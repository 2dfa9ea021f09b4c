import { describe, expect, it } from 'vitest'
import { checkRule, compileRule, evaluateRule, isTruthy } from './json-logic.ts'

const run = (rule: unknown, data: unknown = {}) => compileRule(rule)(data)

describe('JsonLogic semantics pinned from json-logic-engine v5', () => {
  it('throws an Error naming division by zero when a rule divides by zero', () => {
    expect(() => run({ '/': [1, 0] })).toThrow(Error)
    expect(() => run({ '/': [1, { var: 'x' }] }, { x: 0 })).toThrow(/division by zero/)
  })

  it('evaluates nothing while compiling: a constant division by zero fails when the rule runs', () => {
    expect(checkRule({ '/': [1, 0] })).toBeNull()
    expect(() => run({ '/': [1, 0] })).toThrow(/division by zero/)
  })

  it('throws on modulo by zero too', () => {
    expect(() => run({ '%': [5, { var: 'zero' }] }, { zero: 0 })).toThrow(/division by zero/)
  })

  it('reads a missing var as null', () => {
    expect(run({ var: 'order.exception.type' }, { order: {} })).toBeNull()
    expect(run({ var: 'order.platform' }, { order: null })).toBeNull()
  })

  it('uses the default of a var when it is missing', () => {
    expect(run({ var: ['vars.limit', 7] }, { vars: {} })).toBe(7)
  })

  it('adds null as zero', () => {
    expect(run({ '+': [null, 1] })).toBe(1)
    expect(run({ '+': [{ var: 'missing' }, 1] })).toBe(1)
  })

  it('compares a missing value as if it were 0, so null < 50 holds', () => {
    expect(run({ '<': [{ var: 'order.healthScore.score' }, 50] }, { order: { healthScore: null } })).toBe(true)
  })

  it('compares a numeric string with a number numerically', () => {
    expect(run({ '>': ['11', 10] })).toBe(true)
    expect(run({ '==': ['10', 10] })).toBe(true)
  })

  it('keeps strict equality strict', () => {
    expect(run({ '===': ['10', 10] })).toBe(false)
  })

  it('compares two strings as strings', () => {
    expect(run({ '>': ['10', '9'] })).toBe(false)
  })

  it('rejects an unknown operator when the rule is built, not when it runs', () => {
    expect(() => compileRule({ frobnicate: [1] })).toThrow('unknown operator "frobnicate" in rule')
    expect(() => compileRule({ and: [true, { if: [{ nope: [] }, 1, 2] }] })).toThrow(/unknown operator "nope"/)
  })

  it('treats constants as rules that return themselves', () => {
    expect(run(true)).toBe(true)
    expect(run('douyin')).toBe('douyin')
    expect(run([1, { var: 'x' }], { x: 2 })).toEqual([1, 2])
  })

  it('compiles a rule once and runs it against many orders', () => {
    const isBig = compileRule({ '>': [{ var: 'order.totalAmount' }, 100000] })
    expect(isBig({ order: { totalAmount: 100001 } })).toBe(true)
    expect(isBig({ order: { totalAmount: 100000 } })).toBe(false)
  })
})

describe('checkRule', () => {
  it('returns null for a rule that compiles', () => {
    expect(checkRule({ in: ['vip', { var: 'order.tags' }] })).toBeNull()
  })

  it('names the unknown operator', () => {
    expect(checkRule({ '>': [{ varr: 'order.totalAmount' }, 1] })).toBe('unknown operator "varr" in rule')
  })
})

describe('evaluateRule', () => {
  it('returns what the rule computes', () => {
    expect(evaluateRule({ '*': [{ var: 'a' }, 2] }, { a: 21 }).result).toBe(42)
  })

  it('throws an Error with a clear message for a runtime failure', () => {
    expect(() => evaluateRule({ '/': [1, 0] }, {})).toThrow(/division by zero/)
  })

  it('throws an Error naming the operator for a build failure', () => {
    expect(() => evaluateRule({ nope: [] }, {})).toThrow('unknown operator "nope" in rule')
  })
})

describe('isTruthy', () => {
  it('follows JsonLogic: an empty array is false, a non-empty one true', () => {
    expect(isTruthy([])).toBe(false)
    expect(isTruthy([0])).toBe(true)
    expect(isTruthy(0)).toBe(false)
    expect(isTruthy('')).toBe(false)
    expect(isTruthy('0')).toBe(true)
    expect(isTruthy(null)).toBe(false)
  })
})
