import { describe, expect, it } from 'vitest'
import { builtinNodes } from '../../../engine/nodes/index.ts'
import { configSummary } from './summary.ts'
import { describeRule, ruleCurrency } from './describe-rule.ts'
import { ruleVocabulary } from '../rules/rule-vocabulary.ts'

const manifest = (type: string) => builtinNodes.find((m) => m.manifest.type === type)!.manifest
const douyinVip = {
  and: [
    { '==': [{ var: 'order.platform' }, 'douyin'] },
    { '>': [{ var: 'order.totalAmount' }, 100000] },
    { '==': [{ var: 'order.currency' }, 'CNY'] },
  ],
}

describe('rules in words', () => {
  it('spells a rule out in infix form, as written, without a vocabulary', () => {
    expect(describeRule({ and: [{ '==': [{ var: 'order.platform' }, 'douyin'] }, { '>': [{ var: 'order.totalAmount' }, 100000] }] }))
      .toBe('order.platform = "douyin" and order.totalAmount > 100000')
    expect(describeRule({ or: [{ '!': { var: 'order.presale' } }, { and: [true, false] }] })).toBe('not order.presale or (true and false)')
  })

  it('names fields and values in Chinese and shows amounts in yuan', () => {
    expect(describeRule(douyinVip, ruleVocabulary('zh-CN'))).toBe('平台 = 抖音 且 订单金额 > ¥1,000.00 且 币种 = “CNY”')
    expect(describeRule(douyinVip, ruleVocabulary('en'))).toBe('Platform = Douyin and Total amount > CN¥1,000.00 and Currency = "CNY"')
    expect(describeRule({ '==': [{ var: 'order.presale' }, true] }, ruleVocabulary('zh-CN'))).toBe('预售 = 是')
  })

  it('reads membership both ways: a field one of some values, a list field containing one', () => {
    expect(describeRule({ in: [{ var: 'order.platform' }, ['douyin', 'jd']] }, ruleVocabulary('zh-CN'))).toBe('平台 属于 [抖音, 京东]')
    expect(describeRule({ in: ['vip', { var: 'order.tags' }] }, ruleVocabulary('zh-CN'))).toBe('标签 包含 “vip”')
  })

  it('keeps arithmetic as numbers and amounts compared with an amount as money of the rule\'s currency', () => {
    expect(describeRule({ '/': [{ var: 'order.totalAmount' }, 100] }, ruleVocabulary('zh-CN'))).toBe('订单金额 ÷ 100')
    const usd = { and: [{ '==': [{ var: 'order.currency' }, 'USD'] }, { '>=': [{ var: 'order.totalAmount' }, 5000] }] }
    expect(ruleCurrency(usd)).toBe('USD')
    expect(describeRule(usd, ruleVocabulary('en'))).toBe('Currency = "USD" and Total amount ≥ $50.00')
    expect(ruleCurrency({ '>': [{ var: 'order.totalAmount' }, 1] })).toBe('CNY')
  })
})

describe('node card summaries', () => {
  it('names each setting by its form label and value, in the operator\'s language', () => {
    expect(configSummary(manifest('order.assign'), { team: 'vip-service' }, 'zh-CN')).toBe('团队：vip-service')
    expect(configSummary(manifest('order.assign'), { team: 'vip-service' }, 'en')).toBe('Team: vip-service')
    expect(configSummary(manifest('trigger.order-event'), { events: ['created', 'status_changed'] }, 'zh-CN')).toBe('事件：新建、状态变化')
    expect(configSummary(manifest('trigger.order-event'), { events: ['created', 'status_changed'] }, 'en')).toBe('Events: Created, Status changed')
    expect(configSummary(manifest('order.update-status'), { status: 'shipped' }, 'en')).toBe('New status: Shipped')
    expect(configSummary(manifest('order.hold'), { pool: 'frozen', reason: 'address check', release: false }, 'zh-CN')).toBe('挂起池：frozen · 挂起原因：address check · 解除挂起：否')
  })

  it('spells rules out, switch cases by port, and each variable a rule set computes', () => {
    expect(configSummary(manifest('rule.condition'), { rule: douyinVip }, 'zh-CN')).toBe('平台 = 抖音 且 订单金额 > ¥1,000.00 且 币种 = “CNY”')
    expect(configSummary(manifest('rule.switch'), { cases: [{ port: 'vip', rule: true }, { port: 'jd', rule: false }] }, 'en')).toBe('Cases: vip, jd')
    expect(configSummary(manifest('rule.set'), { variables: { ratio: { '/': [{ var: 'order.totalAmount' }, 100] } } }, 'zh-CN')).toBe('变量：ratio = 订单金额 ÷ 100')
  })

  it('is empty for a node without config, and clipped to one line', () => {
    expect(configSummary(manifest('flow.parallel'), undefined)).toBe('')
    expect(configSummary(manifest('order.tag'), { add: Array.from({ length: 40 }, (_, i) => `tag-${i}`) }).length).toBeLessThanOrEqual(80)
  })
})
