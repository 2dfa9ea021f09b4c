import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { createHarness, sampleOrder, type Harness } from './harness.ts'
import { importExamplesIfEmpty } from '../engine/runtime/bootstrap.ts'

/** The routing template of the mission, imported from examples/ as on first start. */
describe('examples/douyin-vip-routing', () => {
  let h: Harness
  beforeEach(async () => {
    h = await createHarness()
    expect(await importExamplesIfEmpty(h.engine, join(import.meta.dirname, '..', 'examples'))).toBeGreaterThan(0)
  })
  afterEach(() => h.close())

  async function ingestAndSettle(order: ReturnType<typeof sampleOrder>) {
    const res = await h.api('POST', '/api/orders', order)
    expect(res.statusCode).toBe(200)
    await h.engine.idle()
    const id = res.json().results[0].id
    return (await h.api('GET', `/api/orders/${id}`)).json()
  }

  it('tags a Douyin order above 1,000 yuan as vip and assigns it to vip-service', async () => {
    const detail = await ingestAndSettle(sampleOrder({ platform: 'douyin', totalAmount: 128800, currency: 'CNY' }))
    expect(detail.order.tags).toContain('vip')
    expect(detail.order.assignedTeam).toBe('vip-service')
    expect(detail.runs.some((r: any) => r.workflowId === 'douyin-vip-routing' && r.status === 'completed')).toBe(true)
  })

  it('has routed the order by the time its POST is answered (the flow runs in the ingest transaction)', async () => {
    const res = await h.api('POST', '/api/orders', sampleOrder({ platform: 'douyin', totalAmount: 128800 }))
    const detail = (await h.api('GET', `/api/orders/${res.json().results[0].id}`)).json()
    expect(detail.order).toMatchObject({ tags: ['vip'], assignedTeam: 'vip-service' })
    expect(detail.runs[0].status).toBe('completed')
  })

  it('leaves a Douyin order of exactly 1,000 yuan alone', async () => {
    const detail = await ingestAndSettle(sampleOrder({ platform: 'douyin', totalAmount: 100000 }))
    expect(detail.order.tags).not.toContain('vip')
    expect(detail.order.assignedTeam).toBeNull()
  })

  it('does not treat a JD order above 1,000 yuan as a Douyin vip', async () => {
    const detail = await ingestAndSettle(sampleOrder({ platform: 'jd', totalAmount: 500000 }))
    expect(detail.order.tags).not.toContain('vip')
    expect(detail.order.assignedTeam).toBeNull()
  })

  it('tags presale orders special-fulfillment', async () => {
    const detail = await ingestAndSettle(sampleOrder({ platform: 'shopify', presale: true, totalAmount: 5000, currency: 'USD' }))
    expect(detail.order.tags).toContain('special-fulfillment')
    expect(detail.order.tags).not.toContain('vip')
  })

  it('records each change in the order history with the run that made it', async () => {
    const detail = await ingestAndSettle(sampleOrder({ platform: 'douyin', totalAmount: 200000, presale: true }))
    expect(detail.order.tags).toEqual(expect.arrayContaining(['vip', 'special-fulfillment']))
    const sources = detail.history.map((e: any) => e.source)
    expect(sources[0]).toMatch(/^api/)
    expect(sources.filter((s: string) => s.startsWith('run:')).length).toBeGreaterThanOrEqual(3)
  })

  it('starts the workflow once per order event, not again for a resend', async () => {
    const order = sampleOrder({ platform: 'douyin', totalAmount: 150000 })
    const first = await ingestAndSettle(order)
    const again = await h.api('POST', '/api/orders', order)
    expect(again.json().results[0].outcome).toBe('unchanged')
    await h.engine.idle()
    const detail = (await h.api('GET', `/api/orders/${first.order.id}`)).json()
    expect(detail.runs.filter((r: any) => r.workflowId === 'douyin-vip-routing')).toHaveLength(1)
  })
})
