/** Calls another published workflow on the run's order and goes on with its result. */
import { defineNode, next, wait } from '../../connectors/sdk/define-node.ts'
import { ConfigError } from '../core/config-error.ts'
import type { CompiledRule } from '../core/json-logic.ts'
import { ruleData } from '../core/rule-data.ts'

type Config = { workflowId: string; variables?: Record<string, unknown>; resultVariable?: string }
type Prepared = { workflowId: string; variables: Array<[string, CompiledRule]>; resultVariable: string | null }

/** flow.sub-workflow: `done` when the called run completed (its variables land in vars.<resultVariable>), `cancelled` when it was cancelled. */
export default defineNode<Config, Prepared>({
  manifest: {
    type: 'flow.sub-workflow',
    title: 'Sub-workflow',
    description: 'Runs another published workflow on this order and continues with its result.',
    category: 'flow',
    icon: 'corner-down-right',
    inputs: 1,
    waits: true,
    outputs: [{ name: 'done', title: 'Done' }, { name: 'cancelled', title: 'Cancelled' }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['workflowId'],
      properties: {
        workflowId: { type: 'string', title: 'Workflow', description: 'The published workflow to run (its id).', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
        variables: {
          type: 'object', title: 'Variables', description: 'Variable name → JsonLogic expression: what the called run starts with.',
          propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
          additionalProperties: { title: 'Expression', description: 'JsonLogic expression', $comment: 'jsonlogic' },
        },
        resultVariable: { type: 'string', title: 'Result variable', description: 'The called run\'s variables are stored as vars.<this> (default: the node id).', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
      },
    },
    i18n: {
      'zh-CN': {
        title: '子流程',
        description: '在该订单上运行另一个已发布的流程，并带着它的结果继续。',
        ports: { done: '完成', cancelled: '已取消' },
        fields: {
          '/workflowId': { title: '流程', description: '要运行的已发布流程（流程 id）。' },
          '/variables': { title: '变量', description: '变量名 → JsonLogic 表达式：被调用流程开始时的变量。' },
          '/variables/*': { title: '表达式', description: 'JsonLogic 表达式' },
          '/resultVariable': { title: '结果变量', description: '被调用流程的变量保存为 vars.<变量名>（默认：节点 id）。' },
        },
      },
    },
  },
  prepare(config, tools) {
    const variables = Object.entries(config.variables ?? {}).map(([name, rule]): [string, CompiledRule] => {
      try { return [name, tools.compileRule(rule)] } catch (error) { throw new ConfigError(`/variables/${name}`, (error as Error).message) }
    })
    return { workflowId: config.workflowId, variables, resultVariable: config.resultVariable ?? null }
  },
  run(ctx) {
    const c = ctx.config
    const variables = Object.fromEntries(c.variables.map(([name, rule]) => [name, rule(ruleData(ctx))]))
    return wait({
      children: { workflowId: c.workflowId, items: [ctx.order?.id ?? null], concurrency: 1, itemVariable: 'parentOrderId', variables, awaitAll: true },
      label: `sub-workflow ${c.workflowId}`,
    })
  },
  resume(ctx, event) {
    if (event.kind !== 'children-finished') throw new Error(`flow.sub-workflow cannot use a ${event.kind} event`)
    const [outcome] = event.outcomes
    const variable = ctx.config.resultVariable ?? ctx.node.id
    return next({ port: outcome?.status === 'completed' ? 'done' : 'cancelled', output: outcome ?? null, variables: { [variable]: outcome?.variables ?? {} } })
  },
})
