/**
 * One channel of a node's messages (human.approval's and time.escalate's `channels`): the notify
 * connector it goes out through (`$comment: "channel-type"`) as a choice of their titles, and that
 * connector's settings (`$comment: "channel-config"`, an object to the node's schema) drawn as the
 * connector's own config form from its manifest — secrets by name, templates, choices, in the
 * designer's language, its own errors as you type and the API's beside the field they name.
 */
import { useMemo, useRef } from 'react'
import Form from '@rjsf/core'
import type { ErrorSchema, FieldProps, RJSFSchema } from '@rjsf/utils'
import { manifestText, useLocale, useT } from '../i18n/index.ts'
import { useEditor } from './store.ts'
import { channelConnectors, uiSchemaFor } from './config-ui.ts'
import { formValidator, localizeUiSchema } from './config-i18n.ts'
import { formDefaults } from './config-edit.ts'

const NO_SUBMIT = { 'ui:submitButtonOptions': { norender: true } }

type Channel = Record<string, unknown>

export function ChannelField(props: FieldProps) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const manifests = useEditor((s) => s.manifests)
  const options = (props.uiSchema?.['ui:options'] ?? {}) as { typeKey?: string; configKey?: string }
  const typeKey = options.typeKey ?? 'via'
  const configKey = options.configKey ?? 'config'
  const value = (props.formData && typeof props.formData === 'object' ? props.formData : {}) as Channel
  const via = typeof value[typeKey] === 'string' ? (value[typeKey] as string) : ''
  const config = (value[configKey] && typeof value[configKey] === 'object' ? value[configKey] : {}) as Record<string, unknown>
  const connectors = useMemo(() => channelConnectors(manifests), [manifests])
  const manifest = manifests.find((m) => m.type === via)
  // Settings typed for another connector come back when it is chosen again.
  const earlier = useRef(new Map<string, Record<string, unknown>>())
  const readOnly = Boolean(props.readonly || props.disabled)

  const typeUi = (props.uiSchema?.[typeKey] ?? {}) as Record<string, unknown>
  const configUi = (props.uiSchema?.[configKey] ?? {}) as Record<string, unknown>
  const typeSchema = (props.schema.properties?.[typeKey] ?? {}) as { title?: string; description?: string }
  const configSchema = (props.schema.properties?.[configKey] ?? {}) as { title?: string; description?: string }
  const label = (ui: Record<string, unknown>, schema: { title?: string }, fallback: string) => (ui['ui:title'] as string | undefined) ?? schema.title ?? fallback
  const help = (ui: Record<string, unknown>, schema: { description?: string }) => (ui['ui:description'] as string | undefined) ?? schema.description

  const uiSchema = useMemo(
    () => localizeUiSchema(manifest?.configSchema, manifest?.i18n?.[locale]?.fields, { ...uiSchemaFor(manifest?.configSchema as never), ...NO_SUBMIT }),
    [manifest, locale],
  )
  const selectId = `${props.fieldPathId.$id}_${typeKey}`
  const errors = props.errorSchema as Record<string, ErrorSchema & { __errors?: string[] }> | undefined

  function choose(type: string) {
    if (type === via) return
    if (via) earlier.current.set(via, config)
    props.onChange({ ...value, [typeKey]: type, [configKey]: earlier.current.get(type) ?? {} }, props.fieldPathId.path)
  }

  return (
    <div className="channel-field" data-testid="channel-field">
      <label className="control-label" htmlFor={selectId}>{label(typeUi, typeSchema, typeKey)}</label>
      {/* The schema's help says to type a connector's id; here it is chosen by its title. */}
      <p className="hint">{t('editor.channel.hint')}</p>
      <select id={selectId} value={via} disabled={readOnly} onChange={(e) => choose(e.target.value)} data-testid="channel-type">
        <option value="" disabled>{t('editor.channel.choose')}</option>
        {connectors.map((m) => <option key={m.type} value={m.type}>{manifestText(m, locale).title}</option>)}
        {via && !manifest && <option value={via}>{via}</option>}
      </select>
      {errors?.[typeKey]?.__errors?.map((e) => <div key={e} className="field-error">{e}</div>)}
      {via && !manifest && <div className="field-error" role="status">{t('editor.channel.unknown', { type: via })}</div>}
      {manifest && (
        <div className="channel-config" data-testid="channel-config">
          <div className="control-label">{label(configUi, configSchema, configKey)} · {manifestText(manifest, locale).title}</div>
          {help(configUi, configSchema) && <p className="hint">{help(configUi, configSchema)}</p>}
          <Form
            key={`${via}:${locale}`}
            tagName="div"
            idPrefix={`${props.fieldPathId.$id}_${configKey}`}
            schema={manifest.configSchema as RJSFSchema}
            uiSchema={uiSchema}
            formData={config}
            validator={formValidator(locale)}
            fields={props.registry.fields}
            widgets={props.registry.widgets}
            translateString={props.registry.translateString}
            formContext={props.registry.formContext}
            liveValidate="onChange"
            showErrorList={false}
            noHtml5Validate
            readonly={readOnly}
            extraErrors={errors?.[configKey] as never}
            onChange={(e) => {
              // rjsf reports the connector's config with its defaults filled in (on mount too): only
              // what the operator changed goes into the channel.
              const edited = formDefaults(formValidator(locale), manifest.configSchema as RJSFSchema).edit(config, e.formData)
              if (edited) props.onChange({ ...value, [typeKey]: via, [configKey]: edited.value ?? {} }, props.fieldPathId.path)
            }}
          />
        </div>
      )}
      {errors?.[configKey]?.__errors?.map((e) => <div key={e} className="field-error">{e}</div>)}
    </div>
  )
}
