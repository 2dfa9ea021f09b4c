/** Starts a run by hand (an operator or the API), with the input they give. */
import { defineNode, next } from '../../connectors/sdk/define-node.ts'

type Config = { inputDescription?: string }

/** trigger.manual: passes the start input through unchanged. */
export default defineNode<Config>({
  manifest: {
    type: 'trigger.manual',
    title: 'Manual start',
    description: 'Starts the workflow by hand from the console or the API (POST /api/runs).',
    category: 'trigger',
    icon: 'play',
    inputs: 0,
    outputs: [{ name: 'out', title: 'Started' }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        inputDescription: {
          type: 'string',
          title: 'Expected input',
          description: 'Tells whoever starts the run what input to give (shown in the start dialog).',
          maxLength: 2000,
        },
      },
    },
    i18n: {
      'zh-CN': {
        title: '手动启动',
        description: '从控制台或 API（POST /api/runs）手动启动流程。',
        ports: { out: '启动' },
        fields: {
          '/inputDescription': { title: '输入说明', description: '告诉启动流程的人需要提供什么输入（显示在启动对话框中）。' },
        },
      },
    },
  },
  run(ctx) {
    return next({ output: ctx.input })
  },
})
