/** Assigns the order to a team (customer service, VIP service, risk review...). */
import { defineNode, next } from '../../connectors/sdk/define-node.ts'
import { requireOrder } from './require-order.ts'
import { pickComment } from './schema-fragments.ts'

type Config = { team: string }

/** order.assign: no patch when the order already belongs to the team. */
export default defineNode<Config>({
  manifest: {
    type: 'order.assign',
    title: 'Assign team',
    description: 'Assigns the order to a team, whose queue then shows it.',
    category: 'order',
    icon: 'users',
    inputs: 1,
    outputs: [{ name: 'out', title: 'Done' }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['team'],
      properties: {
        team: { type: 'string', title: 'Team', description: 'Team id, e.g. vip-service.', minLength: 1, maxLength: 64, $comment: pickComment('teams') },
      },
    },
    i18n: {
      'zh-CN': {
        title: '分配团队',
        description: '把订单分配给某个团队，在该团队的队列中显示。',
        ports: { out: '完成' },
        fields: {
          '/team': { title: '团队', description: '团队 ID，例如 vip-service（VIP 客服）。' },
        },
      },
    },
  },
  run(ctx) {
    const order = requireOrder(ctx)
    const team = ctx.config.team
    if (order.assignedTeam === team) return next({ output: { team, changed: false } })
    return next({ output: { team, changed: true }, orderPatch: { assignedTeam: team } })
  },
})
