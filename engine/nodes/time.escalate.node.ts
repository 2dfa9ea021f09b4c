/** Escalates step by step without an approval: notifies people, louder each time, until the order is put right. */
import { defineNode, next, wait, type Assignees, type Notification, type NodeResult, type PreparedChannel, type TaskPriority, type Wait } from '../../connectors/sdk/define-node.ts'
import { ConfigError } from '../core/config-error.ts'
import { parseDurationMs } from '../core/duration.ts'
import { isTruthy, type CompiledRule } from '../core/json-logic.ts'
import { addWorkingTime, businessHoursSchema, checkBusinessHours, type BusinessHours } from '../core/business-hours.ts'
import { PRIORITIES, PRIORITY_LABELS_EN, assigneesField, assigneesFieldEnText, assigneesFieldText, businessHoursFieldText, channelsField, channelsFieldText, durationField, jsonLogicField, prepareChannels } from './schema-fragments.ts'

interface StepConfig { after: string; notify: Partial<Assignees>; priority?: TaskPriority; message?: string }
interface Config { title: string; steps: StepConfig[]; until?: unknown; businessHours?: BusinessHours; channels?: Array<{ via: string; config: Record<string, unknown> }> }
interface Prepared {
  title: string
  steps: Array<{ afterMs: number; notify: Assignees; priority: TaskPriority; message: string | null }>
  until: CompiledRule | null
  hours: BusinessHours | undefined
  channels: PreparedChannel[]
}
interface EscalationState { step: number; since: number }

/** time.escalate: `resolved` once the order matches `until`, `escalated` after its last step. */
export default defineNode<Config, Prepared>({
  manifest: {
    type: 'time.escalate',
    title: 'Escalate',
    description: 'Notifies people step by step, each time louder, until the order is put right or the last step is reached.',
    category: 'time',
    icon: 'megaphone',
    inputs: 1,
    waits: true,
    outputs: [
      { name: 'escalated', title: 'Escalated' },
      { name: 'resolved', title: 'Resolved', when: '/until' },
    ],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['title', 'steps'],
      properties: {
        title: { type: 'string', title: 'Subject', description: 'What the messages are about, e.g. Order stuck in review.', minLength: 1, maxLength: 200 },
        steps: {
          type: 'array', title: 'Steps', description: 'Each step after a time since the node began: whom to notify, how urgently.', minItems: 1, maxItems: 10,
          items: {
            type: 'object', additionalProperties: false, required: ['after', 'notify'],
            properties: {
              after: durationField('After', 'Time since the escalation began, e.g. PT0S for at once, PT2H.'),
              notify: assigneesField('Notify', 'Who gets the message: users and roles.'),
              priority: { type: 'string', enum: [...PRIORITIES], title: 'Priority', description: 'How urgent the message is.' },
              message: { type: 'string', title: 'Message', description: 'What the message says.', maxLength: 500 },
            },
          },
        },
        until: jsonLogicField('Resolved when', 'JsonLogic rule over { order }: stop escalating once the order matches it, e.g. the status moved on.'),
        businessHours: businessHoursSchema,
        channels: channelsField('Also send through', 'Each step\'s message also goes out through these connectors: email, IM, SMS.'),
      },
    },
    i18n: {
      'zh-CN': {
        title: '升级通知',
        description: '按步骤通知相关人员，一次比一次紧急，直到订单恢复正常或到达最后一步。',
        ports: { escalated: '已升级', resolved: '已解决' },
        fields: {
          '/title': { title: '主题', description: '通知关于什么，例如：订单审核卡住。' },
          '/steps': { title: '步骤', description: '从开始计时，每一步通知谁、多紧急。' },
          '/steps/*': { title: '步骤' },
          '/steps/*/after': { title: '多久之后', description: '从升级开始计时，例如 PT0S 表示立即，PT2H 表示 2 小时后。' },
          '/steps/*/notify': { title: '通知', description: '收到通知的人：用户和角色。' },
          ...assigneesFieldText('/steps/*/notify'),
          '/steps/*/priority': { title: '优先级', description: '通知的紧急程度。', enum: { low: '低', normal: '普通', high: '高', urgent: '紧急' } },
          '/steps/*/message': { title: '通知内容', description: '通知里写什么。' },
          '/until': { title: '解决条件', description: '基于 { order } 的 JsonLogic 规则：订单满足时停止升级，例如状态已推进。' },
          ...businessHoursFieldText('/businessHours', '只按工作时间计时。'),
          ...channelsFieldText('/channels'),
        },
      },
      en: {
        fields: {
          ...assigneesFieldEnText('/steps/*/notify'),
          '/steps/*/priority': { enum: { ...PRIORITY_LABELS_EN } },
        },
      },
    },
  },
  prepare(config, tools) {
    const steps = config.steps.map((s, i) => {
      let afterMs: number
      try { afterMs = parseDurationMs(s.after) } catch (error) { throw new ConfigError(`/steps/${i}/after`, (error as Error).message) }
      const notify = { users: [...new Set(s.notify.users ?? [])], roles: [...new Set(s.notify.roles ?? [])] }
      if (notify.users.length + notify.roles.length === 0) throw new ConfigError(`/steps/${i}/notify`, 'names nobody: give at least one user or role')
      return { afterMs, notify, priority: s.priority ?? 'high', message: s.message ?? null }
    }).sort((a, b) => a.afterMs - b.afterMs)
    if (config.businessHours) {
      const problem = checkBusinessHours(config.businessHours)
      if (problem) throw new ConfigError('/businessHours', problem)
    }
    let until: CompiledRule | null = null
    if (config.until !== undefined) {
      try { until = tools.compileRule(config.until) } catch (error) { throw new ConfigError('/until', (error as Error).message) }
    }
    return { title: config.title, steps, until, hours: config.businessHours, channels: prepareChannels(config.channels, '/channels', tools) }
  },
  run(ctx) {
    if (ctx.config.until && isTruthy(ctx.config.until({ order: ctx.order }))) return next({ port: 'resolved', output: { step: 0 } })
    return escalateFrom(ctx.config, { step: 0, since: ctx.now }, ctx.now)
  },
  resume(ctx, event): NodeResult {
    const c = ctx.config
    const state = ctx.waiting.state as EscalationState
    if (event.kind === 'order-changed') {
      if (c.until && isTruthy(c.until({ order: ctx.order }))) return next({ port: 'resolved', output: { step: state.step } })
      return wait(escalationWait(c, state, []))
    }
    if (event.kind === 'timer' && event.name === 'step') return escalateFrom(c, state, ctx.now)
    throw new Error(`time.escalate cannot use a ${event.kind} event`)
  },
})

/** Sends every step that is due by `now`, then waits for the next one (or goes on after the last). */
function escalateFrom(c: Prepared, state: EscalationState, now: number): NodeResult {
  const notify: Notification[] = []
  let step = state.step
  while (step < c.steps.length && addWorkingTime(state.since, c.steps[step].afterMs, c.hours) <= now) {
    const s = c.steps[step]
    notify.push({
      key: `step-${step + 1}`, kind: 'escalation', to: s.notify, title: c.title, priority: s.priority, ...(s.message ? { message: s.message } : {}),
      ...(c.channels.length ? { via: c.channels } : {}),
    })
    step += 1
  }
  const moved = { ...state, step }
  if (step >= c.steps.length) return next({ port: 'escalated', output: { steps: step }, notify })
  return wait(escalationWait(c, moved, notify))
}

function escalationWait(c: Prepared, state: EscalationState, notify: Notification[]): Wait {
  const nextStep = c.steps[state.step]
  const timers: NonNullable<Wait['timers']> = {}
  if (nextStep) timers.step = { at: addWorkingTime(state.since, nextStep.afterMs, c.hours), purpose: 'escalation' }
  return {
    timers, notify, state, orderChange: c.until !== null,
    label: `escalation "${c.title}", step ${Math.min(state.step + 1, c.steps.length)} of ${c.steps.length}`,
    ...(nextStep ? { until: timers.step.at } : {}),
  }
}
