/**
 * A config field whose value must match one in use (a team, a hold pool, a tag): a combo box that
 * offers the values in use and takes a new one only when the operator chooses "add new …", so a
 * typo does not silently open a new queue. Typed text that is neither is not taken.
 */
import { useId, useMemo, useState, type KeyboardEvent } from 'react'
import type { WidgetProps } from '@rjsf/utils'
import type { PickList } from '../../../engine/nodes/schema-fragments.ts'
import { useT } from '../i18n/index.ts'
import { useEditorStore } from './store.ts'
import { matchingValues, mergeWithDefinition, useValuesInUse } from './pick-values.ts'

type Option = { kind: 'value'; value: string } | { kind: 'add'; value: string }

/** The combo box; `options.list` names the pick list (teams, pools, tags, exceptionTypes). */
export function PickWidget(props: WidgetProps) {
  const t = useT()
  const store = useEditorStore()
  const list = (props.options.list ?? 'teams') as PickList
  const what = t(`editor.pick.what.${list}` as 'editor.pick.what.teams')
  const server = useValuesInUse(list)
  const value = typeof props.value === 'string' ? props.value : ''
  const [text, setText] = useState<string | null>(null)
  const [open, setOpen] = useState(false)
  // The option Enter picks: none until the operator moves to one, so Enter never adds a typo.
  const [active, setActive] = useState(-1)
  // Typed text that was not taken when the field was left, said until the field is used again.
  const [notTaken, setNotTaken] = useState<string | null>(null)
  const listId = useId()
  const shown = text ?? value
  const readOnly = Boolean(props.readonly || props.disabled)

  // Worked out when the list is open: the canvas's own values count as in use (another node's new team).
  const values = useMemo(
    () => (open ? mergeWithDefinition(server, list, store.getState().definition(), store.getState().manifests) : server),
    [open, server, list, store],
  )
  const typed = shown.trim()
  const filtering = text !== null && text !== value
  const options: Option[] = [
    ...(filtering ? matchingValues(values, typed) : values).map((v): Option => ({ kind: 'value', value: v })),
    ...(typed && !values.includes(typed) ? [{ kind: 'add', value: typed } as Option] : []),
  ]

  function choose(option: Option) {
    setText(null)
    setOpen(false)
    setNotTaken(null)
    if (option.value !== value) props.onChange(option.value)
  }

  function leave() {
    setOpen(false)
    if (text !== null && text !== value) {
      // An exact value in use is as good as picked; anything else is not taken.
      if (values.includes(text.trim())) choose({ kind: 'value', value: text.trim() })
      else { if (text.trim()) setNotTaken(text.trim()); setText(null) }
    }
    props.onBlur(props.id, value)
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      setOpen(true)
      setActive((i) => (options.length ? (i + (e.key === 'ArrowDown' ? 1 : i < 0 ? options.length : options.length - 1)) % options.length : -1))
    } else if (e.key === 'Enter' && open) {
      e.preventDefault()
      const exact = values.includes(typed) ? { kind: 'value' as const, value: typed } : null
      const option = options[active] ?? exact
      if (option) choose(option)
    } else if (e.key === 'Escape') {
      setText(null)
      setOpen(false)
    }
  }

  return (
    <div className="pick">
      <input
        id={props.id}
        type="text"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && options[active] ? `${listId}-${active}` : undefined}
        autoComplete="off"
        value={shown}
        placeholder={props.placeholder}
        disabled={props.disabled}
        readOnly={props.readonly}
        data-pick={list}
        onFocus={() => { if (!readOnly) { setOpen(true); setActive(-1); setNotTaken(null) } }}
        onClick={() => { if (!readOnly) setOpen(true) }}
        onChange={(e) => { setText(e.target.value); setOpen(true); setActive(-1) }}
        onKeyDown={onKeyDown}
        onBlur={leave}
      />
      {open && !readOnly && (
        // Pressing on the list keeps the focus in the input, so picking is not taken for leaving.
        <ul className="pick-list" role="listbox" id={listId} onMouseDown={(e) => e.preventDefault()}>
          {options.length === 0 && <li className="pick-empty">{t('editor.pick.none', { what })}</li>}
          {options.map((option, i) => (
            <li
              key={`${option.kind}:${option.value}`}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={`${i === active ? 'active' : ''} ${option.kind === 'add' ? 'pick-add' : ''}`}
              data-testid={option.kind === 'add' ? 'pick-add' : undefined}
              onMouseEnter={() => setActive(i)}
              onClick={() => choose(option)}
            >
              {option.kind === 'add' ? t('editor.pick.add', { what, value: option.value }) : option.value}
            </li>
          ))}
        </ul>
      )}
      {notTaken && <div className="field-hint warn" role="status">{t('editor.pick.notTaken', { what, value: notTaken })}</div>}
    </div>
  )
}
