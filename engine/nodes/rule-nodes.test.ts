import { describe, expect, it } from 'vitest'
import { ConfigError } from '../core/config-error.ts'
import { compileRule } from '../core/json-logic.ts'
import { makeOrder } from '../../test/support/orders.ts'
import ruleCondition from './rule.condition.node.ts'
import ruleSet from './rule.set.node.ts'
import ruleSwitch from './rule.switch.node.ts'
import { runNodeNext } from '../../test/support/node-context.ts'

describe('rule.condition', () => {
  it('takes true or false and passes its input through', () => {
    const config = { rule: { '>': [{ var: 'order.totalAmount' }, { var: 'vars.limit' }] } }
    expect(runNodeNext(ruleCondition, config, { variables: { limit: 100 }, input: { a: 1 } })).toEqual({ port: 'true', output: { a: 1 } })
    expect(runNodeNext(ruleCondition, config, { variables: { limit: 10 ** 9 } }).port).toBe('false')
  })

  it('reads the step input under input', () => {
    expect(runNodeNext(ruleCondition, { rule: { '==': [{ var: 'input.answer' }, 'yes'] } }, { input: { answer: 'yes' } }).port).toBe('true')
  })

  it('throws when its rule fails at run time', () => {
    expect(() => runNodeNext(ruleCondition, { rule: { '/': [1, { var: 'vars.zero' }] } }, { variables: { zero: 0 } })).toThrow(/division by zero/)
  })

  it('reports a bad rule as a ConfigError at /rule', () => {
    expect(() => ruleCondition.prepare?.({ rule: { bogus: 1 } }, { compileRule })).toThrow(ConfigError)
  })
})

describe('rule.switch', () => {
  const config = {
    cases: [
      // null < 50 holds in JsonLogic, so an unscored order must be excluded explicitly
      { port: 'risky', rule: { and: [{ var: 'order.healthScore' }, { '<': [{ var: 'order.healthScore.score' }, 50] }] } },
      { port: 'vip', rule: { in: ['vip', { var: 'order.tags' }] } },
    ],
  }

  it('takes the first case that holds', () => {
    const order = makeOrder({ tags: ['vip'], healthScore: { score: 20, band: 'risky', facts: [] } })
    expect(runNodeNext(ruleSwitch, config, { order }).port).toBe('risky')
    expect(runNodeNext(ruleSwitch, config, { order: makeOrder({ tags: ['vip'] }) }).port).toBe('vip')
  })

  it('takes default when no case holds', () => {
    expect(runNodeNext(ruleSwitch, config, { order: makeOrder() }).port).toBe('default')
  })

  it('refuses two cases with the same port', () => {
    expect(() => runNodeNext(ruleSwitch, { cases: [{ port: 'a', rule: true }, { port: 'a', rule: false }] }))
      .toThrow('port name "a" is used by an earlier case')
  })
})

describe('rule.set', () => {
  it('computes variables in order, each seeing the ones before it', () => {
    const result = runNodeNext(ruleSet, {
      variables: {
        units: { reduce: [{ var: 'order.items' }, { '+': [{ var: 'accumulator' }, { var: 'current.quantity' }] }, 0] },
        bulk: { '>=': [{ var: 'vars.units' }, 3] },
      },
    }, { order: makeOrder({ items: [{ sku: 'A', quantity: 2, unitPrice: 1 }, { sku: 'B', quantity: 1, unitPrice: 1 }] }) })
    expect(result.variables).toEqual({ units: 3, bulk: true })
    expect(result.output).toEqual({ units: 3, bulk: true })
    expect(result.orderPatch).toBeUndefined()
  })

  it('adds its tags to the order', () => {
    expect(runNodeNext(ruleSet, { variables: {}, tags: ['checked'] }).orderPatch).toEqual({ addTags: ['checked'] })
  })

  it('points a bad expression at its variable', () => {
    try {
      runNodeNext(ruleSet, { variables: { 'ok': 1, 'bad': { nope: [] } } })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).pointer).toBe('/variables/bad')
    }
  })
})
