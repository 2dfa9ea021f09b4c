/**
 * publish.rabbitmq: publishes a JSON message about the order to a RabbitMQ exchange, persistent, and
 * goes on once the broker confirmed it. The message id is the step's idempotency key (runId:nodeId:visit),
 * the same on every retry, so consumers can drop the copies a retry after a lost confirm sends. The
 * broker URL holds a password: the config names the secret that holds it.
 */
import {
  call, compileJsonTemplate, compileTextTemplate, ConfigError, defineNode, durationField, fail, fillSecrets, PermanentError,
  secretNameField, templateField, TemplateError, type JsonTemplate, type NodeContext, type TextTemplate, type WithSecrets, timeoutOption,
} from '../sdk/index.ts'
import { redactAmqpUrl, sharedAmqpPublisher } from './amqp-connections.ts'

interface Config {
  url: string
  exchange: string
  passive?: boolean
  routingKey?: string
  message?: unknown
  headers?: Record<string, string>
  mandatory?: boolean
  timeout?: string
  retries?: number
}

interface Prepared {
  config: Config
  routingKey: TextTemplate
  /** The message's body and headers. */
  message: JsonTemplate
  timeoutMs: number
}

/** What `run` hands `perform`: where to publish and the rendered message, secrets still by name. */
interface RabbitCall {
  /** The name of the secret holding the broker URL. */
  url: string
  exchange: string
  passive: boolean
  mandatory: boolean
  routingKey: string
  message: WithSecrets<{ message: unknown; headers: Record<string, string> }>
}

/** The node's output. */
export interface RabbitOutput { exchange: string; routingKey: string; messageId: string }

const DEFAULT_ROUTING_KEY = 'order.{{order.status}}'
/** The order's identity and state; "{{order.totalAmount}}" alone keeps the number a number. */
const DEFAULT_MESSAGE = {
  id: '{{order.id}}', platform: '{{order.platform}}', platformOrderId: '{{order.platformOrderId}}',
  status: '{{order.status}}', totalAmount: '{{order.totalAmount}}', currency: '{{order.currency}}',
}

function view(ctx: NodeContext<Prepared>) {
  return {
    order: ctx.order, vars: ctx.variables, variables: ctx.variables, input: ctx.input,
    run: { id: ctx.runId }, node: { id: ctx.node.id, name: ctx.node.name ?? null },
    idempotencyKey: ctx.idempotencyKey, now: new Date(ctx.now).toISOString(),
  }
}

function compile<T>(pointer: string, build: () => T): T {
  try {
    return build()
  } catch (error) {
    if (error instanceof TemplateError) {
      const [where, ...why] = error.message.split(': ')
      if (where!.startsWith('/')) throw new ConfigError(`${pointer}${where === '/' ? '' : where}`, why.join(': '))
      throw new ConfigError(pointer, error.message)
    }
    throw error
  }
}

export default defineNode<Config, Prepared>({
  manifest: {
    type: 'publish.rabbitmq',
    title: 'Publish to RabbitMQ',
    description: 'Publishes a persistent JSON message about the order to a RabbitMQ exchange and waits for the broker to confirm it.',
    category: 'connector',
    icon: 'send',
    inputs: 1,
    waits: true,
    activity: { timeoutMs: 15_000, concurrency: 64, retry: { maxAttempts: 5, initialInterval: 'PT1S', backoffRate: 2 } },
    outputs: [{ name: 'ok', title: 'Confirmed' }, { name: 'error', title: 'Error', errorPort: true }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['url', 'exchange'],
      properties: {
        url: secretNameField('Broker URL secret', 'The secret holding the broker\'s URL, amqp://user:password@host:5672/vhost (or amqps://).'),
        exchange: {
          type: 'string', minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9_.:-]+$', title: 'Exchange',
          description: 'The exchange, written out (letters, digits, - _ . :). Declared as a durable topic exchange unless only checked.',
        },
        passive: { type: 'boolean', default: false, title: 'Only check the exchange', description: 'Fail when the exchange does not exist instead of declaring it (for exchanges the broker\'s owners set up).' },
        routingKey: { ...templateField('Routing key', 'A template, e.g. order.{{order.status}} (the default); at most 255 bytes.', { maxLength: 1000 }), default: DEFAULT_ROUTING_KEY },
        message: {
          title: 'Message', default: DEFAULT_MESSAGE, $comment: 'json-template',
          description: 'A JSON template; "{{order.totalAmount}}" alone keeps the value\'s type. Default: the order\'s id, platform, platformOrderId, status, totalAmount and currency.',
        },
        headers: {
          type: 'object', title: 'Headers', description: 'Message headers, name → template, e.g. x-shop: {{order.platform}}.', maxProperties: 50,
          propertyNames: { pattern: '^[A-Za-z0-9_.:-]{1,128}$' },
          additionalProperties: { type: 'string', maxLength: 4000, title: 'Value', $comment: 'template' },
        },
        mandatory: { type: 'boolean', default: false, title: 'Fail when unroutable', description: 'Go to the error port when no queue is bound for the routing key, instead of the broker dropping the message.' },
        timeout: durationField('Timeout', 'How long one try may take, connecting and the confirm included (default PT15S, at most PT10M).'),
        retries: { type: 'integer', minimum: 0, maximum: 10, title: 'Retries', description: 'Tries after the first when the broker is unreachable, closes the connection, refuses the message or times out; default 4.' },
      },
    },
    i18n: {
      'zh-CN': {
        title: '发布到 RabbitMQ',
        description: '把订单相关的 JSON 消息持久化发布到 RabbitMQ 交换机，并等待代理确认。',
        ports: { ok: '已确认', error: '出错' },
        fields: {
          '/url': { title: '代理地址密钥', description: '存放代理地址的密钥名称，地址形如 amqp://用户:密码@主机:5672/虚拟主机（或 amqps://）。' },
          '/exchange': { title: '交换机', description: '交换机名称，须直接写出（字母、数字及 - _ . :）。除非只做检查，否则声明为持久化的 topic 交换机。' },
          '/passive': { title: '只检查交换机', description: '交换机不存在时直接失败，而不是声明它（适用于由代理管理方创建的交换机）。' },
          '/routingKey': { title: '路由键', description: '模板，例如 order.{{order.status}}（默认值）；最多 255 字节。' },
          '/message': { title: '消息', description: 'JSON 模板：单独写 "{{order.totalAmount}}" 时保留原类型。默认是订单的 id、platform、platformOrderId、status、totalAmount 和 currency。' },
          '/headers': { title: '消息头', description: '消息头，名称 → 模板，例如 x-shop: {{order.platform}}。' },
          '/headers/*': { title: '值' },
          '/mandatory': { title: '无法路由时失败', description: '没有队列绑定该路由键时走出错出口，而不是由代理丢弃消息。' },
          '/timeout': { title: '超时', description: '每次尝试最长多久，含建立连接和等待确认（默认 PT15S，最多 PT10M）。' },
          '/retries': { title: '重试次数', description: '代理无法连接、关闭连接、拒收消息或超时时，首次之后再试几次，默认 4 次。' },
        },
      },
    },
  },

  prepare(config) {
    const timeoutMs = timeoutOption(config.timeout, 15_000)
    const routingKey = compile('/routingKey', () => compileTextTemplate(config.routingKey ?? DEFAULT_ROUTING_KEY))
    if (routingKey.secrets.length > 0) throw new ConfigError('/routingKey', 'cannot hold a secret: brokers and logs show routing keys')
    const message = compile('', () => compileJsonTemplate({ message: config.message ?? DEFAULT_MESSAGE, headers: config.headers ?? {} }))
    return { config, routingKey, message, timeoutMs }
  },

  run(ctx) {
    const c = ctx.config.config
    let routingKey: string
    let message: RabbitCall['message']
    try {
      const v = view(ctx)
      routingKey = ctx.config.routingKey.render(v) as string
      message = ctx.config.message.render(v) as RabbitCall['message']
    } catch (error) {
      return fail(`the message cannot be written: ${(error as Error).message}`)
    }
    if (Buffer.byteLength(routingKey) > 255) return fail(`the routing key is ${Buffer.byteLength(routingKey)} bytes, more than the 255 a broker takes`)
    const request: RabbitCall = { url: c.url, exchange: c.exchange, passive: c.passive === true, mandatory: c.mandatory === true, routingKey, message }
    return call(request, {
      label: `publish to ${c.exchange} (${routingKey})`,
      timeoutMs: ctx.config.timeoutMs,
      ...(c.retries !== undefined ? { retry: { maxAttempts: c.retries + 1, initialInterval: 'PT1S', backoffRate: 2 } } : {}),
    })
  },

  async perform(request: RabbitCall, ctx) {
    const url = await ctx.secrets.get(request.url)
    if (!/^amqps?:\/\//i.test(url)) throw new PermanentError(`the secret "${request.url}" does not hold an amqp:// or amqps:// URL`)
    const { message, headers } = await fillSecrets(request.message, ctx.secrets)
    const content = Buffer.from(JSON.stringify(message ?? null), 'utf8')
    const { exchange, routingKey } = request
    await ctx.track(`${redactAmqpUrl(url)}/${exchange}`, (signal) => sharedAmqpPublisher.publish({
      url, exchange, routingKey, content, headers, messageId: ctx.idempotencyKey,
      persistent: true, mandatory: request.mandatory, passive: request.passive, timestamp: Math.floor(ctx.now() / 1000),
    }, signal))
    const output: RabbitOutput = { exchange, routingKey, messageId: ctx.idempotencyKey }
    return output
  },
})
