import { describe, expect, it } from 'vitest'
import { compareTasks, dropTask, matchesFilters, mergeTask, readTaskFilters, tasksOfRun, type InboxRow, type TaskFilters } from './task-list.ts'
import type { Task } from './types.ts'

function task(id: string, over: Partial<Task> = {}): Task {
  return {
    id, runId: `run-${id}`, workflowId: 'refund-approval', orderId: 'ord-1', nodeId: 'approve', title: `task ${id}`, status: 'open',
    priority: 'normal', assignees: { users: ['lead-li'], roles: [] }, level: 1, levelName: null, quorum: { kind: 'any' }, form: null,
    commentRequired: false, dueAt: null, createdAt: '2026-12-01T08:00:00.000Z', completedAt: null, completedBy: null, decision: null,
    comment: null, data: null, claimedBy: null, votes: [], workflowName: '大额退款审批', nodeName: '退款审批', order: null, mayAct: true, ...over,
  }
}
const OPEN: TaskFilters = { status: 'open' }
const ids = (rows: InboxRow[]) => rows.map((r) => r.id)

describe('the inbox list, merged live', () => {
  it('orders tasks as the API does: most urgent first, then soonest due, undated last', () => {
    const rows = [
      task('a', { priority: 'normal' }),
      task('b', { priority: 'urgent', dueAt: '2026-12-01T12:00:00.000Z' }),
      task('c', { priority: 'urgent', dueAt: '2026-12-01T10:00:00.000Z' }),
      task('d', { priority: 'urgent' }),
      task('e', { priority: 'low', dueAt: '2026-12-01T09:00:00.000Z' }),
    ]
    expect(ids([...rows].sort(compareTasks))).toEqual(['c', 'b', 'd', 'a', 'e'])
  })

  it('shows a new task in its place without a reload', () => {
    const rows = [task('u', { priority: 'urgent' }), task('n', { priority: 'normal' })]
    expect(ids(mergeTask(rows, task('h', { priority: 'high' }), OPEN))).toEqual(['u', 'h', 'n'])
    expect(ids(mergeTask(rows, task('l', { priority: 'low' }), OPEN))).toEqual(['u', 'n', 'l'])
  })

  it('moves an escalated task up when its priority rises', () => {
    const rows = [task('u', { priority: 'urgent', dueAt: '2026-12-01T10:00:00.000Z' }), task('n1'), task('n2')]
    const merged = mergeTask(rows, task('n2', { priority: 'urgent', assignees: { users: ['manager-wang'], roles: [] } }), OPEN)
    expect(ids(merged)).toEqual(['u', 'n2', 'n1'])
    expect(merged[1].assignees.users).toEqual(['manager-wang'])
  })

  it('keeps a decided or expired task where it was, marked as having left the list', () => {
    const rows = [task('a'), task('b'), task('c')]
    const merged = mergeTask(rows, task('b', { status: 'completed', decision: 'approve', completedBy: ['lead-li'] }), OPEN)
    expect(ids(merged)).toEqual(['a', 'b', 'c'])
    expect(merged[1]).toMatchObject({ status: 'completed', decision: 'approve', left: true })
    // A task that never was in this list and does not fit it stays out.
    expect(mergeTask(rows, task('z', { status: 'expired' }), OPEN)).toBe(rows)
  })

  it('places new tasks among the rows still open, past the ones that left', () => {
    const rows: InboxRow[] = [{ ...task('gone', { status: 'completed', priority: 'low' }), left: true }, task('n')]
    expect(ids(mergeTask(rows, task('u', { priority: 'urgent' }), OPEN))).toEqual(['gone', 'u', 'n'])
  })

  it('leaves a task that sorts past the last row to "load more" when more pages wait', () => {
    const rows = [task('u', { priority: 'urgent' })]
    expect(ids(mergeTask(rows, task('l', { priority: 'low' }), OPEN, true))).toEqual(['u'])
    expect(ids(mergeTask(rows, task('l', { priority: 'low' }), OPEN, false))).toEqual(['u', 'l'])
  })

  it('follows the filters: priority and workflow, and a status list other than open', () => {
    expect(matchesFilters(task('a', { priority: 'high' }), { status: 'open', priority: 'high' })).toBe(true)
    expect(matchesFilters(task('a'), { status: 'open', priority: 'high' })).toBe(false)
    expect(matchesFilters(task('a'), { status: 'open', workflowId: 'other' })).toBe(false)
    const decided = mergeTask([], task('a', { status: 'completed' }), { status: 'completed' })
    expect(ids(decided)).toEqual(['a'])
  })

  it('drops a task that is gone or no longer the caller\'s, and finds the shown tasks of a run', () => {
    const rows = [task('a'), task('b', { runId: 'run-x' }), task('c', { runId: 'run-x' })]
    expect(ids(dropTask(rows, 'b'))).toEqual(['a', 'c'])
    expect(dropTask(rows, 'nope')).toBe(rows)
    expect(tasksOfRun(rows, 'run-x')).toEqual(['b', 'c'])
  })

  it('reads the filters from the URL, dropping values the API would refuse', () => {
    expect(readTaskFilters(new URLSearchParams(''))).toEqual({ status: 'open' })
    expect(readTaskFilters(new URLSearchParams('status=expired&priority=urgent&workflow=refund-approval'))).toEqual({ status: 'expired', priority: 'urgent', workflowId: 'refund-approval' })
    expect(readTaskFilters(new URLSearchParams('status=done&priority=asap'))).toEqual({ status: 'open' })
  })
})
