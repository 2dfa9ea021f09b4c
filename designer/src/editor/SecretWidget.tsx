/**
 * A config field naming a secret (`$comment: "secret-name"`): a combo box of the secrets an admin
 * has set (names only; a value never reaches the designer). A name nobody set yet is still taken —
 * the flow may be designed before the key exists — and said to be "not set yet"; a set one says
 * when it was last set and by whom.
 */
import { useId, useState, type KeyboardEvent } from 'react'
import type { WidgetProps } from '@rjsf/utils'
import { Link } from 'wouter'
import { useSecretList } from '../api/secrets.ts'
import { useCan } from '../app/session.ts'
import { confirmLeave } from '../app/unsaved.ts'
import { useLocale, useT } from '../i18n/index.ts'
import { formatTime } from '../pages/format.ts'
import { matchingSecretNames, secretFieldState } from '../pages/secrets.ts'

export function SecretWidget(props: WidgetProps) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const secrets = useSecretList()
  const canSee = useCan('viewSecrets')
  const value = typeof props.value === 'string' ? props.value : ''
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(-1)
  // Until something is typed, the list offers every secret (the name in the box may be one not set yet).
  const [typing, setTyping] = useState(false)
  const listId = useId()
  const readOnly = Boolean(props.readonly || props.disabled)
  const options = secrets ? matchingSecretNames(secrets, open && typing ? value : '') : []
  const state = secretFieldState(value, secrets)

  function take(name: string) {
    setOpen(false)
    setActive(-1)
    if (name !== value) props.onChange(name || undefined)
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      setOpen(true)
      setActive((i) => (options.length ? (i + (e.key === 'ArrowDown' ? 1 : i < 0 ? options.length : options.length - 1)) % options.length : -1))
    } else if (e.key === 'Enter' && open && options[active]) {
      e.preventDefault()
      take(options[active])
    } else if (e.key === 'Escape') {
      setOpen(false)
    }
  }

  return (
    <div className="secret-field">
      <div className="pick secret-pick">
        <input
          id={props.id}
          type="text"
          role="combobox"
          aria-expanded={open && options.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open && options[active] ? `${listId}-${active}` : undefined}
          autoComplete="off"
          spellCheck={false}
          value={value}
          placeholder={props.placeholder || t('editor.secret.placeholder')}
          disabled={props.disabled}
          readOnly={props.readonly}
          data-secret-field="true"
          onFocus={() => { if (!readOnly) { setOpen(true); setActive(-1); setTyping(false) } }}
          onClick={() => { if (!readOnly) setOpen(true) }}
          onChange={(e) => { props.onChange(e.target.value || undefined); setOpen(true); setActive(-1); setTyping(true) }}
          onKeyDown={onKeyDown}
          onBlur={() => { setOpen(false); props.onBlur(props.id, value) }}
        />
        {open && !readOnly && options.length > 0 && (
          // Pressing on the list keeps the focus in the input, so picking is not taken for leaving.
          <ul className="pick-list" role="listbox" id={listId} onMouseDown={(e) => e.preventDefault()} data-testid="secret-options">
            {options.map((name, i) => (
              <li key={name} id={`${listId}-${i}`} role="option" aria-selected={i === active} className={i === active ? 'active' : ''}
                onMouseEnter={() => setActive(i)} onClick={() => take(name)}>
                <code>{name}</code>
              </li>
            ))}
          </ul>
        )}
      </div>
      {state.kind === 'notSet' && (
        <div className="field-hint warn" role="status" data-testid="secret-not-set">
          {t('editor.secret.notSet', { name: state.name })}
          {canSee && <> <Link href="/secrets" onClick={(e) => { if (!confirmLeave(t('editor.leaveUnsaved'))) e.preventDefault() }}>{t('editor.secret.manage')}</Link></>}
        </div>
      )}
      {state.kind === 'set' && (
        <div className="field-hint" data-testid="secret-set" title={state.secret.updatedAt}>
          {t('editor.secret.set', { time: formatTime(state.secret.updatedAt, locale), by: state.secret.updatedBy })}
        </div>
      )}
      {state.kind === 'empty' && secrets && secrets.length === 0 && <div className="field-hint">{t('editor.secret.noneSet')}</div>}
    </div>
  )
}
