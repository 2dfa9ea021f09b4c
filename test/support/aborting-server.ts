/**
 * Ordo with one extra node type, `test.abort`, whose run ends the process on the spot (as V8 does
 * when a rule asks for an impossible array), for the test that a run which takes the process down
 * is recognised after restarts and parked instead of being resumed forever. Env as engine/server.ts.
 */
import { openSqliteStore } from '../../engine/store/sqlite/sqlite-store.ts'
import { createRegistry, type AnyNodeModule } from '../../engine/core/registry.ts'
import { builtinNodeTypes as builtinNodes } from '../../engine/runtime/node-catalog.ts'
import { OrderEngine } from '../../engine/runtime/order-engine.ts'
import { systemClock } from '../../engine/runtime/clocks.ts'
import { ensureAdminToken } from '../../engine/runtime/bootstrap.ts'
import { buildApp } from '../../engine/http/app.ts'
import { defineNode } from '../../connectors/sdk/define-node.ts'

const abortNode = defineNode({
  manifest: {
    type: 'test.abort', title: 'Abort', description: 'Ends the process', category: 'connector', inputs: 1,
    outputs: [{ name: 'out' }], configSchema: { type: 'object', additionalProperties: false, properties: {} },
  },
  run() {
    process.abort()
  },
})

const env = process.env
const store = openSqliteStore({ path: env.ORDO_DB as string })
const engine = new OrderEngine({ store, registry: createRegistry([...builtinNodes, abortNode as AnyNodeModule]), clock: systemClock, autoTimers: true })
const app = await buildApp({ engine, version: 'test' })
await ensureAdminToken(store, { token: env.ORDO_ADMIN_TOKEN, tokenFile: `${env.ORDO_DB}.token`, now: systemClock.now() })
await engine.start()
await app.listen({ port: Number(env.PORT), host: '127.0.0.1' })
