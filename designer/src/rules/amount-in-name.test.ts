import { describe, expect, it } from 'vitest'
import { nameForAmounts, ruleAmounts } from './amount-in-name.ts'

const over = (minor: number) => ({ rule: { and: [{ '==': [{ var: 'order.platform' }, 'douyin'] }, { '>': [{ var: 'order.totalAmount' }, minor] }] } })

describe('a node name that states its rule\'s amount', () => {
  it('finds the amounts a rule compares order amounts with', () => {
    expect(ruleAmounts(over(100000))).toEqual([100000])
    expect(ruleAmounts({ rule: { '<=': [10000, { var: 'order.totalAmount' }, 50000] } })).toEqual([10000, 50000])
    expect(ruleAmounts({ rule: { '/': [{ var: 'order.totalAmount' }, 100] } })).toEqual([])
  })

  it('offers the template\'s name with the new amount once the rule changed, in the same style', () => {
    const name = '抖音大额人民币订单？ / Douyin, > 1,000 CNY?'
    expect(nameForAmounts(name, over(100000), 'CNY')).toBeNull()
    expect(nameForAmounts(name, over(200000), 'CNY')).toBe('抖音大额人民币订单？ / Douyin, > 2,000 CNY?')
    expect(nameForAmounts('金额超过 1000 元', over(150050), 'CNY')).toBe('金额超过 1500.50 元')
    expect(nameForAmounts('满 1万 送赠品', over(2000000), 'CNY')).toBe('满 2万 送赠品')
  })

  it('leaves a name alone that states no amount, or numbers that are not amounts', () => {
    expect(nameForAmounts('VIP check', over(200000), 'CNY')).toBeNull()
    expect(nameForAmounts('Step 2 of the VIP check', over(200000), 'CNY')).toBeNull()
    expect(nameForAmounts(undefined, over(200000), 'CNY')).toBeNull()
    expect(nameForAmounts('> 1,000 CNY', { rule: { '==': [{ var: 'order.platform' }, 'jd'] } }, 'CNY')).toBeNull()
  })
})
