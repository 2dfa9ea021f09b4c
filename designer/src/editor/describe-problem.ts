/**
 * A validation problem in the operator's words and language: the API names the field by JSON
 * pointer and the reason in English; this names the field by its form label and translates the
 * reasons the engine gives (the rest are shown as they come).
 */
import type { NodeManifest } from '../../../schemas/generated/node-manifest.ts'
import type { ProblemDetail } from '../api/types.ts'
import { format, type Locale, type MessageKey } from '../i18n/messages.ts'


const REASONS: Array<[RegExp, MessageKey, string[]]> = [
  [/^is required$/, 'editor.reason.required', []],
  [/^must NOT have fewer than (\d+) items$/, 'editor.reason.minItems', ['n']],
  [/^must NOT have fewer than (\d+) properties$/, 'editor.reason.minProperties', ['n']],
  [/^must NOT have fewer than (\d+) characters$/, 'editor.reason.minLength', ['n']],
  [/^must NOT have more than (\d+) characters$/, 'editor.reason.maxLength', ['n']],
  [/^is not a known field$/, 'editor.reason.unknownField', []],
  [/^must be one of (.+)$/, 'editor.reason.oneOf', ['values']],
  [/^must match pattern "(.+)"$/, 'editor.reason.pattern', ['pattern']],
  [/^must be (string|number|integer|boolean|object|array)$/, 'editor.reason.type', ['type']],
  [/^is not reachable from the trigger (.+)$/, 'editor.reason.unreachable', ['trigger']],
  [/^unknown node type "(.+)"$/, 'editor.reason.unknownType', ['type']],
  [/^has no trigger node/, 'editor.reason.noTrigger', []],
  [/^is a second trigger \(node (.+) is one\)/, 'editor.reason.secondTrigger', ['trigger']],
  [/^is in a cycle \((.+)\) with no node that waits/, 'editor.reason.cycle', ['cycle']],
  [/^node (.+) has no port "(.+)";/, 'editor.reason.noPort', ['node', 'port']],
  [/^up to (.+) branches of one run can reach this node/, 'editor.reason.fanOut', ['n']],
]

/** The reason in the current language. */
export function describeReason(reason: string, locale: Locale): string {
  for (const [pattern, key, names] of REASONS) {
    const m = pattern.exec(reason)
    if (m) return format(locale, key, Object.fromEntries(names.map((name, i) => [name, m[i + 1]])))
  }
  return reason
}

/** The form label of the config field a pointer names (`/nodes/3/config/cases/0/port` → "Port"). */
function fieldLabel(manifest: NodeManifest | undefined, path: string[], locale: Locale): string {
  const fields = manifest?.i18n?.[locale]?.fields as Record<string, { title?: string }> | undefined
  const key = '/' + path.map((p) => (/^\d+$/.test(p) ? '*' : p)).join('/')
  let schema = manifest?.configSchema as { properties?: Record<string, unknown>; items?: unknown; title?: string } | undefined
  for (const part of path) schema = (/^\d+$/.test(part) ? schema?.items : schema?.properties?.[part]) as typeof schema
  const index = path.filter((p) => /^\d+$/.test(p)).map((p) => ` #${Number(p) + 1}`).join('')
  return (fields?.[key]?.title ?? schema?.title ?? path[path.length - 1]) + index
}

/** "Field: reason" for a problem inside a node's config, else just the reason; both translated. */
export function describeProblem(problem: ProblemDetail, manifest: NodeManifest | undefined, locale: Locale): string {
  const reason = describeReason(problem.reason, locale)
  const m = /^\/nodes\/\d+\/config\/(.+)$/.exec(problem.pointer)
  if (!m) return reason
  const path = m[1].split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
  return `${fieldLabel(manifest, path, locale)}: ${reason}`
}

/** An API error answer in one line: its message, then its first problems in the operator's words. */
export function describeApiError(error: { message: string; details?: ProblemDetail[] }, locale: Locale, manifestOfNode: (nodeId: string) => NodeManifest | undefined): string {
  const details = (error.details ?? []).slice(0, 3)
    .map((d) => `${d.nodeId ? `${d.nodeId}: ` : ''}${describeProblem(d, d.nodeId ? manifestOfNode(d.nodeId) : undefined, locale)}`)
    .join('; ')
  return details ? `${error.message} (${details})` : error.message
}
