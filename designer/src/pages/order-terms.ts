/**
 * The order's events and fields in the reader's language, as triggers, conflicts and the order
 * history name them: 订单新建, 团队, 挂起（address-check 池）; values read the same way (a status
 * by its label, a hold as 挂起 / 解除挂起). Unknown names fall back to themselves.
 */
import { translateIfKnown, type Translate } from '../i18n/index.ts'

/** An order event kind (created, updated, status_changed) by its label: "订单新建". */
export function orderEventLabel(t: Translate, kind: string): string {
  return translateIfKnown(t, `orderEvent.${kind}`) ?? kind
}

/** An order field by its label: "团队"; the holds of one pool: "挂起（address-check 池）". */
export function orderFieldLabel(t: Translate, field: string, pool?: string): string {
  if (field === 'holds' && pool) return t('orderField.holdsPool', { pool })
  return translateIfKnown(t, `orderField.${field}`) ?? field
}

/** A value a flow sets a field to, as text: a status by its label, "hold"/"release" of a pool in words, "—" for none. */
export function fieldValueText(t: Translate, field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (field === 'status' && typeof value === 'string') return translateIfKnown(t, `pages.orderStatus.${value}`) ?? value
  if (field === 'holds' && (value === 'hold' || value === 'release')) return t(`orderField.${value}`)
  if (field === 'exception' && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string') {
    const type = (value as { type: string }).type
    return translateIfKnown(t, `pages.exception.${type}`) ?? type
  }
  if (field === 'healthScore' && typeof value === 'object' && typeof (value as { score?: unknown }).score === 'number') return String((value as { score: number }).score)
  return typeof value === 'string' ? value : JSON.stringify(value)
}
