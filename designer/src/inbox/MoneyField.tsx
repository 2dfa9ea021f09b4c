/**
 * An rjsf field for money kept in minor units (`"$comment": "money"` on an integer, e.g. refundFen):
 * the approver types yuan ("6500" or "6,500.00"), the form holds fen; the amount is echoed formatted.
 */
import { useEffect, useState } from 'react'
import type { FieldProps } from '@rjsf/utils'
import { useLocale } from '../i18n/index.ts'
import { formatMoney, minorDigits, minorToDecimal } from '../pages/money.ts'
import { decimalToMinor } from './money-input.ts'

/** "¥" for CNY, "US$" or "$" for USD…, as the locale writes it. */
function currencySymbol(currency: string, locale: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).formatToParts(0).find((p) => p.type === 'currency')?.value ?? currency
  } catch {
    return currency
  }
}

/** The money input; the currency comes from the form context (the order's), CNY without one. */
export function MoneyField(props: FieldProps) {
  const locale = useLocale((s) => s.locale)
  const currency = (props.registry.formContext as { currency?: string } | undefined)?.currency ?? 'CNY'
  const digits = minorDigits(currency)
  const value = typeof props.formData === 'number' ? props.formData : undefined
  const [text, setText] = useState(value === undefined ? '' : minorToDecimal(value, digits))
  // A value set from outside (the form reset, a saved answer) shows as typed yuan.
  useEffect(() => {
    if (value !== undefined && decimalToMinor(text, digits) !== value) setText(minorToDecimal(value, digits))
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value, digits])
  const id = props.fieldPathId.$id
  const label = (props.uiSchema?.['ui:title'] as string | undefined) ?? props.schema.title ?? props.name
  const help = (props.uiSchema?.['ui:description'] as string | undefined) ?? props.schema.description
  const parsed = text.trim() ? decimalToMinor(text, digits) : undefined
  return (
    <div className="form-group field money-field">
      <label className="control-label" htmlFor={id}>{label}{props.required && <span className="required">*</span>}</label>
      {help && <p className="field-description">{help}</p>}
      <div className="money-input">
        <span className="unit">{currencySymbol(currency, locale)}</span>
        <input id={id} type="text" inputMode="decimal" value={text} disabled={props.disabled} readOnly={props.readonly}
          aria-invalid={props.rawErrors?.length ? true : undefined}
          onChange={(e) => {
            setText(e.target.value)
            const minor = e.target.value.trim() ? decimalToMinor(e.target.value, digits) : undefined
            // Text that is no amount stays as text: the form's check then says the field needs a number.
            props.onChange(minor === null ? e.target.value : minor, props.fieldPathId.path)
          }} />
        {typeof parsed === 'number' && <span className="hint" data-testid={`${id}-amount`}>= {formatMoney(parsed, currency, locale)}</span>}
      </div>
      {props.rawErrors && props.rawErrors.length > 0 && (
        <ul className="error-detail">{props.rawErrors.map((e) => <li key={e} className="text-danger">{e}</li>)}</ul>
      )}
    </div>
  )
}
