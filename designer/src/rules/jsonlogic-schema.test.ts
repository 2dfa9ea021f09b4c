import { describe, expect, it } from 'vitest'
import Ajv from 'ajv'
import { RULE_OPERATORS } from '../../../engine/core/json-logic.ts'
import { ENGINE_OPERATORS, jsonLogicSchema } from './jsonlogic-schema.ts'

describe('the JSON tab schema for JsonLogic', () => {
  const validate = new Ajv({ strict: false }).compile(jsonLogicSchema())

  it('lists exactly the operators the engine knows', () => {
    expect(Object.keys(ENGINE_OPERATORS).sort()).toEqual([...RULE_OPERATORS].sort())
  })

  it('accepts literals and rules made of known operators', () => {
    for (const rule of [
      true, 1, 'x', null, ['a', 1],
      { and: [{ '==': [{ var: 'order.platform' }, 'douyin'] }, { '>': [{ var: 'order.totalAmount' }, 100000] }] },
      { in: ['vip', { var: 'order.tags' }] },
      { '!': { '==': [{ var: 'order.presale' }, true] } },
      { if: [{ '>': [{ '+': [{ var: 'order.totalAmount' }, 1] }, 2] }, 'a', 'b'] },
      { preserve: { any: 'thing' } },
    ]) expect(validate(rule), JSON.stringify(rule)).toBe(true)
  })

  it('flags unknown operators, empty objects and objects with two operators', () => {
    expect(validate({ startsWith: [{ var: 'order.customer.name' }, '李'] })).toBe(false)
    expect(validate({ and: [{ nope: [1] }] })).toBe(false)
    expect(validate({})).toBe(false)
    expect(validate({ '==': [1, 1], '!=': [1, 2] })).toBe(false)
  })
})
