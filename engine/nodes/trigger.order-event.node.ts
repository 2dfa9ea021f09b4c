/** Starts a run when an order is created, updated or changes status, optionally filtered by a rule. */
import { defineNode, next } from '../../connectors/sdk/define-node.ts'
import type { OrderEventKind, OrderEventTrigger } from '../core/match-triggers.ts'
import { ConfigError } from '../core/config-error.ts'
import { jsonLogicField } from './schema-fragments.ts'

type Config = { events: OrderEventKind[]; filter?: unknown }

/** trigger.order-event: the run's input is the order event `{ event: { kind, fromStatus, toStatus } }`. */
export default defineNode<Config, OrderEventTrigger>({
  manifest: {
    type: 'trigger.order-event',
    title: 'Order event',
    description: 'Starts the workflow when an order is created, updated or changes status.',
    category: 'trigger',
    icon: 'package',
    inputs: 0,
    outputs: [{ name: 'out', title: 'Started' }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['events'],
      properties: {
        events: {
          type: 'array',
          title: 'Events',
          description: 'Which order events start the workflow.',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', enum: ['created', 'updated', 'status_changed'] },
        },
        filter: jsonLogicField(
          'Filter',
          'Optional JsonLogic rule over { order, event: { kind, fromStatus, toStatus } }; the workflow starts only when it is true.',
        ),
      },
    },
    i18n: {
      'zh-CN': {
        title: '订单事件',
        description: '订单创建、更新或状态变化时启动流程。',
        ports: { out: '启动' },
        fields: {
          '/events': { title: '事件', description: '触发流程的订单事件，可多选。' },
          '/events/*': { title: '事件', enum: { created: '新建', updated: '更新', status_changed: '状态变化' } },
          '/filter': {
            title: '过滤条件',
            description: '可选，基于 { order, event: { kind, fromStatus, toStatus } } 的 JsonLogic 规则；规则成立时才启动流程。',
          },
        },
      },
      en: {
        fields: {
          '/events/*': { enum: { created: 'Created', updated: 'Updated', status_changed: 'Status changed' } },
        },
      },
    },
  },
  prepare(config, tools) {
    if (config.filter === undefined) return { events: config.events, filter: null }
    try {
      return { events: config.events, filter: tools.compileRule(config.filter) }
    } catch (error) {
      throw new ConfigError('/filter', (error as Error).message)
    }
  },
  run(ctx) {
    return next({ output: ctx.input })
  },
})
