import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createHarness, sampleOrder, type Harness } from './harness.ts'

describe('POST /api/orders', () => {
  let h: Harness
  beforeEach(async () => { h = await createHarness() })
  afterEach(() => h.close())

  it('answers results in request order with created, updated and unchanged', async () => {
    const a = sampleOrder({ platformOrderId: 'A' })
    const b = sampleOrder({ platformOrderId: 'B' })
    const first = await h.api('POST', '/api/orders', [a, b])
    expect(first.statusCode).toBe(200)
    expect(first.json().results.map((r: any) => [r.platformOrderId, r.outcome])).toEqual([['A', 'created'], ['B', 'created']])
    const bShipped = { ...b, status: 'shipped' as const, updatedAt: '2026-11-20T09:58:00+08:00' }
    const second = await h.api('POST', '/api/orders', [bShipped, a])
    expect(second.json().results.map((r: any) => [r.platformOrderId, r.outcome])).toEqual([['B', 'updated'], ['A', 'unchanged']])
    expect(second.json().results[0].id).toBe(first.json().results[1].id)
  })

  it('is idempotent on (platform, platformOrderId)', async () => {
    const order = sampleOrder({ platformOrderId: 'same' })
    const ids = new Set<string>()
    for (let i = 0; i < 3; i++) ids.add((await h.api('POST', '/api/orders', order)).json().results[0].id)
    expect(ids.size).toBe(1)
    const jd = await h.api('POST', '/api/orders', { ...order, platform: 'jd' })
    expect(ids.has(jd.json().results[0].id)).toBe(false)
  })

  it('keeps the status when an older event arrives late', async () => {
    const shipped = sampleOrder({ platformOrderId: 'late', status: 'shipped', updatedAt: '2026-11-20T09:59:00+08:00' })
    const id = (await h.api('POST', '/api/orders', shipped)).json().results[0].id
    const olderPaid = { ...shipped, status: 'paid' as const, updatedAt: '2026-11-20T09:56:00+08:00' }
    expect((await h.api('POST', '/api/orders', olderPaid)).json().results[0].outcome).toBe('unchanged')
    const detail = (await h.api('GET', `/api/orders/${id}`)).json()
    expect(detail.order.status).toBe('shipped')
    expect(detail.history.map((e: any) => e.kind)).toEqual(['created', 'stale_ignored'])
  })

  it('does not move the status backwards even with a newer timestamp, and says why', async () => {
    const done = sampleOrder({ platformOrderId: 'done', status: 'completed' })
    const id = (await h.api('POST', '/api/orders', done)).json().results[0].id
    await h.api('POST', '/api/orders', { ...done, status: 'paid', updatedAt: '2026-11-20T09:59:00+08:00' })
    const detail = (await h.api('GET', `/api/orders/${id}`)).json()
    expect(detail.order.status).toBe('completed')
    expect(detail.history.some((e: any) => e.kind === 'status_rejected')).toBe(true)
  })

  it('appends a status change to the order history', async () => {
    const o = sampleOrder({ platformOrderId: 'hist' })
    const id = (await h.api('POST', '/api/orders', o)).json().results[0].id
    await h.api('POST', '/api/orders', { ...o, status: 'shipped', updatedAt: '2026-11-20T09:57:00+08:00' })
    const history = (await h.api('GET', `/api/orders/${id}`)).json().history
    expect(history.map((e: any) => [e.kind, e.fromStatus, e.toStatus])).toEqual([['created', null, 'paid'], ['status_changed', 'paid', 'shipped']])
    expect(history[1].at).toMatch(/^2026-11-20T02:00:00\.000Z$/)
  })

  it('accepts an order from the future, flags it as clock skew and reports the skew in health', async () => {
    const future = sampleOrder({ platformOrderId: 'future', createdAt: '2026-11-20T10:05:00+08:00', updatedAt: '2026-11-20T10:05:00+08:00' })
    const res = await h.api('POST', '/api/orders', future)
    expect(res.json().results[0].outcome).toBe('created')
    const detail = (await h.api('GET', `/api/orders/${res.json().results[0].id}`)).json()
    expect(detail.order.exception).toMatchObject({ type: 'clock_skew' })
    const health = (await h.api('GET', '/api/health', undefined, null)).json()
    expect(health.clockSkew.maxAheadMs).toBe(5 * 60_000)
  })

  it('does not let a clock-skewed timestamp freeze the order: the next sane update applies and clears the flag', async () => {
    const future = sampleOrder({ platformOrderId: 'skewed', updatedAt: '2027-01-01T00:00:00+08:00' })
    const id = (await h.api('POST', '/api/orders', future)).json().results[0].id
    const shipped = { ...future, status: 'shipped' as const, updatedAt: '2026-11-20T09:59:00+08:00' }
    expect((await h.api('POST', '/api/orders', shipped)).json().results[0].outcome).toBe('updated')
    const detail = (await h.api('GET', `/api/orders/${id}`)).json()
    expect(detail.order).toMatchObject({ status: 'shipped', exception: null, updatedAt: '2026-11-20T09:59:00+08:00' })
    const older = { ...future, status: 'paid' as const, updatedAt: '2026-11-20T09:58:00+08:00' }
    expect((await h.api('POST', '/api/orders', older)).json().results[0].outcome).toBe('unchanged')
  })

  it('does not flag an order 20 seconds ahead (within tolerance)', async () => {
    const res = await h.api('POST', '/api/orders', sampleOrder({ platformOrderId: 'near', updatedAt: '2026-11-20T10:00:20+08:00' }))
    const detail = (await h.api('GET', `/api/orders/${res.json().results[0].id}`)).json()
    expect(detail.order.exception).toBeNull()
  })

  it('takes the holds a platform reports and keeps them when a later payload no longer does', async () => {
    const held = sampleOrder({ platformOrderId: 'held', holds: [{ pool: 'risk', reason: 'platform risk control', at: '2026-11-20T09:55:30+08:00' }] })
    const id = (await h.api('POST', '/api/orders', held)).json().results[0].id
    await h.api('POST', '/api/orders', { ...held, holds: undefined, status: 'shipped', updatedAt: '2026-11-20T09:58:00+08:00' })
    expect((await h.api('GET', `/api/orders/${id}`)).json().order.holds).toEqual([{ pool: 'risk', reason: 'platform risk control', at: '2026-11-20T09:55:30+08:00' }])
    const bad = await h.api('POST', '/api/orders', sampleOrder({ holds: [{ pool: '', at: 'soon' }] as never }))
    expect(bad.statusCode).toBe(400)
    expect(bad.json().details.map((d: any) => d.pointer).sort()).toEqual(['/holds/0/at', '/holds/0/pool'])
  })

  it('keeps 64-bit platform ids exactly', async () => {
    const res = await h.api('POST', '/api/orders', sampleOrder({ platformOrderId: '6931234567890123457' }))
    const detail = (await h.api('GET', `/api/orders/${res.json().results[0].id}`)).json()
    expect(detail.order.platformOrderId).toBe('6931234567890123457')
  })
})

describe('the raw payload', () => {
  let h: Harness
  beforeEach(async () => { h = await createHarness() })
  afterEach(() => h.close())

  const RAW = '{"order_id": 6931234567890123457, "nested": {"sku_id": 3410000000000000001}}'
  function withRaw(order: object, raw: string): string {
    const text = JSON.stringify(order)
    return `${text.slice(0, -1)},"raw":${raw}}`
  }
  function post(payload: string) {
    return h.app.inject({ method: 'POST', url: '/api/orders', payload, headers: { 'content-type': 'application/json', authorization: `Bearer ${h.adminToken}` } })
  }

  it('reads back 64-bit ids inside raw with every digit, byte for byte', async () => {
    const res = await post(withRaw(sampleOrder({ platformOrderId: 'raw-64' }), RAW))
    expect(res.statusCode).toBe(200)
    const detail = await h.api('GET', `/api/orders/${res.json().results[0].id}`)
    expect(detail.statusCode).toBe(200)
    expect(detail.body).toContain(`"raw":${RAW}`)
    // The rest of the answer is still ordinary JSON.
    expect(detail.json().order.platformOrderId).toBe('raw-64')
  })

  it('keeps each order of a batch its own raw text', async () => {
    const other = '{ "order_id" : 6931234567890123499 ,"note":"\\u4f60\\u597d" }'
    const res = await post(`[${withRaw(sampleOrder({ platformOrderId: 'raw-a' }), RAW)},${JSON.stringify(sampleOrder({ platformOrderId: 'raw-none' }))},${withRaw(sampleOrder({ platformOrderId: 'raw-b' }), other)}]`)
    expect(res.statusCode).toBe(200)
    const [a, none, b] = res.json().results.map((r: any) => r.id)
    expect((await h.api('GET', `/api/orders/${a}`)).body).toContain(`"raw":${RAW}`)
    expect((await h.api('GET', `/api/orders/${b}`)).body).toContain(`"raw":${other}`)
    expect((await h.api('GET', `/api/orders/${none}`)).json().order).not.toHaveProperty('raw')
  })

  it('keeps the stored raw text when an update brings none', async () => {
    const order = sampleOrder({ platformOrderId: 'raw-kept' })
    const id = (await post(withRaw(order, RAW))).json().results[0].id
    const shipped = await h.api('POST', '/api/orders', { ...order, status: 'shipped', updatedAt: '2026-11-20T09:58:00+08:00' })
    expect(shipped.json().results[0].outcome).toBe('updated')
    const detail = await h.api('GET', `/api/orders/${id}`)
    expect(detail.body).toContain(`"raw":${RAW}`)
    expect(detail.json().history.map((e: any) => e.kind)).toEqual(['created', 'status_changed'])
  })

  it('hands rules the parsed raw payload, and lists orders without it', async () => {
    const res = await post(withRaw(sampleOrder({ platformOrderId: 'raw-list' }), RAW))
    const list = await h.api('GET', '/api/orders')
    expect(list.statusCode).toBe(200)
    expect(list.json().items.map((o: any) => [o.platformOrderId, 'raw' in o])).toEqual([['raw-list', false]])
    const stored = await h.engine.store.getOrder(res.json().results[0].id)
    expect(stored?.order.raw).toEqual({ order_id: 6931234567890123457, nested: { sku_id: 3410000000000000001 } })
  })
})

describe('GET /api/orders', () => {
  let h: Harness
  beforeEach(async () => {
    h = await createHarness()
    await h.api('POST', '/api/orders', [
      sampleOrder({ platformOrderId: 'o1', platform: 'jd', status: 'paid', tags: ['gift'], updatedAt: '2026-11-20T06:00:00+08:00' }),
      sampleOrder({ platformOrderId: 'o2', platform: 'douyin', status: 'shipped', updatedAt: '2026-11-20T09:00:00+08:00' }),
      sampleOrder({ platformOrderId: 'o3', platform: 'shopify', currency: 'USD', status: 'paid', exception: { type: 'address', reason: 'no street' }, updatedAt: '2026-11-20T09:50:00+08:00' }),
    ])
  })
  afterEach(() => h.close())

  const ids = (res: { json(): any }) => res.json().items.map((o: any) => o.platformOrderId)

  it('filters by status, platform, tag and exception', async () => {
    expect(ids(await h.api('GET', '/api/orders?status=paid'))).toEqual(['o3', 'o1'])
    expect(ids(await h.api('GET', '/api/orders?platform=douyin'))).toEqual(['o2'])
    expect(ids(await h.api('GET', '/api/orders?tag=gift'))).toEqual(['o1'])
    expect(ids(await h.api('GET', '/api/orders?exception=address'))).toEqual(['o3'])
  })

  it('finds orders not updated for more than a duration', async () => {
    // now is 10:00 Shanghai: o1 (06:00) and o2 (09:00) are older than 30 minutes, o3 (09:50) is not.
    expect(ids(await h.api('GET', '/api/orders?staleFor=PT30M'))).toEqual(['o2', 'o1'])
    expect(ids(await h.api('GET', '/api/orders?staleFor=PT2H'))).toEqual(['o1'])
  })

  it('pages with a cursor, visiting every order once', async () => {
    const seen: string[] = []
    let url = '/api/orders?limit=2'
    for (;;) {
      const page = (await h.api('GET', url)).json()
      seen.push(...page.items.map((o: any) => o.platformOrderId))
      if (!page.nextCursor) break
      url = `/api/orders?limit=2&cursor=${encodeURIComponent(page.nextCursor)}`
    }
    expect(seen).toEqual(['o3', 'o2', 'o1'])
  })

  it('shows an order with its history and runs, and 404 for an unknown id', async () => {
    const first = (await h.api('GET', '/api/orders?platform=jd')).json().items[0]
    const detail = (await h.api('GET', `/api/orders/${first.id}`)).json()
    expect(detail.order.id).toBe(first.id)
    expect(detail.history).toHaveLength(1)
    expect(detail.runs).toEqual([])
    expect((await h.api('GET', '/api/orders/ord_nope')).statusCode).toBe(404)
  })
})

describe('orders changed by a workflow', () => {
  let h: Harness
  beforeEach(async () => { h = await createHarness() })
  afterEach(() => h.close())

  it('still takes a newer platform update after a workflow changed the order hours later', async () => {
    const flow = {
      id: 'tag-all', name: 'Tag all',
      nodes: [
        { id: 'start', type: 'trigger.order-event', position: { x: 0, y: 0 }, config: { events: ['created'] } },
        { id: 'tag', type: 'order.tag', position: { x: 0, y: 120 }, config: { add: ['seen'] } },
      ],
      edges: [{ id: 'e1', source: 'start', target: 'tag' }],
    }
    expect((await h.api('POST', '/api/workflows/import?publish=true', flow)).statusCode).toBe(201)
    const order = sampleOrder({ platformOrderId: 'later' })
    h.clock.advance('PT6H') // the flow runs long after the platform stamped the order
    const id = (await h.api('POST', '/api/orders', order)).json().results[0].id
    await h.engine.idle()
    const shipped = { ...order, status: 'shipped' as const, updatedAt: '2026-11-20T10:30:00+08:00' }
    expect((await h.api('POST', '/api/orders', shipped)).json().results[0].outcome).toBe('updated')
    const detail = (await h.api('GET', `/api/orders/${id}`)).json()
    expect(detail.order).toMatchObject({ status: 'shipped', tags: ['seen'], updatedAt: '2026-11-20T10:30:00+08:00' })
  })
})

describe('order timestamps', () => {
  let h: Harness
  beforeEach(async () => { h = await createHarness() })
  afterEach(() => h.close())

  const ids = (res: { json(): any }) => res.json().items.map((o: any) => o.platformOrderId)

  it('accepts a batch holding a leap second and places it one second after 23:59:59', async () => {
    const batch = [
      sampleOrder({ platformOrderId: 'before', updatedAt: '2026-12-31T23:59:59.500Z' }),
      sampleOrder({ platformOrderId: 'after', updatedAt: '2027-01-01T00:00:00.500Z' }),
      sampleOrder({ platformOrderId: 'plain' }),
      sampleOrder({ platformOrderId: 'leap', updatedAt: '2026-12-31T23:59:60Z', payment: { status: 'paid', paidAt: '2026-12-31T23:59:60Z' } }),
    ]
    const res = await h.api('POST', '/api/orders', batch)
    expect(res.statusCode).toBe(200)
    expect(res.json().results.map((r: any) => r.outcome)).toEqual(['created', 'created', 'created', 'created'])
    // Newest first: the leap second sorts between 23:59:59.5 and 00:00:00.5, and keeps its notation.
    expect(ids(await h.api('GET', '/api/orders'))).toEqual(['after', 'leap', 'before', 'plain'])
    const leap = (await h.api('GET', `/api/orders/${res.json().results[3].id}`)).json()
    expect(leap.order.updatedAt).toBe('2026-12-31T23:59:60Z')
  })

  it('accepts an offset written as hours only, as the date-time format does', async () => {
    const res = await h.api('POST', '/api/orders', sampleOrder({ platformOrderId: 'hours-only', createdAt: '2026-11-20T09:55:30+08', updatedAt: '2026-11-20T09:56:00+08' }))
    expect(res.statusCode).toBe(200)
    // 09:56 at +08 is 01:56 UTC, older than 30 minutes at 02:00 + 30 min.
    h.clock.advance('PT30M')
    expect(ids(await h.api('GET', '/api/orders?staleFor=PT30M'))).toEqual(['hours-only'])
  })

  it('counts the same instant in another notation as no change: the address flow starts once', async () => {
    const template = JSON.parse(readFileSync(join(import.meta.dirname, '../examples/address-exception-hold.workflow.json'), 'utf8'))
    expect((await h.api('POST', '/api/workflows/import?publish=true', template)).statusCode).toBe(201)
    const order = sampleOrder({ platformOrderId: 'notations', exception: { type: 'address', reason: 'no street number' } })
    const notations = [
      { createdAt: '2026-11-20T09:55:30+08:00', updatedAt: '2026-11-20T09:56:00+08:00', paidAt: '2026-11-20T09:55:51+08:00' },
      { createdAt: '2026-11-20T01:55:30Z', updatedAt: '2026-11-20T01:56:00Z', paidAt: '2026-11-20T01:55:51Z' },
      { createdAt: '2026-11-20T01:55:30.000Z', updatedAt: '2026-11-20T01:56:00.000Z', paidAt: '2026-11-20T01:55:51.000Z' },
    ]
    const outcomes = []
    for (const n of notations) {
      const res = await h.api('POST', '/api/orders', { ...order, createdAt: n.createdAt, updatedAt: n.updatedAt, payment: { ...order.payment, paidAt: n.paidAt } })
      outcomes.push(res.json().results[0].outcome)
      await h.engine.idle()
    }
    expect(outcomes).toEqual(['created', 'unchanged', 'unchanged'])
    const id = (await h.api('GET', '/api/orders')).json().items[0].id
    const detail = (await h.api('GET', `/api/orders/${id}`)).json()
    expect(detail.runs.map((r: any) => r.workflowId)).toEqual(['address-exception-hold'])
    expect(detail.order.updatedAt).toBe('2026-11-20T09:56:00+08:00')
  })

  it('refuses a timestamp that names no instant with 400 naming its pointer, and stores nothing of the batch', async () => {
    const batch = [sampleOrder({ platformOrderId: 'ok-1' }), sampleOrder({ platformOrderId: 'ok-2' }), sampleOrder({ platformOrderId: 'ok-3' }),
      sampleOrder({ platformOrderId: 'bad', updatedAt: '2026-12-31T12:00:60Z', payment: { status: 'paid', paidAt: '2026-02-29T10:00:00+08:00' } })]
    const res = await h.api('POST', '/api/orders', batch)
    expect(res.statusCode).toBe(400)
    expect(res.json().details).toEqual([
      { pointer: '/3/payment/paidAt', reason: 'must match format "date-time"' },
      { pointer: '/3/updatedAt', reason: 'must match format "date-time"' },
    ])
    expect(ids(await h.api('GET', '/api/orders'))).toEqual([])
  })
})
