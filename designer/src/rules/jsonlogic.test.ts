import { describe, expect, it } from 'vitest'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import orderSchema from '../../../schemas/order.schema.json' with { type: 'json' }
import { checkRule, evaluateRule, isTruthy } from '../../../engine/core/json-logic.ts'
import { fieldsForQuery, queryToRule, ruleToQuery, type RuleGroupType } from './jsonlogic.ts'
import { orderRuleFields, triggerRuleFields } from './order-fields.ts'
import { SAMPLE_ORDER } from './sample-order.ts'

const fields = orderRuleFields({ threshold: 50000, region: 'south', rush: false, skus: ['A'] })
const v = (path: string) => ({ var: path })

/** The rule after showing it in the builder and writing it back, with and without the field list. */
function roundTrip(rule: unknown): unknown {
  const q = ruleToQuery(rule, fields)
  expect(q, 'the builder shows it (with fields)').not.toBeNull()
  const plain = ruleToQuery(rule)
  expect(plain, 'the builder shows it (without fields)').not.toBeNull()
  expect(queryToRule(plain!)).toEqual(rule)
  return queryToRule(q!, fieldsForQuery(fields, q))
}

/** Whether the engine lets the order through the rule. */
function passes(rule: unknown, order: Record<string, unknown>, vars: Record<string, unknown> = {}): boolean {
  return isTruthy(evaluateRule(rule, { order, vars, input: {} }).result)
}

const SHOWN: Array<[string, unknown]> = [
  ['the Douyin big-CNY-order rule', { and: [{ '==': [v('order.platform'), 'douyin'] }, { '>': [v('order.totalAmount'), 100000] }, { '==': [v('order.currency'), 'CNY'] }] }],
  ['a boolean comparison', { '==': [v('order.presale'), true] }],
  ['a tag membership test', { in: ['vip', v('order.tags')] }],
  ['a negated tag membership test', { '!': { in: ['blacklist', v('order.tags')] } }],
  ['an enum list test', { in: [v('order.platform'), ['douyin', 'jd']] }],
  ['a negated enum list test', { '!': { in: [v('order.status'), ['cancelled', 'refunded']] } }],
  ['a number range', { '<=': [10000, v('order.totalAmount'), 500000] }],
  ['a negated number range', { '!': { '<=': [10000, v('order.totalAmount'), 500000] } }],
  ['a null test', { '==': [v('order.assignedTeam'), null] }],
  ['a not-null test', { '!=': [v('order.exception.type'), null] }],
  ['a substring test on a string field', { in: ['深圳', v('order.shippingAddress.city')] }],
  ['an or group', { or: [{ '==': [v('order.platform'), 'taobao'] }, { '>=': [v('order.totalAmount'), 300000] }] }],
  ['nested and/or groups', {
    and: [
      { '==': [v('order.payment.status'), 'paid'] },
      { or: [{ in: ['vip', v('order.tags')] }, { '>': [v('order.totalAmount'), 100000] }] },
    ],
  }],
  ['a negated group', { '!': { or: [{ '==': [v('order.presale'), true] }, { '<': [v('order.healthScore.score'), 40] }] } }],
  ['a negated comparison inside a group', { and: [{ '==': [v('order.currency'), 'CNY'] }, { '!': { '==': [v('order.platform'), 'manual'] } }] }],
  ['a negated group inside a group', {
    or: [{ '==': [v('order.currency'), 'USD'] }, { '!': { and: [{ '==': [v('order.presale'), false] }, { '==': [v('order.status'), 'paid'] }] } }],
  }],
  ['a workflow variable comparison', { '>': [v('vars.threshold'), 1000] }],
  ['a path no field knows', { '==': [v('input.channel'), 'web'] }],
  ['a literal true (no condition)', true],
]

describe('ruleToQuery / queryToRule round trip', () => {
  for (const [name, rule] of SHOWN) {
    it(`gives back ${name} unchanged`, () => {
      expect(roundTrip(rule)).toEqual(rule)
    })
  }

  it('keeps a single comparison unwrapped', () => {
    const rule = { '==': [v('order.presale'), true] }
    const q = ruleToQuery(rule, fields)!
    expect(q.rules).toHaveLength(1)
    expect(queryToRule(q, fields)).toEqual(rule)
    expect(queryToRule(q, fields)).not.toHaveProperty('and')
  })

  it('shows a negated comparison as a negated one-condition group and writes it back as {"!": comparison}', () => {
    const rule = { '!': { '==': [v('order.platform'), 'manual'] } }
    expect(queryToRule(ruleToQuery(rule, fields)!, fields)).toEqual(rule)
  })

  it('writes a query without conditions as true, and a negated one as false', () => {
    expect(queryToRule({ combinator: 'and', rules: [] })).toBe(true)
    expect(queryToRule({ combinator: 'or', not: true, rules: [] })).toBe(false)
    expect(ruleToQuery(false)).toEqual({ combinator: 'and', not: true, rules: [] })
    // What the builder writes for an empty group is a rule the engine accepts.
    expect(checkRule(queryToRule({ combinator: 'and', rules: [] }))).toBeNull()
    expect(checkRule(queryToRule({ combinator: 'or', not: true, rules: [] }))).toBeNull()
  })

  it('unwraps one-condition groups the builder produces at any depth', () => {
    const q: RuleGroupType = {
      combinator: 'and',
      rules: [
        { field: 'order.platform', operator: '=', value: 'douyin' },
        { combinator: 'or', rules: [{ field: 'order.presale', operator: '=', value: true }] },
        { combinator: 'and', not: true, rules: [{ field: 'order.currency', operator: '=', value: 'USD' }] },
        { combinator: 'and', rules: [] },
      ],
    }
    const rule = queryToRule(q, fields)
    expect(rule).toEqual({
      and: [{ '==': [v('order.platform'), 'douyin'] }, { '==': [v('order.presale'), true] }, { '!': { '==': [v('order.currency'), 'USD'] } }],
    })
    // What the builder writes, the builder can show again.
    expect(ruleToQuery(rule, fields)).not.toBeNull()
  })

  it('turns numbers typed into number fields into JSON numbers', () => {
    const q: RuleGroupType = {
      combinator: 'and',
      rules: [
        { field: 'order.totalAmount', operator: '>', value: '100000' },
        { field: 'order.totalAmount', operator: 'between', value: ['1000', '5000'] },
        { field: 'order.platformOrderId', operator: '=', value: '12345' },
      ],
    }
    expect(queryToRule(q, fields)).toEqual({
      and: [
        { '>': [v('order.totalAmount'), 100000] },
        { '<=': [1000, v('order.totalAmount'), 5000] },
        { '==': [v('order.platformOrderId'), '12345'] },
      ],
    })
  })
})

describe('rules the builder cannot show', () => {
  const NOT_SHOWN: Array<[string, unknown]> = [
    ['arithmetic in a comparison', { '>': [{ '+': [v('order.totalAmount'), 100] }, 2000] }],
    ['arithmetic on the value side', { '>': [v('order.totalAmount'), { '*': [v('vars.threshold'), 2] }] }],
    ['a var alone', v('order.presale')],
    ['a double negation', { '!!': v('order.tags') }],
    ['strict equality (the builder writes ==)', { '===': [v('order.platform'), 'douyin'] }],
    ['reversed operands', { '==': ['douyin', v('order.platform')] }],
    ['a field-to-field comparison', { '>': [v('order.totalAmount'), v('vars.threshold')] }],
    ['a one-condition and written by hand', { and: [{ '==': [v('order.platform'), 'douyin'] }] }],
    ['a negated one-condition group written by hand', { '!': { and: [{ '==': [v('order.platform'), 'douyin'] }] } }],
    ['an empty and', { and: [] }],
    ['an empty group inside a group', { and: [{ '==': [v('order.platform'), 'douyin'] }, { or: [] }] }],
    ['a strict-less-than range', { '<': [1, v('order.totalAmount'), 5] }],
    ['an operator the engine lacks', { startsWith: [v('order.customer.name'), '李'] }],
    ['an if', { if: [{ '==': [v('order.platform'), 'jd'] }, true, false] }],
    ['a comparison with an object value', { '==': [v('order.customer'), { id: 'x' }] }],
    ['a comparison with an array value', { '==': [v('order.platform'), ['douyin']] }],
    ['a var with a default', { '==': [{ var: ['order.platform', 'jd'] }, 'douyin'] }],
    ['a literal number', 1],
    ['a literal string', 'yes'],
    ['null', null],
    ['an object with two operators', { '==': [v('order.platform'), 'jd'], '!=': [v('order.currency'), 'CNY'] }],
    ['a list whose items hold a comma', { in: [v('order.customer.name'), ['a,b', 'c']] }],
  ]
  for (const [name, rule] of NOT_SHOWN) {
    it(`returns null for ${name}`, () => {
      expect(ruleToQuery(rule, fields)).toBeNull()
    })
  }

  it('returns null when a known field does not offer the operator', () => {
    expect(ruleToQuery({ '>': [v('order.platform'), 'a'] }, fields)).toBeNull()
    expect(ruleToQuery({ in: ['vip', v('order.totalAmount')] }, fields)).toBeNull()
  })

  it('returns null when a value does not fit the field', () => {
    expect(ruleToQuery({ '==': [v('order.platform'), 'kuaishou'] }, fields)).toBeNull()
    expect(ruleToQuery({ '>': [v('order.totalAmount'), '100000'] }, fields)).toBeNull()
    expect(ruleToQuery({ '==': [v('order.presale'), 'true'] }, fields)).toBeNull()
  })
})

describe('what the builder writes, the engine evaluates as meant', () => {
  const order = (overrides: Record<string, unknown> = {}) => ({ ...SAMPLE_ORDER, ...overrides })

  it('routes big Douyin CNY orders', () => {
    const q: RuleGroupType = {
      combinator: 'and',
      rules: [
        { field: 'order.platform', operator: '=', value: 'douyin' },
        { field: 'order.totalAmount', operator: '>', value: '100000' },
        { field: 'order.currency', operator: '=', value: 'CNY' },
      ],
    }
    const rule = queryToRule(q, fields)
    expect(checkRule(rule)).toBeNull()
    expect(passes(rule, order())).toBe(true)
    expect(passes(rule, order({ totalAmount: 100000 }))).toBe(false)
    expect(passes(rule, order({ platform: 'jd' }))).toBe(false)
    expect(passes(rule, order({ currency: 'USD' }))).toBe(false)
  })

  it('tests presale with a checkbox value', () => {
    const rule = queryToRule({ combinator: 'and', rules: [{ field: 'order.presale', operator: '=', value: true }] }, fields)
    expect(passes(rule, order())).toBe(false)
    expect(passes(rule, order({ presale: true }))).toBe(true)
  })

  it('tests tag membership with contains / does not contain', () => {
    const has = queryToRule({ combinator: 'and', rules: [{ field: 'order.tags', operator: 'contains', value: 'vip' }] }, fields)
    const hasNot = queryToRule({ combinator: 'and', rules: [{ field: 'order.tags', operator: 'doesNotContain', value: 'vip' }] }, fields)
    expect(passes(has, order({ tags: ['vip', 'new_customer'] }))).toBe(true)
    expect(passes(has, order())).toBe(false)
    expect(passes(hasNot, order())).toBe(true)
    expect(passes(hasNot, order({ tags: ['vip'] }))).toBe(false)
  })

  it('tests a multi-select list and a between range', () => {
    const rule = queryToRule({
      combinator: 'or',
      rules: [
        { field: 'order.platform', operator: 'in', value: ['jd', 'taobao'] },
        { field: 'order.totalAmount', operator: 'between', value: ['150000', '250000'] },
      ],
    }, fields)
    expect(passes(rule, order())).toBe(true)
    expect(passes(rule, order({ totalAmount: 300000 }))).toBe(false)
    expect(passes(rule, order({ totalAmount: 300000, platform: 'jd' }))).toBe(true)
  })

  it('negates a group', () => {
    const rule = queryToRule({
      combinator: 'or', not: true,
      rules: [{ field: 'order.presale', operator: '=', value: true }, { field: 'order.payment.status', operator: '!=', value: 'paid' }],
    }, fields)
    expect(passes(rule, order())).toBe(true)
    expect(passes(rule, order({ presale: true }))).toBe(false)
  })

  it('tests null and workflow variables', () => {
    const rule = queryToRule({
      combinator: 'and',
      rules: [{ field: 'order.assignedTeam', operator: 'null', value: null }, { field: 'vars.threshold', operator: '<', value: '300000' }],
    }, fields)
    expect(passes(rule, order(), { threshold: 50000 })).toBe(true)
    expect(passes(rule, order(), { threshold: 500000 })).toBe(false)
    expect(passes(rule, order({ assignedTeam: 'vip-desk' }), { threshold: 50000 })).toBe(false)
  })

  it('lets every order through a rule without conditions', () => {
    expect(passes(queryToRule({ combinator: 'and', rules: [] }), order())).toBe(true)
  })
})

describe('orderRuleFields', () => {
  const byName = new Map(fields.map((f) => [f.name, f]))

  it('flattens the order schema to dotted paths under order.', () => {
    for (const path of ['order.platform', 'order.totalAmount', 'order.currency', 'order.presale', 'order.tags', 'order.customer.name', 'order.payment.status', 'order.shippingAddress.city', 'order.exception.type', 'order.healthScore.score']) {
      expect(byName.has(path), path).toBe(true)
    }
    expect(byName.has('order.items')).toBe(false)
    expect(byName.has('order.holds')).toBe(false)
    expect(byName.has('order.raw')).toBe(false)
  })

  it('types fields: enums as selects, integers as numbers, booleans as checkboxes, tags as a list', () => {
    expect(byName.get('order.platform')).toMatchObject({ kind: 'enum' })
    expect(byName.get('order.platform')!.values!.map((o) => (o as { name: string }).name)).toContain('douyin')
    expect(byName.get('order.totalAmount')).toMatchObject({ kind: 'number', inputType: 'number' })
    expect(byName.get('order.totalAmount')!.description).toMatch(/minor units/)
    expect(byName.get('order.presale')).toMatchObject({ kind: 'boolean', valueEditorType: 'checkbox' })
    expect(byName.get('order.tags')).toMatchObject({ kind: 'list', operators: ['contains', 'doesNotContain'] })
  })

  it('adds one field per workflow variable, typed by its initial value', () => {
    expect(byName.get('vars.threshold')).toMatchObject({ kind: 'number' })
    expect(byName.get('vars.region')).toMatchObject({ kind: 'string' })
    expect(byName.get('vars.rush')).toMatchObject({ kind: 'boolean' })
    expect(byName.get('vars.skus')).toMatchObject({ kind: 'list' })
  })
})

describe('the sample order', () => {
  it('is a valid normalized order', () => {
    const ajv = new Ajv({ allErrors: true, strict: false })
    addFormats(ajv)
    const validate = ajv.compile(orderSchema)
    expect(validate(SAMPLE_ORDER), JSON.stringify(validate.errors)).toBe(true)
    expect(SAMPLE_ORDER.items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0)).toBe(SAMPLE_ORDER.totalAmount)
  })
})

describe('trigger filter fields', () => {
  it('shows a filter on the event that starts the run in the builder, with its status choices', () => {
    const fields = triggerRuleFields()
    const rule = { '==': [{ var: 'event.toStatus' }, 'refunding'] }
    const query = ruleToQuery(rule, fields)
    expect(query).not.toBeNull()
    expect(queryToRule(query!, fields)).toEqual(rule)
    expect(fields.find((f) => f.name === 'event.toStatus')?.values?.map((v) => (v as { value: string }).value)).toContain('refunding')
    expect(fields.some((f) => f.name.startsWith('vars.'))).toBe(false)
  })
})
