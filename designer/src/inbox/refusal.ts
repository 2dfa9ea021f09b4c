/**
 * The API's refusals of a task action, in the operator's language and placed beside what they are
 * about: a 403 or 409 (may not act, already decided, expired…) beside the decision buttons, a
 * missing comment under the comment box, a form answer under its form field. The API words its
 * reasons in English for logs and scripts; this reads the patterns the task service and the store
 * produce (engine/runtime/task-service.ts, engine/store/sqlite/sqlite-store.ts) and says them again.
 */
import { ApiError } from '../api/client.ts'
import { describeReason } from '../editor/describe-problem.ts'
import { format, type Locale, type MessageKey } from '../i18n/messages.ts'

type Params = Record<string, string>

/** "user lead-li, role approver" → "用户 lead-li、角色 审批人". */
export function describeAssigneeList(text: string, locale: Locale): string {
  if (text === 'nobody') return format(locale, 'inbox.assignees.nobody')
  const parts = text.split(', ').map((part) => {
    const m = /^(user|role) (.+)$/.exec(part)
    if (!m) return part
    if (m[1] === 'user') return format(locale, 'inbox.assignees.user', { name: m[2] })
    const role = ['admin', 'designer', 'operator', 'approver'].includes(m[2]) ? format(locale, `role.${m[2]}` as MessageKey) : m[2]
    return format(locale, 'inbox.assignees.role', { role })
  })
  return parts.join(format(locale, 'inbox.list.separator'))
}

const ACTIONS = new Set(['claim', 'approve', 'reject'])

const TASK_REFUSALS: Array<[RegExp, MessageKey, (m: RegExpExecArray, locale: Locale) => Params]> = [
  [/^(.+) \((\w+)\) may not (\w+) task \S+: it is assigned to (.+)$/, 'inbox.refusal.notAssignee', (m, l) => ({
    name: m[1], action: ACTIONS.has(m[3]) ? format(l, `inbox.action.${m[3]}` as MessageKey) : m[3], assignees: describeAssigneeList(m[4], l),
  })],
  [/^(.+) started this run or last changed the order, and this approval forbids approving one's own change$/, 'inbox.refusal.selfApproval', (m) => ({ name: m[1] })],
  [/^task \S+ is being handled by (.+)$/, 'inbox.refusal.claimed', (m) => ({ name: m[1] })],
  [/^(.+) is not an assignee of task \S+$/, 'inbox.refusal.notYours', (m) => ({ name: m[1] })],
  [/^task \S+ is completed: approved by (.*)$/, 'inbox.refusal.approved', (m) => ({ by: m[1] })],
  [/^task \S+ is completed: rejected by (.*)$/, 'inbox.refusal.rejected', (m) => ({ by: m[1] })],
  [/^task \S+ is expired/, 'inbox.refusal.expired', () => ({})],
  [/^task \S+ is cancelled/, 'inbox.refusal.cancelled', () => ({})],
  [/^task \S+ is (\w+)$/, 'inbox.refusal.closed', (m) => ({ status: m[1] })],
  [/^(.+) has already decided on task \S+$/, 'inbox.refusal.alreadyDecided', (m) => ({ name: m[1] })],
]

/** Reasons of form answers beyond the editor's (ajv's comparison and format messages). */
const FORM_REASONS: Array<[RegExp, MessageKey, string[]]> = [
  [/^is required for this task$/, 'inbox.reason.commentRequired', []],
  [/^must be integer$/, 'inbox.reason.type.integer', []],
  [/^must be number$/, 'inbox.reason.type.number', []],
  [/^must be string$/, 'inbox.reason.type.string', []],
  [/^must be boolean$/, 'inbox.reason.type.boolean', []],
  [/^must be >= (-?[\d.]+)$/, 'inbox.reason.min', ['limit']],
  [/^must be <= (-?[\d.]+)$/, 'inbox.reason.max', ['limit']],
  [/^must be > (-?[\d.]+)$/, 'inbox.reason.above', ['limit']],
  [/^must be < (-?[\d.]+)$/, 'inbox.reason.below', ['limit']],
  [/^must match format "(.+)"$/, 'inbox.reason.format', ['format']],
  [/^must be multiple of (.+)$/, 'inbox.reason.multipleOf', ['n']],
  [/^must NOT have more than (\d+) items$/, 'inbox.reason.maxItems', ['n']],
]

/** One form or comment reason in `locale` (the editor's translations, then the form's own); unknown ones as they come. */
export function describeFieldReason(reason: string, locale: Locale): string {
  for (const [pattern, key, names] of FORM_REASONS) {
    const m = pattern.exec(reason)
    if (m) return format(locale, key, Object.fromEntries(names.map((name, i) => [name, m[i + 1]])))
  }
  return describeReason(reason, locale)
}

/** A refusal sorted by where it shows: the task as a whole, the comment box, or the form's fields (rjsf extraErrors). */
export interface Refusal {
  /** Beside the decision buttons: may not act, already decided, not open any more, or an error without a field. */
  task: string | null
  /** Under the comment box. */
  comment: string | null
  /** Under the form's fields: `/data/...` pointers with their reasons, translated. */
  fields: Array<{ pointer: string; reason: string }>
}

/** The task-level message of an API error: a known refusal translated, else "出错了：<message>". */
export function describeTaskRefusal(error: unknown, locale: Locale): string {
  const message = error instanceof Error ? error.message : String(error)
  for (const [pattern, key, params] of TASK_REFUSALS) {
    const m = pattern.exec(message)
    if (m) return format(locale, key, params(m, locale))
  }
  if (error instanceof ApiError && error.status === 404) return format(locale, 'inbox.refusal.notFound')
  return format(locale, 'common.error', { message })
}

/** Where each part of an API error about a task action shows, translated. */
export function sortRefusal(error: unknown, locale: Locale): Refusal {
  const details = error instanceof ApiError && error.status === 400 ? error.details : []
  const comment = details.find((d) => d.pointer === '/comment')
  const fields = details.filter((d) => d.pointer === '/data' || d.pointer.startsWith('/data/')).map((d) => ({ pointer: d.pointer, reason: describeFieldReason(d.reason, locale) }))
  const placed = (comment ? 1 : 0) + fields.length
  return {
    task: placed > 0 && placed === details.length ? null : describeTaskRefusal(error, locale),
    comment: comment ? describeFieldReason(comment.reason, locale) : null,
    fields,
  }
}

/** A notification's message in `locale`: the engine's own reminder and escalation texts translated, an author's message as written. */
export function describeNotificationMessage(message: string | null, locale: Locale): string | null {
  if (!message) return null
  let m = /^reminder (\d+): waiting for your decision$/.exec(message)
  if (m) return format(locale, 'inbox.notice.reminderText', { n: m[1] })
  m = /^escalated: no decision after (\d+) minutes$/.exec(message)
  if (m) return format(locale, 'inbox.notice.escalatedText', { minutes: m[1] })
  return message
}
