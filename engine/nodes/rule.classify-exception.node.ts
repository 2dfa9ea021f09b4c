/** Classifies an order's exception by rules: payment, address, stock, compliance, blacklist or clock skew, each with a priority. */
import { defineNode, next, type TaskPriority } from '../../connectors/sdk/define-node.ts'
import { ConfigError } from '../core/config-error.ts'
import { isTruthy, type CompiledRule } from '../core/json-logic.ts'
import { ruleData } from '../core/rule-data.ts'
import { EXCEPTION_LABELS_EN, PRIORITIES, PRIORITY_LABELS_EN, jsonLogicField } from './schema-fragments.ts'
import type { Exception } from '../../schemas/generated/order.ts'

type ExceptionType = Exception['type']
interface Rule { type: ExceptionType; when: unknown; reason?: string; priority?: TaskPriority }
type Config = { rules: Rule[] }
type Prepared = { rules: Array<{ type: ExceptionType; when: CompiledRule; reason: string | null; priority: TaskPriority }> }

/** The taxonomy's default priorities: a blacklisted buyer or a compliance risk first. */
export const EXCEPTION_PRIORITY: Record<ExceptionType, TaskPriority> = {
  blacklist: 'urgent', compliance: 'urgent', payment: 'high', stock: 'high', address: 'normal', clock_skew: 'low', other: 'normal',
}
const TYPES = Object.keys(EXCEPTION_PRIORITY) as ExceptionType[]
const TYPE_LABELS = { payment: '支付异常', address: '地址异常', stock: '库存异常', compliance: '合规风险', blacklist: '黑名单', clock_skew: '时间异常', other: '其他' }

/** rule.classify-exception: the first matching rule sets order.exception and takes `classified`; none takes `clear`. */
export default defineNode<Config, Prepared>({
  manifest: {
    type: 'rule.classify-exception',
    title: 'Classify exception',
    description: 'Sets the order\'s exception (payment, address, stock, compliance, blacklist, clock skew) by the first rule that matches, with its priority.',
    category: 'rule',
    icon: 'alert-triangle',
    inputs: 1,
    outputs: [{ name: 'classified', title: 'Classified' }, { name: 'clear', title: 'No exception' }, { name: 'error', title: 'Error', errorPort: true }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['rules'],
      properties: {
        rules: {
          type: 'array', title: 'Rules', description: 'Checked in order; the first that matches classifies the order.', minItems: 1, maxItems: 50,
          items: {
            type: 'object', additionalProperties: false, required: ['type', 'when'],
            properties: {
              type: { type: 'string', enum: TYPES, title: 'Exception', description: 'The exception type to set.' },
              when: jsonLogicField('When', 'JsonLogic rule over { order, vars, input }.'),
              reason: { type: 'string', title: 'Reason', description: 'Why, shown to operators.', maxLength: 512 },
              priority: { type: 'string', enum: [...PRIORITIES], title: 'Priority', description: 'How urgent (default: by the type).' },
            },
          },
        },
      },
    },
    i18n: {
      'zh-CN': {
        title: '异常分类',
        description: '按第一条命中的规则设置订单异常（支付、地址、库存、合规、黑名单、时间），并带上优先级。',
        ports: { classified: '已分类', clear: '无异常', error: '出错' },
        fields: {
          '/rules': { title: '规则', description: '依次检查，第一条命中的规则决定订单的异常类型。' },
          '/rules/*': { title: '规则' },
          '/rules/*/type': { title: '异常类型', description: '要设置的异常类型。', enum: TYPE_LABELS },
          '/rules/*/when': { title: '条件', description: '基于 { order, vars, input } 的 JsonLogic 规则。' },
          '/rules/*/reason': { title: '原因', description: '原因，显示给运营人员。' },
          '/rules/*/priority': { title: '优先级', description: '紧急程度（默认按异常类型）。', enum: { low: '低', normal: '普通', high: '高', urgent: '紧急' } },
        },
      },
      en: {
        fields: {
          '/rules/*/type': { enum: { ...EXCEPTION_LABELS_EN } },
          '/rules/*/priority': { enum: { ...PRIORITY_LABELS_EN } },
        },
      },
    },
  },
  prepare(config, tools) {
    return {
      rules: config.rules.map((r, i) => {
        try {
          return { type: r.type, when: tools.compileRule(r.when), reason: r.reason ?? null, priority: r.priority ?? EXCEPTION_PRIORITY[r.type] }
        } catch (error) {
          throw new ConfigError(`/rules/${i}/when`, (error as Error).message)
        }
      }),
    }
  },
  run(ctx) {
    if (!ctx.order) throw new Error('rule.classify-exception needs an order')
    const data = ruleData(ctx)
    const hit = ctx.config.rules.find((r) => isTruthy(r.when(data)))
    if (!hit) return next({ port: 'clear', output: { exception: ctx.order.exception } })
    const exception: Exception = { type: hit.type, priority: hit.priority, ...(hit.reason ? { reason: hit.reason } : {}) }
    const same = ctx.order.exception?.type === exception.type && ctx.order.exception?.reason === exception.reason && ctx.order.exception?.priority === exception.priority
    return next({ port: 'classified', output: { exception }, ...(same ? {} : { orderPatch: { exception } }) })
  },
})
