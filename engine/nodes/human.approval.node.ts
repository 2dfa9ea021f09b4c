/**
 * Asks people to approve: one task per level (team lead, then finance), each decided by any, all or
 * at least N of its assignees, with a form for their answers, a deadline, reminders that do not move
 * the run, an escalation chain, and working hours to count them in.
 */
import {
  defineNode, next, wait, type Assignees, type Notification, type NodeResult, type PreparedChannel, type Quorum, type TaskPriority, type Wait,
} from '../../connectors/sdk/define-node.ts'
import { ConfigError } from '../core/config-error.ts'
import { parseDurationMs } from '../core/duration.ts'
import { addWorkingTime, businessHoursSchema, checkBusinessHours, type BusinessHours } from '../core/business-hours.ts'
import { PRIORITIES, PRIORITY_LABELS_EN, assigneesField, assigneesFieldEnText, assigneesFieldText, businessHoursFieldText, channelsField, channelsFieldText, durationField, prepareChannels } from './schema-fragments.ts'
import { formAjv } from '../../schemas/index.ts'

type QuorumConfig = 'any' | 'all' | { atLeast: number }
interface LevelConfig { name?: string; assignees: Partial<Assignees>; quorum?: QuorumConfig }
interface Config {
  title: string
  assignees?: Partial<Assignees>
  quorum?: QuorumConfig
  levels?: LevelConfig[]
  deadline?: string
  reminders?: { every: string; max?: number }
  escalation?: Array<{ after: string; assignees?: Partial<Assignees>; priority?: TaskPriority; message?: string }>
  businessHours?: BusinessHours
  form?: Record<string, unknown>
  commentRequired?: boolean
  forbidSelfApproval?: boolean
  priority?: TaskPriority
  resultVariable?: string
  channels?: Array<{ via: string; config: Record<string, unknown> }>
}
interface Level { name?: string; assignees: Assignees; quorum: Quorum }
interface Prepared {
  title: string
  levels: Level[]
  deadlineMs: number | null
  reminders: { everyMs: number; max: number | null } | null
  escalation: Array<{ afterMs: number; assignees: Assignees | null; priority: TaskPriority | null; message: string | null }>
  hours: BusinessHours | undefined
  form: Record<string, unknown> | undefined
  commentRequired: boolean
  forbidSelfApproval: boolean
  priority: TaskPriority
  resultVariable: string | null
  channels: PreparedChannel[]
}

/** Where an approval stands between resumes. */
interface ApprovalState {
  level: number
  levelSince: number
  escalations: number
  reminders: number
  lastReminderAt: number | null
  assignees: Assignees
  priority: TaskPriority
  dueAt: number | null
  excluded: string[]
  approvals: Array<{ level: number; by: string[]; comment: string | null; data: Record<string, unknown> | null }>
}

const quorumSchema = {
  title: 'Who must approve',
  description: 'Any one approver (any), every named user (all), or at least N of them.',
  oneOf: [
    { type: 'string', enum: ['any', 'all'] },
    { type: 'object', additionalProperties: false, required: ['atLeast'], properties: { atLeast: { type: 'integer', minimum: 1, maximum: 100, title: 'At least', description: 'How many approvals decide.' } } },
  ],
}

/** human.approval: `approved`, `rejected`, or `timeout` (with a deadline); the decision lands in vars.<resultVariable>. */
export default defineNode<Config, Prepared>({
  manifest: {
    type: 'human.approval',
    title: 'Approval',
    description: 'Asks people to approve or reject, level by level, with a deadline, reminders and escalation.',
    category: 'human',
    icon: 'user-check',
    inputs: 1,
    waits: true,
    outputs: [
      { name: 'approved', title: 'Approved' },
      { name: 'rejected', title: 'Rejected' },
      { name: 'timeout', title: 'Timed out', when: '/deadline' },
    ],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['title'],
      properties: {
        title: { type: 'string', title: 'Task title', description: 'What the approvers see, e.g. Refund above 5,000 CNY.', minLength: 1, maxLength: 200 },
        assignees: assigneesField('Approvers', 'Who may approve (one level): users by name and roles.'),
        quorum: quorumSchema,
        levels: {
          type: 'array', title: 'Levels', description: 'Approval levels one after the other (team lead, then finance); replaces Approvers.', maxItems: 10,
          items: {
            type: 'object', additionalProperties: false, required: ['assignees'],
            properties: { name: { type: 'string', title: 'Level name', description: 'Shown to approvers, e.g. Team lead.', maxLength: 64 }, assignees: assigneesField('Approvers', 'Who may approve at this level.'), quorum: quorumSchema },
          },
        },
        deadline: durationField('Deadline', 'Take the timeout port when no decision was made within this time, e.g. PT4H.'),
        reminders: {
          type: 'object', title: 'Reminders', description: 'Remind the approvers now and then; a reminder does not move the run.', additionalProperties: false, required: ['every'],
          properties: { every: durationField('Every', 'Remind the approvers this often, e.g. PT2H.'), max: { type: 'integer', minimum: 1, maximum: 100, title: 'At most', description: 'Stop reminding after this many reminders.' } },
        },
        escalation: {
          type: 'array', title: 'Escalation', description: 'Steps after a time at the current level: reassign, raise the priority, notify.', maxItems: 10,
          items: {
            type: 'object', additionalProperties: false, required: ['after'],
            properties: {
              after: durationField('After', 'Time since the level began, e.g. PT4H.'),
              assignees: assigneesField('Reassign to', 'Who takes the task over (empty: the same people).'),
              priority: { type: 'string', enum: [...PRIORITIES], title: 'Priority', description: 'The task\'s new priority (default: one higher).' },
              message: { type: 'string', title: 'Message', description: 'What the notification says.', maxLength: 500 },
            },
          },
        },
        businessHours: businessHoursSchema,
        form: { type: 'object', title: 'Form', description: 'JSON Schema of what approvers fill in; the answers land in the run\'s variables.' },
        commentRequired: { type: 'boolean', title: 'Comment required', description: 'Approvers must write a comment with their decision.' },
        forbidSelfApproval: { type: 'boolean', title: 'Forbid self-approval', description: 'The person who started the run or last changed the order may not approve it.' },
        priority: { type: 'string', enum: [...PRIORITIES], title: 'Priority', description: 'How urgent the task is in the inbox.', default: 'normal' },
        resultVariable: { type: 'string', title: 'Result variable', description: 'The decision is stored as vars.<this> (default: the node id).', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
        channels: channelsField('Also send through', 'Its messages (the new task, reminders, escalations) also go out through these connectors: email, IM, SMS.'),
      },
    },
    i18n: {
      'zh-CN': {
        title: '审批',
        description: '请相关人员逐级审批通过或驳回，可设置期限、提醒和升级。',
        ports: { approved: '通过', rejected: '驳回', timeout: '超时' },
        fields: {
          '/title': { title: '任务标题', description: '审批人看到的标题，例如：退款超过 5,000 元。' },
          '/assignees': { title: '审批人', description: '谁可以审批（单级）：按用户名和角色指定。' },
          ...assigneesFieldText('/assignees'),
          '/quorum': { title: '通过条件', description: '任一人（any）、全部指定用户（all）或至少 N 人通过。' },
          '/levels': { title: '审批级别', description: '依次审批的级别（先组长、再财务），设置后代替“审批人”。' },
          '/levels/*': { title: '级别' },
          '/levels/*/name': { title: '级别名称', description: '显示给审批人，例如：组长。' },
          '/levels/*/assignees': { title: '审批人', description: '这一级谁可以审批。' },
          ...assigneesFieldText('/levels/*/assignees'),
          '/levels/*/quorum': { title: '通过条件', description: '任一人（any）、全部指定用户（all）或至少 N 人通过。' },
          '/deadline': { title: '期限', description: '超过这段时间仍未决定则走“超时”分支，例如 PT4H（4 小时）。' },
          '/reminders': { title: '提醒', description: '定期提醒审批人，提醒不会改变流程走向。' },
          '/reminders/every': { title: '每隔', description: '每隔多久提醒审批人，例如 PT2H。' },
          '/reminders/max': { title: '最多次数', description: '提醒这么多次后不再提醒。' },
          '/escalation': { title: '升级', description: '当前级别持续一段时间后：转交他人、提高优先级、发送通知。' },
          '/escalation/*': { title: '升级步骤' },
          '/escalation/*/after': { title: '多久之后', description: '从该级别开始计时，例如 PT4H。' },
          '/escalation/*/assignees': { title: '转交给', description: '接手任务的人（留空：仍由原审批人）。' },
          ...assigneesFieldText('/escalation/*/assignees'),
          '/escalation/*/priority': { title: '优先级', description: '任务的新优先级（默认提高一级）。', enum: { low: '低', normal: '普通', high: '高', urgent: '紧急' } },
          '/escalation/*/message': { title: '通知内容', description: '通知里写什么。' },
          ...businessHoursFieldText('/businessHours', '期限、提醒和升级只按工作时间计算。'),
          '/form': { title: '表单', description: '审批人需要填写的内容（JSON Schema），填写结果写入流程变量。' },
          '/commentRequired': { title: '必须填写意见', description: '审批人做决定时必须填写意见。' },
          '/forbidSelfApproval': { title: '禁止自己审批', description: '发起流程或最后修改订单的人不能审批。' },
          '/priority': { title: '优先级', description: '任务在待办中的紧急程度。', enum: { low: '低', normal: '普通', high: '高', urgent: '紧急' } },
          '/resultVariable': { title: '结果变量', description: '审批结果保存为 vars.<变量名>（默认：节点 id）。' },
          ...channelsFieldText('/channels'),
        },
      },
      en: {
        fields: {
          ...assigneesFieldEnText('/assignees'),
          ...assigneesFieldEnText('/levels/*/assignees'),
          ...assigneesFieldEnText('/escalation/*/assignees'),
          '/escalation/*/priority': { enum: { ...PRIORITY_LABELS_EN } },
          '/priority': { enum: { ...PRIORITY_LABELS_EN } },
        },
      },
    },
  },
  prepare(config, tools) {
    const ms = (pointer: string, text: string) => {
      try { return parseDurationMs(text) } catch (error) { throw new ConfigError(pointer, (error as Error).message) }
    }
    const levels = (config.levels && config.levels.length > 0
      ? config.levels.map((l, i) => ({ name: l.name, assignees: normalize(l.assignees), quorum: quorum(l.quorum, `/levels/${i}/quorum`, l.assignees) }))
      : [{ name: undefined, assignees: normalize(config.assignees ?? {}), quorum: quorum(config.quorum, '/quorum', config.assignees ?? {}) }])
    levels.forEach((l, i) => {
      if (l.assignees.users.length === 0 && l.assignees.roles.length === 0) {
        throw new ConfigError(config.levels?.length ? `/levels/${i}/assignees` : '/assignees', 'names no approver: give at least one user or role')
      }
    })
    if (config.form) {
      try { formAjv.compile(config.form) } catch (error) { throw new ConfigError('/form', `is not a JSON Schema ajv can use: ${(error as Error).message}`) }
    }
    if (config.businessHours) {
      const problem = checkBusinessHours(config.businessHours)
      if (problem) throw new ConfigError('/businessHours', problem)
    }
    return {
      title: config.title,
      levels: levels.map((l) => (l.name === undefined ? { assignees: l.assignees, quorum: l.quorum } : l)),
      deadlineMs: config.deadline ? ms('/deadline', config.deadline) : null,
      reminders: config.reminders ? { everyMs: Math.max(60_000, ms('/reminders/every', config.reminders.every)), max: config.reminders.max ?? null } : null,
      escalation: (config.escalation ?? []).map((e, i) => ({
        afterMs: ms(`/escalation/${i}/after`, e.after), assignees: e.assignees ? normalize(e.assignees) : null,
        priority: e.priority ?? null, message: e.message ?? null,
      })).sort((a, b) => a.afterMs - b.afterMs),
      hours: config.businessHours,
      form: config.form,
      commentRequired: config.commentRequired === true,
      forbidSelfApproval: config.forbidSelfApproval === true,
      priority: config.priority ?? 'normal',
      resultVariable: config.resultVariable ?? null,
      channels: prepareChannels(config.channels, '/channels', tools),
    }
  },
  run(ctx) {
    const c = ctx.config
    const first = c.levels[0]
    const excluded = c.forbidSelfApproval ? [...new Set([ctx.startedBy, ctx.orderChangedBy].filter((x): x is string => typeof x === 'string'))] : []
    const state: ApprovalState = {
      level: 1, levelSince: ctx.now, escalations: 0, reminders: 0, lastReminderAt: null, assignees: first.assignees, priority: c.priority,
      dueAt: c.deadlineMs === null ? null : addWorkingTime(ctx.now, c.deadlineMs, c.hours), excluded, approvals: [],
    }
    return wait(approvalWait(c, state, [taskNotice(c, state)]))
  },
  resume(ctx, event): NodeResult {
    const c = ctx.config
    const state = ctx.waiting.state as ApprovalState
    const variable = c.resultVariable ?? ctx.node.id
    if (event.kind === 'task-completed') {
      const approval = { level: state.level, by: event.by, comment: event.comment, data: event.data }
      const approvals = [...state.approvals, approval]
      if (event.decision === 'reject') {
        return next({ port: 'rejected', output: { decision: 'reject', ...approval }, variables: { [variable]: { decision: 'reject', ...approval, approvals } } })
      }
      if (state.level < c.levels.length) {
        const level = c.levels[state.level]
        const moved: ApprovalState = {
          ...state, level: state.level + 1, levelSince: ctx.now, escalations: 0, reminders: 0, lastReminderAt: null,
          assignees: level.assignees, priority: c.priority, approvals,
        }
        return wait(approvalWait(c, moved, [taskNotice(c, moved)]))
      }
      const data = approvals.reduce<Record<string, unknown>>((acc, a) => ({ ...acc, ...(a.data ?? {}) }), {})
      return next({ port: 'approved', output: { decision: 'approve', ...approval }, variables: { [variable]: { decision: 'approve', ...approval, data, approvals } } })
    }
    if (event.kind === 'timer' && event.name === 'deadline') {
      return next({ port: 'timeout', output: { decision: 'timeout', level: state.level }, variables: { [variable]: { decision: 'timeout', level: state.level, approvals: state.approvals } } })
    }
    if (event.kind === 'timer' && event.name === 'remind') {
      const reminded: ApprovalState = { ...state, reminders: state.reminders + 1, lastReminderAt: ctx.now }
      const notice: Notification = {
        key: `remind-${state.level}-${reminded.reminders}`, kind: 'reminder', to: state.assignees, title: c.title,
        message: `reminder ${reminded.reminders}: waiting for your decision`, priority: state.priority, taskKey: taskKey(state),
      }
      return wait(approvalWait(c, reminded, [notice]))
    }
    if (event.kind === 'timer' && event.name === 'escalate') {
      const step = c.escalation[state.escalations]
      // Reminders start over from the escalation: the new assignees get the escalation, not a reminder with it.
      const escalated: ApprovalState = {
        ...state, escalations: state.escalations + 1, lastReminderAt: ctx.now,
        assignees: step?.assignees ?? state.assignees,
        priority: step?.priority ?? raise(state.priority),
      }
      const notice: Notification = {
        key: `escalate-${state.level}-${escalated.escalations}`, kind: 'escalation', to: escalated.assignees, title: c.title,
        message: step?.message ?? `escalated: no decision after ${Math.round((ctx.now - state.levelSince) / 60_000)} minutes`,
        priority: escalated.priority, taskKey: taskKey(state),
      }
      return wait(approvalWait(c, escalated, [notice]))
    }
    throw new Error(`human.approval cannot use a ${event.kind} event`)
  },
})

function normalize(a: Partial<Assignees>): Assignees {
  return { users: [...new Set(a.users ?? [])], roles: [...new Set(a.roles ?? [])] }
}

function quorum(q: QuorumConfig | undefined, pointer: string, assignees: Partial<Assignees>): Quorum {
  if (q === undefined || q === 'any') return { kind: 'any' }
  if (q === 'all') {
    if ((assignees.users ?? []).length === 0) throw new ConfigError(pointer, '"all" needs the approvers named as users (a role has no fixed members)')
    return { kind: 'all' }
  }
  return { kind: 'at-least', count: q.atLeast }
}

function raise(p: TaskPriority): TaskPriority {
  return p === 'low' ? 'normal' : p === 'normal' ? 'high' : 'urgent'
}

function taskKey(state: ApprovalState): string {
  return `level-${state.level}`
}

function taskNotice(c: Prepared, state: ApprovalState): Notification {
  return { key: `task-${state.level}`, kind: 'task', to: state.assignees, title: c.title, priority: state.priority, taskKey: taskKey(state) }
}

/** The whole wait of an approval in `state`: its task, its deadline, its next reminder and escalation. */
function approvalWait(c: Prepared, state: ApprovalState, notify: Notification[]): Wait {
  const level = c.levels[state.level - 1]
  const timers: NonNullable<Wait['timers']> = {}
  if (state.dueAt !== null) timers.deadline = { at: state.dueAt, purpose: 'deadline' }
  if (c.reminders && (c.reminders.max === null || state.reminders < c.reminders.max)) {
    const at = addWorkingTime(state.lastReminderAt ?? state.levelSince, c.reminders.everyMs, c.hours)
    if (state.dueAt === null || at < state.dueAt) timers.remind = { at, purpose: 'reminder' }
  }
  const step = c.escalation[state.escalations]
  if (step) {
    const at = addWorkingTime(state.levelSince, step.afterMs, c.hours)
    if (state.dueAt === null || at < state.dueAt) timers.escalate = { at, purpose: 'escalation' }
  }
  return {
    timers,
    tasks: [{
      key: taskKey(state), title: c.title, assignees: state.assignees, quorum: level.quorum, priority: state.priority,
      level: state.level, ...(level.name !== undefined ? { levelName: level.name } : {}),
      ...(c.form ? { form: c.form } : {}), commentRequired: c.commentRequired, excluded: state.excluded,
      ...(state.dueAt !== null ? { dueAt: state.dueAt } : {}),
    }],
    notify: c.channels.length ? notify.map((n) => ({ ...n, via: c.channels })) : notify,
    state,
    label: c.levels.length > 1 ? `approval "${c.title}", level ${state.level} of ${c.levels.length}${level.name ? ` (${level.name})` : ''}` : `approval "${c.title}"`,
    ...(state.dueAt !== null ? { until: state.dueAt } : {}),
  }
}
