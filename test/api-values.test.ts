import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHarness, sampleOrder, type Harness } from './harness.ts'
import type { WorkflowDefinition } from '../schemas/generated/workflow.ts'

/** New orders are assigned to `team`, held in `pool` and tagged `tag`. */
function routing(id: string, team: string, pool: string, tag: string): WorkflowDefinition {
  return {
    id, name: id,
    nodes: [
      { id: 'start', type: 'trigger.order-event', position: { x: 0, y: 0 }, config: { events: ['created'] } },
      { id: 'assign', type: 'order.assign', position: { x: 0, y: 140 }, config: { team } },
      { id: 'hold', type: 'order.hold', position: { x: 0, y: 280 }, config: { pool, reason: 'review' } },
      { id: 'tag', type: 'order.tag', position: { x: 0, y: 420 }, config: { add: [tag] } },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'assign' },
      { id: 'e2', source: 'assign', target: 'hold' },
      { id: 'e3', source: 'hold', target: 'tag' },
    ],
  }
}

describe('GET /api/values', () => {
  let h: Harness
  beforeEach(async () => { h = await createHarness() })
  afterEach(() => h.close())

  async function values(token?: string) {
    const res = await h.api('GET', '/api/values', undefined, token)
    expect(res.statusCode, res.body).toBe(200)
    return res.json()
  }

  it('is empty on a fresh Ordo', async () => {
    expect(await values()).toEqual({ teams: [], pools: [], tags: [], exceptionTypes: [] })
  })

  it('gathers teams, pools, tags and exception types from the orders and from every draft and published version', async () => {
    // Published: new orders run it, so their teams, pools and tags are in use on the orders too.
    expect((await h.api('POST', '/api/workflows', routing('vip', 'vip-service', 'risk', 'vip'))).statusCode).toBe(201)
    expect((await h.api('POST', '/api/workflows/vip/publish')).statusCode).toBe(201)
    expect((await h.api('POST', '/api/orders', sampleOrder({ tags: ['new_customer'], exception: { type: 'address', reason: 'no street' } }))).statusCode).toBeLessThan(300)
    await h.engine.idle()
    // The draft moves on to another team: version 1's stays in use, the draft's is offered too.
    expect((await h.api('PUT', '/api/workflows/vip', routing('vip', 'gold-service', 'risk', 'vip'))).statusCode).toBe(200)
    // A draft never published: what it would assign to is offered as well.
    expect((await h.api('POST', '/api/workflows', routing('night', 'night-shift', 'frozen', 'late'))).statusCode).toBe(201)

    const operator = await h.tokenFor('operator')
    expect(await values(operator)).toEqual({
      teams: ['gold-service', 'night-shift', 'vip-service'],
      pools: ['frozen', 'risk'],
      tags: ['late', 'new_customer', 'vip'],
      exceptionTypes: ['address'],
    })
  })

  it('answers any role and no one unsigned', async () => {
    for (const role of ['admin', 'designer', 'operator', 'approver'] as const) await values(await h.tokenFor(role))
    expect((await h.api('GET', '/api/values', undefined, null)).statusCode).toBe(401)
  })

  it('answers at most 500 values of a list, the first in code-point order', async () => {
    const orders = Array.from({ length: 600 }, (_, i) => sampleOrder({ tags: [`tag-${String(i).padStart(3, '0')}`] }))
    expect((await h.api('POST', '/api/orders', orders)).statusCode).toBeLessThan(300)
    const { tags } = await values()
    expect(tags).toHaveLength(500)
    expect(tags[0]).toBe('tag-000')
    expect(tags[499]).toBe('tag-499')
  })
})
