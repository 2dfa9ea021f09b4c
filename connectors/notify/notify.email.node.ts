/**
 * notify.email: sends an email over SMTP (nodemailer) — an order notice to the buyer, a warning to
 * a team. Recipients, subject and bodies are templates over the order and the variables (values in
 * the HTML body are HTML-escaped); without a subject or body of its own it sends a built-in order
 * notice in Chinese or English. The password is a secret named in the config, read only while the
 * mail is sent. Every try of one visit carries the same Message-ID and X-Ordo-Idempotency-Key, so a
 * retried send can be recognised by whoever receives it twice.
 */
import nodemailer from 'nodemailer'
import addressparser from 'nodemailer/lib/addressparser'
import {
  call, ConfigError, defineNode, fail, PermanentError, RetryableError, secretNameField, templateField, type TextTemplate,
} from '../sdk/index.ts'
import { compileMessage, keyDigest, LOCALE_LABELS_EN, LOCALES, messageView, renderMessage, type Locale } from './message.ts'

const SECURITY = ['starttls', 'tls', 'none'] as const
type Security = (typeof SECURITY)[number]
const DEFAULT_PORT: Record<Security, number> = { tls: 465, starttls: 587, none: 25 }

interface Config {
  host: string
  port?: number
  security?: Security
  username?: string
  password?: string
  from: string
  replyTo?: string
  to: string[]
  cc?: string[]
  locale?: Locale
  subject?: string
  text?: string
  html?: string
}

interface Prepared {
  config: Config
  locale: Locale
  domain: string
  to: TextTemplate[]
  cc: TextTemplate[]
  subject: TextTemplate
  text: TextTemplate | null
  html: TextTemplate | null
}

interface Mailbox { name: string; address: string }

/** What `run` hands `perform`: the rendered message and where to send it (the password by name only). */
export interface EmailRequest {
  smtp: { host: string; port: number; security: Security; username?: string; password?: string }
  from: string
  replyTo?: string
  messageId: string
  to: Mailbox[]
  cc: Mailbox[]
  subject: string
  text?: string
  html?: string
}

/** What the node puts out: the Message-ID sent and the recipients the server took or refused. */
export interface EmailOutput { messageId: string; accepted: string[]; rejected: string[] }

/** The built-in order notice, for a config without a subject or body of its own. */
export const DEFAULT_TEMPLATES: Record<Locale, { subject: string; text: string }> = {
  'zh-CN': {
    // A node's message (a task, a reminder, an escalation) goes to staff; otherwise it is the buyer's order notice.
    subject: '{{#notice}}【{{notice.kind}}】{{notice.title}} · 订单 {{order.platformOrderId}}{{/notice}}{{^notice}}【{{platformName}}】订单 {{order.platformOrderId}}：{{statusText}}{{/notice}}',
    text: [
      '{{#notice}}{{notice.title}}{{#notice.message}}',
      '{{notice.message}}{{/notice.message}}',
      '',
      '订单 {{order.platformOrderId}}（{{platformName}}）：{{statusText}}，金额 {{amountText}}。请到 Ordo 的待办中处理。{{/notice}}{{^notice}}{{#order.customer.name}}{{order.customer.name}}，{{/order.customer.name}}您好：',
      '',
      '您在{{platformName}}的订单 {{order.platformOrderId}} 当前状态为「{{statusText}}」，订单金额 {{amountText}}。{{/notice}}',
      '',
      '此邮件由系统自动发送，请勿直接回复。',
    ].join('\n'),
  },
  en: {
    subject: '{{#notice}}[{{notice.kind}}] {{notice.title}} · order {{order.platformOrderId}}{{/notice}}{{^notice}}Order {{order.platformOrderId}} on {{platformName}}: {{statusText}}{{/notice}}',
    text: [
      '{{#notice}}{{notice.title}}{{#notice.message}}',
      '{{notice.message}}{{/notice.message}}',
      '',
      'Order {{order.platformOrderId}} ({{platformName}}): {{statusText}}, total {{amountText}}. Please handle it in your Ordo inbox.{{/notice}}{{^notice}}Hello{{#order.customer.name}} {{order.customer.name}}{{/order.customer.name}},',
      '',
      'Your order {{order.platformOrderId}} on {{platformName}} is {{statusText}}. Order total: {{amountText}}.{{/notice}}',
      '',
      'This message was sent automatically; please do not reply to it.',
    ].join('\n'),
  },
}

/** Every mailbox in rendered address texts ("A <a@x>, b@y"); null and the bad text when one is not an address. */
function mailboxes(texts: string[]): { ok: Mailbox[] } | { bad: string } {
  const out: Mailbox[] = []
  for (const text of texts) {
    if (text.trim() === '') continue
    for (const m of addressparser(text, { flatten: true })) {
      if (!/^[^\s@]+@[^\s@]+$/.test(m.address)) return { bad: text }
      out.push({ name: m.name, address: m.address })
    }
  }
  return { ok: out }
}

function compileList(list: string[] | undefined, at: string): TextTemplate[] {
  return (list ?? []).map((t, i) => compileMessage(t, `${at}/${i}`, 'header'))
}

/** The SMTP reply code at the start of a server's answer ("250 2.0.0 Ok: queued"). */
function replyCode(response: unknown): number | undefined {
  const m = typeof response === 'string' ? /^(\d{3})\b/.exec(response) : null
  return m ? Number(m[1]) : undefined
}

/** What a nodemailer failure means: a refused login or a 5yz reply is final, a 4yz reply or a broken connection is not. */
function smtpFailure(err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason
  const e = (err ?? {}) as { code?: string; responseCode?: number; response?: string; command?: string; message?: string }
  const status = typeof e.responseCode === 'number' ? e.responseCode : replyCode(e.response)
  const said = (e.response ?? e.message ?? 'failed').slice(0, 300)
  const step = e.command ? ` (${e.command})` : ''
  const options = { cause: err, ...(status !== undefined ? { status } : {}) }
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH' || status === 535 || status === 534 || status === 530) {
    // 454: "temporary authentication failure" — the server's own trouble, not the password's.
    if (status !== undefined && status >= 400 && status < 500) return new RetryableError(`the SMTP server cannot check the login now${step}: ${said}`, { ...options, errorClass: 'auth' })
    return new PermanentError(`the SMTP server refused the login${step}: ${said}`, { ...options, errorClass: 'auth' })
  }
  // RFC 5321: 5yz is a permanent refusal, except 503 (bad sequence), which a new connection can fix.
  if (status !== undefined && status >= 500 && status !== 503) return new PermanentError(`the SMTP server refused the message${step}: ${said}`, { ...options, errorClass: '4xx' })
  if (status !== undefined && status >= 400) return new RetryableError(`the SMTP server asked to try again later${step}: ${said}`, { ...options, errorClass: '5xx' })
  if (e.code === 'ETIMEDOUT') return new RetryableError(`the SMTP server did not answer in time${step}: ${said}`, { cause: err, errorClass: 'timeout' })
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return new PermanentError(`the message cannot be sent${step}: ${said}`, { cause: err, errorClass: '4xx' })
  if (e.code && ['ECONNECTION', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL'].includes(e.code)) {
    return new RetryableError(`the SMTP connection failed${step}: ${said}`, { cause: err, errorClass: 'network' })
  }
  return err
}

const addressList = (list: unknown): string[] =>
  (Array.isArray(list) ? list : []).map((a) => (typeof a === 'string' ? a : (a as { address?: string }).address ?? String(a)))

export default defineNode<Config, Prepared>({
  manifest: {
    type: 'notify.email',
    title: 'Send email',
    description: 'Sends an email over SMTP: an order notice to the buyer or a message to a team, with values from the order.',
    category: 'connector',
    icon: 'mail',
    inputs: 1,
    waits: true,
    activity: { timeoutMs: 30_000, concurrency: 4, retry: { maxAttempts: 4, initialInterval: 'PT1M', backoffRate: 2, maxInterval: 'PT15M' } },
    outputs: [{ name: 'ok', title: 'Sent' }, { name: 'error', title: 'Error', errorPort: true }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['host', 'from', 'to'],
      properties: {
        host: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:\\[\\]-]+$', title: 'SMTP server', description: 'Host name of the mail server, e.g. smtp.exmail.qq.com.' },
        port: { type: 'integer', minimum: 1, maximum: 65535, title: 'Port', description: 'Default 587 with STARTTLS, 465 with TLS, 25 without.' },
        security: {
          type: 'string', enum: [...SECURITY], default: 'starttls', title: 'Encryption',
          description: 'STARTTLS (required, usually port 587), TLS from the start (usually 465), or none (a relay in your own network).',
        },
        username: { type: 'string', maxLength: 320, title: 'User name', description: 'The login for the mail server; leave empty for a server that needs none.' },
        password: secretNameField('Password secret', 'Name of the secret holding the password or authorization code.'),
        from: { type: 'string', minLength: 3, maxLength: 320, title: 'From', description: 'Sender, e.g. 店铺客服 <service@shop.example.com>.' },
        replyTo: { type: 'string', maxLength: 320, title: 'Reply to', description: 'Where replies go, when not to the sender.' },
        to: {
          type: 'array', minItems: 1, maxItems: 50, title: 'To', description: 'Recipients, each a template, e.g. {{order.customer.email}}.',
          items: templateField('Recipient', 'An address or a template for one, e.g. {{order.customer.email}}.', { maxLength: 1000 }),
        },
        cc: {
          type: 'array', maxItems: 50, title: 'Cc', description: 'Copies to these recipients, each a template.',
          items: templateField('Recipient', 'An address or a template for one.', { maxLength: 1000 }),
        },
        locale: {
          type: 'string', enum: [...LOCALES], default: 'zh-CN', title: 'Language',
          description: 'Language of the built-in order notice and of {{amountText}}, {{platformName}} and {{statusText}}.',
        },
        subject: templateField('Subject', 'Subject template; the built-in order notice\'s subject when empty.', { maxLength: 1000 }),
        text: templateField('Text body', 'Plain text body template; the built-in order notice when neither body is given.', { multiline: true, maxLength: 100_000 }),
        html: templateField('HTML body', 'Optional HTML body template; values put into it are HTML-escaped.', { multiline: true, maxLength: 200_000 }),
      },
    },
    i18n: {
      'zh-CN': {
        title: '发送邮件',
        description: '通过 SMTP 发送邮件：用订单中的数据给买家发订单通知，或给团队发消息。',
        ports: { ok: '已发送', error: '出错' },
        fields: {
          '/host': { title: 'SMTP 服务器', description: '邮件服务器的主机名，例如 smtp.exmail.qq.com。' },
          '/port': { title: '端口', description: '默认：STARTTLS 用 587，TLS 用 465，不加密用 25。' },
          '/security': {
            title: '加密方式', description: 'STARTTLS（必须升级加密，通常是 587 端口）、一开始就用 TLS（通常是 465 端口），或不加密（仅限内网中继）。',
            enum: { starttls: 'STARTTLS 加密', tls: 'TLS 加密（SSL）', none: '不加密' },
          },
          '/username': { title: '用户名', description: '邮件服务器的登录名；服务器不需要登录时留空。' },
          '/password': { title: '密码密钥', description: '保存密码或授权码的密钥名称。' },
          '/from': { title: '发件人', description: '发件人，例如 店铺客服 <service@shop.example.com>。' },
          '/replyTo': { title: '回复地址', description: '回复邮件发往的地址（不同于发件人时填写）。' },
          '/to': { title: '收件人', description: '收件人列表，每项是一个模板，例如 {{order.customer.email}}。' },
          '/to/*': { title: '收件人', description: '邮件地址或生成地址的模板，例如 {{order.customer.email}}。' },
          '/cc': { title: '抄送', description: '抄送给这些收件人，每项是一个模板。' },
          '/cc/*': { title: '收件人', description: '邮件地址或生成地址的模板。' },
          '/locale': {
            title: '语言', description: '内置订单通知以及 {{amountText}}、{{platformName}}、{{statusText}} 使用的语言。',
            enum: { 'zh-CN': '简体中文', en: '英文' },
          },
          '/subject': { title: '主题', description: '邮件主题模板；留空时使用内置订单通知的主题。' },
          '/text': { title: '纯文本正文', description: '纯文本正文模板；两种正文都没填时使用内置订单通知。' },
          '/html': { title: 'HTML 正文', description: '可选的 HTML 正文模板；填入的值会做 HTML 转义。' },
        },
      },
      en: {
        fields: {
          '/security': { enum: { starttls: 'STARTTLS encryption', tls: 'TLS encryption (SSL)', none: 'No encryption' } },
          '/locale': { enum: { ...LOCALE_LABELS_EN } },
        },
      },
    },
  },

  prepare(config) {
    const locale = config.locale ?? 'zh-CN'
    const sender = addressparser(config.from, { flatten: true })
    if (sender.length !== 1 || !/^[^\s@]+@([^\s@]+)$/.test(sender[0]!.address)) throw new ConfigError('/from', 'must be one email address, e.g. 店铺客服 <service@shop.example.com>')
    if (config.replyTo !== undefined && config.replyTo !== '' && !addressparser(config.replyTo, { flatten: true }).every((m) => m.address.includes('@'))) {
      throw new ConfigError('/replyTo', 'must be an email address')
    }
    if (config.password && !config.username) throw new ConfigError('/username', 'is needed when a password secret is given')
    if (config.username && !config.password) throw new ConfigError('/password', 'is needed when a user name is given: name the secret holding the password')
    const defaults = DEFAULT_TEMPLATES[locale]
    const noBody = config.text === undefined && config.html === undefined
    return {
      config, locale, domain: sender[0]!.address.split('@')[1]!,
      to: compileList(config.to, '/to'),
      cc: compileList(config.cc, '/cc'),
      subject: compileMessage(config.subject || defaults.subject, '/subject', 'header'),
      text: config.text !== undefined ? compileMessage(config.text, '/text') : noBody ? compileMessage(defaults.text, '/text') : null,
      html: config.html !== undefined ? compileMessage(config.html, '/html', 'html') : null,
    }
  },

  run(ctx) {
    const p = ctx.config
    const c = p.config
    const v = messageView(ctx, p.locale)
    const to = mailboxes(p.to.map((t) => renderMessage(t, v)))
    const cc = mailboxes(p.cc.map((t) => renderMessage(t, v)))
    if ('bad' in to) return fail(`"${to.bad}" is not an email address`)
    if ('bad' in cc) return fail(`"${cc.bad}" is not an email address`)
    if (to.ok.length === 0) return fail('the email has no recipient: every "to" template rendered empty')
    const security = c.security ?? 'starttls'
    const request: EmailRequest = {
      smtp: {
        host: c.host, port: c.port ?? DEFAULT_PORT[security], security,
        ...(c.username ? { username: c.username } : {}), ...(c.password ? { password: c.password } : {}),
      },
      from: c.from,
      ...(c.replyTo ? { replyTo: c.replyTo } : {}),
      // One Message-ID for every try of this visit: a receiver (or the sent folder) sees a retry as the same mail.
      messageId: `<ordo.${keyDigest(ctx.idempotencyKey)}@${p.domain}>`,
      to: to.ok, cc: cc.ok,
      subject: renderMessage(p.subject, v).replace(/[\r\n]+/g, ' ').trim(),
      ...(p.text ? { text: renderMessage(p.text, v) } : {}),
      ...(p.html ? { html: renderMessage(p.html, v) } : {}),
    }
    return call(request, { label: `email to ${to.ok.map((m) => m.address).join(', ')}` })
  },

  async perform(request: EmailRequest, ctx) {
    const { smtp } = request
    const pass = smtp.password ? await ctx.secrets.get(smtp.password) : undefined
    // The transport's own timeouts end where the activity's deadline does.
    const remaining = Math.max(1, ctx.deadline - ctx.now())
    const transport = nodemailer.createTransport({
      host: smtp.host, port: smtp.port,
      secure: smtp.security === 'tls', requireTLS: smtp.security === 'starttls',
      ...(smtp.username && pass !== undefined ? { auth: { user: smtp.username, pass } } : {}),
      connectionTimeout: remaining, greetingTimeout: remaining, socketTimeout: remaining, dnsTimeout: remaining,
      disableFileAccess: true, disableUrlAccess: true, logger: false,
    })
    try {
      const info = await ctx.track(`smtp://${smtp.host}:${smtp.port}`, async (signal) => {
        try {
          return await transport.sendMail({
            from: request.from, ...(request.replyTo ? { replyTo: request.replyTo } : {}),
            to: request.to, ...(request.cc.length ? { cc: request.cc } : {}),
            subject: request.subject,
            ...(request.text !== undefined ? { text: request.text } : {}),
            ...(request.html !== undefined ? { html: request.html } : {}),
            messageId: request.messageId,
            headers: { 'X-Ordo-Idempotency-Key': ctx.idempotencyKey },
            signal,
          })
        } catch (err) {
          throw smtpFailure(err, signal)
        }
      }, (sent) => replyCode(sent.response))
      const output: EmailOutput = { messageId: info.messageId, accepted: addressList(info.accepted), rejected: addressList(info.rejected) }
      if (ctx.attempt > 1) ctx.log.info('email sent on a retry: its Message-ID is that of the earlier tries', { messageId: output.messageId, attempt: ctx.attempt })
      return output
    } finally {
      transport.close()
    }
  },
})
