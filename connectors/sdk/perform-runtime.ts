/**
 * Builds the context a `perform` runs in, for the engine's activity worker and the test harness
 * alike: HTTP over fetch with the activity's deadline, every call recorded for the integration log,
 * and every secret value the call read remembered, so nothing it returns, throws or logs carries it.
 */
import type { Order } from '../../schemas/generated/order.ts'
import { classOfStatus, describeFailure, PermanentError } from './errors.ts'
import type { CallRecord, ConnectorLogger, HttpClient, HttpRequest, HttpResponse, OpenedShop, PerformContext, SecretReader, ShopAccess } from './perform.ts'

/** Credential fields that name a shop or an app rather than prove who calls: shown, not redacted. */
export const PUBLIC_CREDENTIAL_KEYS: ReadonlySet<string> = new Set(['apiBaseUrl', 'shopDomain', 'siteUrl', 'shopId', 'appKey', 'clientId'])

/** Answers longer than this fail unless a request allows more. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024

/** Replaces every secret value read so far with `[secret:<name>]`. */
export class Redactor {
  private readonly values = new Map<string, string>()

  /** Remembers a secret's value (values under 4 characters are refused when secrets are set). */
  add(name: string, value: string): void {
    if (value.length >= 4) this.values.set(value, name)
  }

  /**
   * Remembers a shop's secret credentials, named `<prefix><key>`; the fields that only name the shop or
   * its app are left readable (a 7-digit Douyin shop id redacted would garble a tracking number that
   * happens to hold it, a shop's domain the endpoints of its calls).
   */
  addShopCredentials(credentials: Readonly<Record<string, string>>, prefix = ''): void {
    for (const [key, value] of Object.entries(credentials)) if (!PUBLIC_CREDENTIAL_KEYS.has(key) && typeof value === 'string') this.add(`${prefix}${key}`, value)
  }

  get size(): number { return this.values.size }

  text(text: string): string {
    let out = text
    // Longest first, so a secret that contains another is replaced whole.
    for (const [value, name] of [...this.values].sort((a, b) => b[0].length - a[0].length)) {
      if (out.includes(value)) out = out.split(value).join(`[secret:${name}]`)
    }
    return out
  }

  /** A copy of plain data with every string redacted. */
  value<T>(data: T): T {
    if (this.values.size === 0) return data
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.text(v)
      if (Array.isArray(v)) return v.map(walk)
      if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.text(k), walk(x)]))
      return v
    }
    return walk(data) as T
  }
}

/** The endpoint as the log shows it: scheme, host and path, without credentials or query. */
export function endpointOf(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname}`
  } catch {
    return '(invalid URL)'
  }
}

async function readCapped(res: Response, max: number, signal: AbortSignal): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN)
  if (declared > max) {
    await res.body?.cancel().catch(() => {})
    throw new PermanentError(`the answer is ${declared} bytes, more than the ${max} allowed`)
  }
  if (!res.body) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    if (signal.aborted) { await reader.cancel().catch(() => {}); throw signal.reason }
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > max) {
      await reader.cancel().catch(() => {})
      throw new PermanentError(`the answer is more than the ${max} bytes allowed`)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** Everything a perform context is made from: its fields, less what the session adds (HTTP, tracking), and fetch. */
export type PerformContextOptions<Config> = Omit<PerformContext<Config>, 'http' | 'track' | 'now'> & {
  now: () => number
  /** Used instead of the global fetch (tests). */
  fetch?: typeof fetch
}

/** A perform context, the calls it records and what it redacts. */
export interface PerformSession<Config> {
  ctx: PerformContext<Config>
  calls: CallRecord[]
  redactor: Redactor
  /**
   * A perform that failed after its calls went well (a robot that answers 200 with an error code)
   * failed at its last call: that call is logged as failed, with the failure's class.
   */
  failedAfterCalls(err: unknown): void
}

/** Builds the context one perform runs in. */
export function createPerformSession<Config>(o: PerformContextOptions<Config>): PerformSession<Config> {
  const calls: CallRecord[] = []
  const redactor = new Redactor()
  const doFetch = o.fetch ?? fetch
  const secrets: SecretReader = {
    async get(name) {
      const value = await o.secrets.get(name)
      redactor.add(name, value)
      return value
    },
  }
  // A shop's secrets are redacted like any secret.
  const remember = (shop: OpenedShop): OpenedShop => {
    redactor.addShopCredentials(shop.credentials, `shop:${shop.shopId}.`)
    return shop
  }
  const shops: ShopAccess | undefined = o.shops && {
    open: async (shopId) => remember(await o.shops!.open(shopId)),
    ofOrder: async (order) => remember(await o.shops!.ofOrder(order)),
  }
  const record = (call: CallRecord) => {
    calls.push({ ...call, endpoint: redactor.text(call.endpoint), ...(call.error ? { error: redactor.text(call.error) } : {}) })
  }
  const remaining = () => Math.max(0, o.deadline - o.now())

  const http: HttpClient = {
    async request(req: HttpRequest): Promise<HttpResponse> {
      const endpoint = req.logAs ?? endpointOf(req.url)
      const method = (req.method ?? (req.json !== undefined || req.body !== undefined ? 'POST' : 'GET')).toUpperCase()
      const timeoutMs = Math.max(1, Math.min(req.timeoutMs ?? Infinity, remaining()))
      const signal = AbortSignal.any([o.signal, AbortSignal.timeout(timeoutMs)])
      const headers: Record<string, string> = { ...req.headers }
      let body: string | Uint8Array | undefined = req.body
      if (req.json !== undefined) {
        body = JSON.stringify(req.json)
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json'
      }
      const started = performance.now()
      try {
        const res = await doFetch(req.url, { method, headers, body: body as BodyInit | undefined, signal, redirect: 'manual' })
        const text = await readCapped(res, req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, signal)
        const latencyMs = Math.round(performance.now() - started)
        const ok = res.status >= 200 && res.status < 300
        record({ endpoint, method, statusCode: res.status, latencyMs, ...(ok ? {} : { errorClass: classOfStatus(res.status), error: `HTTP ${res.status}` }) })
        const responseHeaders: Record<string, string> = {}
        res.headers.forEach((v, k) => { responseHeaders[k] = v })
        return {
          status: res.status, ok, headers: responseHeaders, text,
          json<T>() {
            try { return JSON.parse(text) as T } catch { throw new PermanentError(`the answer of ${endpoint} is not JSON`, { status: res.status }) }
          },
        }
      } catch (err) {
        const failure = describeFailure(err)
        record({ endpoint, method, latencyMs: Math.round(performance.now() - started), errorClass: failure.errorClass, error: failure.message })
        throw err
      }
    },
  }

  const track: PerformContext<Config>['track'] = async (endpoint, call, status) => {
    const started = performance.now()
    try {
      const result = await call(o.signal)
      const code = status?.(result)
      record({ endpoint, latencyMs: Math.round(performance.now() - started), ...(code !== undefined ? { statusCode: code } : {}) })
      return result
    } catch (err) {
      const failure = describeFailure(err)
      record({ endpoint, latencyMs: Math.round(performance.now() - started), errorClass: failure.errorClass, error: failure.message, ...(failure.status ? { statusCode: failure.status } : {}) })
      throw err
    }
  }

  const log: ConnectorLogger = {
    info: (m, d) => o.log.info(redactor.text(m), d && redactor.value(d)),
    warn: (m, d) => o.log.warn(redactor.text(m), d && redactor.value(d)),
    error: (m, d) => o.log.error(redactor.text(m), d && redactor.value(d)),
  }

  const ctx: PerformContext<Config> = {
    node: o.node, runId: o.runId, workflowId: o.workflowId, config: o.config, order: o.order, variables: o.variables,
    idempotencyKey: o.idempotencyKey, attempt: o.attempt, signal: o.signal, deadline: o.deadline, now: o.now,
    secrets, http, log, track, ...(shops ? { shops } : {}),
  }
  const failedAfterCalls = (err: unknown) => {
    const last = calls.at(-1)
    if (!last || calls.some((c) => c.errorClass)) return
    const f = describeFailure(err)
    last.errorClass = f.errorClass
    last.error = redactor.text(f.message)
  }
  return { ctx, calls, redactor, failedAfterCalls }
}
