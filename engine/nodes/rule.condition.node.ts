/** Routes a run one of two ways by a JsonLogic rule over { order, vars, input }. */
import { defineNode, next } from '../../connectors/sdk/define-node.ts'
import { ConfigError } from '../core/config-error.ts'
import { isTruthy, type CompiledRule } from '../core/json-logic.ts'
import { ruleData } from '../core/rule-data.ts'
import { jsonLogicField } from './schema-fragments.ts'

type Config = { rule: unknown }
type Prepared = { rule: CompiledRule }

/** rule.condition: takes `true` or `false` and passes its input through; a failing rule takes `error`. */
export default defineNode<Config, Prepared>({
  manifest: {
    type: 'rule.condition',
    title: 'Condition',
    description: 'Checks a rule against the order and takes the true or the false branch.',
    category: 'rule',
    icon: 'git-branch',
    inputs: 1,
    outputs: [
      { name: 'true', title: 'True' },
      { name: 'false', title: 'False' },
      { name: 'error', title: 'Error', errorPort: true },
    ],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['rule'],
      properties: {
        rule: jsonLogicField('Rule', 'JsonLogic rule over { order, vars, input }, e.g. {">": [{"var": "order.totalAmount"}, 100000]}: more than 1,000.00 (the builder takes amounts in yuan, JSON keeps them in fen).'),
      },
    },
    i18n: {
      'zh-CN': {
        title: '条件判断',
        description: '按规则检查订单，走“是”或“否”分支。',
        ports: { true: '是', false: '否', error: '出错' },
        fields: {
          '/rule': {
            title: '规则',
            description: '基于 { order, vars, input } 的 JsonLogic 规则，例如 {">": [{"var": "order.totalAmount"}, 100000]} 即金额大于 1,000.00 元（可视化编辑按元填写，JSON 中以分存储）。',
          },
        },
      },
    },
  },
  prepare(config, tools) {
    try {
      return { rule: tools.compileRule(config.rule) }
    } catch (error) {
      throw new ConfigError('/rule', (error as Error).message)
    }
  },
  run(ctx) {
    return next({ port: isTruthy(ctx.config.rule(ruleData(ctx))) ? 'true' : 'false', output: ctx.input })
  },
})
