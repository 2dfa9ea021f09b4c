/**
 * One line saying what a node's config does, for its card on the canvas and the version diff: each
 * setting by its form label and value in the operator's language (`团队：vip-service`, `事件：新建`),
 * rules spelled out in words.
 */
import type { NodeManifest } from '../../../schemas/generated/node-manifest.ts'
import { format, type Locale } from '../i18n/messages.ts'
import { ruleVocabulary } from '../rules/rule-vocabulary.ts'
import { describeRule } from './describe-rule.ts'

const MAX = 80

type Schema = { $comment?: string; title?: string; enum?: unknown[]; items?: Schema; additionalProperties?: Schema | boolean; properties?: Record<string, Schema> }
type FieldTexts = Record<string, { title?: string; enum?: Record<string, string> }>

function clip(text: string): string {
  return text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text
}

function isRule(schema: Schema | undefined): boolean {
  return schema?.$comment === 'jsonlogic'
}

function isRuleMap(schema: Schema | undefined): boolean {
  return typeof schema?.additionalProperties === 'object' && isRule(schema.additionalProperties)
}

/** One setting in words: its form label, its value, and whether it is a rule (which says itself, without the label). */
export interface SettingText { label: string; text: string; rule: boolean }

/** One setting's label and value in words; null when it is absent. */
export function describeSetting(manifest: NodeManifest | undefined, key: string, value: unknown, locale: Locale): SettingText | null {
  if (value === undefined) return null
  const props = ((manifest?.configSchema as Schema | undefined)?.properties) ?? {}
  const schema = props[key]
  const texts = (manifest?.i18n?.[locale]?.fields ?? {}) as FieldTexts
  const label = texts[`/${key}`]?.title ?? schema?.title ?? key
  const words = ruleVocabulary(locale)
  const list = format(locale, 'editor.summary.list')
  const scalar = (v: unknown, path: string) => {
    if (typeof v === 'boolean') return format(locale, v ? 'rules.word.true' : 'rules.word.false')
    if (typeof v === 'string') return texts[path]?.enum?.[v] ?? v
    return JSON.stringify(v) ?? ''
  }
  if (isRule(schema)) return { label, text: describeRule(value, words), rule: true }
  if (isRuleMap(schema) && value && typeof value === 'object') {
    return { label, text: Object.entries(value).map(([name, rule]) => `${name} = ${describeRule(rule, words)}`).join(list), rule: false }
  }
  if (Array.isArray(value)) {
    return {
      label,
      text: value.map((v) => (v && typeof v === 'object'
        ? String((v as Record<string, unknown>).title ?? (v as Record<string, unknown>).port ?? '…')
        : scalar(v, `/${key}/*`))).join(list),
      rule: false,
    }
  }
  if (value !== null && typeof value === 'object') return { label, text: JSON.stringify(value), rule: false }
  return { label, text: scalar(value, `/${key}`), rule: false }
}

/** The config's settings in schema order, `label：value` joined by ` · `, clipped to one line. */
export function configSummary(manifest: NodeManifest | undefined, config: Record<string, unknown> | undefined, locale: Locale = 'en'): string {
  if (!config || Object.keys(config).length === 0) return ''
  const props = ((manifest?.configSchema as Schema | undefined)?.properties) ?? {}
  const keys = [...Object.keys(props).filter((k) => k in config), ...Object.keys(config).filter((k) => !(k in props))]
  const separator = format(locale, 'editor.summary.separator')
  const parts: string[] = []
  for (const key of keys) {
    const setting = describeSetting(manifest, key, config[key], locale)
    if (setting) parts.push(setting.rule ? setting.text : `${setting.label}${separator}${setting.text}`)
  }
  return clip(parts.join(' · '))
}
