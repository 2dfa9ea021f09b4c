/** Starts the workflow on a schedule: a cron expression in a time zone (UTC unless given). */
import { defineNode, next } from '../../connectors/sdk/define-node.ts'
import { ConfigError } from '../core/config-error.ts'
import { checkCron } from '../core/cron.ts'

type Config = { cron: string; timeZone?: string }

/** The node type whose triggers a schedule starts. */
export const SCHEDULE_TRIGGER_TYPE = 'trigger.schedule'

/** trigger.schedule: a missed tick runs once when Ordo is back, never once per missed tick; the run's input is `{ tick }`. */
export default defineNode<Config>({
  manifest: {
    type: SCHEDULE_TRIGGER_TYPE,
    title: 'Schedule',
    description: 'Starts the workflow on a schedule, e.g. every 5 minutes or at 09:00 on working days.',
    category: 'trigger',
    icon: 'calendar',
    inputs: 0,
    outputs: [{ name: 'out', title: 'Started' }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['cron'],
      properties: {
        cron: { type: 'string', title: 'Cron', description: 'Minute hour day month weekday, e.g. */5 * * * * (every 5 minutes) or 0 9 * * 1-5.', minLength: 9, maxLength: 120 },
        timeZone: { type: 'string', title: 'Time zone', description: 'The zone the cron is read in, e.g. Asia/Shanghai (default UTC).', minLength: 1, maxLength: 64 },
      },
    },
    i18n: {
      'zh-CN': {
        title: '定时',
        description: '按计划启动流程，例如每 5 分钟一次，或工作日 09:00。',
        ports: { out: '启动' },
        fields: {
          '/cron': { title: '计划（cron）', description: '分 时 日 月 星期，例如 */5 * * * *（每 5 分钟）或 0 9 * * 1-5（工作日 9 点）。' },
          '/timeZone': { title: '时区', description: '按哪个时区理解计划，例如 Asia/Shanghai（默认 UTC）。' },
        },
      },
    },
  },
  prepare(config) {
    const problem = checkCron(config.cron, config.timeZone ?? 'UTC')
    if (problem) throw new ConfigError(config.timeZone && /zone/i.test(problem) ? '/timeZone' : '/cron', problem)
    return config
  },
  run(ctx) {
    return next({ output: ctx.input })
  },
})
