/**
 * Contract: API tokens, the audit log, pruning and statistics.
 */
import { describe, expect, it } from 'vitest'
import type { AuditEntry } from '../store.ts'
import { ConflictError } from '../store.ts'
import { T0, makePlanner, newRun, orderInput, patchOrder, runState, stepEffect, type StoreRef } from './contract-fixtures.ts'

/** Registers the access and upkeep specifications against the store `store()` returns. */
export function describeAccessAndUpkeepContract(store: StoreRef): void {
  describe('liveness', () => {
    it('answers a ping while open', async () => {
      await expect(store().ping()).resolves.toBeUndefined()
    })
  })

  describe('api tokens', () => {
    it('finds a token by its hash until it is revoked', async () => {
      const created = await store().createToken({ id: 'tk1', name: 'ci', role: 'designer', hash: 'h1' }, T0)
      expect(created).toEqual({ id: 'tk1', name: 'ci', role: 'designer', createdAt: T0, revokedAt: null })
      expect(await store().findTokenByHash('h1')).toEqual(created)
      expect(await store().findTokenByHash('h2')).toBeNull()
      expect(await store().revokeToken('tk1', T0 + 5)).toBe(true)
      expect(await store().findTokenByHash('h1')).toBeNull()
      expect(await store().revokeToken('tk1', T0 + 6)).toBe(false)
      expect(await store().revokeToken('missing', T0 + 6)).toBe(false)
      expect(await store().listTokens()).toEqual([{ ...created, revokedAt: T0 + 5 }])
    })

    it('refuses a token whose id or hash exists', async () => {
      await store().createToken({ id: 'tk1', name: 'a', role: 'admin', hash: 'h1' }, T0)
      await expect(store().createToken({ id: 'tk2', name: 'b', role: 'admin', hash: 'h1' }, T0)).rejects.toBeInstanceOf(ConflictError)
      await expect(store().createToken({ id: 'tk1', name: 'c', role: 'admin', hash: 'h3' }, T0)).rejects.toBeInstanceOf(ConflictError)
      expect((await store().listTokens()).map((t) => t.name)).toEqual(['a'])
    })
  })

  describe('audit log', () => {
    it('lists entries newest first, paged by cursor', async () => {
      const entries: Array<Omit<AuditEntry, 'id'>> = Array.from({ length: 5 }, (_, i) =>
        ({ at: T0 + i, actor: 'ann', action: 'workflow.publish', target: `wf-${i}`, detail: { version: i } }))
      for (const entry of entries) await store().appendAudit(entry)
      const first = await store().listAudit(3)
      expect(first.items.map(({ id: _id, ...rest }) => rest)).toEqual(entries.slice(2).reverse())
      const second = await store().listAudit(3, first.nextCursor ?? undefined)
      expect(second.items.map((e) => e.target)).toEqual(['wf-1', 'wf-0'])
      expect(second.nextCursor).toBeNull()
      expect(first.items[0].id).toBeGreaterThan(first.items[1].id)
    })
  })

  describe('upkeep', () => {
    it('prunes only finished runs older than the cutoff, with their steps', async () => {
      const cutoff = T0 + 1000
      const runs = [
        runState({ runId: 'old-done', status: 'completed', finishedAt: cutoff - 1 }),
        runState({ runId: 'old-cancelled', status: 'cancelled', finishedAt: cutoff - 500 }),
        runState({ runId: 'new-done', status: 'completed', finishedAt: cutoff }),
        runState({ runId: 'old-failed', status: 'failed', finishedAt: cutoff - 1 }),
        runState({ runId: 'old-running' }),
      ]
      await store().createRuns(runs.map((r) => newRun(runState({ runId: r.runId }))))
      await store().commitTransitions(runs.map((state) => ({
        state, effects: [stepEffect(state.runId, 'a', 1, 1), stepEffect(state.runId, 'b', 1, 1)],
      })), patchOrder, T0)
      await store().appendAudit({ at: cutoff - 1, actor: 'x', action: 'old', target: 't', detail: {} })
      await store().appendAudit({ at: cutoff, actor: 'x', action: 'kept', target: 't', detail: {} })

      expect(await store().prune(cutoff)).toEqual({ runs: 2, steps: 4, audit: 1, log: 0 })
      expect(await store().getRun('old-done')).toBeNull()
      expect(await store().getRun('old-cancelled')).toBeNull()
      expect(await store().listSteps('old-done')).toEqual([])
      for (const id of ['new-done', 'old-failed', 'old-running']) {
        expect((await store().getRun(id))?.state.runId).toBe(id)
        expect(await store().listSteps(id)).toHaveLength(2)
      }
      expect((await store().listAudit(10)).items.map((e) => e.action)).toEqual(['kept'])
      expect(await store().prune(cutoff)).toEqual({ runs: 0, steps: 0, audit: 0, log: 0 })
    })

    it('prunes a slice at a time, oldest first, when given a limit', async () => {
      const runs = [1, 2, 3].map((i) => runState({ runId: `old-${i}`, status: 'completed', finishedAt: T0 + i, updatedAt: T0 + i }))
      await store().createRuns(runs.map((r, i) => newRun(r, `k${i}`)))
      for (const r of runs) await store().commitTransitions([{ state: r, effects: [] }], patchOrder, T0)
      expect((await store().prune(T0 + 100, 2)).runs).toBe(2)
      expect(await store().getRun('old-1')).toBeNull()
      expect(await store().getRun('old-3')).not.toBeNull()
      expect((await store().prune(T0 + 100, 2)).runs).toBe(1)
    })

    it('counts orders and runs by status', async () => {
      await store().ingestOrders(['1', '2', '3'].map((id) => ({ input: orderInput({ platformOrderId: id }), raw: null })), makePlanner(), T0)
      await store().createRuns([
        newRun(runState({ runId: 'a' })), newRun(runState({ runId: 'b' })),
        newRun(runState({ runId: 'c', status: 'waiting' })),
      ])
      const stats = await store().stats()
      expect(stats.orders).toBe(3)
      expect(stats.runs).toEqual({ running: 2, waiting: 1 })
      expect(stats.dbBytes === null || stats.dbBytes > 0).toBe(true)
    })

    it('checkpoints without losing data', async () => {
      await store().ingestOrders([{ input: orderInput(), raw: null }], makePlanner(), T0)
      await store().checkpoint()
      expect((await store().stats()).orders).toBe(1)
    })
  })
}
