/**
 * What a connector's `perform` gets: the one place a node does I/O. The shell calls it after the
 * step that asked for it committed, at least once, always with the same idempotency key for one
 * visit of the node (retries and restarts included) and a rising attempt number. Every call made
 * through `http` or `track` lands in the integration log, with secrets kept out of it.
 */
import type { Order } from '../../schemas/generated/order.ts'
import type { ErrorClass } from './errors.ts'
import type { SecretReader } from './templates.ts'

export type { SecretReader }

/** One outside call as the integration log keeps it. */
export interface CallRecord {
  /** Where it went, without secrets or query string ("https://wms.example.com/api/ship-notices"). */
  endpoint: string
  method?: string
  statusCode?: number
  latencyMs: number
  /** Unset for a success. */
  errorClass?: ErrorClass
  error?: string
}

/** A connector's log lines, tagged with its run, node and attempt, secrets redacted. */
export interface ConnectorLogger {
  info(message: string, data?: Record<string, unknown>): void
  warn(message: string, data?: Record<string, unknown>): void
  error(message: string, data?: Record<string, unknown>): void
}

/** An HTTP request. Redirects are not followed (a 3xx is an answer like any other). */
export interface HttpRequest {
  method?: string
  url: string
  headers?: Record<string, string>
  /** Sent as JSON with content-type application/json. */
  json?: unknown
  /** Sent as is (give the content-type yourself). */
  body?: string | Uint8Array
  /** At most this long (ms), and never past the activity's own deadline. */
  timeoutMs?: number
  /** A longer answer fails the call (default 1 MiB). */
  maxResponseBytes?: number
  /** The endpoint as the integration log shows it, when the URL itself holds a secret (a robot's token in its path). */
  logAs?: string
}

/** An HTTP answer, read whole (up to its size limit). */
export interface HttpResponse {
  status: number
  /** 2xx */
  ok: boolean
  /** Header names in lower case. */
  headers: Record<string, string>
  text: string
  /** The body parsed as JSON; throws a PermanentError when it is not JSON. */
  json<T = unknown>(): T
}

/** HTTP with the activity's deadline and abort signal applied, every call logged. */
export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>
}

/** A shop opened for a call to its platform: which platform, and its credentials (secrets). */
export interface OpenedShop {
  shopId: string
  platform: Order['platform']
  /** The shop's credentials as the shops API keeps them, `apiBaseUrl` included when set. */
  credentials: Record<string, string>
}

/**
 * The shops a connector may call the platforms of (platform.ship-notice, platform.update-stock). The
 * engine provides it; every credential value it hands out is redacted like a secret from what the
 * call logs, throws and returns. Both throw a PermanentError for a shop that does not exist or is disabled.
 */
export interface ShopAccess {
  /** The shop with Ordo's id `shopId`. */
  open(shopId: string): Promise<OpenedShop>
  /** The shop the order came from (whose push, pull or message brought it). */
  ofOrder(order: Order): Promise<OpenedShop>
}

/** Everything `perform` may use. */
export interface PerformContext<Config = unknown> {
  node: { id: string; type: string; name?: string }
  runId: string
  workflowId: string
  /** The node's config as saved in the workflow version. */
  config: Config
  /** The run's order as it stands when the call is made (null for runs without an order). */
  order: Order | null
  variables: Readonly<Record<string, unknown>>
  /** runId:nodeId:visit — the same for every attempt of one visit of the node, across restarts. */
  idempotencyKey: string
  /** 1 for the first try of this key, rising with every retry and every repeat after a crash. */
  attempt: number
  /** Aborted when the activity's timeout passes or Ordo shuts down. */
  signal: AbortSignal
  /** UTC epoch ms by which the call must be done. */
  deadline: number
  now(): number
  secrets: SecretReader
  /** The shops, for connectors that call a platform's open API; absent where the engine has none (a connector then fails permanently). */
  shops?: ShopAccess
  http: HttpClient
  log: ConnectorLogger
  /**
   * Runs a call that is not HTTP (SMTP, AMQP) so the integration log records it: `endpoint` without
   * secrets, latency, and the error class of a throw. `status` names a status code in the result.
   */
  track<T>(endpoint: string, call: (signal: AbortSignal) => Promise<T>, status?: (result: T) => number | undefined): Promise<T>
}
