import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/client.ts'
import { describeAssigneeList, describeNotificationMessage, describeTaskRefusal, sortRefusal } from './refusal.ts'

describe('refusals of a task action, translated and placed', () => {
  it('says why someone may not act, naming the assignees in the reader\'s language', () => {
    const e = new ApiError(403, 'fin-zhao (approver) may not approve task tsk_1: it is assigned to user lead-li, role approver')
    expect(describeTaskRefusal(e, 'zh-CN')).toBe('fin-zhao 不能通过此任务：它分配给了 用户 lead-li、角色「审批人」。')
    expect(describeTaskRefusal(e, 'en')).toBe('fin-zhao may not approve this task: it is assigned to user lead-li, role Approver.')
  })

  it('explains a forbidden self-approval and a task someone else handles', () => {
    expect(describeTaskRefusal(new ApiError(403, "op-chen started this run or last changed the order, and this approval forbids approving one's own change"), 'zh-CN'))
      .toBe('op-chen 发起了此流程或最后修改了订单，此审批禁止审批自己的变更。')
    expect(describeTaskRefusal(new ApiError(403, 'task tsk_1 is being handled by lead-li'), 'zh-CN')).toBe('lead-li 正在处理此任务。')
    expect(describeTaskRefusal(new ApiError(403, 'fin-zhao is not an assignee of task tsk_1'), 'en')).toBe('This task is not assigned to you (fin-zhao).')
  })

  it('names the status of a task that is no longer open (409)', () => {
    expect(describeTaskRefusal(new ApiError(409, 'task tsk_1 is completed: approved by lead-li, fin-zhao'), 'zh-CN')).toBe('此任务已有决定：由 lead-li, fin-zhao 通过。')
    expect(describeTaskRefusal(new ApiError(409, 'task tsk_1 is completed: rejected by lead-li'), 'en')).toBe('This task is already decided: rejected by lead-li.')
    expect(describeTaskRefusal(new ApiError(409, 'task tsk_1 is expired: its deadline passed before a decision'), 'zh-CN')).toBe('此任务已过期：截止前无人决定。')
    expect(describeTaskRefusal(new ApiError(409, 'task tsk_1 is cancelled: its run no longer waits for it'), 'zh-CN')).toBe('此任务已取消：流程不再等待它。')
    expect(describeTaskRefusal(new ApiError(409, 'lead-li has already decided on task tsk_1'), 'zh-CN')).toBe('lead-li 已经对此任务做出了决定。')
  })

  it('shows an unknown refusal as it comes, inside the generic error line', () => {
    expect(describeTaskRefusal(new ApiError(500, 'internal error; see the server log'), 'zh-CN')).toBe('出错了：internal error; see the server log')
  })

  it('puts a missing comment under the comment box, not beside the buttons', () => {
    const r = sortRefusal(new ApiError(400, 'a comment is required', [{ pointer: '/comment', reason: 'is required for this task' }]), 'zh-CN')
    expect(r).toEqual({ task: null, comment: '此任务必须填写审批意见。', fields: [] })
  })

  it('puts form answers under their fields, translated', () => {
    const r = sortRefusal(new ApiError(400, 'the answers do not fit the form: …', [
      { pointer: '/data/refundFen', reason: 'must be integer' },
      { pointer: '/data/reason', reason: 'is required' },
      { pointer: '/data/refundFen', reason: 'must be >= 1' },
    ]), 'zh-CN')
    expect(r.task).toBeNull()
    expect(r.fields).toEqual([
      { pointer: '/data/refundFen', reason: '必须是整数' },
      { pointer: '/data/reason', reason: '必填' },
      { pointer: '/data/refundFen', reason: '不能小于 1' },
    ])
  })

  it('keeps a 403 or 409 beside the buttons', () => {
    const r = sortRefusal(new ApiError(409, 'task tsk_1 is expired: its deadline passed before a decision'), 'en')
    expect(r).toEqual({ task: 'This task has expired: its due time passed before a decision.', comment: null, fields: [] })
  })

  it('lists assignees by user name and role label, or nobody', () => {
    expect(describeAssigneeList('user manager-wang', 'zh-CN')).toBe('用户 manager-wang')
    expect(describeAssigneeList('nobody', 'en')).toBe('nobody')
  })

  it('translates the engine\'s reminder and escalation texts and keeps an author\'s message', () => {
    expect(describeNotificationMessage('reminder 2: waiting for your decision', 'zh-CN')).toBe('第 2 次提醒：等待你的决定')
    expect(describeNotificationMessage('escalated: no decision after 240 minutes', 'en')).toBe('Escalated: no decision after 240 minutes')
    expect(describeNotificationMessage('组长 4 小时未处理', 'en')).toBe('组长 4 小时未处理')
    expect(describeNotificationMessage(null, 'en')).toBeNull()
  })
})
