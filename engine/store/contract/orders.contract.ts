/**
 * Contract: ingesting orders (outcomes, idempotency, revisions, history, runs started by ingest).
 */
import { describe, expect, it } from 'vitest'
import type { IngestPlanner } from '../store.ts'
import { keepSourceText, sourceTextOf } from '../json-source-text.ts'
import { T0, isoAt, makePlanner, newRun, orderInput, patchOrder, runState, stepEffect, type StoreRef } from './contract-fixtures.ts'

/** Registers the order-ingest specifications against the store `store()` returns. */
export function describeOrderIngestContract(store: StoreRef): void {
  const plan = makePlanner()
  const ingest = (inputs: ReturnType<typeof orderInput>[], planner: IngestPlanner = plan) =>
    store().ingestOrders(inputs.map((input) => ({ input, raw: { body: input.platformOrderId } })), planner, Date.parse(isoAt(60)))

  describe('ingesting orders', () => {
    it('creates a new order at revision 1 and reports it as created', async () => {
      const [result] = await ingest([orderInput({ tags: ['vip'] })])
      expect(result).toEqual({ id: 'ord-shopify-1001', platform: 'shopify', platformOrderId: '1001', outcome: 'created', runIds: [] })
      const stored = await store().getOrder(result.id)
      expect(stored?.revision).toBe(1)
      expect(stored?.order).toMatchObject({ id: result.id, status: 'paid', totalAmount: 12900, tags: ['vip'], updatedAt: isoAt(0) })
    })

    it('returns the order with its raw payload as the plan made it, also after a patch', async () => {
      const planner = makePlanner({ keepRaw: true })
      const [created] = await ingest([orderInput()], planner)
      expect((await store().getOrder(created.id))?.order.raw).toEqual({ body: '1001' })
      await ingest([orderInput({ status: 'shipped', updatedAt: isoAt(1) })], planner)
      await store().createRuns([newRun(runState({ runId: 'r1', orderId: created.id }))])
      await store().commitTransitions([{
        state: runState({ runId: 'r1', orderId: created.id }),
        effects: [{ kind: 'patch-order', orderId: created.id, patch: { addTags: ['x'] }, source: 'run:r1:n:1', idempotencyKey: 'r1:n:1' }],
      }], patchOrder, T0)
      const stored = await store().getOrder(created.id)
      expect(stored).toMatchObject({ revision: 3, order: { status: 'shipped', tags: ['x'], raw: { body: '1001' } } })
      expect((await store().listOrders({ limit: 1 })).items[0]).toEqual(stored?.order)
    })

    it('keeps a raw payload as the text it was read from, when that text was kept, also across an update without one', async () => {
      const text = '{"order_id": 6931234567890123457, "nested": {"sku_id": 3410000000000000001}}'
      const raw = JSON.parse(text) as object
      keepSourceText(raw, text)
      const planner = makePlanner({ keepRaw: true })
      const [created] = await store().ingestOrders([{ input: orderInput(), raw }], planner, T0)
      const stored = await store().getOrder(created.id)
      expect(stored?.order.raw).toEqual(raw)
      expect(sourceTextOf(stored?.order.raw)).toBe(text)
      // The planner keeps the stored payload when an update brings none: its text stays too.
      const keepStored: IngestPlanner = (existing, input) => planner(existing, input, existing?.order.raw ?? null)
      await store().ingestOrders([{ input: orderInput({ status: 'shipped', updatedAt: isoAt(1) }), raw: null }], keepStored, T0)
      expect(sourceTextOf((await store().getOrder(created.id))?.order.raw)).toBe(text)
    })

    it('returns an order without a raw field when the plan gave it none', async () => {
      const [created] = await ingest([orderInput()])
      expect((await store().getOrder(created.id))?.order).not.toHaveProperty('raw')
    })

    it('returns null for an order that does not exist', async () => {
      expect(await store().getOrder('nope')).toBeNull()
    })

    it('reports created, updated and unchanged outcomes in request order', async () => {
      await ingest([orderInput({ platformOrderId: 'A' }), orderInput({ platformOrderId: 'B' })])
      const results = await ingest([
        orderInput({ platformOrderId: 'C' }),
        orderInput({ platformOrderId: 'A', status: 'shipped', updatedAt: isoAt(5) }),
        orderInput({ platformOrderId: 'B' }),
      ])
      expect(results.map((r) => [r.platformOrderId, r.outcome])).toEqual([['C', 'created'], ['A', 'updated'], ['B', 'unchanged']])
      expect(results.map((r) => r.id)).toEqual(['ord-shopify-C', 'ord-shopify-A', 'ord-shopify-B'])
    })

    it('is idempotent on (platform, platformOrderId)', async () => {
      const [first] = await ingest([orderInput()])
      const [again] = await ingest([orderInput()])
      const [otherPlatform] = await ingest([orderInput({ platform: 'jd' })])
      expect(again).toMatchObject({ id: first.id, outcome: 'unchanged' })
      expect(otherPlatform).toMatchObject({ outcome: 'created' })
      expect(otherPlatform.id).not.toBe(first.id)
      expect((await store().getOrder(first.id))?.revision).toBe(1)
      expect((await store().listOrders({ limit: 10 })).items).toHaveLength(2)
    })

    it('keeps the stored id when the plan proposes another for an existing order', async () => {
      const planner = makePlanner({ newId: (input) => `ord-${Date.parse(input.updatedAt)}` })
      const [created] = await ingest([orderInput()], planner)
      const [updated] = await ingest([orderInput({ status: 'shipped', updatedAt: isoAt(1) })], planner)
      expect(updated.id).toBe(created.id)
      expect((await store().getOrder(created.id))?.order).toMatchObject({ id: created.id, status: 'shipped' })
      expect(await store().getOrder(`ord-${Date.parse(isoAt(1))}`)).toBeNull()
    })

    it('lets the second copy of an order in one batch see the first', async () => {
      const results = await ingest([orderInput(), orderInput({ status: 'shipped', updatedAt: isoAt(1) })])
      expect(results.map((r) => r.outcome)).toEqual(['created', 'updated'])
      expect(results[1].id).toBe(results[0].id)
      const stored = await store().getOrder(results[0].id)
      expect(stored).toMatchObject({ revision: 2, order: { status: 'shipped' } })
      expect((await store().orderHistory(results[0].id)).map((e) => e.kind)).toEqual(['created', 'status_changed'])
    })

    it('increments the revision on each change and appends history under that revision', async () => {
      await ingest([orderInput()])
      await ingest([orderInput({ status: 'shipped', updatedAt: isoAt(1) })])
      const [last] = await ingest([orderInput({ status: 'shipped', totalAmount: 9900, updatedAt: isoAt(2) })])
      expect((await store().getOrder(last.id))?.revision).toBe(3)
      const history = await store().orderHistory(last.id)
      expect(history.map(({ orderId, revision, kind, fromStatus, toStatus, source, at }) => ({ orderId, revision, kind, fromStatus, toStatus, source, at }))).toEqual([
        { orderId: last.id, revision: 1, kind: 'created', fromStatus: null, toStatus: 'paid', source: 'api', at: Date.parse(isoAt(0)) },
        { orderId: last.id, revision: 2, kind: 'status_changed', fromStatus: 'paid', toStatus: 'shipped', source: 'api', at: Date.parse(isoAt(1)) },
        { orderId: last.id, revision: 3, kind: 'updated', fromStatus: 'shipped', toStatus: 'shipped', source: 'api', at: Date.parse(isoAt(2)) },
      ])
      expect(history[2].detail).toEqual({ changed: ['totalAmount', 'updatedAt'] })
      expect(history[0].id).toBeLessThan(history[1].id)
    })

    it('records a late, older update in history without changing the order', async () => {
      await ingest([orderInput({ status: 'shipped', updatedAt: isoAt(10) })])
      const [late] = await ingest([orderInput({ status: 'paid', updatedAt: isoAt(5) })])
      expect(late.outcome).toBe('unchanged')
      expect(await store().getOrder(late.id)).toMatchObject({ revision: 1, order: { status: 'shipped', updatedAt: isoAt(10) } })
      const history = await store().orderHistory(late.id)
      expect(history.map((e) => [e.kind, e.revision])).toEqual([['created', 1], ['stale_ignored', 1]])
    })

    it('starts the runs a plan asks for and reports their ids', async () => {
      const planner = makePlanner({ workflowIds: ['wf-a', 'wf-b'] })
      const [result] = await ingest([orderInput()], planner)
      expect(result.runIds).toEqual(['run-wf-a-ord-shopify-1001-1', 'run-wf-b-ord-shopify-1001-1'])
      const run = await store().getRun(result.runIds[0])
      expect(run?.state).toMatchObject({ runId: result.runIds[0], workflowId: 'wf-a', orderId: result.id, status: 'running' })
      expect(run?.trigger).toEqual({ kind: 'order-event', event: 'created', revision: 1 })
    })

    it('starts a workflow once per trigger key', async () => {
      const planner = makePlanner({ workflowIds: ['wf-a'], triggerKey: (wf, order) => `${wf}:${order.id}` })
      const [created] = await ingest([orderInput()], planner)
      const [updated] = await ingest([orderInput({ status: 'shipped', updatedAt: isoAt(1) })], planner)
      expect(created.runIds).toHaveLength(1)
      expect(updated).toMatchObject({ outcome: 'updated', runIds: [] })
      expect((await store().listRuns({ limit: 10 })).items).toHaveLength(1)
    })

    it('writes the runs a plan already stepped with their effects, in the same transaction, once per trigger key', async () => {
      const withSteps: IngestPlanner = (existing, input, raw) => {
        const decision = plan(existing, input, raw)
        if (!decision.order) return decision
        const runId = `inline-${decision.revision}`
        return {
          ...decision,
          // The plan folded the run's change into the order and its history, as the engine does.
          order: { ...decision.order, tags: [...decision.order.tags, 'inline'] },
          revision: decision.revision + 1,
          events: [...decision.events, { kind: 'patched', revision: decision.revision + 1, fromStatus: decision.order.status, toStatus: decision.order.status,
            source: `run:${runId}:tag:1`, at: T0, detail: { changed: ['tags'] }, idempotencyKey: `${runId}:tag:1` }],
          runs: [{
            ...newRun(runState({ runId, orderId: decision.order.id, status: 'completed', tokens: [], finishedAt: T0 })),
            triggerKey: `inline:${decision.order.id}`,
            effects: [stepEffect(runId, 'tag', 1, 1)],
          }],
        }
      }
      const [created] = await store().ingestOrders([{ input: orderInput(), raw: null }], withSteps, T0)
      expect(created.runIds).toEqual(['inline-1'])
      expect((await store().getRun('inline-1'))?.state.status).toBe('completed')
      expect((await store().listSteps('inline-1')).map((s) => s.nodeId)).toEqual(['tag'])
      const stored = await store().getOrder(created.id)
      expect(stored).toMatchObject({ revision: 2, order: { tags: ['inline'] } })
      expect((await store().orderHistory(created.id)).map((e) => [e.source, e.revision])).toEqual([['api', 1], ['run:inline-1:tag:1', 2]])

      // The same trigger key again: the run and its effects are skipped together.
      const [again] = await store().ingestOrders([{ input: orderInput({ status: 'shipped', updatedAt: isoAt(1) }), raw: null }], withSteps, T0)
      expect(again.runIds).toEqual([])
      expect(await store().listSteps('inline-3')).toEqual([])
    })

    it('starts no runs for an unchanged order', async () => {
      const planner = makePlanner({ workflowIds: ['wf-a'] })
      await ingest([orderInput()], planner)
      const [again] = await ingest([orderInput()], planner)
      expect(again).toMatchObject({ outcome: 'unchanged', runIds: [] })
    })

    it('commits a batch whole or not at all', async () => {
      const failing: IngestPlanner = (existing, input, raw) => {
        if (input.platformOrderId === 'bad') throw new Error('planner failed')
        return plan(existing, input, raw)
      }
      await expect(ingest([orderInput({ platformOrderId: 'good' }), orderInput({ platformOrderId: 'bad' })], failing))
        .rejects.toThrow('planner failed')
      expect(await store().getOrder('ord-shopify-good')).toBeNull()
      expect(await store().orderHistory('ord-shopify-good')).toEqual([])
    })
  })
}
