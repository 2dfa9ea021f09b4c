import { describe, expect, it } from 'vitest'
import { runStatesFromSteps } from './run-overlay.ts'

describe('run overlay', () => {
  it('shows the last attempt of a node, the time of all its attempts, and its first input', () => {
    const states = runStatesFromSteps([
      { nodeId: 'vip-check', attempt: 1, status: 'retrying', input: { a: 1 }, output: null, error: 'timeout', durationMs: 5, startedAt: '2026-11-20T02:00:00.000Z' },
      { nodeId: 'vip-check', attempt: 2, status: 'completed', port: 'true', input: { a: 1 }, output: { b: 2 }, error: null, durationMs: 3, startedAt: '2026-11-20T02:00:01.000Z' },
    ])
    expect(states['vip-check']).toEqual({ status: 'completed', durationMs: 8, attempts: 2, port: 'true', input: { a: 1 }, output: { b: 2 }, error: null })
  })

  it('marks a node whose token waits for a retry, and one parked as an incident', () => {
    const states = runStatesFromSteps(
      [{ nodeId: 'hold', attempt: 1, status: 'failed', error: 'boom', durationMs: 1, startedAt: '2026-11-20T02:00:00.000Z' }],
      [{ nodeId: 'hold', status: 'failed' }, { nodeId: 'tag', status: 'retry-wait' }],
    )
    expect(states.hold.status).toBe('failed')
    expect(states.tag).toEqual({ status: 'retrying', durationMs: null, attempts: 0 })
  })

  it('shows a node the run is about to execute as running, and one that finished as completed', () => {
    const states = runStatesFromSteps(
      [{ nodeId: 'a', attempt: 1, status: 'completed', port: 'out', durationMs: 1, startedAt: '2026-11-20T02:00:00.000Z' }],
      [{ nodeId: 'b', status: 'ready' }],
    )
    expect(states.a.status).toBe('completed')
    expect(states.b).toEqual({ status: 'running', durationMs: null, attempts: 0 })
  })

  it('says what a waiting node waits for and until when, the soonest due when several wait there', () => {
    const states = runStatesFromSteps(
      [{ nodeId: 'approve', attempt: 1, status: 'waiting', durationMs: 2, startedAt: '2026-12-01T08:00:00.000Z' }],
      [
        { nodeId: 'approve', status: 'waiting', wait: { label: 'approval "退款"', since: '2026-12-01T08:00:00.000Z', until: '2026-12-01T16:00:00.000Z' } },
        { nodeId: 'approve', status: 'waiting', wait: { label: 'signal paid', since: '2026-12-01T08:00:00.000Z', until: '2026-12-01T12:00:00.000Z' } },
        { nodeId: 'confirm', status: 'waiting', wait: { label: 'order change', since: '2026-12-01T08:00:00.000Z', until: null } },
      ],
    )
    expect(states.approve).toMatchObject({ status: 'waiting', wait: { label: 'signal paid', until: '2026-12-01T12:00:00.000Z' } })
    expect(states.confirm).toEqual({ status: 'waiting', durationMs: null, attempts: 0, wait: { label: 'order change', since: '2026-12-01T08:00:00.000Z', until: null } })
  })

  it('forgets the wait once the node went on', () => {
    const states = runStatesFromSteps(
      [
        { nodeId: 'approve', attempt: 1, status: 'waiting', durationMs: 2, startedAt: '2026-12-01T08:00:00.000Z' },
        { nodeId: 'approve', attempt: 1, status: 'completed', port: 'approved', durationMs: 1, startedAt: '2026-12-01T09:00:00.000Z' },
      ],
      [{ nodeId: 'tag', status: 'ready' }],
    )
    expect(states.approve.status).toBe('completed')
    expect(states.approve.wait).toBeUndefined()
  })
})
