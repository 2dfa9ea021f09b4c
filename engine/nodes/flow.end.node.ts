/** Ends the whole run, dropping every other branch still in flight. */
import { defineNode, next } from '../../connectors/sdk/define-node.ts'

type Config = { outcome?: string }

/** flow.end: outputs `{ outcome }` so the run's last step names how it ended. */
export default defineNode<Config>({
  manifest: {
    type: 'flow.end',
    title: 'End',
    description: 'Ends the whole run here; other branches still running are stopped.',
    category: 'flow',
    icon: 'square',
    inputs: 1,
    outputs: [],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        outcome: {
          type: 'string',
          title: 'Outcome',
          description: 'A label for how the run ended, e.g. approved or rejected (shown in reports).',
          maxLength: 64,
        },
      },
    },
    i18n: {
      'zh-CN': {
        title: '结束',
        description: '在此结束整个流程，仍在运行的其他分支一并停止。',
        ports: {},
        fields: {
          '/outcome': { title: '结果', description: '标记流程如何结束，例如 approved（通过）或 rejected（驳回），显示在报表中。' },
        },
      },
    },
  },
  run(ctx) {
    return next({ output: { outcome: ctx.config.outcome ?? null }, endRun: true })
  },
})
