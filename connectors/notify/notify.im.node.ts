/**
 * notify.im: posts a message to a group chat through a custom robot of DingTalk (钉钉), WeCom
 * (企业微信) or Feishu (飞书). The robot's webhook URL holds its access token, so the URL itself is
 * a secret named in the config; a signing secret, when the robot has one (DingTalk 加签, Feishu
 * 签名校验), signs each try with the time it is sent. The robots answer 200 with an error code in
 * the body: a bad signature, token or keyword is final, a rate limit is tried again later.
 *
 * Markdown goes out as DingTalk's and WeCom's markdown message and, on Feishu, as an interactive
 * card with one markdown element (a `post` message is rich text, not markdown).
 */
import { createHmac } from 'node:crypto'
import {
  call, ConfigError, defineNode, errorForStatus, fail, PermanentError, RetryableError, secretNameField, templateField, type TextTemplate,
} from '../sdk/index.ts'
import { compileMessage, LOCALE_LABELS_EN, LOCALES, messageView, renderMessage, type Locale } from './message.ts'

const PLATFORMS = ['dingtalk', 'wecom', 'feishu'] as const
type Platform = (typeof PLATFORMS)[number]
const MSG_TYPES = ['text', 'markdown'] as const
type MsgType = (typeof MSG_TYPES)[number]

interface Config {
  platform: Platform
  webhook: string
  signingSecret?: string
  msgType?: MsgType
  locale?: Locale
  title?: string
  text?: string
  atMobiles?: string[]
  atAll?: boolean
}

interface Prepared {
  config: Config
  locale: Locale
  msgType: MsgType
  title: TextTemplate
  text: TextTemplate
  atMobiles: TextTemplate[]
}

/** What `run` hands `perform`: the platform's message body, unsigned, and the secrets by name. */
export interface ImRequest {
  platform: Platform
  webhook: string
  signingSecret?: string
  body: Record<string, unknown>
}

/** What the node puts out: the robot's answer code (0) and message. */
export type ImOutput = { platform: 'dingtalk' | 'wecom'; errcode: number; errmsg: string } | { platform: 'feishu'; code: number; msg: string }

export const DEFAULT_TEXT: Record<Locale, { title: string; text: string }> = {
  'zh-CN': {
    title: '{{#notice}}{{notice.kind}}{{/notice}}{{^notice}}订单通知{{/notice}}',
    text: '{{#notice}}【{{notice.kind}}】{{notice.title}}{{#notice.message}}：{{notice.message}}{{/notice.message}}\n{{/notice}}订单 {{order.platformOrderId}}（{{platformName}}）：{{statusText}}，金额 {{amountText}}',
  },
  en: {
    title: '{{#notice}}{{notice.kind}}{{/notice}}{{^notice}}Order notice{{/notice}}',
    text: '{{#notice}}[{{notice.kind}}] {{notice.title}}{{#notice.message}}: {{notice.message}}{{/notice.message}}\n{{/notice}}Order {{order.platformOrderId}} ({{platformName}}): {{statusText}}, total {{amountText}}',
  },
}

const NAMES: Record<Platform, string> = { dingtalk: 'DingTalk', wecom: 'WeCom', feishu: 'Feishu' }

/** The answer codes each robot documents: what is worth trying again, what says the robot refuses us. */
const CODES: Record<Platform, { rateLimited: number[]; busy: number[]; refused: number[] }> = {
  // 130101 "send too fast", 410100 限流; -1 系统繁忙; 310000 sign, keyword, IP or timestamp check failed, 300001/400101 bad token, 400102 robot stopped.
  dingtalk: { rateLimited: [130101, 410100], busy: [-1], refused: [310000, 300001, 400101, 400102] },
  // 45009 api freq out of limit; -1 system busy; 93000 invalid webhook url, 93004 robot disabled, 40014 invalid key.
  wecom: { rateLimited: [45009], busy: [-1], refused: [93000, 93004, 40014] },
  // 9499 / 11232 too many requests; 19021 sign invalid or stale, 19022 IP not allowed, 19024 keyword missing, 19001 bad webhook token.
  feishu: { rateLimited: [9499, 11232], busy: [], refused: [19021, 19022, 19024, 19001] },
}

const MOBILE = /^\+?[0-9][0-9-]{4,19}$/

/** The webhook as the integration log shows it: no query (DingTalk's and WeCom's token), and no Feishu token segment. */
function endpointFor(platform: Platform, url: URL): string {
  const path = platform === 'feishu' ? url.pathname.replace(/\/[^/]*$/, '') : url.pathname
  return `${url.protocol}//${url.host}${path}`
}

const hmacSha256 = (key: string, message: string) => createHmac('sha256', key).update(message, 'utf8').digest('base64')

/** DingTalk 加签: sign = base64(HMAC-SHA256(key = secret, "timestamp\nsecret")), timestamp in ms; both go into the query. */
export function dingtalkSign(timestampMs: string, secret: string): string {
  return hmacSha256(secret, `${timestampMs}\n${secret}`)
}

/** Feishu 签名校验: sign = base64(HMAC-SHA256(key = "timestamp\nsecret", empty message)), timestamp in seconds; both go into the body. */
export function feishuSign(timestampS: string, secret: string): string {
  return hmacSha256(`${timestampS}\n${secret}`, '')
}

function withMentions(text: string, mobiles: string[]): string {
  const missing = mobiles.filter((m) => !text.includes(`@${m}`))
  return missing.length ? `${text} ${missing.map((m) => `@${m}`).join(' ')}` : text
}

function bodyFor(p: Prepared, text: string, title: string, mobiles: string[]): Record<string, unknown> {
  const atAll = p.config.atAll === true
  switch (p.config.platform) {
    case 'dingtalk': {
      const at = { atMobiles: mobiles, isAtAll: atAll }
      return p.msgType === 'markdown'
        ? { msgtype: 'markdown', markdown: { title, text: withMentions(text, mobiles) }, at }
        : { msgtype: 'text', text: { content: withMentions(text, mobiles) }, at }
    }
    case 'wecom':
      return p.msgType === 'markdown'
        ? { msgtype: 'markdown', markdown: { content: text } }
        : { msgtype: 'text', text: { content: text, mentioned_mobile_list: [...mobiles, ...(atAll ? ['@all'] : [])] } }
    case 'feishu':
      return p.msgType === 'markdown'
        ? {
          msg_type: 'interactive',
          card: {
            config: { wide_screen_mode: true },
            header: { title: { tag: 'plain_text', content: title } },
            elements: [{ tag: 'markdown', content: atAll ? `${text}\n<at id=all></at>` : text }],
          },
        }
        : { msg_type: 'text', content: { text: atAll ? `${text} <at user_id="all">${p.locale === 'zh-CN' ? '所有人' : 'everyone'}</at>` : text } }
  }
}

/** What a robot's answer means: its code when it gives one, else the HTTP status. */
function answer(platform: Platform, status: number, text: string): ImOutput {
  let parsed: Record<string, unknown> | null = null
  try { parsed = JSON.parse(text) as Record<string, unknown> } catch { parsed = null }
  const raw = platform === 'feishu' ? parsed?.code ?? parsed?.StatusCode : parsed?.errcode
  const message = String((platform === 'feishu' ? parsed?.msg ?? parsed?.StatusMessage : parsed?.errmsg) ?? '').slice(0, 300)
  if (typeof raw !== 'number') {
    const byStatus = errorForStatus(status, `the ${NAMES[platform]} robot answered ${status}${text ? `: ${text.slice(0, 200)}` : ''}`)
    if (byStatus) throw byStatus
    throw new PermanentError(`the ${NAMES[platform]} robot's answer has no ${platform === 'feishu' ? 'code' : 'errcode'}: ${text.slice(0, 200)}`, { status })
  }
  if (raw === 0 && status >= 200 && status < 300) {
    return platform === 'feishu' ? { platform, code: 0, msg: message } : { platform, errcode: 0, errmsg: message }
  }
  const said = `the ${NAMES[platform]} robot answered ${raw}${message ? ` ${message}` : ''}`
  const codes = CODES[platform]
  if (codes.rateLimited.includes(raw)) throw new RetryableError(`${said} (rate limited)`, { errorClass: '4xx', status })
  if (codes.busy.includes(raw) || status >= 500) throw new RetryableError(said, { errorClass: '5xx', status })
  if (codes.refused.includes(raw)) throw new PermanentError(`${said} (check the webhook, the signing secret and the robot's keywords)`, { errorClass: 'auth', status })
  throw new PermanentError(said, { errorClass: '4xx', status })
}

export default defineNode<Config, Prepared>({
  manifest: {
    type: 'notify.im',
    title: 'Group robot message',
    description: 'Posts a message to a DingTalk, WeCom or Feishu group through its custom robot, with values from the order.',
    category: 'connector',
    icon: 'message-circle',
    inputs: 1,
    waits: true,
    // DingTalk stops a robot that sent 20 messages in a minute for 10 minutes: retries wait that long.
    activity: { timeoutMs: 10_000, concurrency: 4, retry: { maxAttempts: 5, initialInterval: 'PT1M', backoffRate: 2, maxInterval: 'PT10M' } },
    outputs: [{ name: 'ok', title: 'Sent' }, { name: 'error', title: 'Error', errorPort: true }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['platform', 'webhook'],
      properties: {
        platform: { type: 'string', enum: [...PLATFORMS], title: 'Platform', description: 'Whose group robot: DingTalk, WeCom or Feishu.' },
        webhook: secretNameField('Webhook secret', 'Name of the secret holding the robot\'s webhook URL (it contains the robot\'s token).'),
        signingSecret: secretNameField('Signing secret', 'Name of the secret the robot signs with (DingTalk 加签, Feishu 签名校验); WeCom robots have none.'),
        msgType: { type: 'string', enum: [...MSG_TYPES], default: 'text', title: 'Message type', description: 'Plain text, or Markdown (a card with Markdown on Feishu).' },
        locale: {
          type: 'string', enum: [...LOCALES], default: 'zh-CN', title: 'Language',
          description: 'Language of the built-in message and of {{amountText}}, {{platformName}} and {{statusText}}.',
        },
        title: templateField('Title', 'Title of a Markdown message (DingTalk\'s notification, Feishu\'s card header); a built-in one when empty.', { maxLength: 500 }),
        text: templateField('Message', 'Message template, e.g. 订单 {{order.platformOrderId}} 地址异常; a built-in order notice when empty.', { multiline: true, maxLength: 4000 }),
        atMobiles: {
          type: 'array', maxItems: 50, title: 'Mention by mobile', description: 'Mobile numbers of the members to @, each a template (DingTalk, and WeCom text messages).',
          items: templateField('Mobile number', 'A mobile number or a template for one, e.g. {{vars.onCallMobile}}.', { maxLength: 200 }),
        },
        atAll: { type: 'boolean', default: false, title: 'Mention everyone', description: 'Sends @all with the message (not with WeCom Markdown).' },
      },
    },
    i18n: {
      'zh-CN': {
        title: '群机器人消息',
        description: '通过自定义机器人向钉钉、企业微信或飞书群发送消息，内容可使用订单中的数据。',
        ports: { ok: '已发送', error: '出错' },
        fields: {
          '/platform': { title: '平台', description: '哪家的群机器人：钉钉、企业微信或飞书。', enum: { dingtalk: '钉钉', wecom: '企业微信', feishu: '飞书' } },
          '/webhook': { title: 'Webhook 密钥', description: '保存机器人 Webhook 地址的密钥名称（地址中含有机器人的令牌）。' },
          '/signingSecret': { title: '签名密钥', description: '机器人用来签名的密钥名称（钉钉“加签”、飞书“签名校验”）；企业微信机器人没有签名。' },
          '/msgType': { title: '消息类型', description: '纯文本或 Markdown（飞书上为带 Markdown 的消息卡片）。', enum: { text: '纯文本', markdown: 'Markdown 格式' } },
          '/locale': {
            title: '语言', description: '内置消息以及 {{amountText}}、{{platformName}}、{{statusText}} 使用的语言。',
            enum: { 'zh-CN': '简体中文', en: '英文' },
          },
          '/title': { title: '标题', description: 'Markdown 消息的标题（钉钉的通知标题、飞书的卡片标题）；留空时使用内置标题。' },
          '/text': { title: '消息内容', description: '消息模板，例如 订单 {{order.platformOrderId}} 地址异常；留空时使用内置的订单通知。' },
          '/atMobiles': { title: '按手机号 @', description: '要 @ 的成员手机号，每项是一个模板（钉钉，以及企业微信的文本消息）。' },
          '/atMobiles/*': { title: '手机号', description: '手机号或生成手机号的模板，例如 {{vars.onCallMobile}}。' },
          '/atAll': { title: '@所有人', description: '发送消息时 @所有人（企业微信 Markdown 消息不支持）。' },
        },
      },
      en: {
        fields: {
          '/platform': { enum: { dingtalk: 'DingTalk', wecom: 'WeCom', feishu: 'Feishu' } },
          '/msgType': { enum: { text: 'Plain text', markdown: 'Markdown' } },
          '/locale': { enum: { ...LOCALE_LABELS_EN } },
        },
      },
    },
  },

  prepare(config) {
    const locale = config.locale ?? 'zh-CN'
    const msgType = config.msgType ?? 'text'
    const mentions = (config.atMobiles?.length ?? 0) > 0
    if (config.platform === 'wecom' && config.signingSecret) throw new ConfigError('/signingSecret', 'WeCom robots do not sign: the key in the webhook URL is their only credential')
    if (config.platform === 'feishu' && mentions) throw new ConfigError('/atMobiles', 'Feishu robots cannot mention by mobile number; use "mention everyone" or <at user_id="…"> in the message')
    if (config.platform === 'wecom' && msgType === 'markdown' && mentions) throw new ConfigError('/atMobiles', 'WeCom Markdown messages cannot mention by mobile number; send a text message')
    if (config.platform === 'wecom' && msgType === 'markdown' && config.atAll) throw new ConfigError('/atAll', 'WeCom Markdown messages cannot mention everyone; send a text message')
    const defaults = DEFAULT_TEXT[locale]
    return {
      config, locale, msgType,
      title: compileMessage(config.title || defaults.title, '/title'),
      text: compileMessage(config.text || defaults.text, '/text'),
      atMobiles: (config.atMobiles ?? []).map((t, i) => compileMessage(t, `/atMobiles/${i}`)),
    }
  },

  run(ctx) {
    const p = ctx.config
    const v = messageView(ctx, p.locale)
    const mobiles = p.atMobiles.map((t) => renderMessage(t, v).replace(/\s+/g, '')).filter((m) => m !== '')
    const bad = mobiles.find((m) => !MOBILE.test(m))
    if (bad !== undefined) return fail(`"${bad}" is not a mobile number to mention`)
    const text = renderMessage(p.text, v)
    if (text.trim() === '') return fail('the message is empty')
    const request: ImRequest = {
      platform: p.config.platform, webhook: p.config.webhook,
      ...(p.config.signingSecret ? { signingSecret: p.config.signingSecret } : {}),
      body: bodyFor(p, text, renderMessage(p.title, v).replace(/[\r\n]+/g, ' '), [...new Set(mobiles)]),
    }
    return call(request, { label: `${NAMES[p.config.platform]} robot message` })
  },

  async perform(request: ImRequest, ctx) {
    const { platform } = request
    let url: URL
    try {
      url = new URL(await ctx.secrets.get(request.webhook))
    } catch (error) {
      if (error instanceof PermanentError) throw error
      throw new PermanentError(`the secret "${request.webhook}" does not hold a URL`, { errorClass: 'auth' })
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new PermanentError(`the secret "${request.webhook}" does not hold an http(s) URL`, { errorClass: 'auth' })
    let body = request.body
    if (request.signingSecret) {
      const secret = await ctx.secrets.get(request.signingSecret)
      // Signed with the time of this try: a retry an hour later must not carry a stale timestamp.
      const now = ctx.now()
      if (platform === 'dingtalk') {
        const timestamp = String(now)
        url.searchParams.set('timestamp', timestamp)
        url.searchParams.set('sign', dingtalkSign(timestamp, secret))
      } else if (platform === 'feishu') {
        const timestamp = String(Math.floor(now / 1000))
        body = { timestamp, sign: feishuSign(timestamp, secret), ...body }
      }
    }
    const res = await ctx.http.request({ method: 'POST', url: url.toString(), json: body, logAs: endpointFor(platform, url) })
    return answer(platform, res.status, res.text)
  },
})
