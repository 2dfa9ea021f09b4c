/** Waits: for a while, until a time, until a named signal, or until the order changes to match a rule. */
import { defineNode, next, wait, type NodeResult, type Wait } from '../../connectors/sdk/define-node.ts'
import { ConfigError } from '../core/config-error.ts'
import { parseDurationMs } from '../core/duration.ts'
import { isTruthy, type CompiledRule } from '../core/json-logic.ts'
import { parseInstant } from '../../schemas/date-time.ts'
import { durationField, jsonLogicField } from './schema-fragments.ts'

type Config =
  | { for: string }
  | { until: string }
  | { signal: string; timeout?: string }
  | { orderChange: unknown; timeout?: string }

type Prepared =
  | { mode: 'for'; ms: number }
  | { mode: 'until'; at: number }
  | { mode: 'signal'; name: string; timeoutMs: number | null }
  | { mode: 'order-change'; rule: CompiledRule; timeoutMs: number | null }

/** time.wait: `done` when the wait is over (with the signal's data), `timeout` when its timeout passed first. */
export default defineNode<Config, Prepared>({
  manifest: {
    type: 'time.wait',
    title: 'Wait',
    description: 'Waits for a while, until a time, until another system sends a signal, or until the order changes as a rule says.',
    category: 'time',
    icon: 'clock',
    inputs: 1,
    waits: true,
    outputs: [
      { name: 'done', title: 'Done' },
      { name: 'timeout', title: 'Timed out', when: '/timeout' },
    ],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      // Exactly one way of waiting; a timeout goes with a signal or an order change only.
      oneOf: [
        { title: 'For a while', required: ['for'], not: { anyOf: [{ required: ['timeout'] }] } },
        { title: 'Until a time', required: ['until'], not: { anyOf: [{ required: ['timeout'] }] } },
        { title: 'Until a signal', required: ['signal'] },
        { title: 'Until the order changes', required: ['orderChange'] },
      ],
      properties: {
        for: durationField('Wait for', 'How long to wait, e.g. PT30M, PT24H, P2D.'),
        until: { type: 'string', format: 'date-time', title: 'Until', description: 'When to go on, e.g. 2026-12-24T00:00:00+08:00.' },
        signal: { type: 'string', title: 'Signal', description: 'The signal\'s name other systems send for the order, e.g. address_confirmed.', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
        orderChange: jsonLogicField('Order matches', 'JsonLogic rule over { order }: go on once the order matches it, e.g. {"==": [{"var": "order.status"}, "shipped"]}.'),
        timeout: durationField('Timeout', 'With a signal or an order change: give up after this long and take the timeout port.'),
      },
    },
    i18n: {
      'zh-CN': {
        title: '等待',
        description: '等待一段时间、等到某个时间、等其他系统发来信号，或等订单变化到符合规则。',
        ports: { done: '完成', timeout: '超时' },
        fields: {
          '/for': { title: '等待时长', description: '等待多久，例如 PT30M（30 分钟）、PT24H（24 小时）、P2D（2 天）。' },
          '/until': { title: '等到', description: '何时继续，例如 2026-12-24T00:00:00+08:00。' },
          '/signal': { title: '信号', description: '其他系统针对该订单发送的信号名，例如 address_confirmed（地址已确认）。' },
          '/orderChange': { title: '订单满足', description: '基于 { order } 的 JsonLogic 规则：订单满足时继续，例如 {"==": [{"var": "order.status"}, "shipped"]}。' },
          '/timeout': { title: '超时', description: '超过这段时间仍未等到则走“超时”分支。' },
        },
      },
    },
  },
  prepare(config, tools) {
    const duration = (pointer: string, text: string | undefined) => {
      if (text === undefined) return null
      try { return parseDurationMs(text) } catch (error) { throw new ConfigError(pointer, (error as Error).message) }
    }
    if ('for' in config) return { mode: 'for', ms: duration('/for', config.for) as number }
    if ('until' in config) {
      const at = parseInstant(config.until)
      if (at === null) throw new ConfigError('/until', 'is not a date-time with an offset')
      return { mode: 'until', at }
    }
    if ('signal' in config) return { mode: 'signal', name: config.signal, timeoutMs: duration('/timeout', config.timeout) }
    try {
      return { mode: 'order-change', rule: tools.compileRule(config.orderChange), timeoutMs: duration('/timeout', config.timeout) }
    } catch (error) {
      if (error instanceof ConfigError) throw error
      throw new ConfigError('/orderChange', (error as Error).message)
    }
  },
  run(ctx) {
    const c = ctx.config
    switch (c.mode) {
      case 'for': return wait({ timers: { done: { at: ctx.now + c.ms, purpose: 'wait' } }, label: 'time', until: ctx.now + c.ms })
      case 'until': return c.at <= ctx.now ? next({ port: 'done', output: ctx.input }) : wait({ timers: { done: { at: c.at, purpose: 'wait' } }, label: 'time', until: c.at })
      case 'signal': return wait(withTimeout({ signal: c.name, label: `signal ${c.name}` }, c.timeoutMs, ctx.now))
      case 'order-change':
        if (isTruthy(c.rule({ order: ctx.order }))) return next({ port: 'done', output: ctx.input })
        return wait(withTimeout({ orderChange: true, label: 'order change' }, c.timeoutMs, ctx.now))
    }
  },
  resume(ctx, event): NodeResult {
    const c = ctx.config
    const since = ctx.waiting.since
    const timeoutAt = 'timeoutMs' in c && c.timeoutMs !== null ? since + c.timeoutMs : undefined
    if (event.kind === 'timer') {
      if (event.name === 'timeout') return next({ port: 'timeout', output: { timedOut: true } })
      return next({ port: 'done', output: ctx.input })
    }
    if (event.kind === 'signal' && c.mode === 'signal') return next({ port: 'done', output: { signal: event.name, data: event.data } })
    if (event.kind === 'order-changed' && c.mode === 'order-change') {
      if (isTruthy(c.rule({ order: ctx.order }))) return next({ port: 'done', output: ctx.input })
      // Not the change it waits for: the same wait goes on, the timeout where it was.
      return wait(withTimeout({ orderChange: true, label: 'order change' }, timeoutAt === undefined ? null : timeoutAt - since, since))
    }
    throw new Error(`time.wait cannot use a ${event.kind} event`)
  },
})

function withTimeout(w: Wait, timeoutMs: number | null, from: number): Wait {
  if (timeoutMs === null) return w
  return { ...w, timers: { timeout: { at: from + timeoutMs, purpose: 'deadline' } }, until: from + timeoutMs }
}
