/**
 * A task's form (its JSON Schema) in the operator's language, as the editor does for config forms:
 * field labels, help and choice labels from the form's own `i18n[locale].fields` (the manifests'
 * shape: `{ "/refundFen": { "title": "退款金额" } }`; authors add it beside the schema, ajv ignores it),
 * money fields (`"$comment": "money"`) typed in yuan and kept in fen, ajv's messages through the editor's localized validator, rjsf's buttons through the message table,
 * and the API's field errors as rjsf errors under their fields.
 */
import { englishStringTranslator, TranslatableString, type ErrorTransformer, type RJSFSchema, type UiSchema } from '@rjsf/utils'
import { extraErrorsFor } from '../editor/config-ui.ts'
import { localizeUiSchema, type FieldTexts } from '../editor/config-i18n.ts'
import { format, type Locale, type MessageKey } from '../i18n/messages.ts'
import { MONEY_FIELD } from './money-input.ts'

type Schema = { $comment?: string; properties?: Record<string, Schema> }

/** Marks every money property (`"$comment": "money"`, nested objects too) to be drawn by the money field. */
function withMoneyFields(schema: Schema, ui: UiSchema): UiSchema {
  if (schema.$comment === MONEY_FIELD) return { ...ui, 'ui:field': MONEY_FIELD }
  const out: UiSchema = { ...ui }
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const child = withMoneyFields(prop, (ui[key] as UiSchema | undefined) ?? {})
    if (Object.keys(child).length) out[key] = child
  }
  return out
}

/** The schema rjsf draws: the form without its translations. */
export function formSchema(form: Record<string, unknown>): RJSFSchema {
  const { i18n: _texts, ...schema } = form
  return schema as RJSFSchema
}

/** The uiSchema: the form's texts in `locale` on every field they name, no submit button (the decision buttons submit). */
export function formUiSchema(form: Record<string, unknown>, locale: Locale): UiSchema {
  const texts = (form.i18n as Record<string, { fields?: FieldTexts }> | undefined)?.[locale]?.fields
  return withMoneyFields(form as Schema, localizeUiSchema(form, texts, { 'ui:submitButtonOptions': { norender: true } }))
}

/** rjsf's own strings (array buttons) in `locale`, through the editor's keys. */
const STRINGS: Partial<Record<TranslatableString, MessageKey>> = {
  [TranslatableString.AddButton]: 'editor.form.add',
  [TranslatableString.AddItemButton]: 'editor.form.add',
  [TranslatableString.RemoveButton]: 'editor.form.remove',
  [TranslatableString.MoveUpButton]: 'editor.form.moveUp',
  [TranslatableString.MoveDownButton]: 'editor.form.moveDown',
  [TranslatableString.CopyButton]: 'editor.form.copy',
}

/** rjsf's translateString for `locale`. */
export function formStrings(locale: Locale): (s: TranslatableString, params?: string[]) => string {
  return (s, params) => (STRINGS[s] ? format(locale, STRINGS[s]!) : englishStringTranslator(s, params))
}

/** rjsf extraErrors from the API's `/data/...` field errors (already translated). */
export function formErrors(fields: Array<{ pointer: string; reason: string }>): Record<string, unknown> {
  return extraErrorsFor(fields, '/data')
}

const TYPE_REASONS: Record<string, MessageKey> = {
  integer: 'inbox.reason.type.integer', number: 'inbox.reason.type.number', string: 'inbox.reason.type.string', boolean: 'inbox.reason.type.boolean',
}

/**
 * rjsf's transformErrors for the form in `locale`: a missing answer is "必填" under its field (ajv names
 * the property's key: "应当有必需属性 refundFen"), a wrong type said in words (ajv-i18n names the JSON
 * type: "应当是 integer 类型"), and a money field's text that is no amount said so.
 */
export function formErrorTransformer(form: Record<string, unknown>, locale: Locale): ErrorTransformer {
  return (errors) => errors.map((e) => {
    if (e.name === 'required') {
      const message = format(locale, 'editor.reason.required')
      return { ...e, message, stack: `${e.property ?? ''} ${message}`.trim() }
    }
    if (e.name !== 'type') return e
    // "#/properties/refundFen/type" → the schema of refundFen.
    const path = (e.schemaPath ?? '').replace(/^#\//, '').split('/').slice(0, -1)
    let node: unknown = form
    for (const part of path) node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')]
    const key = (node as Schema | undefined)?.$comment === MONEY_FIELD ? 'inbox.reason.money' : TYPE_REASONS[String(e.params?.type)]
    if (!key) return e
    const message = format(locale, key)
    return { ...e, message, stack: `${e.property ?? ''} ${message}`.trim() }
  })
}
