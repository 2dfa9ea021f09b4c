/** The variables box of a retry: the run's variables as a form (one input each, JSON for the rest) or as one JSON object. */
import type { RetryDraft, VariableField } from './retry-variables.ts'
import { useT } from '../i18n/index.ts'

/** Which way the variables are being edited. */
export type RetryMode = 'form' | 'json'

/** The form or the JSON box for run `runId`; the caller holds the draft, the JSON text and the mode. */
export function RetryVariables({ runId, mode, draft, json, invalid, onMode, onDraft, onJson }: {
  runId: string
  mode: RetryMode
  draft: RetryDraft
  json: string
  invalid: boolean
  onMode(mode: RetryMode): void
  onDraft(draft: RetryDraft): void
  onJson(text: string): void
}) {
  const t = useT()
  const setField = (i: number, text: string) => onDraft({ ...draft, fields: draft.fields.map((f, j) => (j === i ? { ...f, text } : f)) })
  return (
    <div className="retry-variables" data-testid={`retry-form-${runId}`}>
      <div className="row">
        <span className="hint">{t('pages.retry.variablesLabel')}</span>
        <span className="spacer" />
        <span className="mode-switch" role="tablist" aria-label={t('pages.retry.modes')}>
          {(['form', 'json'] as const).map((m) => (
            <button key={m} type="button" role="tab" aria-selected={mode === m} className={mode === m ? 'active' : ''}
              onClick={() => { if (mode !== m) onMode(m) }} data-testid={`retry-mode-${m}-${runId}`}>
              {t(m === 'form' ? 'pages.retry.form' : 'pages.retry.json')}
            </button>
          ))}
        </span>
      </div>
      {mode === 'form' ? (
        <>
          {draft.fields.length === 0
            ? <p className="hint">{t('pages.retry.noScalars')}</p>
            : <div className="variable-fields">{draft.fields.map((f, i) => <FieldInput key={f.name} runId={runId} field={f} onChange={(text) => setField(i, text)} />)}</div>}
          <label>
            <span className="hint">{t('pages.retry.rest')}</span>
            <textarea rows={draft.rest ? 4 : 2} spellCheck={false} value={draft.rest} placeholder='{ "key": "value" }'
              onChange={(e) => onDraft({ ...draft, rest: e.target.value })} data-testid={`retry-rest-${runId}`} />
          </label>
        </>
      ) : (
        <label>
          <span className="sr-only">{t('pages.retry.json')}</span>
          <textarea rows={6} spellCheck={false} value={json} onChange={(e) => onJson(e.target.value)}
            aria-invalid={invalid ? true : undefined} data-testid={`retry-variables-${runId}`} />
        </label>
      )}
      <div className="hint">{t('pages.retry.variablesHint')}</div>
    </div>
  )
}

/** One variable's input: a text box, a number box, or a checkbox for true/false. */
function FieldInput({ runId, field, onChange }: { runId: string; field: VariableField; onChange(text: string): void }) {
  const testid = `retry-var-${runId}-${field.name}`
  return (
    <label className="variable-field">
      <code>{field.name}</code>
      {field.kind === 'boolean'
        ? <input type="checkbox" checked={field.text === 'true'} onChange={(e) => onChange(String(e.target.checked))} data-testid={testid} />
        : <input type={field.kind === 'number' ? 'number' : 'text'} step={field.kind === 'number' ? 'any' : undefined} value={field.text}
          onChange={(e) => onChange(e.target.value)} data-testid={testid} />}
    </label>
  )
}
