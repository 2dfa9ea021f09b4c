/** Computes run variables with JsonLogic expressions and optionally tags the order. */
import { defineNode, next } from '../../connectors/sdk/define-node.ts'
import { ConfigError } from '../core/config-error.ts'
import type { CompiledRule } from '../core/json-logic.ts'
import { ruleData } from '../core/rule-data.ts'
import { escapePointer } from '../../schemas/index.ts'
import { JSON_LOGIC_COMMENT, tagListField } from './schema-fragments.ts'

type Config = { variables: Record<string, unknown>; tags?: string[] }
type Prepared = { variables: Array<[string, CompiledRule]>; tags: string[] }

/** rule.set: expressions run in config order, each seeing the ones before it under `vars`; outputs what it set. */
export default defineNode<Config, Prepared>({
  manifest: {
    type: 'rule.set',
    title: 'Set variables',
    description: 'Computes run variables from the order with JsonLogic expressions and can tag the order.',
    category: 'rule',
    icon: 'variable',
    inputs: 1,
    outputs: [
      { name: 'out', title: 'Next' },
      { name: 'error', title: 'Error', errorPort: true },
    ],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['variables'],
      properties: {
        variables: {
          type: 'object',
          title: 'Variables',
          description: 'Variable name → JsonLogic expression over { order, vars, input }; read later as {"var": "vars.<name>"}.',
          propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
          additionalProperties: { title: 'Expression', description: 'JsonLogic expression', $comment: JSON_LOGIC_COMMENT },
        },
        tags: tagListField('Tags to add', 'Tags added to the order.'),
      },
    },
    i18n: {
      'zh-CN': {
        title: '设置变量',
        description: '用 JsonLogic 表达式根据订单计算流程变量，并可给订单加标签。',
        ports: { out: '下一步', error: '出错' },
        fields: {
          '/variables': {
            title: '变量',
            description: '变量名 → 基于 { order, vars, input } 的 JsonLogic 表达式；后续节点用 {"var": "vars.<变量名>"} 读取。',
          },
          '/variables/*': { title: '表达式', description: 'JsonLogic 表达式' },
          '/tags': { title: '添加标签', description: '要给订单添加的标签。' },
          '/tags/*': { title: '标签' },
        },
      },
    },
  },
  prepare(config, tools) {
    const variables = Object.entries(config.variables).map(([name, expr]): [string, CompiledRule] => {
      try {
        return [name, tools.compileRule(expr)]
      } catch (error) {
        throw new ConfigError(`/variables/${escapePointer(name)}`, (error as Error).message)
      }
    })
    return { variables, tags: config.tags ?? [] }
  },
  run(ctx) {
    const set: Record<string, unknown> = {}
    for (const [name, expr] of ctx.config.variables) {
      set[name] = expr(ruleData({ ...ctx, variables: { ...ctx.variables, ...set } }))
    }
    if (ctx.config.tags.length === 0) return next({ variables: set, output: set })
    if (!ctx.order) throw new Error('rule.set cannot tag: this run has no order')
    return next({ variables: set, output: set, orderPatch: { addTags: ctx.config.tags } })
  },
})
