/**
 * Contract: the values orders use (teams, hold pools, tags, exception types), for pick lists.
 */
import { describe, expect, it } from 'vitest'
import type { OrderPatch } from '../../../connectors/sdk/define-node.ts'
import { isoAt, makePlanner, newRun, orderInput, patchOrder, runState, type StoreRef } from './contract-fixtures.ts'

/** Registers the order-values specifications against the store `store()` returns. */
export function describeOrderValuesContract(store: StoreRef): void {
  /** Ingests an order updated at minute `minute`, then patches it as a run would at that minute. */
  async function order(id: string, minute: number, input: Parameters<typeof orderInput>[0], patch?: OrderPatch) {
    const at = Date.parse(isoAt(minute))
    const [created] = await store().ingestOrders([{ input: orderInput({ platformOrderId: id, updatedAt: isoAt(minute), ...input }), raw: null }], makePlanner(), at)
    if (!patch) return
    const run = runState({ runId: `r-${id}`, orderId: created.id })
    await store().createRuns([newRun(run)])
    await store().commitTransitions([{ state: run, effects: [{ kind: 'patch-order', orderId: created.id, patch, source: `run:r-${id}:n:1`, idempotencyKey: `r-${id}:n:1` }] }], patchOrder, at)
  }

  describe('values orders use', () => {
    it('lists each team, pool, tag and exception type once, sorted', async () => {
      await order('a', 1, { tags: ['vip', 'gift'], exception: { type: 'stock' } }, { assignedTeam: 'vip-service', addHold: { pool: 'risk' } })
      await order('b', 2, { tags: ['vip'], exception: { type: 'address' } }, { assignedTeam: 'after-sales', addHold: { pool: 'frozen', reason: 'check' } })
      await order('c', 3, {}, { assignedTeam: 'vip-service', addHold: { pool: 'risk' } })
      expect(await store().orderValues(500, 10_000)).toEqual({
        teams: ['after-sales', 'vip-service'], pools: ['frozen', 'risk'], tags: ['gift', 'vip'], exceptionTypes: ['address', 'stock'],
      })
    })

    it('is empty for an empty order pool', async () => {
      expect(await store().orderValues(500, 10_000)).toEqual({ teams: [], pools: [], tags: [], exceptionTypes: [] })
    })

    it('answers at most `limit` of each, and teams and pools of the most recently updated orders only', async () => {
      await order('old', 1, { tags: ['t1', 't2', 't3'] }, { assignedTeam: 'old-team', addHold: { pool: 'old-pool' } })
      await order('new', 2, {}, { assignedTeam: 'new-team', addHold: { pool: 'new-pool' } })
      const values = await store().orderValues(2, 1)
      expect(values.tags).toEqual(['t1', 't2'])
      expect(values.teams).toEqual(['new-team'])
      expect(values.pools).toEqual(['new-pool'])
    })
  })
}
