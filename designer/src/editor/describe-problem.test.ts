import { describe, expect, it } from 'vitest'
import { builtinNodes } from '../../../engine/nodes/index.ts'
import { evaluateRule } from '../../../engine/core/json-logic.ts'
import example from '../../../examples/douyin-vip-routing.workflow.json' with { type: 'json' }
import type { WorkflowDefinition } from '../api/types.ts'
import { describeApiError, describeProblem, describeProblemAt, describeReason } from './describe-problem.ts'
import { describePlace } from './describe-place.ts'

const manifest = (type: string) => builtinNodes.find((m) => m.manifest.type === type)!.manifest
const flow = example as WorkflowDefinition
const CHINESE = /[\u4e00-\u9fff]/

/** The reason the engine's own rule interpreter gives for `rule` on `data`. */
function engineReason(rule: unknown, data: unknown = {}): string {
  try {
    evaluateRule(rule, data)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('the rule did not fail')
}

describe('validation problems in the operator language', () => {
  it('names the missing config field by its form label', () => {
    const problem = { nodeId: 'hold-1', pointer: '/nodes/1/config/pool', reason: 'is required' }
    expect(describeProblem(problem, manifest('order.hold'), 'en')).toBe('Pool: is required')
    expect(describeProblem(problem, manifest('order.hold'), 'zh-CN')).toBe('挂起池：必填')
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

describe('rule errors from the engine, translated', () => {
  it('says an unknown operator, a division by zero and a thrown value in Chinese', () => {
    for (const rule of [{ frobnicate: [1] }, { '/': [1, 0] }, { throw: 'nope' }]) {
      const reason = engineReason(rule)
      const said = describeReason(reason, 'zh-CN')
      expect(said, reason).toMatch(CHINESE)
      expect(said, reason).not.toMatch(/rule|division|operator/)
    }
    expect(describeReason(engineReason({ frobnicate: [1] }), 'zh-CN')).toBe('规则用了 Ordo 不认识的运算符“frobnicate”')
    expect(describeReason(engineReason({ '/': [1, 0] }), 'zh-CN')).toBe('规则除以零，或对不是数字的值做了计算')
  })

  it('says a rule ran out of its budget, or built too long a list, with the numbers', () => {
    const budget = engineReason({ map: [{ var: 'xs' }, { map: [{ var: '' }, 1] }] }, { xs: Array.from({ length: 400 }, () => Array.from({ length: 400 }, () => 1)) })
    expect(budget).toMatch(/exceeded its budget of 100,000 operations/)
    expect(describeReason(budget, 'zh-CN')).toBe('规则的计算量太大（超过 100,000 次运算）：循环的项太多，或每项做的事太多')
    expect(describeReason('rule built a list of 200,000 items; at most 100,000 are allowed', 'zh-CN')).toBe('规则生成了 200,000 项的列表，最多允许 100,000 项')
    expect(describeReason('the rule took longer than 2000 ms', 'en')).toBe('took longer than 2000 ms and was stopped')
  })

  it('translates what a rule threw while it ran, and a move the order state machine forbids', () => {
    expect(describeReason('rule failed: unknown operator "x" in rule', 'zh-CN')).toBe('规则用了 Ordo 不认识的运算符“x”')
    expect(describeReason('cannot move order from shipped to paid', 'zh-CN')).toBe('订单不能从“已发货”改为“已付款”')
  })
})

describe('why an outside call failed, translated', () => {
  it('says what the far side answered, a timeout, a refused connection and the tries of a dead letter', () => {
    expect(describeReason('the receiver answered 500', 'zh-CN')).toBe('接收方返回了 500')
    expect(describeReason('the server answered 503', 'zh-CN')).toBe('服务器返回了 503')
    expect(describeReason('The operation was aborted due to timeout', 'zh-CN')).toBe('未在规定时间内应答')
    expect(describeReason('fetch failed: connect ECONNREFUSED 127.0.0.1:1', 'zh-CN')).toBe('无法连接：connect ECONNREFUSED 127.0.0.1:1')
    expect(describeReason('the receiver answered 500 (after 12 tries)', 'zh-CN')).toBe('接收方返回了 500（共尝试 12 次）')
    expect(describeReason('the receiver answered 500 (after 12 tries)', 'en')).toBe('the receiver answered 500 (after 12 tries)')
    // The far side's own words stay as they came.
    expect(describeReason('the DingTalk robot answered 200: errcode 310000', 'zh-CN')).toBe('the DingTalk robot answered 200: errcode 310000')
  })
})

describe('where a problem is, in words', () => {
  it('names connections and nodes by id and the flow\'s own fields by what they are', () => {
    expect(describePlace('/edges/3/target', 'zh-CN', flow)).toBe('连线 e-vip-tag 的终点')
    expect(describePlace('/edges/3/target', 'en', flow)).toBe('The end of connection e-vip-tag')
    expect(describePlace('/nodes/2', 'zh-CN', flow)).toBe('节点 vip-check')
    expect(describePlace('/nodes', 'zh-CN')).toBe('流程的节点')
    expect(describePlace('/name', 'en')).toBe('The flow\'s name')
    expect(describePlace('/definition/variables/limit', 'zh-CN')).toBe('变量 limit')
    expect(describePlace('/', 'zh-CN')).toBeNull()
  })

  it('puts a node\'s id before its problem in lists, and the place before a problem of the flow', () => {
    expect(describeProblemAt({ nodeId: 'hold-1', pointer: '/nodes/1/config/pool', reason: 'is required' }, manifest('order.hold'), 'zh-CN')).toBe('hold-1：挂起池：必填')
    expect(describeProblemAt({ nodeId: null, pointer: '/edges/3/source', reason: 'no node has the id "ghost"' }, undefined, 'zh-CN', flow))
      .toBe('连线 e-vip-tag 的起点：连向的节点“ghost”不在流程中')
  })
})

describe('an API error in one line', () => {
  it('leads with what kind of refusal it is, not the server\'s English message, and names no raw pointer', () => {
    const empty = { status: 400, message: 'body is invalid: /nodes must NOT have fewer than 1 items', details: [{ pointer: '/nodes', reason: 'must NOT have fewer than 1 items' }] }
    const said = describeApiError(empty, 'zh-CN', () => undefined)
    expect(said).toBe('未通过校验：流程的节点：至少需要 1 项')
    expect(said).not.toMatch(/body is invalid|\/nodes/)
    expect(describeApiError(empty, 'en', () => undefined)).toBe('Refused: The flow\'s nodes: needs at least 1 entry')
  })

  it('says a refusal without details by its status, and a failure without an answer as the browser gave it', () => {
    expect(describeApiError({ status: 403, message: 'role operator may not publish' }, 'zh-CN', () => undefined)).toBe('你的角色无权执行此操作')
    expect(describeApiError({ message: 'Failed to fetch' }, 'en', () => undefined)).toBe('Something went wrong: Failed to fetch')
  })
})
