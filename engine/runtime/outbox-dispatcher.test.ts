/**
 * The dispatcher gives way to ingest only when the process is saturated: a flash sale's orders are
 * taken in first and their events follow a few at a time; below saturation every due event goes at once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.ts'
import { SecretVault } from './secret-vault.ts'
import { ManualClock } from './clocks.ts'
import { BUSY_BATCH, BUSY_PUMP_MS, OutboxDispatcher } from './outbox-dispatcher.ts'
import { startTestServer, type TestServer } from '../../connectors/sdk/testing.ts'
import { sampleOrder } from '../../test/harness.ts'
import { builtinNodeTypes } from './node-catalog.ts'
import { createRegistry } from '../core/registry.ts'
import { OrderEngine } from './order-engine.ts'

const silent = { error: () => {}, warn: () => {}, info: () => {} }

describe('outbox dispatcher under load', () => {
  let receiver: TestServer
  let store: SqliteStore
  let engine: OrderEngine
  beforeAll(async () => { receiver = await startTestServer(() => ({ status: 204 })) })
  afterAll(async () => { await receiver.close() })
  afterEach(async () => { await engine.stop(); await store.close() })

  async function backlog(n: number) {
    store = openSqliteStore({ path: ':memory:' })
    const clock = new ManualClock('2026-12-01T01:00:00Z')
    engine = new OrderEngine({ store, registry: createRegistry(builtinNodeTypes), clock, secretKey: Buffer.alloc(32, 3) })
    await engine.start()
    const vault = new SecretVault(store, Buffer.alloc(32, 3))
    const id = 'sub_load'
    await store.createEventSubscription({ id, name: 'ERP', events: ['created'], filter: null, target: { kind: 'webhook', url: `${receiver.url}/events` }, sealedSecret: vault.sealFor(`subscription:${id}`, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw') }, clock.now(), 'test')
    await engine.ingest(Array.from({ length: n }, (_, i) => ({ input: sampleOrder({ platformOrderId: `LOAD-${i}` }) })), 'test')
    return { clock, vault }
  }

  it('starts only a few deliveries at a time while ingest is busy and the loop saturated', async () => {
    const { clock, vault } = await backlog(200)
    const dispatcher = new OutboxDispatcher({ store, clock, log: silent, vault, ingestBusy: () => true, saturated: () => true })
    const before = receiver.requests.length
    const t0 = performance.now()
    dispatcher.kick()
    while (receiver.requests.length - before < 2 * BUSY_BATCH && performance.now() - t0 < 2_000) await new Promise((r) => setTimeout(r, 1))
    const elapsed = performance.now() - t0
    const sent = receiver.requests.length - before
    // At most BUSY_BATCH per BUSY_PUMP_MS (and one batch in hand): the rest waits in the outbox.
    expect(sent).toBeLessThanOrEqual(BUSY_BATCH * (Math.floor(elapsed / BUSY_PUMP_MS) + 2))
    expect(await store.outboxPending()).toBeGreaterThan(100)
    await dispatcher.stop()
  })

  it('sends every due event at once when the loop has room, busy ingest or not', async () => {
    const { clock, vault } = await backlog(40)
    const dispatcher = new OutboxDispatcher({ store, clock, log: silent, vault, ingestBusy: () => true, saturated: () => false })
    await dispatcher.deliverDue()
    expect(await store.outboxPending()).toBe(0)
    await dispatcher.stop()
  })
})
