/** Starts one child run of another workflow per item of a list, a few at a time; waits for them all, or goes on at once. */
import { defineNode, fail, next, wait, type ChildRunsRequest } from '../../connectors/sdk/define-node.ts'
import { ConfigError } from '../core/config-error.ts'
import type { CompiledRule } from '../core/json-logic.ts'
import { ruleData } from '../core/rule-data.ts'
import { jsonLogicField } from './schema-fragments.ts'

/** Most child runs one for-each starts. */
export const MAX_FOR_EACH_ITEMS = 10_000

type Config = { items?: unknown; workflowId: string; concurrency?: number; awaitAll?: boolean; itemVariable?: string }
type Prepared = { items: CompiledRule; workflowId: string; concurrency: number; awaitAll: boolean; itemVariable: string }

/** flow.for-each: `done` with `{ outcomes: [{ item, runId, status, variables }], completed, cancelled }` (or at once with `{ started }`). */
export default defineNode<Config, Prepared>({
  manifest: {
    type: 'flow.for-each',
    title: 'For each',
    description: 'Runs another published workflow once per item of a list (e.g. the orders found), a few at a time.',
    category: 'flow',
    icon: 'repeat',
    inputs: 1,
    waits: true,
    outputs: [{ name: 'done', title: 'Done' }, { name: 'error', title: 'Error', errorPort: true }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['workflowId'],
      properties: {
        items: jsonLogicField('Items', 'JsonLogic rule giving the list, e.g. {"var": "vars.found"} (default: the orders of the step before).'),
        workflowId: { type: 'string', title: 'Workflow', description: 'The published workflow each item runs (its id).', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
        concurrency: { type: 'integer', title: 'At a time', description: 'How many child runs may run at once.', minimum: 1, maximum: 50, default: 5 },
        awaitAll: { type: 'boolean', title: 'Wait for all', description: 'Go on once every child run has finished, with their outcomes (else at once).', default: true },
        itemVariable: { type: 'string', title: 'Item variable', description: 'Each child run gets its item as vars.<this> (default: item).', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
      },
    },
    i18n: {
      'zh-CN': {
        title: '逐个处理',
        description: '对列表中的每一项（例如找到的订单）各运行一次另一个已发布的流程，可同时运行几个。',
        ports: { done: '完成', error: '出错' },
        fields: {
          '/items': { title: '列表', description: '给出列表的 JsonLogic 规则，例如 {"var": "vars.found"}（默认：上一步找到的订单）。' },
          '/workflowId': { title: '流程', description: '每一项要运行的已发布流程（流程 id）。' },
          '/concurrency': { title: '同时运行', description: '最多同时运行多少个子流程。' },
          '/awaitAll': { title: '等待全部完成', description: '所有子流程结束后带着结果继续（否则立即继续）。' },
          '/itemVariable': { title: '项目变量', description: '每个子流程以 vars.<变量名> 拿到自己的那一项（默认 item）。' },
        },
      },
    },
  },
  prepare(config, tools) {
    try {
      return {
        items: tools.compileRule(config.items ?? { var: 'input.orders' }),
        workflowId: config.workflowId, concurrency: config.concurrency ?? 5, awaitAll: config.awaitAll ?? true, itemVariable: config.itemVariable ?? 'item',
      }
    } catch (error) {
      throw new ConfigError('/items', (error as Error).message)
    }
  },
  run(ctx) {
    const c = ctx.config
    const items = c.items(ruleData(ctx))
    if (!Array.isArray(items)) return fail(`the items rule gave ${items === null ? 'nothing' : typeof items}, not a list`)
    if (items.length > MAX_FOR_EACH_ITEMS) return fail(`${items.length} items are more than the ${MAX_FOR_EACH_ITEMS.toLocaleString('en-US')} one for-each may start`)
    if (items.length === 0) return next({ port: 'done', output: { outcomes: [], completed: 0, cancelled: 0 } })
    const children: ChildRunsRequest = { workflowId: c.workflowId, items, concurrency: c.concurrency, itemVariable: c.itemVariable, awaitAll: c.awaitAll }
    if (!c.awaitAll) return next({ port: 'done', output: { started: items.length }, children })
    return wait({ children, label: `${items.length} runs of ${c.workflowId}` })
  },
  resume(ctx, event) {
    if (event.kind !== 'children-finished') throw new Error(`flow.for-each cannot use a ${event.kind} event`)
    const completed = event.outcomes.filter((o) => o.status === 'completed').length
    return next({ port: 'done', output: { outcomes: event.outcomes, completed, cancelled: event.outcomes.length - completed } })
  },
})
