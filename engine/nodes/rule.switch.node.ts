/** Routes a run to the first case whose JsonLogic rule holds, else to `default`. */
import { defineNode, next } from '../../connectors/sdk/define-node.ts'
import { ConfigError } from '../core/config-error.ts'
import { isTruthy, type CompiledRule } from '../core/json-logic.ts'
import { ruleData } from '../core/rule-data.ts'
import { jsonLogicField } from './schema-fragments.ts'

type Config = { cases: Array<{ port: string; title?: string; rule: unknown }> }
type Prepared = { cases: Array<{ port: string; rule: CompiledRule }> }

// A case may not shadow the fixed ports.
const RESERVED = ['default', 'error']

/** rule.switch: cases are tried in order, the first true one wins; passes its input through. */
export default defineNode<Config, Prepared>({
  manifest: {
    type: 'rule.switch',
    title: 'Switch',
    description: 'Tries each case in order and takes the port of the first one whose rule is true, else default.',
    category: 'rule',
    icon: 'split',
    inputs: 1,
    outputs: [
      { name: 'default', title: 'Default' },
      { name: 'error', title: 'Error', errorPort: true },
    ],
    dynamicOutputs: { from: '/cases', nameKey: 'port' },
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['cases'],
      properties: {
        cases: {
          type: 'array',
          title: 'Cases',
          description: 'Tried from first to last; each case is an output port.',
          minItems: 1,
          maxItems: 50,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['port', 'rule'],
            properties: {
              port: {
                type: 'string',
                title: 'Port',
                description: 'Name of the output port this case takes (lower case, digits, - and _).',
                pattern: '^[a-z][a-z0-9_-]*$',
                maxLength: 64,
              },
              title: { type: 'string', title: 'Label', description: 'Shown on the canvas beside the port.', maxLength: 200 },
              rule: jsonLogicField('Rule', 'JsonLogic rule over { order, vars, input }.'),
            },
          },
        },
      },
    },
    i18n: {
      'zh-CN': {
        title: '多路分支',
        description: '按顺序检查每个分支的规则，走第一个成立的分支，否则走默认分支。',
        ports: { default: '默认', error: '出错' },
        fields: {
          '/cases': { title: '分支', description: '从上到下依次检查，每个分支对应一个输出端口。' },
          '/cases/*/port': { title: '端口', description: '该分支走的输出端口名（小写字母、数字、- 和 _）。' },
          '/cases/*/title': { title: '显示名称', description: '显示在画布上端口旁边的名称。' },
          '/cases/*/rule': { title: '规则', description: '基于 { order, vars, input } 的 JsonLogic 规则，成立时走该分支。' },
        },
      },
    },
  },
  prepare(config, tools) {
    const seen = new Set<string>()
    const cases = config.cases.map((c, i) => {
      if (RESERVED.includes(c.port)) throw new ConfigError(`/cases/${i}/port`, `port name "${c.port}" is reserved`)
      if (seen.has(c.port)) throw new ConfigError(`/cases/${i}/port`, `port name "${c.port}" is used by an earlier case`)
      seen.add(c.port)
      try {
        return { port: c.port, rule: tools.compileRule(c.rule) }
      } catch (error) {
        throw new ConfigError(`/cases/${i}/rule`, (error as Error).message)
      }
    })
    return { cases }
  },
  run(ctx) {
    const data = ruleData(ctx)
    const hit = ctx.config.cases.find((c) => isTruthy(c.rule(data)))
    return next({ port: hit ? hit.port : 'default', output: ctx.input })
  },
})
