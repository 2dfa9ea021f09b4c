/**
 * The side panel for the selected node: its name, its config as a form generated from the
 * manifest's JSON Schema (rjsf), rule fields as the visual rule builder, and its retry policy.
 * Errors show inline: the schema's own as you type, the API's validation beside the field it names.
 */
import { useMemo, useState } from 'react'
import Form from '@rjsf/core'
import { englishStringTranslator, TranslatableString, type FieldProps, type RJSFSchema } from '@rjsf/utils'
import { format, type Locale } from '../i18n/messages.ts'
import workflowSchema from '../../../schemas/workflow.schema.json' with { type: 'json' }
import { manifestText, useLocale, useT } from '../i18n/index.ts'
import { RuleEditor } from '../rules/RuleEditor.tsx'
import { useEditor, useEditorStore } from './store.ts'
import { CHANNEL_FIELD, extraErrorsFor, PICK_WIDGET_NAME, RULE_FIELD, RULE_MAP_FIELD, SECRET_WIDGET_NAME, uiSchemaFor, type FormContext } from './config-ui.ts'
import { PickWidget } from './PickWidget.tsx'
import { SecretWidget } from './SecretWidget.tsx'
import { ChannelField } from './ChannelField.tsx'
import { RuleMapField } from './RuleMapField.tsx'
import { useUnappliedRule } from './unapplied-rule.ts'
import { nameForAmounts, ruleAmounts } from '../rules/amount-in-name.ts'
import { ruleCurrency } from '../graph/describe-rule.ts'
import { formatMoney } from '../pages/money.ts'
import { formValidator, localizeUiSchema, RETRY_FIELDS } from './config-i18n.ts'
import { describeProblem, describeReason } from './describe-problem.ts'
import { formDefaults } from './config-edit.ts'

const RETRY_SCHEMA = { ...workflowSchema.definitions.retryPolicy, definitions: workflowSchema.definitions } as unknown as RJSFSchema

/** The rule builder as an rjsf field: it reads and writes the JsonLogic value itself. */
function RuleField(props: FieldProps) {
  const variables = useEditor((s) => s.meta.variables)
  const context = props.registry.formContext as FormContext | undefined
  const isTrigger = Boolean(context?.isTrigger)
  const path = `ordo://rules/${props.fieldPathId.$id}.json`
  const onInvalid = useUnappliedRule(path, context?.nodeId)
  return (
    <div className="rule-field">
      <label className="control-label">{(props.uiSchema?.['ui:title'] as string | undefined) ?? props.schema.title ?? props.name}</label>
      {(props.uiSchema?.['ui:description'] ?? props.schema.description) && <p className="hint">{(props.uiSchema?.['ui:description'] as string | undefined) ?? props.schema.description}</p>}
      <RuleEditor
        path={path}
        value={props.formData}
        variables={variables}
        scope={isTrigger ? 'trigger' : 'run'}
        readOnly={props.readonly || props.disabled}
        onChange={(rule) => props.onChange(rule, props.fieldPathId.path)}
        onInvalid={onInvalid}
      />
      {props.rawErrors?.map((e) => <div key={e} className="field-error">{e}</div>)}
    </div>
  )
}

const fields = { [RULE_FIELD]: RuleField, [RULE_MAP_FIELD]: RuleMapField, [CHANNEL_FIELD]: ChannelField }
const widgets = { [PICK_WIDGET_NAME]: PickWidget, [SECRET_WIDGET_NAME]: SecretWidget }

/** rjsf's own strings (array buttons) through the message table. */
const FORM_STRINGS: Partial<Record<TranslatableString, Parameters<typeof format>[1]>> = {
  [TranslatableString.AddButton]: 'editor.form.add',
  [TranslatableString.AddItemButton]: 'editor.form.add',
  [TranslatableString.RemoveButton]: 'editor.form.remove',
  [TranslatableString.MoveUpButton]: 'editor.form.moveUp',
  [TranslatableString.MoveDownButton]: 'editor.form.moveDown',
  [TranslatableString.CopyButton]: 'editor.form.copy',
}
const translators = new Map<Locale, (s: TranslatableString, params?: string[]) => string>()
function formStrings(locale: Locale) {
  let tr = translators.get(locale)
  if (!tr) {
    tr = (s, params) => (FORM_STRINGS[s] ? format(locale, FORM_STRINGS[s]!) : englishStringTranslator(s, params))
    translators.set(locale, tr)
  }
  return tr
}
const NO_SUBMIT = { 'ui:submitButtonOptions': { norender: true } }
const NO_PROBLEMS: never[] = []

export function ConfigPanel({ nodeId, readOnly }: { nodeId: string; readOnly?: boolean }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const store = useEditorStore()
  // The node's data, not the node: moving it on the canvas does not re-render the forms.
  const data = useEditor((s) => s.nodes.find((n) => n.id === nodeId)?.data)
  const index = useEditor((s) => s.nodes.findIndex((n) => n.id === nodeId))
  const manifest = useEditor((s) => (data ? s.manifests.find((m) => m.type === data.nodeType) : undefined))
  const mine = useEditor((s) => s.problemsByNode[nodeId] ?? NO_PROBLEMS)
  // Labels, descriptions, choices and errors in the designer's language (the manifest's i18n fields).
  const uiSchema = useMemo(() => localizeUiSchema(manifest?.configSchema, manifest?.i18n?.[locale]?.fields, { ...uiSchemaFor(manifest?.configSchema as never), ...NO_SUBMIT }), [manifest, locale])
  const retryUi = useMemo(() => localizeUiSchema(RETRY_SCHEMA, RETRY_FIELDS[locale], NO_SUBMIT), [locale])
  const validator = formValidator(locale)
  const isTrigger = manifest?.category === 'trigger'
  const formContext = useMemo<FormContext>(() => ({ isTrigger, nodeId }), [isTrigger, nodeId])
  const configPointer = `/nodes/${index}/config`
  const extraErrors = useMemo(() => extraErrorsFor(mine.map((p) => ({ ...p, reason: describeReason(p.reason, locale) })), configPointer), [mine, configPointer, locale])
  // A name stating an amount the rule no longer has ("> 1,000 CNY?" over a rule of 2,000.00): offer the fix.
  const currency = useMemo(() => ruleCurrency(data?.config), [data?.config])
  const renamed = useMemo(() => nameForAmounts(data?.name, data?.config, currency), [data?.name, data?.config, currency])
  const [declined, setDeclined] = useState<string | null>(null)
  if (!data) return null
  const node = { id: nodeId, data }
  const text = manifest ? manifestText(manifest, locale) : null
  const otherProblems = mine.filter((p) => !p.pointer.startsWith(configPointer))
  const hasConfig = Boolean(manifest && Object.keys((manifest.configSchema as { properties?: object }).properties ?? {}).length)

  return (
    <div className="config-panel" data-testid="config-panel">
      <h2>{text?.title ?? node.data.nodeType}</h2>
      <p className="hint">{text?.description ?? t('editor.unknownType')}</p>
      {otherProblems.length > 0 && (
        <ul className="problems" data-testid="node-problems">
          {otherProblems.map((p, i) => <li key={i}>{describeProblem(p, manifest, locale)}</li>)}
        </ul>
      )}
      <label className="field">
        <span>{t('editor.nodeId')}</span>
        <input value={node.id} readOnly disabled />
      </label>
      <label className="field">
        <span>{t('editor.nodeName')}</span>
        <input
          value={node.data.name ?? ''}
          placeholder={text?.title}
          readOnly={readOnly}
          onChange={(e) => store.getState().updateNode(nodeId, { name: e.target.value || undefined }, 'name')}
          data-testid="node-name"
        />
      </label>
      {renamed && renamed !== declined && !readOnly && (
        <div className="name-offer" role="status" data-testid="name-amount-offer">
          <span>{t('editor.nameAmount.offer', { amounts: ruleAmounts(data.config).map((m) => formatMoney(m, currency, locale)).join(t('editor.summary.list')) })}</span>
          <button type="button" onClick={() => store.getState().updateNode(nodeId, { name: renamed })} data-testid="name-amount-apply">{t('editor.nameAmount.apply', { name: renamed })}</button>
          <button type="button" className="link" onClick={() => setDeclined(renamed)}>{t('editor.nameAmount.keep')}</button>
        </div>
      )}
      {manifest && hasConfig && (
        <section className="config-form">
          <h3>{t('editor.config')}</h3>
          <Form
            key={`${nodeId}:${manifest.type}:${locale}`}
            idPrefix={`config-${nodeId}`}
            schema={manifest.configSchema as RJSFSchema}
            uiSchema={uiSchema}
            formData={node.data.config ?? {}}
            validator={validator}
            fields={fields}
            widgets={widgets}
            translateString={formStrings(locale)}
            formContext={formContext}
            liveValidate="onChange"
            showErrorList={false}
            noHtml5Validate
            extraErrors={extraErrors as never}
            readonly={readOnly}
            onChange={(e) => {
              // rjsf reports the config with its defaults filled in (on mount, after an undo, with each
              // edit): only what the operator changed is stored, so selecting a node changes nothing.
              const config = store.getState().nodes.find((n) => n.id === nodeId)?.data.config
              const edited = formDefaults(validator, manifest.configSchema as RJSFSchema).edit(config, e.formData)
              if (edited) store.getState().updateNode(nodeId, { config: (edited.value ?? {}) as Record<string, unknown> }, 'config')
            }}
          />
        </section>
      )}
      {manifest && manifest.category !== 'trigger' && (
        <details className="retry">
          <summary>{t('editor.retry')}</summary>
          <p className="hint">{t('editor.retryHint')}</p>
          <Form
            key={`retry:${nodeId}:${locale}`}
            idPrefix={`retry-${nodeId}`}
            schema={RETRY_SCHEMA}
            formData={node.data.retry ?? {}}
            validator={validator}
            liveValidate="onChange"
            showErrorList={false}
            noHtml5Validate
            readonly={readOnly}
            translateString={formStrings(locale)}
            uiSchema={retryUi}
            onChange={(e) => {
              const edited = formDefaults(validator, RETRY_SCHEMA).edit(store.getState().nodes.find((n) => n.id === nodeId)?.data.retry, e.formData)
              if (!edited) return
              const retry = edited.value as Record<string, unknown> | undefined
              const empty = !retry || Object.values(retry).every((v) => v === undefined)
              store.getState().updateNode(nodeId, { retry: empty ? undefined : (retry as never) }, 'retry')
            }}
          />
        </details>
      )}
    </div>
  )
}
