/** Puts the order on hold in a pool (risk, presale, exception, frozen...), or releases it. */
import { defineNode, next } from '../../connectors/sdk/define-node.ts'
import { requireOrder } from './require-order.ts'
import { pickComment } from './schema-fragments.ts'

type Config = { pool: string; reason?: string; release?: boolean }

/** order.hold: idempotent; holding a held pool or releasing a free one changes nothing. */
export default defineNode<Config>({
  manifest: {
    type: 'order.hold',
    title: 'Hold order',
    description: 'Holds the order in a pool so it is not fulfilled until released, or releases such a hold.',
    category: 'order',
    icon: 'pause',
    inputs: 1,
    outputs: [{ name: 'out', title: 'Done' }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['pool'],
      properties: {
        pool: {
          type: 'string',
          title: 'Pool',
          description: 'Hold pool, e.g. risk, presale, exception, frozen.',
          minLength: 1,
          maxLength: 64,
          $comment: pickComment('pools'),
        },
        reason: { type: 'string', title: 'Reason', description: 'Why the order is held (shown to operators).', maxLength: 512 },
        release: { type: 'boolean', title: 'Release', description: 'Release the hold in this pool instead of adding one.' },
      },
    },
    i18n: {
      'zh-CN': {
        title: '挂起订单',
        description: '把订单挂起到某个池（风控、预售、异常、冻结等），暂停履约；也可解除挂起。',
        ports: { out: '完成' },
        fields: {
          '/pool': { title: '挂起池', description: '订单挂起（拦截）到哪个池，例如 risk（风控）、presale（预售）、exception（异常）、frozen（冻结）。' },
          '/reason': { title: '挂起原因', description: '为什么挂起该订单（会显示给运营人员）。' },
          '/release': { title: '解除挂起', description: '勾选后解除该池中的挂起，而不是新增挂起。' },
        },
      },
    },
  },
  run(ctx) {
    const order = requireOrder(ctx)
    const { pool, reason, release } = ctx.config
    const held = order.holds.some((h) => h.pool === pool)
    if (release) {
      return next(held ? { output: { pool, released: true }, orderPatch: { releaseHold: pool } } : { output: { pool, released: false } })
    }
    if (held) return next({ output: { pool, held: false } })
    return next({ output: { pool, held: true }, orderPatch: { addHold: reason === undefined ? { pool } : { pool, reason } } })
  },
})
