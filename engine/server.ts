/**
 * The process entry point: the only file that reads process.env. Opens the store, starts the engine,
 * imports the example templates on an empty database, and listens.
 */
import { dirname, join, resolve } from 'node:path'
import { mkdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { openSqliteStore } from './store/sqlite/sqlite-store.ts'
import { loadNodeCatalog } from './runtime/node-catalog.ts'
import { loadSecretKey, SecretKeyError } from './runtime/secret-vault.ts'
import { RuleSandbox } from './runtime/rule-sandbox.ts'
import { sharedAmqpPublisher } from '../connectors/publish/amqp-connections.ts'
import { OrderEngine, type EngineLogger } from './runtime/order-engine.ts'
import { systemClock } from './runtime/clocks.ts'
import { createMetrics } from './runtime/metrics.ts'
import { ensureAdminToken, importExamplesIfEmpty, startUpkeep } from './runtime/bootstrap.ts'
import { parseDurationMs } from './core/duration.ts'
import { buildApp } from './http/app.ts'
import { ShopService } from './runtime/shops.ts'
import { startPlatformTraffic, type PlatformTraffic } from './runtime/platform-traffic.ts'
import { PULL_ORDERS_PERFORMER, pullOrdersPerformer } from './runtime/pull-orders.ts'
import { startDemo, type Demo } from './runtime/demo.ts'
import { platformApi } from '../connectors/platforms/api/index.ts'
import { logSettings } from './http/request-log.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const env = process.env

/** A whole-number variable, or undefined when unset; anything else stops the start naming the variable. */
function wholeNumber(name: string): number | undefined {
  const text = env[name]
  if (text === undefined || text.trim() === '') return undefined
  if (!/^\s*\d+\s*$/.test(text)) {
    process.stderr.write(`ordo: ${name} must be a whole number, got "${text}"\n`)
    process.exit(1)
  }
  return Number(text)
}

const port = Number(env.PORT ?? 3000)
const host = env.HOST ?? '127.0.0.1'
// `npm start -- --demo`: the platform simulator and six demo shops beside Ordo, on a database of their own.
const demoMode = process.argv.slice(2).includes('--demo')
const dbPath = resolve(env.ORDO_DB ?? (demoMode ? './data/demo.db' : './data/ordo.db'))
const bodyLimit = wholeNumber('ORDO_BODY_LIMIT')
const connections = {
  maxConnections: wholeNumber('ORDO_MAX_CONNECTIONS'),
  requestTimeoutMs: wholeNumber('ORDO_REQUEST_TIMEOUT_MS'),
  headersTimeoutMs: wholeNumber('ORDO_HEADERS_TIMEOUT_MS'),
  keepAliveTimeoutMs: wholeNumber('ORDO_KEEP_ALIVE_TIMEOUT_MS'),
  idleTimeoutMs: wholeNumber('ORDO_IDLE_TIMEOUT_MS'),
}
const logging = logSettings(env.ORDO_LOG)
const nodesDir = env.ORDO_NODES_DIR?.trim() ? resolve(env.ORDO_NODES_DIR) : undefined
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }

const app = await (async () => {
  mkdirSync(dirname(dbPath), { recursive: true })
  let secretKey: ReturnType<typeof loadSecretKey>
  try {
    secretKey = loadSecretKey({ envKey: env.ORDO_SECRET_KEY, keyFile: join(dirname(dbPath), 'secret.key') })
  } catch (err) {
    process.stderr.write(`ordo: ${err instanceof SecretKeyError ? err.message : String(err)}\n`)
    process.exit(1)
  }
  // Custom nodes load before the store opens: one that cannot load is reported, the others run.
  const catalog = await loadNodeCatalog({ customDir: nodesDir })
  const store = openSqliteStore({ path: dbPath, sync: env.ORDO_SYNC === 'full' ? 'full' : 'normal' })
  // The engine logs through the app's logger (pino, with secrets redacted), bound once the app exists.
  let appLog: EngineLogger | undefined
  const log: EngineLogger = {
    error: (o, m) => appLog?.error(o, m), warn: (o, m) => appLog?.warn(o, m), info: (o, m) => appLog?.info(o, m),
  }
  // platform.pull-orders is performed by the shop puller, which starts with the platform traffic below.
  let traffic: PlatformTraffic | undefined
  const engine = new OrderEngine({
    store, registry: catalog.registry, clock: systemClock,
    metrics: createMetrics({ defaultMetrics: true }), autoTimers: true, log,
    secretKey: secretKey.key, customNodes: { loaded: catalog.custom, problems: catalog.problems },
    performers: [[PULL_ORDERS_PERFORMER, pullOrdersPerformer(() => traffic?.puller)]],
  })
  // The shops' push inbox is worked off in the background, fetching the details pushes only name.
  const shops = new ShopService({ engine, autoRun: true, log, platformApi })
  const app = await buildApp({
    engine, version: pkg.version, shops,
    templatesDir: join(root, 'examples'),
    designerDir: join(root, 'designer', 'dist'),
    bodyLimit, connections,
    logger: logging.logger, requestLog: logging.requestLog,
    sandbox: new RuleSandbox({ nodesDir }),
  })
  appLog = app.log
  if (secretKey.source === 'generated') app.log.warn(`no ORDO_SECRET_KEY set: a key for secrets was written to ${join(dirname(dbPath), 'secret.key')} (mode 600); back it up with the database`)
  if (nodesDir) app.log.info({ dir: nodesDir, loaded: catalog.custom.length, problems: catalog.problems.length }, `custom nodes from ${nodesDir}`)
  for (const loaded of catalog.custom) app.log.info({ dir: nodesDir, file: loaded.file, type: loaded.type }, 'custom node loaded')
  for (const problem of catalog.problems) app.log.error({ dir: nodesDir, file: problem.file, reason: problem.reason }, `custom node not loaded: ${problem.file}: ${problem.reason}`)
  const unreadable = await engine.secrets.unreadable()
  if (unreadable.length) app.log.error({ secrets: unreadable }, 'some secrets cannot be opened with this key: was ORDO_SECRET_KEY or the key file changed?')
  const lockedShops = await shops.unreadableCredentials()
  if (lockedShops.length) app.log.error({ shops: lockedShops }, 'some shops\' credentials cannot be opened with this key (their pushes, pulls and channels fail): was ORDO_SECRET_KEY or the key file changed?')
  app.log.info({ connections: app.connectionLimits }, 'connection limits')
  const admin = await ensureAdminToken(store, { token: env.ORDO_ADMIN_TOKEN, tokenFile: join(dirname(dbPath), 'admin-token.txt'), now: systemClock.now() })
  if (admin.revoked) app.log.warn('ORDO_ADMIN_TOKEN is a revoked token: it does not log in; set a new one and restart')
  if (admin.source === 'file') app.log.warn(`no ORDO_ADMIN_TOKEN set: a first admin token was written to ${admin.file} (read it once, keep it secret)`)
  await engine.start()
  // Pushes taken before a crash and not yet processed are worked off now.
  await shops.start()
  // Pulls, long-connection messages and stock pushes: every shop, on the wall clock.
  traffic = startPlatformTraffic({ engine, shops, platformApi, clock: systemClock, log })
  const imported = await importExamplesIfEmpty(engine, join(root, 'examples'))
  if (imported) app.log.info(`imported and published ${imported} example workflows`)
  let demo: Demo | undefined
  const stopUpkeep = startUpkeep(engine, { retentionMs: parseDurationMs(env.ORDO_RETENTION ?? 'P30D'), log })

  const shutdown = async (signal: string) => {
    app.log.info(`${signal}: shutting down`)
    stopUpkeep()
    // Channels and pulls first, so the demo's simulator going away is not taken for an outage.
    await traffic?.stop()
    await demo?.stop()
    await app.close()
    await shops.stop()
    await engine.stop()
    await app.sandbox.close()
    // Confirms still on the way are waited for (briefly); the rest go again after the restart.
    await sharedAmqpPublisher.close()
    await store.close()
    process.exit(0)
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  process.once('SIGINT', () => void shutdown('SIGINT'))
  // Every state change is one transaction, so a promise nobody awaited that failed has left nothing
  // half-written: log it and keep serving rather than let one request's stray error stop the process.
  process.on('unhandledRejection', (err) => app.log.error({ err }, 'a promise failed and nobody handled it; carrying on'))
  await app.listen({ port, host })
  if (demoMode) {
    demo = await startDemo({ engine, shops, flowsDir: join(root, 'examples', 'demo'), ordoUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, log })
    app.log.info(`demo: open http://${host}:${port}/ and watch the orders of six platforms arrive (Shops, Orders)`)
  }
  return app
})()
