/** Pieces of config schemas shared by several node types, so every form renders them the same way. */
import { ConfigError } from '../core/config-error.ts'
import type { PrepareTools, PreparedChannel } from '../../connectors/sdk/define-node.ts'
import type { Exception, Status } from '../../schemas/generated/order.ts'

/**
 * Marks a config field holding a JsonLogic rule. `$comment` is the draft-07 annotation for tools:
 * the designer shows its rule builder for fields carrying it, and strict ajv accepts it.
 */
export const JSON_LOGIC_COMMENT = 'jsonlogic'

/** A config field holding a JsonLogic rule (any JSON value). */
export function jsonLogicField(title: string, description: string): Record<string, unknown> {
  return { title, description, $comment: JSON_LOGIC_COMMENT }
}

/** The lists of values in use that a config field can pick from (GET /api/values answers each). */
export const PICK_LISTS = ['teams', 'pools', 'tags', 'exceptionTypes'] as const
export type PickList = (typeof PICK_LISTS)[number]

/**
 * Marks a config field whose value must match one already in use (a team's queue, a hold pool, a
 * tag): the designer offers those values and asks before it takes a new one, so a typo does not
 * silently open a new queue. `$comment: "pick:<list>"`, read by pickListOf.
 */
export function pickComment(list: PickList): string {
  return `pick:${list}`
}

/** The pick list a config field schema is marked with, or null. */
export function pickListOf(schema: unknown): PickList | null {
  const comment = typeof schema === 'object' && schema !== null ? (schema as { $comment?: unknown }).$comment : undefined
  const list = typeof comment === 'string' && comment.startsWith('pick:') ? comment.slice('pick:'.length) : null
  return list !== null && (PICK_LISTS as readonly string[]).includes(list) ? (list as PickList) : null
}

/** One order tag, as schemas/order.schema.json defines it, picked from the tags in use. */
export const tagSchema = {
  type: 'string', minLength: 1, maxLength: 64, pattern: '^[^\\s,]+$', title: 'Tag', $comment: pickComment('tags'),
} as const

/** A list of distinct order tags. */
export function tagListField(title: string, description: string): Record<string, unknown> {
  return { type: 'array', title, description, items: tagSchema, uniqueItems: true, maxItems: 100 }
}

/** ISO 8601 durations in weeks, days, hours, minutes and seconds (as engine/core/duration.ts reads them). */
export const DURATION_PATTERN = '^P(?!$)(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?$'

/** A config field holding an ISO 8601 duration ("PT24H", "P2D"). */
export function durationField(title: string, description: string): Record<string, unknown> {
  return { type: 'string', title, description, pattern: DURATION_PATTERN, maxLength: 32 }
}

/** Who a task or a message is for: user names (their token names) and roles. */
export function assigneesField(title: string, description: string): Record<string, unknown> {
  return {
    type: 'object', title, description, additionalProperties: false,
    properties: {
      roles: { type: 'array', title: 'Roles', description: 'By role.', items: { type: 'string', enum: ['admin', 'designer', 'operator', 'approver'] }, uniqueItems: true, maxItems: 4 },
      users: { type: 'array', title: 'Users', description: 'By user name.', items: { type: 'string', minLength: 1, maxLength: 64, title: 'User name' }, uniqueItems: true, maxItems: 100 },
    },
  }
}

/** English labels of the roles assigneesField offers, as the designer names them. */
export const ROLE_LABELS_EN = { admin: 'Administrator', designer: 'Designer', operator: 'Operator', approver: 'Approver' } as const

/** The English labels of an assignees field at `at` ('/assignees'): its roles' values. */
export function assigneesFieldEnText(at: string): Record<string, { enum: Record<string, string> }> {
  return { [`${at}/roles/*`]: { enum: { ...ROLE_LABELS_EN } } }
}

/** The zh-CN labels of an assignees field's parts at `at` (its own title and description stay with the node). */
export function assigneesFieldText(at: string): Record<string, { title?: string; description?: string; enum?: Record<string, string> }> {
  return {
    [`${at}/roles`]: { title: '角色', description: '按角色指定。' },
    [`${at}/roles/*`]: { enum: { admin: '管理员', designer: '设计者', operator: '运营', approver: '审批人' } },
    [`${at}/users`]: { title: '用户', description: '按用户名指定。' },
    [`${at}/users/*`]: { title: '用户名' },
  }
}

/** The zh-CN labels of a businessHours field at `at`, with what it counts in this node. */
export function businessHoursFieldText(at: string, description: string): Record<string, { title: string; description?: string }> {
  return {
    [at]: { title: '工作时间', description },
    [`${at}/timeZone`]: { title: '时区', description: '例如 Asia/Shanghai。' },
    [`${at}/days`]: { title: '工作日', description: '一周中的工作日：1 为周一，7 为周日。' },
    [`${at}/days/*`]: { title: '星期' },
    [`${at}/start`]: { title: '上班', description: '每天开始工作的时间，例如 09:00。' },
    [`${at}/end`]: { title: '下班', description: '每天结束工作的时间，例如 18:00。' },
    [`${at}/holidays`]: { title: '节假日', description: '不工作的日期，例如 2026-10-01。' },
    [`${at}/holidays/*`]: { title: '日期' },
  }
}

/** Task priorities, lowest first. */
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const

/** English labels of the task priorities. */
export const PRIORITY_LABELS_EN: Record<(typeof PRIORITIES)[number], string> = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' }

/** English labels of the order statuses (schemas/order.schema.json), as the designer's order pages name them. */
export const ORDER_STATUS_LABELS_EN: Record<Status, string> = {
  pending_payment: 'Pending payment', paid: 'Paid', partially_shipped: 'Partially shipped', shipped: 'Shipped', delivered: 'Delivered',
  completed: 'Completed', cancelled: 'Cancelled', refunding: 'Refunding', refunded: 'Refunded',
}

/** English labels of the order exception types (their zh-CN labels say 支付异常, 合规风险...). */
export const EXCEPTION_LABELS_EN: Record<Exception['type'], string> = {
  payment: 'Payment', address: 'Address', stock: 'Stock', compliance: 'Compliance risk', blacklist: 'Blacklist', clock_skew: 'Clock skew', other: 'Other',
}

/** Marks a field naming the connector a message goes out through (the designer offers the notify.* types). */
export const CHANNEL_TYPE_COMMENT = 'channel-type'
/** Marks the config of that connector (the designer draws that connector's own form). */
export const CHANNEL_CONFIG_COMMENT = 'channel-config'

/** Connectors a node's messages also go out through: each is a connector type and its config. */
export function channelsField(title: string, description: string): Record<string, unknown> {
  return {
    type: 'array', title, description, maxItems: 5,
    items: {
      type: 'object', additionalProperties: false, required: ['via', 'config'], title: 'Channel',
      properties: {
        via: { type: 'string', title: 'Through', description: 'The connector, e.g. notify.im or notify.email.', pattern: '^[a-z][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)+$', $comment: CHANNEL_TYPE_COMMENT },
        config: { type: 'object', title: 'Settings', description: 'The connector\'s settings; its text may use {{input.notification.title}} and {{input.notification.message}}.', $comment: CHANNEL_CONFIG_COMMENT },
      },
    },
  }
}

/** The zh-CN labels of a channels field at `at` ('/channels'). */
export function channelsFieldText(at: string): Record<string, { title: string; description?: string }> {
  return {
    [at]: { title: '同时发送到', description: '消息也通过这些连接器发出（邮件、即时通讯、短信）。' },
    [`${at}/*`]: { title: '渠道' },
    [`${at}/*/via`]: { title: '通过', description: '连接器，例如 notify.im 或 notify.email。' },
    [`${at}/*/config`]: { title: '设置', description: '该连接器的设置；文本中可用 {{input.notification.title}} 和 {{input.notification.message}}。' },
  }
}

/** Prepares a node's channels with the engine's tools, naming the field of a bad one. */
export function prepareChannels(channels: ReadonlyArray<{ via: string; config: unknown }> | undefined, at: string, tools: PrepareTools): PreparedChannel[] {
  return (channels ?? []).map((ch, i) => {
    if (!tools.prepareChannel) throw new ConfigError(`${at}/${i}`, 'channels need the engine to prepare them')
    return tools.prepareChannel(ch.via, ch.config, `${at}/${i}`)
  })
}
