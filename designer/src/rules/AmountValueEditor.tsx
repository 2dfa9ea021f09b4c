/**
 * The rule builder's value editor: for a money amount (order.totalAmount…) the operator types and
 * reads the currency's major unit (1000.00 元) while the rule keeps integer minor units (100000);
 * every other field gets react-querybuilder's own editor.
 */
import { useState } from 'react'
import { ValueEditor, type ValueEditorProps } from 'react-querybuilder'
import { amountToText, parseAmount } from './amount.ts'
import type { RuleField } from './order-fields.ts'

/** What the builder's components know of the rule being edited (QueryBuilder's `context`). */
export interface AmountContext {
  /** The currency the rule's amounts are in. */
  currency: string
  /** Its major unit as the operator says it (元, CNY). */
  unit: string
  /** Says an amount the operator typed cannot be read. */
  invalidText: string
}

const SINGLE = new Set(['=', '!=', '<', '<=', '>', '>='])
const RANGE = new Set(['between', 'notBetween'])

/** The builder's value editor, reading and writing amounts in the major unit. */
export function AmountValueEditor(props: ValueEditorProps) {
  const field = props.fieldData as Partial<RuleField>
  const context = props.context as AmountContext | undefined
  if (!field.amount || !context || !(SINGLE.has(props.operator) || RANGE.has(props.operator))) return <ValueEditor {...props} />
  const disabled = props.disabled
  if (RANGE.has(props.operator)) {
    const pair: unknown[] = Array.isArray(props.value) ? props.value : ['', '']
    const set = (i: number, minor: number) => props.handleOnChange(pair.map((v, j) => (j === i ? minor : v)))
    return (
      <span className="rule-amount">
        <AmountInput className="rule-value-list-item" value={pair[0]} context={context} disabled={disabled} title={props.title} onChange={(m) => set(0, m)} />
        <span className="rule-amount-unit">{context.unit}</span>
        {props.separator}
        <AmountInput className="rule-value-list-item" value={pair[1]} context={context} disabled={disabled} title={props.title} onChange={(m) => set(1, m)} />
        <span className="rule-amount-unit">{context.unit}</span>
      </span>
    )
  }
  return (
    <span className="rule-amount">
      <AmountInput className={props.className} value={props.value} context={context} disabled={disabled} title={props.title} onChange={props.handleOnChange} />
      <span className="rule-amount-unit">{context.unit}</span>
    </span>
  )
}

interface AmountInputProps { value: unknown; context: AmountContext; onChange(minor: number): void; className?: string; disabled?: boolean; title?: string }

/** One amount in the major unit; text that is no amount stays as typed, marked, and changes nothing. */
function AmountInput({ value, context, onChange, className, disabled, title }: AmountInputProps) {
  const { currency } = context
  const shownFor = (v: unknown) => (typeof v === 'number' ? amountToText(v, currency) : typeof v === 'string' ? v : '')
  // The text as typed, for the value it stands for; a value from elsewhere (undo, the JSON tab) replaces it.
  const [state, setState] = useState(() => ({ text: shownFor(value), value }))
  let current = state
  if (!Object.is(value, state.value)) {
    current = { text: shownFor(value), value }
    setState(current)
  }
  const invalid = current.text.trim() !== '' && parseAmount(current.text, currency) === null
  return (
    <input
      type="text"
      inputMode="decimal"
      className={className}
      value={current.text}
      placeholder={amountToText(0, currency)}
      disabled={disabled}
      title={invalid ? context.invalidText : title}
      aria-invalid={invalid || undefined}
      onChange={(e) => {
        const text = e.target.value
        const minor = parseAmount(text, currency)
        setState({ text, value: minor ?? current.value })
        if (minor !== null && minor !== value) onChange(minor)
      }}
    />
  )
}
