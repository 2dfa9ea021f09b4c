/** Splits a run into parallel branches: every edge leaving it gets its own token. */
import { defineNode, next } from '../../connectors/sdk/define-node.ts'

/** flow.parallel: passes its input to every branch. */
export default defineNode<Record<string, never>>({
  manifest: {
    type: 'flow.parallel',
    title: 'Parallel',
    description: 'Runs every outgoing branch at the same time.',
    category: 'flow',
    icon: 'git-fork',
    inputs: 1,
    outputs: [{ name: 'out', title: 'Branches' }],
    configSchema: { type: 'object', additionalProperties: false, properties: {} },
    i18n: {
      'zh-CN': { title: '并行', description: '同时执行所有出边分支。', ports: { out: '分支' }, fields: {} },
    },
  },
  run(ctx) {
    return next({ output: ctx.input })
  },
})
