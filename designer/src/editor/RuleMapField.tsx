/**
 * A config field that maps names to rules (rule.set's variables: `additionalProperties` marked
 * `$comment: "jsonlogic"`), drawn as rows of a name and a rule editor (builder, JSON, try it). rjsf's
 * own map editor would offer a text box per value, storing a rule as a string that never runs.
 */
import { useState } from 'react'
import type { FieldProps } from '@rjsf/utils'
import { useLocale, useT } from '../i18n/index.ts'
import { RuleEditor } from '../rules/RuleEditor.tsx'
import { describeReason } from './describe-problem.ts'
import { useEditor } from './store.ts'
import type { FormContext } from './config-ui.ts'
import { useUnappliedRule } from './unapplied-rule.ts'
import { entryNameProblem, freshEntryName, removeEntry, renameEntry } from './rule-map.ts'

type MapSchema = { propertyNames?: { pattern?: string }; additionalProperties?: { title?: string; description?: string } }

/** The rjsf field for a map of named rules; new entries start as the rule `true`. */
export function RuleMapField(props: FieldProps) {
  const t = useT()
  const flowVariables = useEditor((s) => s.meta.variables)
  const map = (props.formData && typeof props.formData === 'object' && !Array.isArray(props.formData) ? props.formData : {}) as Record<string, unknown>
  const schema = props.schema as MapSchema
  const pattern = schema.propertyNames?.pattern
  const ui = props.uiSchema ?? {}
  const valueUi = (ui.additionalProperties ?? {}) as Record<string, unknown>
  const title = (ui['ui:title'] as string | undefined) ?? props.schema.title ?? props.name
  const description = (ui['ui:description'] as string | undefined) ?? props.schema.description
  const valueTitle = (valueUi['ui:title'] as string | undefined) ?? schema.additionalProperties?.title ?? t('editor.map.value')
  const readOnly = Boolean(props.readonly || props.disabled)
  const context = props.registry.formContext as FormContext | undefined
  const isTrigger = Boolean(context?.isTrigger)
  const id = props.fieldPathId.$id
  const change = (next: Record<string, unknown>) => props.onChange(next, props.fieldPathId.path)
  const entries = Object.entries(map)

  return (
    <div className="rule-map" data-testid="rule-map" id={id}>
      <label className="control-label">{title}</label>
      {description && <p className="hint">{description}</p>}
      {entries.map(([name, rule], i) => (
        <RuleMapEntry
          key={i}
          index={i}
          name={name}
          rule={rule}
          map={map}
          pattern={pattern}
          valueTitle={valueTitle}
          // Each expression sees the flow's variables and the ones set before it.
          variables={{ ...flowVariables, ...Object.fromEntries(entries.slice(0, i).map(([n]) => [n, undefined])) }}
          path={`ordo://rules/${id}/${i}.json`}
          nodeId={context?.nodeId}
          scope={isTrigger ? 'trigger' : 'run'}
          readOnly={readOnly}
          errors={(props.errorSchema as Record<string, { __errors?: string[] }> | undefined)?.[name]?.__errors}
          onRename={(to) => change(renameEntry(map, name, to))}
          onRule={(next) => change({ ...map, [name]: next })}
          onRemove={() => change(removeEntry(map, name))}
        />
      ))}
      {props.rawErrors?.map((e) => <div key={e} className="field-error">{e}</div>)}
      {!readOnly && (
        <button type="button" className="btn-add" id={`${id}__add`} data-testid="rule-map-add" onClick={() => change({ ...map, [freshEntryName(map, pattern)]: true })}>
          + {t('editor.map.add')}
        </button>
      )}
    </div>
  )
}

interface EntryProps {
  index: number
  name: string
  rule: unknown
  map: Record<string, unknown>
  pattern?: string
  valueTitle: string
  variables: Record<string, unknown>
  path: string
  nodeId?: string
  scope: 'run' | 'trigger'
  readOnly: boolean
  errors?: string[]
  onRename(to: string): void
  onRule(rule: unknown): void
  onRemove(): void
}

function RuleMapEntry({ index, name, rule, map, pattern, valueTitle, variables, path, nodeId, scope, readOnly, errors, onRename, onRule, onRemove }: EntryProps) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  // The name as typed: a name that is empty, not allowed or taken is not written (it would lose the entry).
  const [typed, setTyped] = useState<string | null>(null)
  const shown = typed ?? name
  const problem = entryNameProblem(map, name, shown, pattern)
  const nameId = `${path}#name`
  const onInvalid = useUnappliedRule(path, nodeId)
  return (
    <div className="rule-map-entry" data-testid="rule-map-entry" data-name={name}>
      <div className="rule-map-head">
        <label className="rule-map-name" htmlFor={nameId}>{t('editor.map.name')}</label>
        <input
          id={nameId}
          value={shown}
          readOnly={readOnly}
          aria-invalid={problem !== null}
          data-testid="rule-map-name"
          onChange={(e) => {
            const next = e.target.value
            if (entryNameProblem(map, name, next, pattern) === null) { setTyped(null); onRename(next) }
            else setTyped(next)
          }}
          onBlur={() => setTyped(null)}
        />
        {!readOnly && <button type="button" className="link danger" onClick={onRemove} aria-label={`${t('editor.form.remove')} ${name}`} data-testid={`rule-map-remove-${index}`}>{t('editor.form.remove')}</button>}
      </div>
      {problem && <div className="field-error">{problem === 'duplicate' ? t('editor.map.duplicate', { name: shown }) : describeReason(problem === 'required' ? 'is required' : `must match pattern "${pattern}"`, locale)}</div>}
      <label className="control-label">{valueTitle}</label>
      <RuleEditor path={path} value={rule} variables={variables} scope={scope} readOnly={readOnly} onChange={onRule} onInvalid={onInvalid} />
      {errors?.map((e) => <div key={e} className="field-error">{e}</div>)}
    </div>
  )
}
