import { describe, expect, it } from 'vitest'
import { builtinNodes } from '../../../engine/nodes/index.ts'
import { configSummary } from './summary.ts'
import { describeRule } from './describe-rule.ts'

const manifest = (type: string) => builtinNodes.find((m) => m.manifest.type === type)!.manifest

describe('node card summaries', () => {
  it('spells a rule out in infix form', () => {
    expect(describeRule({ and: [{ '==': [{ var: 'order.platform' }, 'douyin'] }, { '>': [{ var: 'order.totalAmount' }, 100000] }] }))
      .toBe('order.platform = "douyin" and order.totalAmount > 100000')
    expect(describeRule({ or: [{ '!': { var: 'order.presale' } }, { and: [true, false] }] })).toBe('not order.presale or (true and false)')
  })

  it('lists config values in schema order, switch cases by port', () => {
    expect(configSummary(manifest('order.assign'), { team: 'vip-service' })).toBe('team: vip-service')
    expect(configSummary(manifest('rule.switch'), { cases: [{ port: 'vip', rule: true }, { port: 'jd', rule: false }] })).toBe('cases: vip, jd')
  })

  it('is empty for a node without config, and clipped to one line', () => {
    expect(configSummary(manifest('flow.parallel'), undefined)).toBe('')
    expect(configSummary(manifest('order.tag'), { add: Array.from({ length: 40 }, (_, i) => `tag-${i}`) }).length).toBeLessThanOrEqual(80)
  })
})
