/**
 * The one message table: every label of the designer in English and zh-CN. Each area keeps its
 * keys in messages/<area>.ts; the types make a key missing in either language a compile error.
 */
import * as common from './messages/common.ts'
import * as editor from './messages/editor.ts'
import * as rules from './messages/rules.ts'
import * as pages from './messages/pages.ts'
import * as inbox from './messages/inbox.ts'
import * as integrations from './messages/integrations.ts'
import * as shops from './messages/shops.ts'

export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]

const en = { ...common.en, ...editor.en, ...rules.en, ...pages.en, ...inbox.en, ...integrations.en, ...shops.en }
export type MessageKey = keyof typeof en

export const MESSAGES: Record<Locale, Record<MessageKey, string>> = {
  en,
  'zh-CN': { ...common.zhCN, ...editor.zhCN, ...rules.zhCN, ...pages.zhCN, ...inbox.zhCN, ...integrations.zhCN, ...shops.zhCN },
}

/** Formats a message, replacing `{name}` with params.name. */
export function format(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  const text = MESSAGES[locale][key] ?? MESSAGES.en[key] ?? key
  return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text
}
