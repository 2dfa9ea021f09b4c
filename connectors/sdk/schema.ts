/** Config schema pieces for connectors: fields the designer draws in their own way, and reading them. */
import { ConfigError } from '../../engine/core/config-error.ts'
import { parseDurationMs } from '../../engine/core/duration.ts'
import { MAX_ACTIVITY_TIMEOUT_MS } from '../../engine/core/activity-limits.ts'
import { SECRET_NAME_PATTERN } from '../../engine/core/secret-references.ts'

/** Marks a field holding a secret's name: the designer offers the secrets an admin has set, never their values. */
export const SECRET_NAME_COMMENT = 'secret-name'

/** A config field naming a secret ("wms-token"); its value is read only while the call is made. */
export function secretNameField(title: string, description: string) {
  return { type: 'string', title, description, pattern: SECRET_NAME_PATTERN, $comment: SECRET_NAME_COMMENT } as const
}

/** Marks a field holding a Mustache template over the order and the variables ({{order.platformOrderId}}). */
export const TEMPLATE_COMMENT = 'template'

/** A text field that is a template: {{order.…}}, {{vars.…}}, {{secret.<name>}}. */
export function templateField(title: string, description: string, options: { maxLength?: number; multiline?: boolean } = {}) {
  return { type: 'string', title, description, maxLength: options.maxLength ?? 10_000, $comment: options.multiline ? `${TEMPLATE_COMMENT}:multiline` : TEMPLATE_COMMENT } as const
}

/**
 * A node's `timeout` field (an ISO 8601 duration) as milliseconds: `defaultMs` when unset; a
 * duration that does not parse, or is not between 1 ms and PT10M (the longest a try may take), is a
 * ConfigError naming `pointer`.
 */
export function timeoutOption(duration: string | undefined, defaultMs: number, pointer = '/timeout'): number {
  if (!duration) return defaultMs
  let ms: number
  try { ms = parseDurationMs(duration) } catch (error) { throw new ConfigError(pointer, (error as Error).message) }
  if (ms < 1 || ms > MAX_ACTIVITY_TIMEOUT_MS) throw new ConfigError(pointer, 'must be between 1 ms and PT10M')
  return ms
}
