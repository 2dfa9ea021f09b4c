/**
 * The HTTP app factory: `buildApp({ engine, ... })` registers one plugin per resource. It reads no
 * environment variables (engine/server.ts does) so tests build it with `inject()`.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { createAjv, allSchemas } from '../../schemas/index.ts'
import type { OrderEngine } from '../runtime/order-engine.ts'
import { RuleSandbox } from '../runtime/rule-sandbox.ts'
import { clientErrorHandler, frameworkErrorHandler, installErrorHandling } from './errors.ts'
import { resolveConnectionLimits, serverTimeoutOptions, type ConnectionLimits } from './connection-limits.ts'
import { closeUnfinishedRequests } from './close-unfinished-requests.ts'
import { jsonBodyParser } from './json-body.ts'
import { compileTextValidator } from './text-validator.ts'
import { stringifyExact } from './exact-json.ts'
import { requestLog, type RequestLogMode } from './request-log.ts'
import { authPlugin, TokenCache } from './auth.ts'
import { healthRoutes } from './routes/health.ts'
import { nodeTypeRoutes } from './routes/node-types.ts'
import { workflowRoutes } from './routes/workflows.ts'
import { orderRoutes } from './routes/orders.ts'
import { runRoutes } from './routes/runs.ts'
import { ruleRoutes } from './routes/rules.ts'
import { tokenRoutes } from './routes/tokens.ts'
import { auditRoutes } from './routes/audit.ts'
import { metricsRoutes } from './routes/metrics.ts'
import { sessionRoutes } from './routes/session.ts'
import { eventRoutes } from './routes/events.ts'
import { designerRoutes } from './routes/designer.ts'
import { taskRoutes } from './routes/tasks.ts'
import { signalRoutes } from './routes/signals.ts'
import { valueRoutes } from './routes/values.ts'
import { secretRoutes } from './routes/secrets.ts'
import { integrationRoutes } from './routes/integrations.ts'
import { subscriptionRoutes } from './routes/subscriptions.ts'
import { platformRoutes } from './routes/platforms.ts'
import { shopRoutes } from './routes/shops.ts'
import { webhookRoutes } from './routes/webhooks.ts'
import { ShopService, type PlatformApiLookup } from '../runtime/shops.ts'
import { designerFallback, hasDesigner, registerDesignerFiles } from './designer-static.ts'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository's examples/: the default template directory. */
const DEFAULT_TEMPLATES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples')

export interface AppOptions {
  engine: OrderEngine
  version?: string
  /** Largest request body in bytes (default 5 MiB). */
  bodyLimit?: number
  logger?: FastifyServerOptions['logger']
  /** Which requests get a log line (default `all`; the server's default is `problems`, see request-log.ts). */
  requestLog?: RequestLogMode
  /** Where GET /api/templates reads *.workflow.json (default: the repository's examples/). */
  templatesDir?: string
  /** The built designer (designer/dist); served at / when it holds an index.html, else / redirects to /docs. */
  designerDir?: string
  /** Where tried-out rules and dry runs execute (default: a sandbox of the app's own, closed with it). */
  sandbox?: RuleSandbox
  /** Timeouts and the connection cap of the listening server (defaults: DEFAULT_CONNECTION_LIMITS, a cap from the open-file limit). */
  connections?: Partial<ConnectionLimits>
  /** The shops and their push inbox (the server's, whose worker it starts); when omitted, one of the app's own whose inbox tests work off with `drain()`. */
  shops?: ShopService
  /** The platforms' open-API clients, for the app's own shops service (details a push only names are fetched with them). */
  platformApi?: PlatformApiLookup
}

declare module 'fastify' {
  interface FastifyInstance { engine: OrderEngine; tokens: TokenCache; appVersion: string; sandbox: RuleSandbox; connectionLimits: ConnectionLimits; shops: ShopService }
}

/** Builds the Fastify app around an engine (not listening). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const limits = resolveConnectionLimits(options.connections)
  const app = Fastify({
    logger: options.logger ?? false,
    // One line per request, written by requestLog at a level from its status, instead of Fastify's two at info.
    disableRequestLogging: true,
    bodyLimit: options.bodyLimit ?? 5 * 1024 * 1024,
    ...serverTimeoutOptions(limits),
    clientErrorHandler,
    frameworkErrors: frameworkErrorHandler,
    // Above the 128 characters an id parameter may have, so the route's schema names a long id (400), not the router (414).
    routerOptions: { maxParamLength: 256 },
    // Query strings and params arrive as text: coerce them. Bodies are JSON: never coerce (a number is not a string).
    ajv: { customOptions: { coerceTypes: 'array', allErrors: true } },
  })
  const bodyAjv = createAjv()
  const textAjv = createAjv({ coerce: true })
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv.compile(schema) : compileTextValidator(textAjv, schema)))
  for (const s of allSchemas) app.addSchema(s)
  limitConnections(app, limits)
  await app.register(closeUnfinishedRequests)
  await app.register(requestLog, { mode: options.requestLog ?? 'all' })

  app.decorate('engine', options.engine)
  app.decorate('tokens', new TokenCache(options.engine.store))
  app.decorate('appVersion', options.version ?? '0.0.0')
  const sandbox = options.sandbox ?? new RuleSandbox()
  app.decorate('sandbox', sandbox)
  if (!options.sandbox) app.addHook('onClose', async () => { await sandbox.close() })
  const shops = options.shops ?? new ShopService({ engine: options.engine, platformApi: options.platformApi, log: app.log })
  app.decorate('shops', shops)
  if (!options.shops) app.addHook('onClose', async () => { await shops.stop() })
  const designerDir = hasDesigner(options.designerDir) ? options.designerDir : null
  installErrorHandling(app, designerDir ? { notFound: designerFallback(designerDir) } : {})
  // The API speaks JSON only: text/plain is a 415, not a string body that fails validation.
  app.removeContentTypeParser('text/plain')
  await app.register(jsonBodyParser)
  // Replies without a response schema: a stored raw payload goes out as the text it arrived as.
  app.setReplySerializer((payload) => stringifyExact(payload))

  await app.register(swagger, {
    openapi: {
      info: { title: 'Ordo API', description: 'Order-workflow engine: workflows, orders, runs, rules.', version: options.version ?? '0.0.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _frag, i) => String((json as { title?: string }).title ?? `def-${i}`) },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  await app.register(authPlugin, { tokens: app.tokens })

  await app.register(healthRoutes)
  await app.register(nodeTypeRoutes)
  await app.register(workflowRoutes)
  await app.register(orderRoutes)
  await app.register(runRoutes)
  await app.register(ruleRoutes)
  await app.register(tokenRoutes)
  await app.register(auditRoutes)
  await app.register(metricsRoutes)
  await app.register(sessionRoutes)
  await app.register(eventRoutes)
  await app.register(taskRoutes)
  await app.register(signalRoutes)
  await app.register(valueRoutes)
  await app.register(secretRoutes)
  await app.register(integrationRoutes)
  await app.register(subscriptionRoutes)
  await app.register(platformRoutes)
  await app.register(shopRoutes)
  await app.register(webhookRoutes)
  await app.register(designerRoutes, { templatesDir: options.templatesDir ?? DEFAULT_TEMPLATES_DIR })

  if (designerDir) await registerDesignerFiles(app, designerDir)
  // Until the designer is built, the root shows the API docs.
  else app.get('/', { schema: { hide: true } }, (_req, reply) => reply.redirect('/docs'))
  return app
}

/** Caps the server's connections; what is refused at the cap is logged, at most every 10 s. */
function limitConnections(app: FastifyInstance, limits: ConnectionLimits): void {
  app.decorate('connectionLimits', limits)
  app.server.maxConnections = limits.maxConnections
  let dropped = 0
  let lastWarned = 0
  app.server.on('drop', () => {
    dropped += 1
    const now = Date.now()
    if (now - lastWarned < 10_000) return
    app.log.warn({ dropped, maxConnections: limits.maxConnections }, 'connections refused: the server holds as many as it may (maxConnections)')
    lastWarned = now
    dropped = 0
  })
}
