/**
 * Contract: runs, step transitions (steps, order patches, timers) and run listing.
 */
import { describe, expect, it } from 'vitest'
import type { Effect } from '../../core/effects.ts'
import type { RunState } from '../../core/run-state.ts'
import type { TransitionCommit } from '../store.ts'
import { T0, isoAt, makePlanner, newRun, orderInput, patchOrder, runState, stepEffect, type StoreRef } from './contract-fixtures.ts'

/** Registers the run and transition specifications against the store `store()` returns. */
export function describeRunContract(store: StoreRef): void {
  const commit = (state: RunState, effects: Effect[]) => store().commitTransitions([{ state, effects }], patchOrder, T0 + 1000)
  const timer = (id: string, runId: string, dueAt: number): Effect =>
    ({ kind: 'schedule-timer', timer: { id, runId, tokenId: 't1', dueAt, purpose: 'retry' } })
  const seedOrder = async () => {
    const [result] = await store().ingestOrders([{ input: orderInput({ tags: ['new'] }), raw: null }], makePlanner(), T0)
    return result.id
  }
  const patchEffect = (orderId: string, key: string, patch: Extract<Effect, { kind: 'patch-order' }>['patch']): Effect =>
    ({ kind: 'patch-order', orderId, patch, source: `run:${key}`, idempotencyKey: key })

  describe('runs and step transitions', () => {
    it('sums each node visit of a workflow\'s most recent runs, retry back-off included', async () => {
      const r1 = runState({ runId: 'r1', startedAt: T0 })
      const r2 = runState({ runId: 'r2', startedAt: T0 + 10 })
      const other = runState({ runId: 'r3', workflowId: 'wf-2', startedAt: T0 + 20 })
      await store().createRuns([newRun(r1), newRun(r2), newRun(other)])
      await commit(r1, [
        stepEffect('r1', 'check', 1, 1, { status: 'retrying', startedAt: T0, finishedAt: T0 + 1 }),
        stepEffect('r1', 'check', 1, 2, { status: 'completed', startedAt: T0 + 60_000, finishedAt: T0 + 60_001 }),
        stepEffect('r1', 'tag', 1, 1, { startedAt: T0 + 60_001, finishedAt: T0 + 60_001 }),
      ])
      await commit(r2, [stepEffect('r2', 'hold', 1, 1, { status: 'failed', startedAt: T0 + 10, finishedAt: T0 + 12 })])
      await commit(other, [stepEffect('r3', 'check', 1, 1)])

      const all = await store().nodeVisitTimes('wf-1', 10)
      expect(all.runs).toBe(2)
      const byNode = Object.fromEntries(all.visits.map((v) => [v.nodeId, v]))
      expect(byNode.check).toEqual({ nodeId: 'check', startedAt: T0, finishedAt: T0 + 60_001, attempts: 2, failedAttempts: 1 })
      expect(byNode.tag).toMatchObject({ attempts: 1, failedAttempts: 0, finishedAt: T0 + 60_001 })
      expect(byNode.hold).toEqual({ nodeId: 'hold', startedAt: T0 + 10, finishedAt: T0 + 12, attempts: 1, failedAttempts: 1 })

      // Only the most recent run: r2.
      expect(await store().nodeVisitTimes('wf-1', 1)).toEqual({ runs: 1, visits: [byNode.hold] })
    })

    it('counts the turns begun since a run was last saved, and saving or settling ends them', async () => {
      await store().createRuns([newRun(runState({ runId: 'r1' }), 'k1'), newRun(runState({ runId: 'r2' }), 'k2')])
      expect(await store().beginTurns(['r1', 'r2', 'nobody'])).toEqual(new Map([['r1', 1], ['r2', 1]]))
      expect(await store().beginTurns(['r1'])).toEqual(new Map([['r1', 2]]))
      await store().commitTransitions([{ state: runState({ runId: 'r1', updatedAt: T0 + 5 }), effects: [] }], patchOrder, T0 + 5, ['r2'])
      expect(await store().beginTurns(['r1', 'r2'])).toEqual(new Map([['r1', 1], ['r2', 1]]))
    })

    it('creates runs once per trigger key', async () => {
      const a = newRun(runState({ runId: 'r1' }), 'key-1')
      const dup = newRun(runState({ runId: 'r2' }), 'key-1')
      const b = newRun(runState({ runId: 'r3' }), 'key-3')
      expect(await store().createRuns([a, dup, b])).toEqual(['r1', 'r3'])
      expect(await store().createRuns([a, b])).toEqual([])
      expect(await store().getRun('r2')).toBeNull()
      expect(await store().getRun('r1')).toEqual({ state: a.state, trigger: a.trigger })
    })

    it('saves the run state of each commit', async () => {
      await store().createRuns([newRun(runState({ runId: 'r1' }))])
      const next = runState({ runId: 'r1', status: 'waiting', visits: { start: 1 }, variables: { x: 1 }, updatedAt: T0 + 5 })
      await commit(next, [])
      expect((await store().getRun('r1'))?.state).toEqual(next)
    })

    it('records steps and upserts a re-recorded attempt instead of duplicating it', async () => {
      await store().createRuns([newRun(runState({ runId: 'r1' }))])
      await commit(runState({ runId: 'r1' }), [stepEffect('r1', 'n1', 1, 1, { status: 'retrying', error: 'timeout', output: null })])
      await commit(runState({ runId: 'r1' }), [stepEffect('r1', 'n1', 1, 1, { status: 'failed', error: 'timeout again', output: null })])
      await commit(runState({ runId: 'r1' }), [stepEffect('r1', 'n1', 1, 2)])
      const steps = await store().listSteps('r1')
      expect(steps.map((s) => [s.id, s.status, s.error])).toEqual([['r1:n1:1:1', 'failed', 'timeout again'], ['r1:n1:1:2', 'completed', null]])
      expect(steps[1]).toEqual(stepEffect('r1', 'n1', 1, 2).step)
    })

    it('applies an order patch once per idempotency key', async () => {
      const orderId = await seedOrder()
      await store().createRuns([newRun(runState({ runId: 'r1', orderId }))])
      const effects = [patchEffect(orderId, 'r1:ship:1', { status: 'shipped', addTags: ['vip'], removeTags: ['new'], addHold: { pool: 'risk' } })]
      await commit(runState({ runId: 'r1', orderId }), effects)
      // The same transition again, as after a crash between commit and acknowledgement.
      await commit(runState({ runId: 'r1', orderId }), effects)
      const stored = await store().getOrder(orderId)
      expect(stored).toMatchObject({ revision: 2, order: { status: 'shipped', tags: ['vip'], updatedAt: new Date(T0 + 1000).toISOString() } })
      expect(stored?.order.holds).toEqual([{ pool: 'risk', at: new Date(T0 + 1000).toISOString() }])
      const patched = (await store().orderHistory(orderId)).filter((e) => e.kind === 'patched')
      expect(patched).toHaveLength(1)
      expect(patched[0]).toMatchObject({
        revision: 2, fromStatus: 'paid', toStatus: 'shipped', source: 'run:r1:ship:1', at: T0 + 1000,
        detail: { changed: ['status', 'tags', 'holds'], idempotencyKey: 'r1:ship:1' },
      })
      expect((await store().listOrders({ limit: 5, tag: 'vip' })).items.map((o) => o.id)).toEqual([orderId])
      expect((await store().listOrders({ limit: 5, tag: 'new' })).items).toEqual([])
    })

    it('records in the patched entry what each changed field was and became', async () => {
      const orderId = await seedOrder()
      await store().createRuns([newRun(runState({ runId: 'r1', orderId }))])
      await commit(runState({ runId: 'r1', orderId }), [
        patchEffect(orderId, 'r1:assign:1', { assignedTeam: 'vip-service', addTags: ['vip'] }),
        patchEffect(orderId, 'r1:reassign:1', { assignedTeam: 'night-shift' }),
      ])
      const patched = (await store().orderHistory(orderId)).filter((e) => e.kind === 'patched')
      expect(patched.map((e) => e.detail)).toEqual([
        { changed: ['tags', 'assignedTeam'], idempotencyKey: 'r1:assign:1', before: { tags: ['new'], assignedTeam: null }, after: { tags: ['new', 'vip'], assignedTeam: 'vip-service' } },
        { changed: ['assignedTeam'], idempotencyKey: 'r1:reassign:1', before: { assignedTeam: 'vip-service' }, after: { assignedTeam: 'night-shift' } },
      ])
    })

    it('does not undo a later patch when an earlier transition is committed again', async () => {
      const orderId = await seedOrder()
      await store().createRuns([newRun(runState({ runId: 'r1', orderId }))])
      const ship = [patchEffect(orderId, 'r1:ship:1', { status: 'shipped' })]
      await commit(runState({ runId: 'r1', orderId }), ship)
      await commit(runState({ runId: 'r1', orderId }), [patchEffect(orderId, 'r1:refund:1', { status: 'refunding' })])
      await commit(runState({ runId: 'r1', orderId }), ship)
      expect(await store().getOrder(orderId)).toMatchObject({ revision: 3, order: { status: 'refunding' } })
    })

    it('applies patches with distinct keys one after the other', async () => {
      const orderId = await seedOrder()
      await store().createRuns([newRun(runState({ runId: 'r1', orderId }))])
      await commit(runState({ runId: 'r1', orderId }), [
        patchEffect(orderId, 'k1', { assignedTeam: 'east' }),
        patchEffect(orderId, 'k2', { exception: { type: 'address', reason: 'no street' } }),
      ])
      expect(await store().getOrder(orderId)).toMatchObject({
        revision: 3, order: { assignedTeam: 'east', exception: { type: 'address', reason: 'no street' } },
      })
      expect((await store().listOrders({ limit: 5, exception: 'address' })).items).toHaveLength(1)
    })

    it('commits all transitions or none', async () => {
      await store().createRuns([newRun(runState({ runId: 'r1' })), newRun(runState({ runId: 'r2' }))])
      const commits: TransitionCommit[] = [
        { state: runState({ runId: 'r1', status: 'completed', finishedAt: T0 + 9 }), effects: [stepEffect('r1', 'n1', 1, 1)] },
        { state: runState({ runId: 'r2' }), effects: [patchEffect('missing-order', 'k', { status: 'shipped' })] },
      ]
      await expect(store().commitTransitions(commits, patchOrder, T0)).rejects.toThrow()
      expect((await store().getRun('r1'))?.state.status).toBe('running')
      expect(await store().listSteps('r1')).toEqual([])
    })

    it('schedules, moves and cancels timers and reports them due oldest first', async () => {
      await store().createRuns([newRun(runState({ runId: 'r1' }))])
      expect(await store().nextTimerDue()).toBeNull()
      await commit(runState({ runId: 'r1' }), [timer('t-late', 'r1', T0 + 100), timer('t-early', 'r1', T0 + 50), timer('t-far', 'r1', T0 + 900)])
      expect(await store().nextTimerDue()).toBe(T0 + 50)
      expect((await store().dueTimers(T0 + 100, 10)).map((t) => t.id)).toEqual(['t-early', 't-late'])
      expect(await store().dueTimers(T0 + 100, 1)).toEqual([{ id: 't-early', runId: 'r1', tokenId: 't1', dueAt: T0 + 50, purpose: 'retry' }])
      expect(await store().dueTimers(T0 + 49, 10)).toEqual([])

      await commit(runState({ runId: 'r1' }), [{ kind: 'cancel-timer', timerId: 't-early' }, timer('t-late', 'r1', T0 + 200)])
      expect(await store().nextTimerDue()).toBe(T0 + 200)
      expect((await store().dueTimers(T0 + 1000, 10)).map((t) => t.id)).toEqual(['t-late', 't-far'])
    })

    it('removes the timers of a run when it finishes', async () => {
      await store().createRuns([newRun(runState({ runId: 'r1' })), newRun(runState({ runId: 'r2' }))])
      await commit(runState({ runId: 'r1' }), [timer('a', 'r1', T0 + 10)])
      await commit(runState({ runId: 'r2' }), [timer('b', 'r2', T0 + 20)])
      await commit(runState({ runId: 'r1', status: 'completed', finishedAt: T0 + 5 }), [timer('c', 'r1', T0 + 30)])
      expect((await store().dueTimers(T0 + 1000, 10)).map((t) => t.id)).toEqual(['b'])
    })

    it('keeps the timers of a failed run, which an operator may retry', async () => {
      await store().createRuns([newRun(runState({ runId: 'r1' }))])
      await commit(runState({ runId: 'r1' }), [timer('other-branch', 'r1', T0 + 10)])
      await commit(runState({ runId: 'r1', status: 'failed' }), [])
      expect((await store().dueTimers(T0 + 1000, 10)).map((t) => t.id)).toEqual(['other-branch'])
    })

    it('lists only running runs as active', async () => {
      await store().createRuns([
        newRun(runState({ runId: 'run-a' })), newRun(runState({ runId: 'wait-b', status: 'waiting' })),
        newRun(runState({ runId: 'run-c', startedAt: T0 + 1 })), newRun(runState({ runId: 'done-d', status: 'completed', finishedAt: T0 })),
      ])
      await commit(runState({ runId: 'run-c', status: 'failed', startedAt: T0 + 1 }), [])
      expect(await store().activeRunIds()).toEqual(['run-a'])
    })

    it('lists runs newest first, filtered and paged, visiting each once', async () => {
      const states = Array.from({ length: 11 }, (_, i) => runState({
        runId: `r${String(i).padStart(2, '0')}`, workflowId: i % 2 ? 'wf-odd' : 'wf-even', orderId: i < 3 ? 'o1' : null,
        status: i % 3 ? 'running' : 'waiting', startedAt: Date.parse(isoAt(Math.floor(i / 2))),
      }))
      await store().createRuns(states.map((s) => newRun(s)))
      const ids: string[] = []
      let cursor: string | undefined
      do {
        const page = await store().listRuns({ limit: 3, cursor })
        ids.push(...page.items.map((r) => r.state.runId))
        cursor = page.nextCursor ?? undefined
      } while (cursor)
      expect(ids).toEqual(states.map((s) => s.runId).reverse())
      const list = async (filter: Parameters<ReturnType<StoreRef>['listRuns']>[0]) =>
        (await store().listRuns(filter)).items.map((r) => r.state.runId)
      expect(await list({ limit: 20, workflowId: 'wf-odd' })).toEqual(['r09', 'r07', 'r05', 'r03', 'r01'])
      expect(await list({ limit: 20, orderId: 'o1' })).toEqual(['r02', 'r01', 'r00'])
      expect(await list({ limit: 20, status: 'waiting' })).toEqual(['r09', 'r06', 'r03', 'r00'])
      expect(await list({ limit: 20, status: 'waiting', workflowId: 'wf-even' })).toEqual(['r06', 'r00'])
    })
  })
}
