/**
 * http.request: calls another system's HTTP API — a warehouse, an ERP, a CRM — with the URL, headers
 * and JSON body written as templates over the order and the variables, secrets by name. The answer's
 * status picks the port (2xx `ok`, listed statuses their own port, the rest the error port after
 * the retries a 5xx, 408 or 429 earns), and fields of its JSON body become variables.
 */
import {
  call, compileJsonTemplate, ConfigError, defineNode, durationField, fail, fillSecrets, next, errorForStatus, PermanentError,
  TemplateError, type JsonTemplate, type NodeContext, type WithSecrets, timeoutOption,
} from '../sdk/index.ts'

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
type Method = (typeof METHODS)[number]
/** The methods in English, with what each does (the form's choices). */
const METHOD_LABELS_EN: Record<Method, string> = { GET: 'GET (read)', POST: 'POST (create)', PUT: 'PUT (replace)', PATCH: 'PATCH (change)', DELETE: 'DELETE (remove)' }
const STATUS_SPEC = '^([1-5]xx|[1-5][0-9]{2}(-[1-5][0-9]{2})?)$'
const VARIABLE = '^[A-Za-z_][A-Za-z0-9_]{0,63}$'

interface CallConfig { method?: Method; url: string; headers?: Record<string, string>; body?: unknown }
interface Config extends CallConfig {
  timeout?: string
  retries?: number
  idempotencyHeader?: string
  statusPorts?: Array<{ status: string; port: string }>
  responseVariables?: Record<string, string>
  compensation?: CallConfig
}

/** What `run` hands `perform`: the rendered call with its secret slots, and which statuses are answers. */
interface HttpCall {
  call: WithSecrets<{ method: Method; url: string; headers: Record<string, string>; body?: unknown }>
  idempotencyHeader: string | null
  /** Statuses a port takes, so a listed 404 is an answer, not a failure. */
  answers: string[]
}

interface Prepared {
  config: Config
  template: JsonTemplate
  undo: JsonTemplate | null
  timeoutMs: number
}

/** The response as the node's output. */
export interface HttpOutput { status: number; headers: Record<string, string>; body: unknown }

function statusMatches(spec: string, status: number): boolean {
  if (/^[1-5]xx$/.test(spec)) return Math.floor(status / 100) === Number(spec[0])
  const [from, to] = spec.split('-').map(Number)
  return to === undefined ? status === from : status >= from! && status <= to
}

/** The URL's scheme, host and port must be written out: an order field must never choose where Ordo sends its data. */
function checkUrl(url: string, pointer: string): void {
  const fixed = url.split('{{')[0]!
  const origin = /^https?:\/\/[^/?#]+[/?#]/i.exec(fixed) ?? (url.includes('{{') ? null : /^https?:\/\/[^/?#]+$/i.exec(fixed))
  if (!origin) throw new ConfigError(pointer, 'must start with http:// or https:// and a host written out, before any {{…}}')
  if (/^https?:\/\/[^/]*@/i.test(fixed)) throw new ConfigError(pointer, 'must not hold a user name or password: put credentials in a secret and a header')
}

function compileCall(c: CallConfig, at: string): JsonTemplate {
  checkUrl(c.url, `${at}/url`)
  try {
    return compileJsonTemplate({ url: c.url, headers: c.headers ?? {}, ...(c.body !== undefined ? { body: c.body } : {}) },
      (p) => (p === '/url' ? 'url' : p.startsWith('/headers/') ? 'header' : 'none'))
  } catch (error) {
    if (error instanceof TemplateError) {
      const [where, ...why] = error.message.split(': ')
      throw new ConfigError(`${at}${where === '/' ? '' : where}`, why.join(': '))
    }
    throw error
  }
}

function view(ctx: NodeContext<Prepared>, extra: Record<string, unknown> = {}) {
  return {
    order: ctx.order, vars: ctx.variables, variables: ctx.variables, input: ctx.input,
    run: { id: ctx.runId }, node: { id: ctx.node.id, name: ctx.node.name ?? null },
    idempotencyKey: ctx.idempotencyKey, now: new Date(ctx.now).toISOString(), ...extra,
  }
}

function render(template: JsonTemplate, method: Method, v: unknown): HttpCall['call'] {
  const { value, secretSlots } = template.render(v)
  const parts = value as { url: string; headers: Record<string, string>; body?: unknown }
  return { value: { method, url: parts.url, headers: parts.headers, ...(parts.body !== undefined && method !== 'GET' ? { body: parts.body } : {}) }, secretSlots }
}

function readPointer(doc: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '/') return doc
  let node = doc
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return null
    node = (node as Record<string, unknown>)[key]
  }
  return node ?? null
}

const callSchema = (title: string) => ({
  type: 'object', additionalProperties: false, required: ['url'], title,
  properties: {
    method: { type: 'string', enum: [...METHODS], default: 'POST', title: 'Method', description: 'GET reads, POST creates, PUT/PATCH change, DELETE removes (default POST).' },
    url: { type: 'string', minLength: 8, maxLength: 2000, title: 'URL', description: 'https://wms.example.com/orders/{{order.platformOrderId}}: values are URL-encoded.', $comment: 'template' },
    headers: {
      type: 'object', title: 'Headers', description: 'Header templates, e.g. Authorization: Bearer {{secret.wms-token}}.', maxProperties: 50,
      propertyNames: { pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]{1,100}$' },
      additionalProperties: { type: 'string', maxLength: 4000, title: 'Value', $comment: 'template' },
    },
    body: { title: 'JSON body', description: 'A JSON template: "{{order.totalAmount}}" alone keeps the value\'s type.', $comment: 'json-template' },
  },
})

export default defineNode<Config, Prepared>({
  manifest: {
    type: 'http.request',
    title: 'HTTP request',
    description: 'Calls another system\'s HTTP API (warehouse, ERP, CRM) with values from the order; the answer\'s status picks the port.',
    category: 'connector',
    icon: 'globe',
    inputs: 1,
    waits: true,
    activity: { timeoutMs: 30_000, concurrency: 16, retry: { maxAttempts: 3, initialInterval: 'PT1S', backoffRate: 2 } },
    outputs: [{ name: 'ok', title: 'Success (2xx)' }, { name: 'error', title: 'Error', errorPort: true }],
    dynamicOutputs: { from: '/statusPorts', nameKey: 'port' },
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        ...callSchema('Request').properties,
        timeout: durationField('Timeout', 'How long one try may take (default PT30S, at most PT10M).'),
        retries: { type: 'integer', minimum: 0, maximum: 10, title: 'Retries', description: 'Tries after the first when the server fails (5xx, 408, 429, timeout, network); default 2.' },
        idempotencyHeader: {
          type: 'string', maxLength: 100, pattern: '^([A-Za-z0-9-]{1,100})?$', title: 'Idempotency header',
          description: 'Header carrying the call\'s idempotency key, the same on every retry (default Idempotency-Key; empty to send none).',
        },
        statusPorts: {
          type: 'array', title: 'Status ports', description: 'Answers that take their own port instead of ok/error, e.g. 404 → not_found, 409 → duplicate.', maxItems: 20,
          items: {
            type: 'object', additionalProperties: false, required: ['status', 'port'],
            properties: {
              status: { type: 'string', pattern: STATUS_SPEC, title: 'Status', description: '404, 400-499 or 4xx.' },
              port: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,31}$', not: { enum: ['ok', 'error'] }, title: 'Port', description: 'The port\'s name, e.g. not_found.' },
            },
          },
        },
        responseVariables: {
          type: 'object', title: 'Response into variables', description: 'Variable name → JSON pointer into the answer\'s body, e.g. shipNoticeId: /data/id.',
          maxProperties: 50, propertyNames: { pattern: VARIABLE },
          additionalProperties: { type: 'string', maxLength: 500, pattern: '^(/.*)?$', title: 'JSON pointer' },
        },
        compensation: { ...callSchema('Undo when the run is cancelled'), description: 'A call that undoes this one when the run is cancelled after it succeeded; {{response.body.…}} is its answer.' },
      },
    },
    i18n: {
      'zh-CN': {
        title: 'HTTP 请求',
        description: '用订单中的数据调用其他系统（仓库、ERP、CRM）的 HTTP 接口，按返回状态码走不同出口。',
        ports: { ok: '成功（2xx）', error: '出错' },
        fields: {
          '/method': { title: '方法', description: 'GET 读取，POST 新建，PUT/PATCH 修改，DELETE 删除（默认 POST）。', enum: { GET: 'GET（读取）', POST: 'POST（新建）', PUT: 'PUT（替换）', PATCH: 'PATCH（修改）', DELETE: 'DELETE（删除）' } },
          '/url': { title: '地址', description: 'https://wms.example.com/orders/{{order.platformOrderId}}：填入的值会做 URL 编码。' },
          '/headers': { title: '请求头', description: '请求头模板，例如 Authorization: Bearer {{secret.wms-token}}。' },
          '/headers/*': { title: '值' },
          '/body': { title: 'JSON 请求体', description: 'JSON 模板：单独写 "{{order.totalAmount}}" 时保留原类型。' },
          '/timeout': { title: '超时', description: '每次尝试最长多久（默认 PT30S，最多 PT10M）。' },
          '/retries': { title: '重试次数', description: '服务器出错（5xx、408、429、超时、网络）时首次之后再试几次，默认 2 次。' },
          '/idempotencyHeader': { title: '幂等请求头', description: '携带本次调用幂等键的请求头，每次重试都相同（默认 Idempotency-Key；留空则不发送）。' },
          '/statusPorts': { title: '状态码出口', description: '走单独出口而不是成功/出错的返回，例如 404 → not_found，409 → duplicate。' },
          '/statusPorts/*/status': { title: '状态码', description: '404、400-499 或 4xx。' },
          '/statusPorts/*/port': { title: '出口', description: '出口名称，例如 not_found。' },
          '/responseVariables': { title: '返回值存入变量', description: '变量名 → 返回体中的 JSON 指针，例如 shipNoticeId: /data/id。' },
          '/responseVariables/*': { title: 'JSON 指针' },
          '/compensation': { title: '取消运行时的撤销请求', description: '运行在本请求成功后被取消时，用来撤销它的请求；{{response.body.…}} 是本请求的返回。' },
          '/compensation/method': { title: '方法', description: 'GET 读取，POST 新建，PUT/PATCH 修改，DELETE 删除（默认 POST）。', enum: { GET: 'GET（读取）', POST: 'POST（新建）', PUT: 'PUT（替换）', PATCH: 'PATCH（修改）', DELETE: 'DELETE（删除）' } },
          '/compensation/url': { title: '地址', description: '撤销请求的地址，例如 https://wms.example.com/ship-notices/{{response.body.id}}。' },
          '/compensation/headers': { title: '请求头', description: '请求头模板。' },
          '/compensation/headers/*': { title: '值' },
          '/compensation/body': { title: 'JSON 请求体', description: 'JSON 模板。' },
        },
      },
      en: {
        fields: {
          '/method': { enum: { ...METHOD_LABELS_EN } },
          '/compensation/method': { enum: { ...METHOD_LABELS_EN } },
        },
      },
    },
  },

  prepare(config) {
    const timeoutMs = timeoutOption(config.timeout, 30_000)
    return { config, template: compileCall(config, ''), undo: config.compensation ? compileCall(config.compensation, '/compensation') : null, timeoutMs }
  },

  run(ctx) {
    const c = ctx.config.config
    const method = c.method ?? 'POST'
    let rendered: HttpCall['call']
    try {
      rendered = render(ctx.config.template, method, view(ctx))
    } catch (error) {
      return fail(`the request cannot be written: ${(error as Error).message}`)
    }
    const request: HttpCall = {
      call: rendered,
      idempotencyHeader: c.idempotencyHeader === '' ? null : c.idempotencyHeader ?? 'Idempotency-Key',
      answers: (c.statusPorts ?? []).map((p) => p.status),
    }
    return call(request, {
      label: `${method} ${rendered.value.url.split('?')[0]}`,
      timeoutMs: ctx.config.timeoutMs,
      ...(c.retries !== undefined ? { retry: { maxAttempts: c.retries + 1, initialInterval: 'PT1S', backoffRate: 2 } } : {}),
    })
  },

  async perform(request: HttpCall, ctx) {
    const filled = await fillSecrets(request.call, ctx.secrets)
    const headers = { ...filled.headers }
    if (request.idempotencyHeader) headers[request.idempotencyHeader] = ctx.idempotencyKey
    const res = await ctx.http.request({ method: filled.method, url: filled.url, headers, ...(filled.body !== undefined ? { json: filled.body } : {}) })
    let body: unknown = res.text
    if ((res.headers['content-type'] ?? '').includes('json') && res.text !== '') {
      try { body = JSON.parse(res.text) } catch { body = res.text }
    }
    // Cookies can carry sessions: a run's output keeps none.
    const { 'set-cookie': _cookie, ...kept } = res.headers
    const output: HttpOutput = { status: res.status, headers: kept, body }
    if (res.ok || request.answers.some((spec) => statusMatches(spec, res.status))) return output
    const text = typeof body === 'string' ? body.slice(0, 300) : JSON.stringify(body).slice(0, 300)
    const message = `${filled.method} ${filled.url.split('?')[0]} answered ${res.status}${text ? `: ${text}` : ''}`
    // 5xx, 408, 425 and 429 are tried again, any other answer is final (the SDK's one rule).
    throw errorForStatus(res.status, message) ?? new PermanentError(message, { status: res.status })
  },

  resume(ctx, event) {
    if (event.kind !== 'activity-result') return fail(`http.request cannot use a ${event.kind} event`)
    if (!event.ok) return fail(`${event.errorClass ?? 'error'}: ${event.error ?? 'the call failed'}`)
    const output = event.response as HttpOutput
    const c = ctx.config.config
    const variables: Record<string, unknown> = {}
    for (const [name, pointer] of Object.entries(c.responseVariables ?? {})) variables[name] = readPointer(output.body, pointer)
    const mapped = (c.statusPorts ?? []).find((p) => statusMatches(p.status, output.status))
    return next({ port: mapped ? mapped.port : 'ok', output, variables })
  },

  compensate(ctx) {
    if (!ctx.config.undo) return null
    const c = ctx.config.config.compensation!
    const method = c.method ?? 'POST'
    const rendered = render(ctx.config.undo, method, view(ctx, { response: ctx.response }))
    const request: HttpCall = { call: rendered, idempotencyHeader: ctx.config.config.idempotencyHeader === '' ? null : ctx.config.config.idempotencyHeader ?? 'Idempotency-Key', answers: ['404'] }
    return { request, timeoutMs: ctx.config.timeoutMs }
  },
})
