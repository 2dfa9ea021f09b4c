/** Joins parallel branches: waits for all of them (or the first) before going on. */
import { defineNode, next } from '../../connectors/sdk/define-node.ts'
import type { JoinSettings } from '../core/join.ts'

type Config = { mode?: 'all' | 'any' }

/** flow.join: the interpreter collects the branches; its input and output are the map edge id → branch output. */
export default defineNode<Config, JoinSettings>({
  manifest: {
    type: 'flow.join',
    title: 'Join',
    description: 'Waits until all incoming branches (or the first one) arrive, then goes on once.',
    category: 'flow',
    icon: 'git-merge',
    inputs: 1,
    outputs: [{ name: 'out', title: 'Joined' }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        mode: {
          type: 'string',
          title: 'Wait for',
          description: 'all: every incoming branch must arrive; any: go on with the first, drop the later ones.',
          enum: ['all', 'any'],
          default: 'all',
        },
      },
    },
    i18n: {
      'zh-CN': {
        title: '汇合',
        description: '等待所有（或第一个）入边分支到达后继续。',
        ports: { out: '汇合后' },
        fields: {
          '/mode': {
            title: '等待方式',
            description: '全部分支：所有入边分支都到达后才继续；任一分支：第一个到达就继续，之后到达的丢弃。',
            enum: { all: '全部分支', any: '任一分支' },
          },
        },
      },
      en: {
        fields: {
          '/mode': { enum: { all: 'All branches', any: 'Any branch' } },
        },
      },
    },
  },
  prepare(config) {
    return { mode: config.mode ?? 'all' }
  },
  run(ctx) {
    return next({ output: ctx.input })
  },
})
