/** Starts a run when an order is created, updated or changes status, optionally filtered by a rule. */
import { defineNode } from '../../connectors/sdk/define-node.ts'
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
    return { output: ctx.input }
  },
})
