/**
 * A test harness for node modules: runs a node's run → perform → resume the way the engine does
 * (config checked against the manifest's schema, `prepare`, the retry policy's tries without the
 * waiting, secrets from a map and redacted from what comes back), against real HTTP: pair it with
 * `startTestServer`, a local server that records what it was sent.
 *
 *   const server = await startTestServer((req) => ({ status: 201, json: { id: 'SN-1' } }))
 *   const out = await runNode(shipNotice, { config: { url: `${server.url}/ship-notices` }, secrets: { 'wms-token': 't0k3n' } })
 *   expect(out.port).toBe('ok')
 */
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRegistry, type AnyNodeModule } from '../../engine/core/registry.ts'
import { compileRule } from '../../engine/core/json-logic.ts'
import { resumeNode } from '../../engine/core/execute-token.ts'
import { outputPorts } from '../../engine/core/node-ports.ts'
import { parseRetryPolicy } from '../../engine/core/retry-policy.ts'
import { CONNECTOR_RETRY } from '../../engine/core/activity-limits.ts'
import { prepareChannel } from '../../engine/core/notify-channels.ts'
import { builtinConnectors } from '../index.ts'
import { toErrorDetails } from '../../schemas/index.ts'
import type { RetryPolicy } from '../../schemas/generated/workflow.ts'
import type { Order } from '../../schemas/generated/order.ts'
import type { NodeContext, NodeModule, NodeResult, ResumeEvent } from './define-node.ts'
import { describeFailure, PermanentError, type ErrorClass } from './errors.ts'
import type { CallRecord, OpenedShop, ShopAccess } from './perform.ts'
import { createPerformSession } from './perform-runtime.ts'

/** A normalized order to run nodes against; pass your own fields over it. */
export function sampleOrder(overrides: Partial<Order> = {}): Order {
  return {
    id: 'ord_test_1', platform: 'douyin', platformOrderId: '6931000000000000001', status: 'paid',
    totalAmount: 129900, currency: 'CNY',
    customer: { id: 'c-1', name: '王小明', phone: '13900008888', email: 'buyer@example.com' },
    shippingAddress: { country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路', detail: '100 号 2 单元 501', postalCode: '310012' },
    items: [{ sku: 'TV-55-4K', title: '55 英寸 4K 电视', quantity: 1, unitPrice: 129900 }],
    payment: { channel: 'wechat', status: 'paid', paidAt: '2026-11-20T01:58:00Z' },
    presale: false, tags: [], assignedTeam: null, holds: [], exception: null, healthScore: null,
    createdAt: '2026-11-20T01:57:00Z', updatedAt: '2026-11-20T01:58:00Z',
    ...overrides,
  } as Order
}

/** How to run a node once. */
export interface NodeTestOptions<Config> {
  /** The node's config as a workflow would hold it; checked against the manifest's schema. */
  config: Config
  /** The run's order (a sample order when omitted; null for a run without one). */
  order?: Order | null
  variables?: Record<string, unknown>
  /** Secret values by name. */
  secrets?: Record<string, string>
  /** The output of the step before. */
  input?: unknown
  /** UTC epoch ms (default 2026-11-20T02:00:00Z). */
  now?: number
  /** runId:nodeId:visit (default run_test:node:1). */
  idempotencyKey?: string
  /** The node's retry policy, as a workflow may set it; otherwise the manifest's, else 3 tries. */
  retry?: RetryPolicy
  /** A try's deadline (default the request's or the manifest's, else 30 s). */
  timeoutMs?: number
  /** Connectors a node may send messages through beside the built-in ones. */
  channels?: AnyNodeModule[]
  /**
   * Shops by Ordo's id, for connectors that call a platform (ctx.shops); the order's own shop is the
   * first one of the order's platform. No ctx.shops when omitted.
   */
  shops?: Record<string, { platform: Order['platform']; credentials: Record<string, string>; enabled?: boolean }>
}

/** One try of the call. */
export interface AttemptRecord {
  attempt: number
  ok: boolean
  response?: unknown
  error?: string
  errorClass?: ErrorClass
  retryable?: boolean
  calls: CallRecord[]
}

/** What happened. */
export interface NodeTestResult {
  /** What `run` decided. */
  run: NodeResult
  /** The request `run` asked `perform` to send (as stored: secrets not filled in). */
  request?: unknown
  /** Every try of the call, in order. */
  attempts: AttemptRecord[]
  /** What `resume` made of the call's outcome (or `run`'s result when the node made no call). */
  result: NodeResult
  /** The port taken: the result's port, the node's default, or its error port for a failure. */
  port: string | null
  /** The node's output (for `next`). */
  output: unknown
  /** What the connector logged, secrets redacted. */
  logs: Array<{ level: 'info' | 'warn' | 'error'; message: string; data?: Record<string, unknown> }>
}

/** A node's config fails its schema or its `prepare`. */
export class NodeConfigError extends Error {
  constructor(message: string, readonly details: Array<{ pointer: string; reason: string }>) {
    super(message)
    this.name = 'NodeConfigError'
  }
}

const T0 = Date.parse('2026-11-20T02:00:00Z')

/** Runs `module` once: run, then (when it calls out) perform with retries, then resume. */
export async function runNode<Config, Prepared>(module: NodeModule<Config, Prepared>, options: NodeTestOptions<Config>): Promise<NodeTestResult> {
  const registered = createRegistry([module as unknown as AnyNodeModule]).get(module.manifest.type)!
  if (!registered.validateConfig(options.config)) {
    const details = toErrorDetails(registered.validateConfig.errors)
    throw new NodeConfigError(`config of ${module.manifest.type} is invalid: ${details.map((d) => `${d.pointer} ${d.reason}`).join('; ')}`, details)
  }
  const channels = createRegistry([...builtinConnectors, ...(options.channels ?? [])])
  const prepared = module.prepare
    ? module.prepare(options.config, { compileRule, prepareChannel: (via, c, pointer) => prepareChannel(channels, via, c, pointer) })
    : (options.config as unknown as Prepared)
  const ports = outputPorts(module.manifest, options.config as Record<string, unknown>)
  const now = options.now ?? T0
  const key = options.idempotencyKey ?? 'run_test:node:1'
  const order = options.order === undefined ? sampleOrder() : options.order
  const variables = options.variables ?? {}
  const ctx: NodeContext<Prepared> = {
    config: prepared, node: { id: 'node', type: module.manifest.type }, runId: key.split(':')[0] ?? 'run_test', input: options.input ?? null,
    order, variables, now, attempt: 1, idempotencyKey: key, startedBy: null, orderChangedBy: null,
  }
  const run = module.run(ctx)
  const logs: NodeTestResult['logs'] = []
  const attempts: AttemptRecord[] = []
  const finish = (result: NodeResult, request?: unknown): NodeTestResult => {
    const port = 'next' in result ? result.next.port ?? ports.find((p) => p === 'ok') ?? ports[0] ?? null
      : 'fail' in result ? module.manifest.outputs.find((p) => p.errorPort)?.name ?? null : null
    return { run, ...(request !== undefined ? { request } : {}), attempts, result, port, output: 'next' in result ? result.next.output ?? null : undefined, logs }
  }
  if (!('wait' in run) || !run.wait.activity) return finish(run)
  if (!module.perform) throw new Error(`${module.manifest.type} calls out but has no perform`)

  const activity = run.wait.activity
  const retry = parseRetryPolicy(activity.retry ?? options.retry ?? module.manifest.activity?.retry ?? CONNECTOR_RETRY)
  const timeoutMs = options.timeoutMs ?? activity.timeoutMs ?? module.manifest.activity?.timeoutMs ?? 30_000
  const request = JSON.parse(JSON.stringify(activity.request ?? null)) as unknown // stored as JSON, like the engine does
  const secrets = options.secrets ?? {}
  let event: Extract<ResumeEvent, { kind: 'activity-result' }> | null = null
  for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError')), timeoutMs)
    const session = createPerformSession<Config>({
      node: ctx.node, runId: ctx.runId, workflowId: 'test', config: options.config, order, variables, idempotencyKey: key, attempt,
      signal: controller.signal, deadline: Date.now() + timeoutMs, now: () => Date.now(),
      ...(options.shops ? { shops: shopAccess(options.shops) } : {}),
      secrets: { async get(name) { const v = secrets[name]; if (v === undefined) throw new PermanentError(`no secret is named "${name}"`, { errorClass: 'auth' }); return v } },
      log: {
        info: (message, data) => logs.push({ level: 'info', message, ...(data ? { data } : {}) }),
        warn: (message, data) => logs.push({ level: 'warn', message, ...(data ? { data } : {}) }),
        error: (message, data) => logs.push({ level: 'error', message, ...(data ? { data } : {}) }),
      },
    })
    try {
      const raw = await Promise.race([
        (module.perform as (r: unknown, c: typeof session.ctx) => Promise<unknown>)(structuredClone(request), session.ctx),
        new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true })),
      ])
      const response = session.redactor.value(JSON.parse(JSON.stringify(raw ?? null)) as unknown)
      attempts.push({ attempt, ok: true, response, calls: session.calls })
      event = { kind: 'activity-result', ok: true, response, attempts: attempt }
      break
    } catch (err) {
      session.failedAfterCalls(err)
      const f = describeFailure(err)
      const error = session.redactor.text(f.message)
      attempts.push({ attempt, ok: false, error, errorClass: f.errorClass, retryable: f.retryable, calls: session.calls })
      event = { kind: 'activity-result', ok: false, error, errorClass: f.errorClass, permanent: !f.retryable, attempts: attempt }
      if (!f.retryable) break
    } finally {
      clearTimeout(timer)
    }
  }
  const result = resumeNode({ module: module as unknown as AnyNodeModule, ports }, { ...(ctx as NodeContext<unknown>), waiting: { state: run.wait.state, since: now } }, event!)
  return finish(result, request)
}

/** The harness's shops: a shop that is missing or disabled is refused as the engine refuses it. */
function shopAccess(shops: NonNullable<NodeTestOptions<unknown>['shops']>): ShopAccess {
  const opened = (shopId: string): OpenedShop => {
    const shop = Object.hasOwn(shops, shopId) ? shops[shopId] : undefined
    if (!shop) throw new PermanentError(`no shop has the id "${shopId}"`)
    if (shop.enabled === false) throw new PermanentError(`shop "${shopId}" is disabled`)
    return { shopId, platform: shop.platform, credentials: { ...shop.credentials } }
  }
  return {
    async open(shopId) { return opened(shopId) },
    async ofOrder(order) {
      const id = Object.keys(shops).find((k) => shops[k]!.platform === order.platform)
      if (id === undefined) throw new PermanentError(`no shop of ${order.platform} brought order ${order.platformOrderId}`)
      return opened(id)
    },
  }
}

/** A request the test server received. */
export interface ReceivedRequest {
  method: string
  /** Path and query. */
  url: string
  headers: IncomingHttpHeaders
  body: string
  json(): unknown
}

/** What the test server answers. */
export interface TestReply { status?: number; headers?: Record<string, string>; json?: unknown; body?: string; delayMs?: number }

/** A local HTTP server for connector tests. */
export interface TestServer {
  /** http://127.0.0.1:<port> */
  url: string
  requests: ReceivedRequest[]
  /** Changes how it answers from now on. */
  reply(handler: (req: ReceivedRequest) => TestReply | Promise<TestReply>): void
  close(): Promise<void>
}

/** Starts a server on a free loopback port; by default it answers 200 `{}`. */
export async function startTestServer(handler: (req: ReceivedRequest) => TestReply | Promise<TestReply> = () => ({ json: {} })): Promise<TestServer> {
  let answer = handler
  const requests: ReceivedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const received: ReceivedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body, json: () => JSON.parse(body) }
      requests.push(received)
      Promise.resolve(answer(received)).then(async (reply) => {
        if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs))
        if (res.destroyed) return
        const payload = reply.json !== undefined ? JSON.stringify(reply.json) : reply.body ?? ''
        res.writeHead(reply.status ?? 200, { ...(reply.json !== undefined ? { 'content-type': 'application/json' } : {}), ...reply.headers })
        res.end(payload)
      }).catch((err) => { res.writeHead(500); res.end(String(err)) })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply(h) { answer = h },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }),
  }
}
