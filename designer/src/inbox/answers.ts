/** A form's answers as label/value rows (money formatted), labelled as the form shows them (its `i18n` titles, else its schema titles, else the key). */
import type { FieldTexts } from '../editor/config-i18n.ts'
import type { Locale } from '../i18n/messages.ts'
import { formatMoney } from '../pages/money.ts'

type Prop = { title?: string; enum?: unknown[]; $comment?: string }

/** One row per top-level answer, in the form's property order (answers it does not name last); money in `currency`, nested values as JSON. */
export function answerRows(form: Record<string, unknown>, data: Record<string, unknown>, locale: Locale, currency = 'CNY'): Array<{ key: string; label: string; value: string }> {
  const props = (form.properties ?? {}) as Record<string, Prop>
  const texts = (form.i18n as Record<string, { fields?: FieldTexts }> | undefined)?.[locale]?.fields ?? {}
  const keys = [...Object.keys(props).filter((k) => k in data), ...Object.keys(data).filter((k) => !(k in props))]
  return keys.map((key) => {
    const text = texts[`/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`]
    const value = data[key]
    const shown = props[key]?.$comment === 'money' && typeof value === 'number' ? formatMoney(value, currency, locale)
      : typeof value === 'string' && text?.enum?.[value] ? text.enum[value]
      : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)
    return { key, label: text?.title ?? props[key]?.title ?? key, value: shown }
  })
}
