/**
 * Config forms in the designer's language: field labels, help texts and enum labels from a manifest's
 * `i18n[locale].fields` (keyed by config path, array items and map values as `*`, e.g. `/cases/*` + `/port`),
 * merged into the rjsf uiSchema; and an rjsf validator whose ajv messages speak that language.
 */
import type { UiSchema, ValidatorType } from '@rjsf/utils'
import { customizeValidator } from '@rjsf/validator-ajv8'
import localizeZh from 'ajv-i18n/localize/zh/index.js'
import type { FieldText } from '../../../schemas/generated/node-manifest.ts'
import type { Locale } from '../i18n/messages.ts'


/** One locale's config field texts: `manifest.i18n?.[locale]?.fields`. */
export type FieldTexts = Record<string, FieldText>

type Schema = {
  enum?: unknown[]
  properties?: Record<string, Schema>
  items?: Schema | Schema[] | boolean
  additionalProperties?: Schema | boolean
}

function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1')
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function localize(schema: Schema, path: string, fields: FieldTexts, base: UiSchema | undefined): UiSchema {
  const ui: UiSchema = { ...base }
  const text = path ? fields[path] : undefined
  if (text?.title) ui['ui:title'] = text.title
  if (text?.description) ui['ui:description'] = text.description
  if (text?.enum && Array.isArray(schema.enum)) {
    const labels = text.enum
    // rjsf 6 reads `ui:enumNames` as labels aligned with `enum` (a value→label map works too; the array is the long-standing form).
    ui['ui:enumNames'] = schema.enum.map((value) => labels[String(value)] ?? String(value))
  }
  const put = (key: string, child: Schema, childPath: string) => {
    const localized = localize(child, childPath, fields, base?.[key] as UiSchema | undefined)
    if (Object.keys(localized).length) ui[key] = localized
  }
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (isSchema(property)) put(name, property, `${path}/${escapePointer(name)}`)
  }
  if (isSchema(schema.items)) put('items', schema.items, `${path}/*`)
  if (isSchema(schema.additionalProperties)) put('additionalProperties', schema.additionalProperties, `${path}/*`)
  return ui
}

/**
 * The base uiSchema (e.g. `uiSchemaFor(configSchema)`, whose `'ui:field': 'jsonlogic'` entries are kept) with
 * `ui:title`, `ui:description` and `ui:enumNames` set from `fields` on every field they name, array items
 * (`uiSchema.items`) and map values (`uiSchema.additionalProperties`) included. Without fields, a copy of `base`.
 * Never mutates `base`.
 */
export function localizeUiSchema(configSchema: object | undefined, fields: FieldTexts | undefined, base: UiSchema = {}): UiSchema {
  if (!configSchema || !fields) return { ...base }
  return localize(configSchema as Schema, '', fields, base)
}

const validators = new Map<Locale, ValidatorType>()

/** The rjsf validator for a form in `locale`: ajv's error messages in Chinese for zh-CN (ajv-i18n), English otherwise. One per locale. */
export function formValidator(locale: Locale): ValidatorType {
  let validator = validators.get(locale)
  if (!validator) {
    validator = locale === 'zh-CN' ? customizeValidator({}, localizeZh) : customizeValidator()
    validators.set(locale, validator)
  }
  return validator
}

/** Texts of the retry policy form (schemas/workflow.schema.json `definitions.retryPolicy`), in the manifests' `fields` shape. */
export const RETRY_FIELDS: Record<Locale, FieldTexts> = {
  'zh-CN': {
    '/maxAttempts': { title: '最多尝试次数', description: '总共尝试的次数，含第一次。' },
    '/initialInterval': { title: '首次重试间隔', description: '第二次尝试前等待的时长（默认 PT1S，即 1 秒）。' },
    '/backoffRate': { title: '退避倍数', description: '每次等待时长是上一次的多少倍（默认 2）。' },
    '/maxInterval': { title: '最长间隔', description: '单次等待时长的上限（默认 PT5M，即 5 分钟）。' },
    '/jitter': { title: '抖动比例', description: '等待时长浮动的比例，按步骤确定性计算（默认 0）。' },
  },
  en: {
    '/maxAttempts': { title: 'Max attempts', description: 'Attempts in all, the first included.' },
    '/initialInterval': { title: 'Initial interval', description: 'Delay before the second attempt (default PT1S).' },
    '/backoffRate': { title: 'Backoff rate', description: 'Each delay is the previous one times this (default 2).' },
    '/maxInterval': { title: 'Max interval', description: 'Upper bound of one delay (default PT5M).' },
    '/jitter': { title: 'Jitter', description: 'Fraction of the delay varied, deterministically per step (default 0).' },
  },
}
