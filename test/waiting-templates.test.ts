/**
 * The waiting templates of examples/, every branch walked with a moved clock: unclear address
 * (confirmed, or frozen after 24 h), payment exception (two levels approved, rejected, reminded,
 * escalated, timed out), and status-sync compensation (every 5 minutes, stale orders re-checked).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { createHarness, sampleOrder, type Harness } from './harness.ts'
import { importExamplesIfEmpty } from '../engine/runtime/bootstrap.ts'

const dir = join(import.meta.dirname, '..', 'examples')

describe('the waiting templates', () => {
  let h: Harness
  let tokens: Record<string, string>
  beforeEach(async () => {
    h = await createHarness({ start: '2026-12-01T01:00:00Z' })
    await importExamplesIfEmpty(h.engine, dir)
    tokens = {}
    for (const [name, role] of [['team-lead', 'approver'], ['manager', 'approver'], ['finance-zhao', 'approver'], ['cs-wu', 'operator']]) {
      tokens[name] = (await h.api('POST', '/api/tokens', { name, role })).json().token
    }
  })
  afterEach(() => h.close())

  const as = (name: string) => (method: string, url: string, body?: unknown) => h.api(method, url, body, tokens[name])
  async function ingest(overrides: Parameters<typeof sampleOrder>[0]): Promise<string> {
    const res = await h.api('POST', '/api/orders', sampleOrder({ createdAt: '2026-12-01T08:55:00+08:00', updatedAt: '2026-12-01T08:56:00+08:00', ...overrides }))
    expect(res.statusCode).toBe(200)
    await h.engine.idle()
    return res.json().results[0].id
  }
  const orderOf = async (id: string) => (await h.api('GET', `/api/orders/${id}`)).json()
  const runOf = async (orderId: string, workflowId: string) => (await orderOf(orderId)).runs.find((r: { workflowId: string }) => r.workflowId === workflowId)

  describe('unclear address', () => {
    it('asks customer service, and releases the hold once the buyer confirms', async () => {
      const id = await ingest({ exception: { type: 'address', reason: '门牌号缺失' } })
      expect((await orderOf(id)).order.holds.map((x: { pool: string }) => x.pool)).toEqual(['address-check'])
      const asked = (await as('cs-wu')('GET', '/api/notifications')).json().items
      expect(asked[0]).toMatchObject({ kind: 'escalation', priority: 'high', title: expect.stringMatching(/确认收货地址/) })
      expect((await runOf(id, 'unclear-address-confirmation')).status).toBe('waiting')

      h.clock.advance('PT3H')
      await h.engine.tick()
      expect((await as('cs-wu')('POST', `/api/orders/${id}/signals`, { name: 'address_confirmed', data: { confirmedBy: 'buyer' } })).json()).toEqual({ delivered: 1 })
      await h.engine.tick()
      const after = await orderOf(id)
      expect(after.order.holds).toEqual([])
      expect(after.order.tags).toContain('address-confirmed')
      expect(after.order.tags).not.toContain('address-check')
      expect((await runOf(id, 'unclear-address-confirmation')).status).toBe('completed')
    })

    it('moves the order to the frozen pool when nobody confirms within 24 hours', async () => {
      const id = await ingest({ exception: { type: 'address' } })
      h.clock.advance('PT24H')
      await h.engine.tick()
      const after = await orderOf(id)
      expect(after.order.holds.map((x: { pool: string }) => x.pool)).toEqual(['address-check', 'frozen'])
      expect(after.order.tags).toContain('address-unconfirmed')
      expect((await as('cs-wu')('POST', `/api/orders/${id}/signals`, { name: 'address_confirmed' })).json()).toEqual({ delivered: 0 })
    })
  })

  describe('payment exception', () => {
    const big = { exception: { type: 'payment' as const, reason: '支付回调缺失' }, totalAmount: 880000, items: [{ sku: 'TV-65', quantity: 1, unitPrice: 880000 }] }
    const taskFor = async (name: string) => (await as(name)('GET', '/api/tasks')).json().tasks[0]

    it('is released after the team lead and then finance approve', async () => {
      const id = await ingest(big)
      const lead = await taskFor('team-lead')
      expect(lead).toMatchObject({ level: 1, priority: 'high', order: { platform: 'douyin', totalAmount: 880000 } })
      expect((await as('team-lead')('POST', `/api/tasks/${lead.id}/complete`, { decision: 'approve' })).json().details).toEqual([{ pointer: '/comment', reason: 'is required for this task' }])
      expect((await as('team-lead')('POST', `/api/tasks/${lead.id}/complete`, { decision: 'approve', comment: '已核对到账' })).statusCode).toBe(200)
      await h.engine.idle()
      const finance = await taskFor('finance-zhao')
      expect(finance).toMatchObject({ level: 2, levelName: '财务' })
      expect((await as('finance-zhao')('POST', `/api/tasks/${finance.id}/complete`, { decision: 'approve', comment: '同意放行' })).statusCode).toBe(200)
      await h.engine.idle()
      const after = await orderOf(id)
      expect(after.order.holds).toEqual([])
      expect(after.order.tags).toContain('payment-approved')
    })

    it('freezes the order when the team lead rejects', async () => {
      const id = await ingest(big)
      const lead = await taskFor('team-lead')
      await as('team-lead')('POST', `/api/tasks/${lead.id}/complete`, { decision: 'reject', comment: '疑似盗刷' })
      await h.engine.idle()
      expect((await orderOf(id)).order.holds.map((x: { pool: string }) => x.pool)).toEqual(['payment-review', 'frozen'])
    })

    it('reminds the team lead at 2 hours, escalates to the manager at 4, and hands the order to the exception desk at 8', async () => {
      const id = await ingest(big)
      const lead = await taskFor('team-lead')
      h.clock.advance('PT2H')
      await h.engine.tick()
      expect((await as('team-lead')('GET', '/api/notifications')).json().items[0].kind).toBe('reminder')
      h.clock.advance('PT2H')
      await h.engine.tick()
      expect(await taskFor('team-lead')).toBeUndefined()
      expect(await taskFor('manager')).toMatchObject({ id: lead.id, priority: 'urgent', assignees: { users: ['manager'], roles: [] } })
      expect((await as('manager')('GET', '/api/notifications')).json().items[0]).toMatchObject({ kind: 'escalation', priority: 'urgent' })
      h.clock.advance('PT4H')
      await h.engine.tick()
      const after = await orderOf(id)
      expect(after.order.assignedTeam).toBe('exception-desk')
      expect(after.order.tags).toContain('approval-overdue')
      expect((await h.api('GET', `/api/tasks/${lead.id}`)).json().task.status).toBe('expired')
    })
  })

  describe('status-sync compensation', () => {
    it('every 5 minutes finds the orders stale for 30 minutes and re-checks each once', async () => {
      const stale = await ingest({ platformOrderId: 'stale-1', updatedAt: '2026-12-01T08:20:00+08:00' })
      const fresh = await ingest({ platformOrderId: 'fresh-1' })
      const shipped = await ingest({ platformOrderId: 'stale-completed', status: 'completed', updatedAt: '2026-12-01T08:00:00+08:00' })
      // The next tick after the start (09:00 Asia/Shanghai) is 09:05.
      await h.engine.tick()
      expect((await orderOf(stale)).order.tags).toEqual([])
      h.clock.advance('PT5M')
      await h.engine.tick()
      expect((await orderOf(stale)).order.tags).toEqual(['sync-stale'])
      expect((await orderOf(fresh)).order.tags).toEqual([])
      expect((await orderOf(shipped)).order.tags).toEqual([])
      const runs = (await h.api('GET', '/api/runs?workflowId=status-sync-compensation')).json().items
      expect(runs).toHaveLength(1)
      expect(runs[0]).toMatchObject({ status: 'completed' })
      expect((await h.api('GET', `/api/runs/${runs[0].id}`)).json().variables.rechecked).toBe(1)

      // 35 minutes later the fresh one is stale too; the first is not re-checked again.
      h.clock.advance('PT35M')
      await h.engine.tick()
      expect((await orderOf(fresh)).order.tags).toEqual(['sync-stale'])
      const checks = (await h.api('GET', '/api/runs?workflowId=status-sync-recheck')).json().items
      expect(checks.map((r: { orderId: string }) => r.orderId).sort()).toEqual([stale, fresh].sort())
    })

    it('runs a tick missed while Ordo was down once, not once per missed tick', async () => {
      h.clock.advance('PT5M')
      await h.engine.tick()
      const before = (await h.api('GET', '/api/runs?workflowId=status-sync-compensation')).json().items.length
      h.clock.advance('PT1H')
      await h.engine.tick()
      const after = (await h.api('GET', '/api/runs?workflowId=status-sync-compensation')).json().items.length
      expect(after - before).toBe(1)
    })
  })
})
