/**
 * How a connector says what went wrong with an outside call. A PermanentError (a 4xx: the request
 * itself is wrong) goes to the node's error port at once; a RetryableError, a timeout, a network
 * error or any other throw goes through the node's retry policy first. The error class is what the
 * integration log and its health figures count.
 */
export { ConfigError } from '../../engine/core/config-error.ts'

/** What kind of failure an outside call had, as the integration log counts it. */
export type ErrorClass = 'timeout' | 'auth' | '4xx' | '5xx' | 'network' | 'error'

/** A failed outside call: whether trying again can help, its class and, for HTTP, its status. */
export class ConnectorError extends Error {
  readonly retryable: boolean
  readonly errorClass: ErrorClass
  readonly status?: number

  constructor(message: string, options: { retryable: boolean; errorClass?: ErrorClass; status?: number; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ConnectorError'
    this.retryable = options.retryable
    this.status = options.status
    this.errorClass = options.errorClass ?? (options.status !== undefined ? classOfStatus(options.status) : 'error')
  }
}

/** Do not try again: the far side refused the request as it is (bad data, unknown order, no such robot). */
export class PermanentError extends ConnectorError {
  constructor(message: string, options: { errorClass?: ErrorClass; status?: number; cause?: unknown } = {}) {
    super(message, { ...options, retryable: false })
    this.name = 'PermanentError'
  }
}

/** Worth trying again later: the far side is down, busy or slow. */
export class RetryableError extends ConnectorError {
  constructor(message: string, options: { errorClass?: ErrorClass; status?: number; cause?: unknown } = {}) {
    super(message, { ...options, retryable: true })
    this.name = 'RetryableError'
  }
}

/** The class of an HTTP status that is not a success. */
export function classOfStatus(status: number): ErrorClass {
  if (status === 401 || status === 403) return 'auth'
  if (status >= 500) return '5xx'
  if (status >= 400) return '4xx'
  return 'error'
}

/** Statuses that say "later" rather than "never": timeout, too early, too many requests. */
const RETRYABLE_4XX = new Set([408, 425, 429])

/** The error an HTTP status stands for (null for 2xx): 5xx and 408/425/429 are retryable, other 4xx permanent. */
export function errorForStatus(status: number, message?: string): ConnectorError | null {
  if (status >= 200 && status < 300) return null
  const text = message ?? `the server answered ${status}`
  if (status >= 500 || RETRYABLE_4XX.has(status)) return new RetryableError(text, { status })
  return new PermanentError(text, { status })
}

/** Error codes of Node's sockets and DNS that mean the network, not the far side, failed. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ETIMEDOUT',
  'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED', 'ESOCKET', 'ECONNECTION', 'EDNS',
])

function codeOf(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') return e.code
  }
  return undefined
}

/** What a thrown value means for the log and for retries. */
export function describeFailure(err: unknown): { message: string; errorClass: ErrorClass; retryable: boolean; status?: number } {
  if (err instanceof ConnectorError) return { message: err.message, errorClass: err.errorClass, retryable: err.retryable, status: err.status }
  const message = err instanceof Error ? err.message : String(err)
  const name = err instanceof Error ? err.name : ''
  if (name === 'TimeoutError') return { message, errorClass: 'timeout', retryable: true }
  const code = codeOf(err)
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return { message, errorClass: 'timeout', retryable: true }
  if (code === 'EAUTH') return { message, errorClass: 'auth', retryable: false }
  if (code && NETWORK_CODES.has(code)) return { message, errorClass: 'network', retryable: true }
  // fetch reports a refused or reset connection as "fetch failed" with the socket error as its cause.
  if (err instanceof TypeError && message === 'fetch failed') return { message: `${message}: ${(err.cause as Error | undefined)?.message ?? 'network error'}`, errorClass: 'network', retryable: true }
  return { message, errorClass: 'error', retryable: true }
}
