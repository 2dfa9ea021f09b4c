import { describe, expect, it } from 'vitest'
import { builtinNodes } from '../../../engine/nodes/index.ts'
import example from '../../../examples/douyin-vip-routing.workflow.json' with { type: 'json' }
import type { WorkflowDefinition } from '../../../schemas/generated/workflow.ts'
import { describeEdgeChange, describeNodeChange } from './describe-change.ts'

const manifestOf = (type: string) => builtinNodes.find((m) => m.manifest.type === type)?.manifest
const v1 = example as WorkflowDefinition
const node = (def: WorkflowDefinition, id: string) => def.nodes.find((n) => n.id === id)!

describe('what changed in a node, with the old and new values', () => {
  it('shows the team before and after, and the new name, instead of "config, name"', () => {
    const v2: WorkflowDefinition = structuredClone(v1)
    Object.assign(node(v2, 'assign-vip'), { name: 'Assign gold service', config: { team: 'gold-service' } })
    expect(describeNodeChange(node(v1, 'assign-vip'), node(v2, 'assign-vip'), manifestOf, 'zh-CN')).toEqual([
      `名称：“${node(v1, 'assign-vip').name}” → “Assign gold service”`,
      '团队：vip-service → gold-service',
    ])
    expect(describeNodeChange(node(v1, 'assign-vip'), node(v2, 'assign-vip'), manifestOf, 'en')[1]).toBe('Team: vip-service → gold-service')
  })

  it('spells a changed rule out before and after, with amounts in yuan', () => {
    const v2: WorkflowDefinition = structuredClone(v1)
    node(v2, 'vip-check').config = { rule: { '>': [{ var: 'order.totalAmount' }, 200000] } }
    expect(describeNodeChange(node(v1, 'vip-check'), node(v2, 'vip-check'), manifestOf, 'zh-CN'))
      .toEqual(['规则：平台 = 抖音 且 订单金额 > ¥1,000.00 且 币种 = “CNY” → 订单金额 > ¥2,000.00'])
  })

  it('says a setting that appeared or went, and a node that only moved', () => {
    const before = { id: 'h', type: 'order.hold', position: { x: 0, y: 0 }, config: { pool: 'risk' } }
    const after = { ...before, position: { x: 10, y: 0 }, config: { pool: 'risk', reason: 'fraud check' } }
    expect(describeNodeChange(before, after, manifestOf, 'zh-CN')).toEqual(['挂起原因：（无） → fraud check', '位置已移动'])
  })

  it('shows a connection that now ends elsewhere', () => {
    expect(describeEdgeChange({ id: 'e', source: 'a', target: 'b' }, { id: 'e', source: 'a', target: 'c' }, 'zh-CN')).toEqual(['终点：b → c'])
  })
})
