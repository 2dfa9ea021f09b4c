/**
 * The status-sync compensation templates with shops to pull from: an order whose change on the
 * platform Ordo missed is found stale, pulled again from its shop, and its status corrected; one the
 * platform no longer has is marked for operators.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { createHarness, type Harness } from './harness.ts'
import { importExamplesIfEmpty } from '../engine/runtime/bootstrap.ts'
import { ShopPuller } from '../engine/runtime/shop-puller.ts'
import { PULL_ORDERS_PERFORMER, pullOrdersPerformer } from '../engine/runtime/pull-orders.ts'
import { FakePlatform, FakeShopDirectory, pinduoduoDetail } from './support/fake-shops.ts'

const dir = join(import.meta.dirname, '..', 'examples')

describe('status-sync compensation with shops', () => {
  let h: Harness
  let directory: FakeShopDirectory
  let pdd: FakePlatform
  let puller: ShopPuller | undefined

  beforeEach(async () => {
    h = await createHarness({ start: '2026-12-01T01:00:00Z', engine: { performers: [[PULL_ORDERS_PERFORMER, pullOrdersPerformer(() => puller)]] } })
    await importExamplesIfEmpty(h.engine, dir)
    directory = new FakeShopDirectory(h.engine)
    directory.add('pdd-1', 'pinduoduo')
    pdd = new FakePlatform('pinduoduo')
    puller = new ShopPuller({ store: h.engine.store, directory, clock: h.clock, platformApi: (p) => (p === 'pinduoduo' ? pdd : undefined) })
  })
  afterEach(async () => {
    await puller?.stop()
    await h.close()
  })

  /** The platform's order as Ordo took it in at `at`. */
  async function takenIn(platformOrderId: string, at: string): Promise<string> {
    pdd.put(platformOrderId, Date.parse(at), 1)
    const [result] = await directory.ingestDetails('pdd-1', [pinduoduoDetail(pdd.orders.get(platformOrderId)!)], 'pull')
    await h.engine.idle()
    return result!.id
  }
  const orderOf = async (id: string) => (await h.api('GET', `/api/orders/${id}`)).json()

  it('pulls a stale order again from its shop and corrects its status; one the platform lost is marked sync-stale', async () => {
    const missed = await takenIn('261201-10', '2026-12-01T08:20:00+08:00')
    const lost = await takenIn('261201-11', '2026-12-01T08:10:00+08:00')
    const fresh = await takenIn('261201-12', '2026-12-01T08:55:00+08:00')
    // The platform shipped the first while Ordo was not listening, and no longer has the second.
    pdd.put('261201-10', Date.parse('2026-12-01T08:40:00+08:00'), 2)
    pdd.orders.delete('261201-11')

    // The first tick after the start (09:00 Asia/Shanghai) is 09:05.
    h.clock.advance('PT5M')
    await h.engine.tick()

    const corrected = await orderOf(missed)
    expect(corrected.order.status).toBe('shipped')
    expect(corrected.order.updatedAt).toBe('2026-12-01T00:40:00.000Z')
    expect(corrected.order.tags).toEqual(['sync-rechecked'])
    // What the platform brought, once each; the tag is the flow's own change.
    const history = corrected.history.map((e: { kind: string; toStatus: string; source: string }) => `${e.kind}:${e.toStatus}:${e.source.split(':')[0]}`)
    expect(history).toEqual(['created:paid:pull', 'status_changed:shipped:pull', 'patched:shipped:run'])
    expect((await orderOf(lost)).order).toMatchObject({ status: 'paid', tags: ['sync-stale'] })
    expect((await orderOf(fresh)).order.tags).toEqual([])
    expect(pdd.fetched.sort()).toEqual(['261201-10', '261201-11'])

    // Five minutes on, the orders rechecked are left alone.
    h.clock.advance('PT5M')
    await h.engine.tick()
    const checks = (await h.api('GET', '/api/runs?workflowId=status-sync-recheck')).json().items
    expect(checks.map((r: { orderId: string }) => r.orderId).sort()).toEqual([missed, lost].sort())
    expect(checks.every((r: { status: string }) => r.status === 'completed')).toBe(true)
  })
})
