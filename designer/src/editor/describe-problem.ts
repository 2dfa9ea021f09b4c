/**
 * A problem in the operator's words and language: the API names the field by JSON pointer and the
 * reason in English; this names the field by its form label or what it is in the flow ("connection
 * e-vip-tag", "the flow's name") and translates the reasons the engine gives, rule errors included
 * (the rest are shown as they come).
 */
import type { NodeManifest } from '../../../schemas/generated/node-manifest.ts'
import type { ProblemDetail, WorkflowDefinition } from '../api/types.ts'
import { format, MESSAGES, type Locale, type MessageKey } from '../i18n/messages.ts'
import { describePlace } from './describe-place.ts'

/** A reason the engine gives, its message, and the names of the pattern's groups in the message. */
type Reason = [RegExp, MessageKey, string[]]

const REASONS: Reason[] = [
  [/^is required$/, 'editor.reason.required', []],
  [/^must NOT have fewer than (\d+) items$/, 'editor.reason.minItems', ['n']],
  [/^must NOT have more than (\d+) items$/, 'editor.reason.maxItems', ['n']],
  [/^must NOT have fewer than (\d+) properties$/, 'editor.reason.minProperties', ['n']],
  [/^must NOT have fewer than (\d+) characters$/, 'editor.reason.minLength', ['n']],
  [/^must NOT have more than (\d+) characters$/, 'editor.reason.maxLength', ['n']],
  [/^must NOT have duplicate items/, 'editor.reason.duplicateItems', []],
  [/^must be >= (\S+)$/, 'editor.reason.minimum', ['n']],
  [/^must be <= (\S+)$/, 'editor.reason.maximum', ['n']],
  [/^is not a known field$/, 'editor.reason.unknownField', []],
  [/^must be one of (.+)$/, 'editor.reason.oneOf', ['values']],
  [/^must match pattern "(.+)"$/, 'editor.reason.pattern', ['pattern']],
  [/^must match format "date-time"$/, 'editor.reason.dateTime', []],
  [/^must be (string|number|integer|boolean|object|array)$/, 'editor.reason.type', ['type']],
  [/^is not reachable from the trigger (.+)$/, 'editor.reason.unreachable', ['trigger']],
  [/^unknown node type "(.+)"$/, 'editor.reason.unknownType', ['type']],
  [/^has no trigger node/, 'editor.reason.noTrigger', []],
  [/^is a second trigger \(node (.+) is one\)/, 'editor.reason.secondTrigger', ['trigger']],
  [/^is in a cycle \((.+)\) with no node that waits/, 'editor.reason.cycle', ['cycle']],
  [/^node (.+) has no port "(.+)";/, 'editor.reason.noPort', ['node', 'port']],
  [/^up to (.+) branches of one run can reach this node/, 'editor.reason.fanOut', ['n']],
  [/^duplicates the id of node (.+)$/, 'editor.reason.duplicateNode', ['other']],
  [/^duplicates the id of edge (.+)$/, 'editor.reason.duplicateEdge', ['other']],
  [/^no node has the id "(.+)"$/, 'editor.reason.noSuchNode', ['id']],
  [/^node (.+) is a trigger and takes no incoming edge$/, 'editor.reason.intoTrigger', ['node']],
  [/^must equal the workflow id in the path \((.+)\)$/, 'editor.reason.idMismatch', ['id']],
  [/^port name "(.+)" is reserved$/, 'editor.reason.reservedPort', ['port']],
  [/^port name "(.+)" is used by an earlier case$/, 'editor.reason.takenPort', ['port']],
  // Rules, as the engine's interpreter and the sandbox say it (while validating, trying or running one).
  [/^(?:rule failed: )?unknown operator "(.+)" in rule$/, 'editor.reason.unknownOperator', ['op']],
  [/^(?:the rule |the dry run )?rule exceeded its budget of ([\d,]+) operations/, 'editor.reason.budget', ['n']],
  [/^(?:the rule |the dry run )?rule built a list of ([\d,]+) items; at most ([\d,]+) are allowed$/, 'editor.reason.listTooLong', ['n', 'max']],
  [/^(?:the rule |the dry run )?rule built a text of ([\d,]+) characters; at most ([\d,]+) are allowed$/, 'editor.reason.textTooLong', ['n', 'max']],
  [/^division by zero or arithmetic on a non-number in rule$/, 'editor.reason.notANumber', []],
  [/^invalid arguments to "(.+?)" in rule/, 'editor.reason.invalidArguments', ['op']],
  [/^rule is too large: more than ([\d,]+) operators and values$/, 'editor.reason.ruleTooLarge', ['n']],
  [/^rule is nested more than (\d+) levels deep$/, 'editor.reason.ruleTooDeep', ['n']],
  [/^an empty object is not a rule/, 'editor.reason.emptyRule', []],
  [/^a rule object has exactly one operator key, not (\d+)/, 'editor.reason.manyKeys', ['n']],
  [/^"(.+?)" (?:takes a list of arguments|needs at least \d+ arguments?|needs 2 arguments|needs a list, a text or an object)$/, 'editor.reason.arguments', ['op']],
  [/^rule threw (.+)$/, 'editor.reason.threw', ['value']],
  [/^the (?:rule|dry run) took longer than (\d+) ms$/, 'editor.reason.timeout', ['ms']],
  [/^the (?:rule|dry run) used more than (\d+) MiB of memory$/, 'editor.reason.memory', ['mb']],
  [/^too many rules are being tried at once/, 'editor.reason.busy', []],
  [/^cannot move order (?:\S+ )?from (\w+) to (\w+)$/, 'editor.reason.cannotMove', ['from', 'to']],
  [/^(\S+) needs an order, but run \S+ has none$/, 'editor.reason.needsOrder', ['type']],
  [/^rule\.set cannot tag: this run has no order$/, 'editor.reason.needsOrder', []],
  [/^retry timer: attempt (\d+) would run at (.+)$/, 'editor.reason.retryTimer', ['attempt', 'at']],
  // Outside calls, as connectors and subscription deliveries say why one failed (the far side's own text stays as it is).
  [/^the receiver answered (\d{3})$/, 'editor.reason.receiverAnswered', ['status']],
  [/^the server answered (\d{3})$/, 'editor.reason.serverAnswered', ['status']],
  [/^(?:The operation was aborted due to timeout|The operation timed out\.?)$/, 'editor.reason.callTimedOut', []],
]

/** Order statuses in a reason, in words (`paid` → 已付款). */
function statusWord(status: string, locale: Locale): string {
  const key = `pages.orderStatus.${status}`
  return key in MESSAGES[locale] ? MESSAGES[locale][key as MessageKey] : status
}

/** The reason in the current language. */
export function describeReason(reason: string, locale: Locale): string {
  for (const [pattern, key, names] of REASONS) {
    const m = pattern.exec(reason)
    if (!m) continue
    const params: Record<string, string> = Object.fromEntries(names.map((name, i) => [name, m[i + 1] ?? '']))
    if (key === 'editor.reason.cannotMove') { params.from = statusWord(params.from, locale); params.to = statusWord(params.to, locale) }
    return format(locale, key, params)
  }
  // "rule failed: <reason>" wraps what a rule threw while it ran.
  const wrapped = /^rule failed: (.+)$/.exec(reason)
  if (wrapped) return format(locale, 'editor.reason.ruleFailed', { reason: describeReason(wrapped[1], locale) })
  // A dead letter's last error counts the tries; a refused connection names the socket's error.
  const tries = /^(.+) \(after (\d+) tries\)$/s.exec(reason)
  if (tries) return format(locale, 'editor.reason.afterTries', { reason: describeReason(tries[1], locale), n: tries[2] })
  const connect = /^fetch failed: (.+)$/s.exec(reason)
  if (connect) return format(locale, 'editor.reason.couldNotConnect', { reason: connect[1] })
  return reason
}

/** The form label of the config field a pointer names (`/nodes/3/config/cases/0/port` → "Port"). */
export function fieldLabel(manifest: NodeManifest | undefined, path: string[], locale: Locale): string {
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
  const m = /^(?:\/definition)?\/nodes\/\d+\/config\/(.+)$/.exec(problem.pointer)
  if (!m) return reason
  const path = m[1].split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
  return `${fieldLabel(manifest, path, locale)}${format(locale, 'editor.place.separator')}${reason}`
}

/**
 * A problem anywhere in a flow, for lists: what it is about ("node vip-check · Rule", "connection
 * e-1", "the flow's name") and why, translated. `definition` names nodes and edges by id.
 */
export function describeProblemAt(problem: ProblemDetail, manifest: NodeManifest | undefined, locale: Locale, definition?: WorkflowDefinition): string {
  const text = describeProblem(problem, manifest, locale)
  if (problem.nodeId) return `${problem.nodeId}${format(locale, 'editor.place.separator')}${text}`
  const place = describePlace(problem.pointer, locale, definition)
  return place ? `${place}${format(locale, 'editor.place.separator')}${text}` : text
}

/** The lead of an error answer, by its status, in `locale`. */
function statusLead(status: number | undefined, locale: Locale): string {
  const key = `editor.error.${status}`
  return key in MESSAGES[locale] ? MESSAGES[locale][key as MessageKey] : format(locale, 'editor.error.other')
}

/**
 * An API error answer in one line and the operator's language: what kind of refusal it is (by its
 * status), then its first problems with their places named in words. The server's own English
 * message is shown only when there is nothing better to say.
 */
export function describeApiError(
  error: { message: string; status?: number; details?: ProblemDetail[] },
  locale: Locale,
  manifestOfNode: (nodeId: string) => NodeManifest | undefined,
  definition?: WorkflowDefinition,
): string {
  const details = (error.details ?? []).slice(0, 3)
    .map((d) => describeProblemAt(d, d.nodeId ? manifestOfNode(d.nodeId) : undefined, locale, definition))
  const more = (error.details?.length ?? 0) > 3 ? format(locale, 'editor.error.more', { n: error.details!.length - 3 }) : ''
  const lead = statusLead(error.status, locale)
  if (details.length) return `${lead}${format(locale, 'editor.place.separator')}${details.join(format(locale, 'editor.place.listSeparator'))}${more}`
  // No status: the request never got an answer (offline, aborted): the browser's reason is all there is.
  if (error.status === undefined || !(`editor.error.${error.status}` in MESSAGES[locale])) return `${lead}${format(locale, 'editor.place.separator')}${error.message}`
  return lead
}
