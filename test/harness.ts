/**
 * A whole Ordo in one process for tests: SQLite store, built-in nodes, a manual clock, the HTTP app
 * driven by inject(). Time moves only when a test says `clock.advance('PT1H')` then `engine.tick()`.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { openSqliteStore } from '../engine/store/sqlite/sqlite-store.ts'
import { createRegistry } from '../engine/core/registry.ts'
import { builtinNodeTypes as builtinNodes } from '../engine/runtime/node-catalog.ts'
import { OrderEngine, type OrderEngineOptions } from '../engine/runtime/order-engine.ts'
import { ManualClock } from '../engine/runtime/clocks.ts'
import { buildApp, type AppOptions } from '../engine/http/app.ts'
import { generateToken, hashToken } from '../engine/http/auth.ts'
import type { Role } from '../engine/store/store.ts'
import type { OrderInput } from '../schemas/generated/order-input.ts'

/** The key the harness seals secrets with. */
export const TEST_SECRET_KEY = Buffer.alloc(32, 0x5e)

export interface Harness {
  app: FastifyInstance
  engine: OrderEngine
  clock: ManualClock
  adminToken: string
  /** Calls the API as admin (or with `token`); `body` is sent as JSON. */
  api(method: string, url: string, body?: unknown, token?: string | null): Promise<LightMyRequestResponse>
  /** Creates a token with `role` and returns its secret. */
  tokenFor(role: Role): Promise<string>
  close(): Promise<void>
}

/** Builds a harness on `dbPath` (default: in memory). */
export async function createHarness(options: { dbPath?: string; start?: string; app?: Omit<AppOptions, 'engine'>; engine?: Partial<OrderEngineOptions> } = {}): Promise<Harness> {
  const clock = new ManualClock(options.start ?? '2026-11-20T02:00:00Z')
  const store = openSqliteStore({ path: options.dbPath ?? ':memory:' })
  // One key for every harness, so a harness restarted on the same file opens the secrets it set.
  const engine = new OrderEngine({ store, registry: createRegistry(builtinNodes), clock, secretKey: TEST_SECRET_KEY, ...options.engine })
  await engine.start()
  const app = await buildApp({ engine, version: 'test', ...options.app })
  const adminToken = generateToken()
  // Restarted on the same dbPath, a harness registers an admin token of its own beside the earlier ones.
  const taken = new Set((await store.listTokens()).map((t) => t.id))
  let adminId = 'tok_test_admin'
  for (let n = 2; taken.has(adminId); n++) adminId = `tok_test_admin_${n}`
  await store.createToken({ id: adminId, name: 'test admin', role: 'admin', hash: hashToken(adminToken) }, clock.now())

  const api: Harness['api'] = (method, url, body, token = adminToken) =>
    app.inject({
      method: method as 'GET',
      url,
      ...(body === undefined ? {} : { payload: body as object }),
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    })

  return {
    app, engine, clock, adminToken, api,
    async tokenFor(role) {
      const res = await api('POST', '/api/tokens', { name: `${role} user`, role })
      if (res.statusCode !== 201) throw new Error(`token creation failed: ${res.body}`)
      return res.json().token as string
    },
    async close() {
      await app.close()
      await engine.stop()
      await store.close()
    },
  }
}

let seq = 0
/** A valid order input; override any field. */
export function sampleOrder(overrides: Partial<OrderInput> = {}): OrderInput {
  seq += 1
  return {
    platform: 'douyin',
    platformOrderId: `69312345678901${String(10000 + seq)}`,
    status: 'paid',
    totalAmount: 23800,
    currency: 'CNY',
    customer: { id: 'c-1', name: '张三', phone: '138****0000' },
    shippingAddress: { country: 'CN', province: '上海市', city: '上海市', district: '浦东新区', street: '花木街道', detail: '某某路1号' },
    items: [{ sku: 'CUP-500-WHT', platformSkuId: '3410000000000001', title: '示例保温杯 500ml', quantity: 2, unitPrice: 12900 }],
    payment: { channel: 'wechat', status: 'paid', paidAt: '2026-11-20T09:55:51+08:00' },
    presale: false,
    createdAt: '2026-11-20T09:55:30+08:00',
    updatedAt: '2026-11-20T09:56:00+08:00',
    ...overrides,
  }
}
