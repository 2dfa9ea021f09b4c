/**
 * Retry policies: parsed once per workflow version, then used to decide when a failed step runs again.
 * Jitter is derived from a hash of the step's idempotency key and attempt, so a replayed transition
 * schedules the very same timer (the core has no randomness).
 */
import type { RetryPolicy } from '../../schemas/generated/workflow.ts'
import { parseDurationMs } from './duration.ts'

/** A node's retry policy with durations in ms and every default filled in. */
export interface RetrySettings {
  /** Attempts in all, the first included (1 = no retry). */
  maxAttempts: number
  initialIntervalMs: number
  backoffRate: number
  maxIntervalMs: number
  /** 0..1: fraction of each delay varied up or down. */
  jitter: number
}

const DEFAULTS: Omit<RetrySettings, 'maxAttempts'> = {
  initialIntervalMs: 1000,
  backoffRate: 2,
  maxIntervalMs: 300_000,
  jitter: 0,
}

/** The settings of a node's policy; a node without one gets a single attempt. */
export function parseRetryPolicy(policy: RetryPolicy | undefined): RetrySettings {
  if (!policy) return { maxAttempts: 1, ...DEFAULTS }
  return {
    maxAttempts: policy.maxAttempts,
    initialIntervalMs: policy.initialInterval ? parseDurationMs(policy.initialInterval) : DEFAULTS.initialIntervalMs,
    backoffRate: policy.backoffRate ?? DEFAULTS.backoffRate,
    maxIntervalMs: policy.maxInterval ? parseDurationMs(policy.maxInterval) : DEFAULTS.maxIntervalMs,
    jitter: policy.jitter ?? DEFAULTS.jitter,
  }
}

/**
 * Delay in ms before the attempt after `failedAttempt` (1-based):
 * min(initial × rate^(failedAttempt−1), max), varied by ±jitter deterministically per key and attempt.
 */
export function retryDelay(settings: RetrySettings, failedAttempt: number, idempotencyKey: string): number {
  const base = Math.min(settings.initialIntervalMs * settings.backoffRate ** (failedAttempt - 1), settings.maxIntervalMs)
  if (settings.jitter === 0) return Math.round(base)
  const unit = hashUnit(`${idempotencyKey}:${failedAttempt}`) * 2 - 1
  return Math.max(0, Math.round(base + unit * settings.jitter * base))
}

/** FNV-1a of the string, mapped to [0, 1]. */
function hashUnit(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) / 0xffffffff
}
