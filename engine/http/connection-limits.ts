/**
 * How long a client may take and how many may be connected at once. Node's and Fastify's defaults
 * (no request timeout, no cap) let slow clients hold sockets until the process runs out of file
 * descriptors, and then even health checks fail.
 */
import { readFileSync } from 'node:fs'

/** The limits of the HTTP server; every time is in ms, and a 0 timeout means none. */
export interface ConnectionLimits {
  /**
   * Most connections open at once. Beyond it Node accepts a new connection and closes it at once,
   * before reading or writing a byte: the client sees the connection reset (or an empty reply) and
   * should retry. Connections already open are served; slots free up as the timeouts below end slow ones.
   */
  maxConnections: number
  /** Most time to receive a whole request, headers and body: 408 and close beyond. */
  requestTimeoutMs: number
  /** Most time to receive a request's headers, counted from a new connection's start too: 408 and close beyond. */
  headersTimeoutMs: number
  /** How long a keep-alive connection may wait idle for its next request. */
  keepAliveTimeoutMs: number
  /** A connection with no traffic either way for this long is closed, e.g. a client that stopped reading its answer. */
  idleTimeoutMs: number
}

/** Production defaults. A 5 MiB body still arrives in time at ~1 Mbit/s; keep-alive outlasts a load balancer's usual 60 s idle so it, not we, closes first. */
export const DEFAULT_CONNECTION_LIMITS: Omit<ConnectionLimits, 'maxConnections'> = {
  requestTimeoutMs: 60_000,
  headersTimeoutMs: 15_000,
  keepAliveTimeoutMs: 72_000,
  // Above the event streams' 15 s keep-alive comments, so a live stream is never idle this long.
  idleTimeoutMs: 120_000,
}

/** Descriptors kept for everything but client sockets: SQLite (db, WAL, shm), stdio, libuv, static files, logs. */
const MIN_HEADROOM = 128

/** The open-file limit assumed when the process's own cannot be read (the usual Linux soft limit). */
const FALLBACK_OPEN_FILE_LIMIT = 1024

/** The cap for a given open-file limit: the limit minus headroom (128 descriptors or a tenth, the larger), at least 1. */
export function maxConnectionsFor(openFileLimit: number): number {
  const headroom = Math.max(MIN_HEADROOM, Math.ceil(openFileLimit / 10))
  return Math.max(1, openFileLimit - headroom)
}

/** The soft "Max open files" of a /proc/<pid>/limits text; null when absent or unlimited. */
export function parseOpenFileLimit(limitsText: string): number | null {
  const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(limitsText)
  if (!m || m[1] === 'unlimited') return null
  return Number(m[1])
}

/** This process's soft open-file limit, from /proc/self/limits (Linux); null elsewhere. */
export function readOpenFileLimit(): number | null {
  try {
    return parseOpenFileLimit(readFileSync('/proc/self/limits', 'utf8'))
  } catch {
    return null
  }
}

/** The limits with defaults filled in and checked; throws naming the option that cannot work. */
export function resolveConnectionLimits(options: Partial<ConnectionLimits> = {}, openFileLimit: number | null = readOpenFileLimit()): ConnectionLimits {
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.requestTimeoutMs
  const limits: ConnectionLimits = {
    maxConnections: options.maxConnections ?? maxConnectionsFor(openFileLimit ?? FALLBACK_OPEN_FILE_LIMIT),
    requestTimeoutMs,
    // A shorter request timeout alone shortens the headers' default with it.
    headersTimeoutMs: options.headersTimeoutMs ?? (requestTimeoutMs > 0 ? Math.min(requestTimeoutMs, DEFAULT_CONNECTION_LIMITS.headersTimeoutMs) : DEFAULT_CONNECTION_LIMITS.headersTimeoutMs),
    keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.keepAliveTimeoutMs,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.idleTimeoutMs,
  }
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < (name === 'maxConnections' ? 1 : 0)) {
      throw new RangeError(`connection limit ${name} must be a whole number${name === 'maxConnections' ? ' of at least 1' : ' of ms (0: none)'}, got ${String(value)}`)
    }
  }
  // Node refuses this combination; say which options to change.
  if (limits.requestTimeoutMs > 0 && limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new RangeError(`connection limit headersTimeoutMs (${limits.headersTimeoutMs}) must not exceed requestTimeoutMs (${limits.requestTimeoutMs})`)
  }
  return limits
}

/** The Fastify server options that enforce `limits` (the cap is set on the server once it exists). */
export function serverTimeoutOptions(limits: ConnectionLimits) {
  const timeouts = [limits.requestTimeoutMs, limits.headersTimeoutMs].filter((t) => t > 0)
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    http: {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      // Node checks both timeouts on this interval (30 s by default): check often enough that a
      // timeout ends a connection within a quarter of itself past its deadline.
      connectionsCheckingInterval: timeouts.length ? Math.min(30_000, Math.max(25, Math.floor(Math.min(...timeouts) / 4))) : 30_000,
    },
  }
}
