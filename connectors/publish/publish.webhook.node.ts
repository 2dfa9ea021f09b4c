/**
 * publish.webhook: POSTs a JSON event about the order to a receiver's URL, signed the Standard
 * Webhooks way (webhook-id, webhook-timestamp, webhook-signature), so the receiver can verify it with
 * that project's libraries and the signing secret it was given (whsec_…, kept in a secret by name).
 * webhook-id is the step's idempotency key, the same on every retry (receivers deduplicate by it);
 * the timestamp and signature are made afresh for each try. A 5xx, 408, 429, timeout or network
 * failure is tried again with backoff; another 4xx is not.
 *
 * The default body is the order event
 *   { id, kind: 'workflow', orderId, platform, platformOrderId, status, totalAmount, currency, order }
 * where id is the webhook-id, kind says a workflow's step sent it, order is the whole order, and the
 * other fields are the order's, for receivers that read no further.
 */
import {
  call, compileJsonTemplate, ConfigError, defineNode, durationField, errorForStatus, fail, fillSecrets, PermanentError,
  secretNameField, TemplateError, type JsonTemplate, type NodeContext, type WithSecrets, timeoutOption,
} from '../sdk/index.ts'
import { parseWebhookSecret, signWebhook } from './standard-webhooks.ts'

interface Config {
  url: string
  signingSecret: string
  body?: unknown
  headers?: Record<string, string>
  timeout?: string
  retries?: number
}

interface Prepared {
  config: Config
  template: JsonTemplate
  timeoutMs: number
}

/** What `run` hands `perform`: the rendered URL, headers and body, secrets still by name. */
interface WebhookCall {
  call: WithSecrets<{ url: string; headers: Record<string, string>; body: unknown }>
  signingSecret: string
}

/** The node's output. */
export interface WebhookOutput { status: number }

const DEFAULT_BODY = {
  id: '{{idempotencyKey}}', kind: 'workflow', orderId: '{{order.id}}', platform: '{{order.platform}}', platformOrderId: '{{order.platformOrderId}}',
  status: '{{order.status}}', totalAmount: '{{order.totalAmount}}', currency: '{{order.currency}}', order: '{{order}}',
}

/** Headers the node writes itself: the signature's three and the body's type. */
const OWN_HEADERS = new Set(['webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type', 'content-length', 'host'])

const RETRY = { initialInterval: 'PT5S', backoffRate: 3 }

/** The URL's scheme, host and port must be written out: an order field must never choose where Ordo sends its data. */
function checkUrl(url: string, pointer: string): void {
  const fixed = url.split('{{')[0]!
  const origin = /^https?:\/\/[^/?#]+[/?#]/i.exec(fixed) ?? (url.includes('{{') ? null : /^https?:\/\/[^/?#]+$/i.exec(fixed))
  if (!origin) throw new ConfigError(pointer, 'must start with http:// or https:// and a host written out, before any {{…}}')
  if (/^https?:\/\/[^/]*@/i.test(fixed)) throw new ConfigError(pointer, 'must not hold a user name or password: put credentials in a secret and a header')
}

function view(ctx: NodeContext<Prepared>) {
  return {
    order: ctx.order, vars: ctx.variables, variables: ctx.variables, input: ctx.input,
    run: { id: ctx.runId }, node: { id: ctx.node.id, name: ctx.node.name ?? null },
    idempotencyKey: ctx.idempotencyKey, now: new Date(ctx.now).toISOString(),
  }
}

export default defineNode<Config, Prepared>({
  manifest: {
    type: 'publish.webhook',
    title: 'Signed webhook',
    description: 'POSTs a JSON event about the order to a URL, signed with Standard Webhooks headers the receiver can verify.',
    category: 'connector',
    icon: 'webhook',
    inputs: 1,
    waits: true,
    activity: { timeoutMs: 15_000, concurrency: 16, retry: { maxAttempts: 5, ...RETRY } },
    outputs: [{ name: 'ok', title: 'Delivered (2xx)' }, { name: 'error', title: 'Error', errorPort: true }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['url', 'signingSecret'],
      properties: {
        url: {
          type: 'string', minLength: 8, maxLength: 2000, title: 'URL', $comment: 'template',
          description: 'https://hooks.example.com/ordo/{{order.platform}}: the host written out; values are URL-encoded.',
        },
        signingSecret: secretNameField('Signing secret', 'The secret holding the receiver\'s signing secret, whsec_ followed by base64.'),
        body: {
          title: 'JSON body', default: DEFAULT_BODY, $comment: 'json-template',
          description: 'A JSON template; "{{order.totalAmount}}" alone keeps the value\'s type. Default: the order event { id, kind, orderId, platform, platformOrderId, status, totalAmount, currency, order }.',
        },
        headers: {
          type: 'object', title: 'Headers', description: 'More header templates, e.g. X-Shop: {{order.platform}}; the webhook-* headers and Content-Type are the node\'s own.', maxProperties: 50,
          propertyNames: { pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]{1,100}$' },
          additionalProperties: { type: 'string', maxLength: 4000, title: 'Value', $comment: 'template' },
        },
        timeout: durationField('Timeout', 'How long one try may take (default PT15S, at most PT10M).'),
        retries: { type: 'integer', minimum: 0, maximum: 10, title: 'Retries', description: 'Tries after the first when the receiver fails (5xx, 408, 429, timeout, network), waiting 5 s, 15 s, 45 s…; default 4.' },
      },
    },
    i18n: {
      'zh-CN': {
        title: '签名 Webhook',
        description: '把订单相关的 JSON 事件 POST 到指定地址，并附上接收方可校验的 Standard Webhooks 签名请求头。',
        ports: { ok: '已送达（2xx）', error: '出错' },
        fields: {
          '/url': { title: '地址', description: 'https://hooks.example.com/ordo/{{order.platform}}：主机须直接写出；填入的值会做 URL 编码。' },
          '/signingSecret': { title: '签名密钥', description: '存放接收方签名密钥的密钥名称，签名密钥形如 whsec_ 加 base64。' },
          '/body': { title: 'JSON 请求体', description: 'JSON 模板：单独写 "{{order.totalAmount}}" 时保留原类型。默认是订单事件 { id, kind, orderId, platform, platformOrderId, status, totalAmount, currency, order }。' },
          '/headers': { title: '请求头', description: '其他请求头模板，例如 X-Shop: {{order.platform}}；webhook-* 请求头和 Content-Type 由本节点填写。' },
          '/headers/*': { title: '值' },
          '/timeout': { title: '超时', description: '每次尝试最长多久（默认 PT15S，最多 PT10M）。' },
          '/retries': { title: '重试次数', description: '接收方出错（5xx、408、429、超时、网络）时首次之后再试几次，依次等待 5 秒、15 秒、45 秒……；默认 4 次。' },
        },
      },
    },
  },

  prepare(config) {
    const timeoutMs = timeoutOption(config.timeout, 15_000)
    checkUrl(config.url, '/url')
    for (const name of Object.keys(config.headers ?? {})) {
      if (OWN_HEADERS.has(name.toLowerCase())) throw new ConfigError(`/headers/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, 'is written by the node (the signature and the JSON body)')
    }
    let template: JsonTemplate
    try {
      template = compileJsonTemplate({ url: config.url, headers: config.headers ?? {}, body: config.body ?? DEFAULT_BODY },
        (p) => (p === '/url' ? 'url' : p.startsWith('/headers/') ? 'header' : 'none'))
    } catch (error) {
      if (error instanceof TemplateError) {
        const [where, ...why] = error.message.split(': ')
        throw new ConfigError(where === '/' ? '' : where!, why.join(': '))
      }
      throw error
    }
    return { config, template, timeoutMs }
  },

  run(ctx) {
    const c = ctx.config.config
    let rendered: WebhookCall['call']
    try {
      rendered = ctx.config.template.render(view(ctx)) as WebhookCall['call']
    } catch (error) {
      return fail(`the webhook cannot be written: ${(error as Error).message}`)
    }
    const request: WebhookCall = { call: rendered, signingSecret: c.signingSecret }
    return call(request, {
      label: `POST ${rendered.value.url.split('?')[0]}`,
      timeoutMs: ctx.config.timeoutMs,
      ...(c.retries !== undefined ? { retry: { maxAttempts: c.retries + 1, ...RETRY } } : {}),
    })
  },

  async perform(request: WebhookCall, ctx) {
    const secret = await ctx.secrets.get(request.signingSecret)
    try {
      parseWebhookSecret(secret)
    } catch (error) {
      throw new PermanentError(`the secret "${request.signingSecret}" is not a signing secret: ${(error as Error).message}`, { errorClass: 'auth' })
    }
    const filled = await fillSecrets(request.call, ctx.secrets)
    // Signed and sent as this very string: a receiver verifies the bytes it got.
    const body = JSON.stringify(filled.body ?? null)
    const signature = signWebhook({ id: ctx.idempotencyKey, timestamp: Math.floor(ctx.now() / 1000), body, secret })
    const res = await ctx.http.request({ method: 'POST', url: filled.url, headers: { ...filled.headers, 'content-type': 'application/json', ...signature }, body })
    if (res.ok) {
      const output: WebhookOutput = { status: res.status }
      return output
    }
    const text = res.text.slice(0, 300)
    throw errorForStatus(res.status, `POST ${filled.url.split('?')[0]} answered ${res.status}${text ? `: ${text}` : ''}`)!
  },
})
