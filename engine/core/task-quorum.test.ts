import { describe, expect, it } from 'vitest'
import { decideTask } from './task-quorum.ts'

const users = (...names: string[]) => ({ users: names, roles: [] })
const approve = (by: string) => ({ by, decision: 'approve' as const })
const reject = (by: string) => ({ by, decision: 'reject' as const })

describe('deciding a task by its quorum', () => {
  it('lets the first approver decide an any-of task, either way', () => {
    expect(decideTask({ kind: 'any' }, users('li', 'wang'), [])).toBeNull()
    expect(decideTask({ kind: 'any' }, users('li', 'wang'), [approve('li')])).toBe('approve')
    expect(decideTask({ kind: 'any' }, users('li', 'wang'), [reject('wang')])).toBe('reject')
  })

  it('waits for every named user of an all-of task, and one rejection rejects it', () => {
    expect(decideTask({ kind: 'all' }, users('li', 'wang'), [approve('li')])).toBeNull()
    expect(decideTask({ kind: 'all' }, users('li', 'wang'), [approve('li'), approve('wang')])).toBe('approve')
    expect(decideTask({ kind: 'all' }, users('li', 'wang'), [approve('li'), reject('wang')])).toBe('reject')
  })

  it('approves an N-of task at N approvals and rejects it once N can no longer be reached', () => {
    const three = users('li', 'wang', 'zhao')
    expect(decideTask({ kind: 'at-least', count: 2 }, three, [approve('li')])).toBeNull()
    expect(decideTask({ kind: 'at-least', count: 2 }, three, [approve('li'), approve('zhao')])).toBe('approve')
    expect(decideTask({ kind: 'at-least', count: 2 }, three, [reject('li')])).toBeNull()
    expect(decideTask({ kind: 'at-least', count: 2 }, three, [reject('li'), reject('wang')])).toBe('reject')
  })

  it('never rejects an N-of task assigned to a role on rejections alone: more members may still approve', () => {
    expect(decideTask({ kind: 'at-least', count: 2 }, { users: [], roles: ['approver'] }, [reject('li'), reject('wang')])).toBeNull()
  })
})
