import { describe, expect, it } from 'vitest'
import { builtinNodes } from '../../../engine/nodes/index.ts'
import { describeProblem, describeReason } from './describe-problem.ts'

const manifest = (type: string) => builtinNodes.find((m) => m.manifest.type === type)!.manifest

describe('validation problems in the operator language', () => {
  it('names the missing config field by its form label', () => {
    const problem = { nodeId: 'hold-1', pointer: '/nodes/1/config/pool', reason: 'is required' }
    expect(describeProblem(problem, manifest('order.hold'), 'en')).toBe('Pool: is required')
    expect(describeProblem(problem, manifest('order.hold'), 'zh-CN')).toMatch(/^.+: 必填$/)
  })

  it('numbers the entry of a list the problem is in', () => {
    const problem = { nodeId: 'sw', pointer: '/nodes/2/config/cases/1/port', reason: 'must match pattern "^[a-z][a-z0-9_-]*$"' }
    expect(describeProblem(problem, manifest('rule.switch'), 'en')).toBe('Port #2: has characters that are not allowed')
  })

  it('translates graph problems and keeps reasons it does not know as they are', () => {
    expect(describeReason('is not reachable from the trigger start', 'zh-CN')).toBe('没有连到起点（start）：请连线或删除')
    expect(describeReason('something new went wrong', 'zh-CN')).toBe('something new went wrong')
  })
})
