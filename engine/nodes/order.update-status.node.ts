/** Moves the order to a new status, if the order state machine allows the move. */
import { defineNode, next } from '../../connectors/sdk/define-node.ts'
import type { Status } from '../../schemas/generated/order.ts'
import { ORDER_STATUSES, canMoveStatus } from '../core/order-state-machine.ts'
import { requireOrder } from './require-order.ts'
import { ORDER_STATUS_LABELS_EN } from './schema-fragments.ts'

type Config = { status: Status }

/** order.update-status: a no-op when already there; an illegal move fails the step (retry, error port, incident). */
export default defineNode<Config>({
  manifest: {
    type: 'order.update-status',
    title: 'Update status',
    description: 'Moves the order to a new status; a move the order state machine forbids fails the step.',
    category: 'order',
    icon: 'flag',
    inputs: 1,
    outputs: [
      { name: 'out', title: 'Done' },
      { name: 'error', title: 'Error', errorPort: true },
    ],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['status'],
      properties: {
        status: { type: 'string', title: 'New status', description: 'The status to move the order to.', enum: [...ORDER_STATUSES] },
      },
    },
    i18n: {
      'zh-CN': {
        title: '更新状态',
        description: '把订单改为新状态；状态机不允许的变更会使该步骤失败。',
        ports: { out: '完成', error: '出错' },
        fields: {
          '/status': {
            title: '新状态',
            description: '订单要改为的状态。',
            enum: {
              pending_payment: '待付款', paid: '已付款', partially_shipped: '部分发货', shipped: '已发货', delivered: '已签收',
              completed: '已完成', refunding: '退款中', refunded: '已退款', cancelled: '已取消',
            },
          },
        },
      },
      en: {
        fields: {
          '/status': { enum: { ...ORDER_STATUS_LABELS_EN } },
        },
      },
    },
  },
  run(ctx) {
    const order = requireOrder(ctx)
    const to = ctx.config.status
    if (order.status === to) return next({ output: { from: order.status, to, changed: false } })
    if (!canMoveStatus(order.status, to)) throw new Error(`cannot move order from ${order.status} to ${to}`)
    return next({ output: { from: order.status, to, changed: true }, orderPatch: { status: to } })
  },
})
