/**
 * What the notify connectors share: the view their templates see (the order, the variables and
 * texts made for people: the amount in yuan, the platform's and the status's names), exact money
 * formatting, and templates that refuse to carry a secret (a message is read by people).
 */
import { createHash } from 'node:crypto'
import { compileTextTemplate, ConfigError, TemplateError, type NodeContext, type Order, type TemplateEscape, type TextTemplate } from '../sdk/index.ts'
import { minorUnitDigits } from '../../schemas/currency.ts'

export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]

/** The English labels of the locale fields' values: Chinese named as Chinese readers know it. */
export const LOCALE_LABELS_EN: Record<Locale, string> = { 'zh-CN': '中文 (zh-CN)', en: 'English' }

/** Groups the digits of a non-negative integer's decimal string by thousands. */
function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/**
 * An amount in minor units (fen, cents) written for people, with integer arithmetic only:
 * 129900 CNY → "¥1,299.00"; 5 USD → "USD 0.05" ("0.05 USD" in Chinese).
 */
export function formatMoney(amount: number, currency: string, locale: Locale): string {
  if (!Number.isSafeInteger(amount)) return String(amount)
  const code = currency.toUpperCase()
  const negative = amount < 0
  const digits = String(Math.abs(amount))
  // ISO 4217's minor units: JPY has none, KWD three; an unknown code is written with two.
  const places = minorUnitDigits(code) ?? 2
  let text: string
  if (places === 0) text = group(digits)
  else {
    const padded = digits.padStart(places + 1, '0')
    text = `${group(padded.slice(0, -places))}.${padded.slice(-places)}`
  }
  const sign = negative ? '-' : ''
  if (code === 'CNY') return `${sign}¥${text}`
  return locale === 'zh-CN' ? `${sign}${text} ${code}` : `${sign}${code} ${text}`
}

const PLATFORMS: Record<Locale, Record<string, string>> = {
  'zh-CN': { taobao: '淘宝', jd: '京东', pinduoduo: '拼多多', douyin: '抖音', shopify: 'Shopify', woocommerce: 'WooCommerce', manual: '手工录入' },
  en: { taobao: 'Taobao', jd: 'JD.com', pinduoduo: 'Pinduoduo', douyin: 'Douyin', shopify: 'Shopify', woocommerce: 'WooCommerce', manual: 'Manual entry' },
}

const STATUSES: Record<Locale, Record<string, string>> = {
  'zh-CN': {
    pending_payment: '待付款', paid: '已付款', partially_shipped: '部分发货', shipped: '已发货', delivered: '已签收',
    completed: '已完成', cancelled: '已取消', refunding: '退款中', refunded: '已退款',
  },
  en: {
    pending_payment: 'awaiting payment', paid: 'paid', partially_shipped: 'partially shipped', shipped: 'shipped', delivered: 'delivered',
    completed: 'completed', cancelled: 'cancelled', refunding: 'refund in progress', refunded: 'refunded',
  },
}

const NOTICE_KINDS: Record<Locale, Record<string, string>> = {
  'zh-CN': { task: '新的审批任务', reminder: '审批提醒', escalation: '升级提醒', notice: '通知' },
  en: { task: 'New approval task', reminder: 'Approval reminder', escalation: 'Escalation', notice: 'Notice' },
}

/** The engine's own message texts (reminders, escalations) in the message's language; a flow author's text stays as written. */
function localMessage(message: string | null, locale: Locale): string | null {
  if (message === null || locale === 'en') return message
  const reminder = /^reminder (\d+): waiting for your decision$/.exec(message)
  if (reminder) return `第 ${reminder[1]} 次提醒：等待您的审批`
  const escalated = /^escalated: no decision after (\d+) minutes$/.exec(message)
  if (escalated) return `已升级：${escalated[1]} 分钟内无人审批`
  return message
}

/**
 * A message to people that a node sends through this connector (a new task, a reminder, an
 * escalation), when the connector is one of its channels: its kind as words, title and message.
 */
function noticeView(input: unknown, locale: Locale): Record<string, unknown> | null {
  const n = (input as { notification?: { kind?: string; title?: string; message?: string | null } } | null)?.notification
  if (!n || typeof n !== 'object') return null
  return { kind: NOTICE_KINDS[locale][n.kind ?? 'notice'] ?? n.kind, title: n.title ?? '', message: localMessage(n.message ?? null, locale) }
}

/** What every notify template sees: the order and variables, and texts made from them for people. */
export function messageView(ctx: NodeContext<unknown>, locale: Locale): Record<string, unknown> {
  const order: Order | null = ctx.order
  return {
    notice: noticeView(ctx.input, locale),
    order, vars: ctx.variables, variables: ctx.variables, input: ctx.input,
    run: { id: ctx.runId }, node: { id: ctx.node.id, name: ctx.node.name ?? null },
    idempotencyKey: ctx.idempotencyKey, now: new Date(ctx.now).toISOString(),
    amountText: order ? formatMoney(order.totalAmount, order.currency, locale) : '',
    platformName: order ? PLATFORMS[locale][order.platform] ?? order.platform : '',
    statusText: order ? STATUSES[locale][order.status] ?? order.status : '',
  }
}

/**
 * Compiles a message template; a ConfigError names the field (`pointer`) when it does not parse or
 * names a secret: what a notification says is read by people, so no secret may go into it.
 */
export function compileMessage(text: string, pointer: string, escape: TemplateEscape = 'none'): TextTemplate {
  let compiled: TextTemplate
  try {
    compiled = compileTextTemplate(text, escape)
  } catch (error) {
    if (error instanceof TemplateError) throw new ConfigError(pointer, error.message)
    throw error
  }
  if (compiled.secrets.length > 0) throw new ConfigError(pointer, 'a message is read by people and cannot hold a secret ({{secret.…}})')
  return compiled
}

/** Renders a template that was compiled by compileMessage (so holds no secret). */
export function renderMessage(template: TextTemplate, view: unknown): string {
  const out = template.render(view)
  return typeof out === 'string' ? out : out.map((p) => (typeof p === 'string' ? p : '')).join('')
}

/** A short, stable name for one visit of a node, made from its idempotency key (hex). */
export function keyDigest(idempotencyKey: string, length = 32): string {
  return createHash('sha256').update(idempotencyKey).digest('hex').slice(0, length)
}
