/**
 * notify.sms: sends a text message through an SMS provider's HTTP API. Aliyun SMS (Dysmsapi
 * SendSms) sends an approved template with its parameters, signed with the RPC signature v1
 * (HMAC-SHA1 over the sorted, percent-encoded query); the `generic` provider posts {to, text} as
 * JSON to your own gateway, signed the Standard Webhooks way (webhook-id, webhook-timestamp,
 * webhook-signature: v1,base64(HMAC-SHA256)). Keys are secrets named in the config, read only while
 * the message is sent.
 *
 * Every try of one visit is recognisable: Aliyun's OutId and the start of its SignatureNonce, the
 * generic webhook-id and Idempotency-Key, all come from the idempotency key. The nonce ends with
 * the try's number, because Aliyun refuses a nonce it saw in the last 15 minutes (SignatureNonceUsed):
 * one nonce for all tries would turn a throttled first try into a failure of every retry.
 */
import { createHmac } from 'node:crypto'
import {
  call, compileJsonTemplate, ConfigError, defineNode, errorForStatus, fail, PermanentError, RetryableError, secretNameField, templateField,
  TemplateError, type JsonTemplate, type TextTemplate,
} from '../sdk/index.ts'
import { compileMessage, keyDigest, LOCALE_LABELS_EN, LOCALES, messageView, renderMessage, type Locale } from './message.ts'

const PROVIDERS = ['aliyun', 'generic'] as const
type Provider = (typeof PROVIDERS)[number]
const ALIYUN_ENDPOINT = 'https://dysmsapi.aliyuncs.com/'

interface Config {
  provider: Provider
  endpoint?: string
  regionId?: string
  accessKeyId?: string
  accessKeySecret?: string
  signingSecret?: string
  signName?: string
  templateCode?: string
  templateParam?: Record<string, unknown>
  phone?: string
  text?: string
  locale?: Locale
}

interface Prepared {
  config: Config
  locale: Locale
  endpoint: string
  phone: TextTemplate
  templateParam: JsonTemplate | null
  text: TextTemplate | null
}

/** What `run` hands `perform` for Aliyun: the SendSms parameters of the message, the keys by name. */
export interface AliyunRequest {
  provider: 'aliyun'
  endpoint: string
  regionId: string
  accessKeyId: string
  accessKeySecret: string
  params: { PhoneNumbers: string; SignName: string; TemplateCode: string; TemplateParam?: string; OutId: string }
}

/** What `run` hands `perform` for the generic provider: the JSON body and the signing secret by name. */
export interface GenericRequest {
  provider: 'generic'
  endpoint: string
  signingSecret: string
  body: { to: string; text: string }
}

export type SmsRequest = AliyunRequest | GenericRequest

export type SmsOutput =
  | { provider: 'aliyun'; code: 'OK'; bizId: string | null; requestId: string | null }
  | { provider: 'generic'; status: number; body: unknown }

export const DEFAULT_TEXT: Record<Locale, string> = {
  'zh-CN': '{{#notice}}【{{notice.kind}}】{{notice.title}}，订单 {{order.platformOrderId}}。{{/notice}}{{^notice}}您在{{platformName}}的订单 {{order.platformOrderId}} {{statusText}}，金额 {{amountText}}。{{/notice}}',
  en: '{{#notice}}[{{notice.kind}}] {{notice.title}}, order {{order.platformOrderId}}.{{/notice}}{{^notice}}Your {{platformName}} order {{order.platformOrderId}} is {{statusText}}, total {{amountText}}.{{/notice}}',
}

/** One or more phone numbers, comma-separated: 13900008888, +8613900008888, 008613900008888. */
const PHONE = /^\+?[0-9]{5,20}$/

/** RFC 3986 percent-encoding as Aliyun's signature v1 wants it: space %20, * %2A, ~ as is. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** The canonical query of Aliyun's RPC signature: every parameter but Signature, sorted by name, percent-encoded. */
export function aliyunCanonicalQuery(params: Record<string, string>): string {
  return Object.keys(params).filter((k) => k !== 'Signature').sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k]!)}`).join('&')
}

/** Signature = base64(HMAC-SHA1(key = AccessKeySecret + "&", "POST&%2F&" + percentEncode(canonical query))). */
export function aliyunSignature(params: Record<string, string>, accessKeySecret: string, method = 'POST'): string {
  const stringToSign = `${method}&${percentEncode('/')}&${percentEncode(aliyunCanonicalQuery(params))}`
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64')
}

/** Standard Webhooks: v1,base64(HMAC-SHA256(secret, id + "." + timestamp + "." + body)); a whsec_ secret is base64. */
export function webhookSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8')
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64')}`
}

/** Aliyun's error codes: which are final, which say the account or the key is wrong, which pass. */
function aliyunFailure(code: string, message: string, status: number): Error {
  const said = `Aliyun SMS answered ${code}${message ? `: ${message.slice(0, 300)}` : ''}`
  if (/^(InvalidAccessKeyId|SignatureDoesNotMatch|IncompleteSignature|InvalidTimeStamp|Forbidden|isv\.ACCOUNT_NOT_EXISTS|isv\.ACCOUNT_ABNORMAL|isp\.RAM_PERMISSION_DENY)/.test(code)) {
    return new PermanentError(said, { errorClass: 'auth', status })
  }
  // Flow control of a number or of the account, the service's own trouble: later.
  if (/^(Throttling|isv\.BUSINESS_LIMIT_CONTROL|ServiceUnavailable|InternalError|isp\.)/.test(code)) {
    return new RetryableError(said, { errorClass: code.startsWith('isv.') || code.startsWith('Throttling') ? '4xx' : '5xx', status })
  }
  if (status >= 500) return new RetryableError(said, { errorClass: '5xx', status })
  // isv.MOBILE_NUMBER_ILLEGAL, isv.SMS_TEMPLATE_ILLEGAL, isv.TEMPLATE_MISSING_PARAMETERS, isv.AMOUNT_NOT_ENOUGH...: the same message would fail again.
  return new PermanentError(said, { errorClass: '4xx', status })
}

function checkEndpoint(url: string, pointer: string): void {
  let parsed: URL
  try { parsed = new URL(url) } catch { throw new ConfigError(pointer, 'must be a URL, e.g. https://dysmsapi.aliyuncs.com/') }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConfigError(pointer, 'must start with http:// or https://')
  if (parsed.username || parsed.password) throw new ConfigError(pointer, 'must not hold a user name or password: name secrets instead')
}

/** A template param value as Aliyun takes it: text. */
function paramText(value: unknown): string | null {
  if (value == null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return null
}

export default defineNode<Config, Prepared>({
  manifest: {
    type: 'notify.sms',
    title: 'Send SMS',
    description: 'Sends a text message through Aliyun SMS (an approved template) or your own SMS gateway, with values from the order.',
    category: 'connector',
    icon: 'smartphone',
    inputs: 1,
    waits: true,
    activity: { timeoutMs: 10_000, concurrency: 8, retry: { maxAttempts: 3, initialInterval: 'PT30S', backoffRate: 4, maxInterval: 'PT10M' } },
    outputs: [{ name: 'ok', title: 'Sent' }, { name: 'error', title: 'Error', errorPort: true }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['provider'],
      properties: {
        provider: { type: 'string', enum: [...PROVIDERS], title: 'Provider', description: 'Aliyun SMS, or your own gateway that takes {to, text}.' },
        endpoint: {
          type: 'string', maxLength: 2000, title: 'Endpoint',
          description: 'The provider\'s API address: Aliyun\'s official one (https://dysmsapi.aliyuncs.com/) when empty; required for your own gateway.',
        },
        regionId: { type: 'string', maxLength: 64, pattern: '^[a-z0-9-]+$', title: 'Region', description: 'Aliyun region, default cn-hangzhou.' },
        accessKeyId: secretNameField('AccessKey ID secret', 'Name of the secret holding the Aliyun AccessKey ID.'),
        accessKeySecret: secretNameField('AccessKey secret', 'Name of the secret holding the Aliyun AccessKey secret.'),
        signingSecret: secretNameField('Signing secret', 'Your gateway: name of the secret its requests are signed with (whsec_… or plain text).'),
        signName: { type: 'string', minLength: 1, maxLength: 100, title: 'Signature name', description: 'Aliyun: the approved SMS signature (签名), e.g. 某某商城.' },
        templateCode: { type: 'string', pattern: '^[A-Za-z0-9_]{1,64}$', title: 'Template code', description: 'Aliyun: the approved template, e.g. SMS_123456789.' },
        templateParam: {
          type: 'object', title: 'Template parameters', maxProperties: 50,
          description: 'Aliyun: the template\'s variables as a JSON template, e.g. {"order": "{{order.platformOrderId}}", "amount": "{{amountText}}"}.',
          additionalProperties: { type: 'string', maxLength: 500, title: 'Value', $comment: 'template' },
        },
        phone: templateField('Phone number', 'Who gets the message: a number or a template, default {{order.customer.phone}}; several separated by commas.', { maxLength: 1000 }),
        text: templateField('Message', 'Your gateway: the message template; a built-in order notice when empty.', { multiline: true, maxLength: 1000 }),
        locale: {
          type: 'string', enum: [...LOCALES], default: 'zh-CN', title: 'Language',
          description: 'Language of the built-in message and of {{amountText}}, {{platformName}} and {{statusText}}.',
        },
      },
    },
    i18n: {
      'zh-CN': {
        title: '发送短信',
        description: '通过阿里云短信（已审核的模板）或你自己的短信网关发送短信，内容可使用订单中的数据。',
        ports: { ok: '已发送', error: '出错' },
        fields: {
          '/provider': { title: '服务商', description: '阿里云短信，或接收 {to, text} 的自建短信网关。', enum: { aliyun: '阿里云短信', generic: '自建网关' } },
          '/endpoint': { title: '接口地址', description: '服务商的接口地址：留空时使用阿里云官方地址（https://dysmsapi.aliyuncs.com/）；自建网关必填。' },
          '/regionId': { title: '地域', description: '阿里云地域，默认 cn-hangzhou。' },
          '/accessKeyId': { title: 'AccessKey ID 密钥', description: '保存阿里云 AccessKey ID 的密钥名称。' },
          '/accessKeySecret': { title: 'AccessKey Secret 密钥', description: '保存阿里云 AccessKey Secret 的密钥名称。' },
          '/signingSecret': { title: '签名密钥', description: '自建网关：为请求签名所用密钥的名称（whsec_… 或普通文本）。' },
          '/signName': { title: '短信签名', description: '阿里云：已审核通过的短信签名，例如 某某商城。' },
          '/templateCode': { title: '模板代码', description: '阿里云：已审核通过的模板，例如 SMS_123456789。' },
          '/templateParam': { title: '模板参数', description: '阿里云：模板变量的 JSON 模板，例如 {"order": "{{order.platformOrderId}}", "amount": "{{amountText}}"}。' },
          '/templateParam/*': { title: '值' },
          '/phone': { title: '手机号', description: '接收短信的号码或模板，默认 {{order.customer.phone}}；多个号码用英文逗号分隔。' },
          '/text': { title: '短信内容', description: '自建网关：短信内容模板；留空时使用内置的订单通知。' },
          '/locale': {
            title: '语言', description: '内置消息以及 {{amountText}}、{{platformName}}、{{statusText}} 使用的语言。',
            enum: { 'zh-CN': '简体中文', en: '英文' },
          },
        },
      },
      en: {
        fields: {
          '/provider': { enum: { aliyun: 'Aliyun SMS', generic: 'Your own gateway' } },
          '/locale': { enum: { ...LOCALE_LABELS_EN } },
        },
      },
    },
  },

  prepare(config) {
    const locale = config.locale ?? 'zh-CN'
    const aliyun = config.provider === 'aliyun'
    const required = aliyun ? (['accessKeyId', 'accessKeySecret', 'signName', 'templateCode'] as const) : (['endpoint', 'signingSecret'] as const)
    for (const field of required) if (!config[field]) throw new ConfigError(`/${field}`, `is required for ${aliyun ? 'Aliyun SMS' : 'your own gateway'}`)
    const unused = aliyun ? (['signingSecret', 'text'] as const) : (['accessKeyId', 'accessKeySecret', 'signName', 'templateCode', 'templateParam', 'regionId'] as const)
    for (const field of unused) if (config[field] !== undefined) throw new ConfigError(`/${field}`, `is not used by ${aliyun ? 'Aliyun SMS' : 'your own gateway'}`)
    const endpoint = config.endpoint || ALIYUN_ENDPOINT
    checkEndpoint(endpoint, '/endpoint')
    let templateParam: JsonTemplate | null = null
    if (config.templateParam) {
      try {
        templateParam = compileJsonTemplate(config.templateParam)
      } catch (error) {
        if (error instanceof TemplateError) {
          const [where, ...why] = error.message.split(': ')
          throw new ConfigError(`/templateParam${where === '/' ? '' : where}`, why.join(': '))
        }
        throw error
      }
      if (templateParam.secrets.length > 0) throw new ConfigError('/templateParam', 'a message is read by people and cannot hold a secret ({{secret.…}})')
    }
    return {
      config, locale, endpoint,
      phone: compileMessage(config.phone || '{{order.customer.phone}}', '/phone'),
      templateParam,
      text: aliyun ? null : compileMessage(config.text || DEFAULT_TEXT[locale], '/text'),
    }
  },

  run(ctx) {
    const p = ctx.config
    const c = p.config
    const v = messageView(ctx, p.locale)
    const numbers = renderMessage(p.phone, v).split(/[,，;]/).map((n) => n.replace(/[\s()-]/g, '')).filter((n) => n !== '')
    if (numbers.length === 0) return fail('the message has no phone number: the phone template rendered empty')
    const bad = numbers.find((n) => !PHONE.test(n))
    if (bad !== undefined) return fail(`"${bad}" is not a phone number`)
    const to = [...new Set(numbers)].join(',')
    if (c.provider === 'generic') {
      const text = renderMessage(p.text!, v)
      if (text.trim() === '') return fail('the message is empty')
      const request: GenericRequest = { provider: 'generic', endpoint: p.endpoint, signingSecret: c.signingSecret!, body: { to, text } }
      return call(request, { label: `SMS to ${to}` })
    }
    let templateParam: string | undefined
    if (p.templateParam) {
      const rendered = p.templateParam.render(v).value as Record<string, unknown>
      const params: Record<string, string> = {}
      for (const [name, value] of Object.entries(rendered)) {
        const text = paramText(value)
        if (text === null) return fail(`template parameter "${name}" is not text: ${JSON.stringify(value).slice(0, 100)}`)
        params[name] = text
      }
      templateParam = JSON.stringify(params)
    }
    const request: AliyunRequest = {
      provider: 'aliyun', endpoint: p.endpoint, regionId: c.regionId ?? 'cn-hangzhou', accessKeyId: c.accessKeyId!, accessKeySecret: c.accessKeySecret!,
      params: {
        PhoneNumbers: to, SignName: c.signName!, TemplateCode: c.templateCode!,
        ...(templateParam !== undefined ? { TemplateParam: templateParam } : {}),
        // Aliyun hands OutId back with the delivery receipt: one for every try of this visit.
        OutId: keyDigest(ctx.idempotencyKey),
      },
    }
    return call(request, { label: `SMS ${c.templateCode} to ${to}` })
  },

  async perform(request: SmsRequest, ctx) {
    if (request.provider === 'generic') {
      const secret = await ctx.secrets.get(request.signingSecret)
      const body = JSON.stringify(request.body)
      const id = `msg_${keyDigest(ctx.idempotencyKey)}`
      const timestamp = String(Math.floor(ctx.now() / 1000))
      const res = await ctx.http.request({
        method: 'POST', url: request.endpoint, body,
        headers: {
          'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp,
          'webhook-signature': webhookSignature(secret, id, timestamp, body), 'idempotency-key': ctx.idempotencyKey,
        },
      })
      let answer: unknown = res.text
      try { answer = res.text === '' ? null : JSON.parse(res.text) } catch { answer = res.text }
      const failure = errorForStatus(res.status, `the SMS gateway answered ${res.status}${res.text ? `: ${res.text.slice(0, 300)}` : ''}`)
      if (failure) throw failure
      const output: SmsOutput = { provider: 'generic', status: res.status, body: answer }
      return output
    }

    const [accessKeyId, accessKeySecret] = await Promise.all([ctx.secrets.get(request.accessKeyId), ctx.secrets.get(request.accessKeySecret)])
    const params: Record<string, string> = {
      AccessKeyId: accessKeyId, Action: 'SendSms', Format: 'JSON', RegionId: request.regionId,
      SignatureMethod: 'HMAC-SHA1', SignatureNonce: `${keyDigest(ctx.idempotencyKey)}-${ctx.attempt}`, SignatureVersion: '1.0',
      Timestamp: new Date(ctx.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'), Version: '2017-05-25',
      ...request.params,
    }
    const form = `Signature=${percentEncode(aliyunSignature(params, accessKeySecret))}&${aliyunCanonicalQuery(params)}`
    const res = await ctx.http.request({
      method: 'POST', url: request.endpoint, body: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
    })
    type AliyunAnswer = { Code?: unknown; Message?: unknown; BizId?: unknown; RequestId?: unknown }
    let answer: AliyunAnswer | null
    try { answer = JSON.parse(res.text) as AliyunAnswer | null } catch { answer = null }
    if (!answer || typeof answer.Code !== 'string') {
      throw errorForStatus(res.status, `Aliyun SMS answered ${res.status}: ${res.text.slice(0, 300)}`)
        ?? new PermanentError(`Aliyun SMS answered without a Code: ${res.text.slice(0, 300)}`, { status: res.status })
    }
    if (answer.Code !== 'OK') throw aliyunFailure(answer.Code, typeof answer.Message === 'string' ? answer.Message : '', res.status)
    const output: SmsOutput = {
      provider: 'aliyun', code: 'OK',
      bizId: typeof answer.BizId === 'string' ? answer.BizId : null, requestId: typeof answer.RequestId === 'string' ? answer.RequestId : null,
    }
    return output
  },
})
