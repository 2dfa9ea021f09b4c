/** Retry (from the failed step, optionally with new variables) and cancel of a run, for the roles that may. */
import { useState } from 'react'
import { api } from '../api/client.ts'
import type { RunSummary } from '../api/types.ts'
import { useCan } from '../app/session.ts'
import { useT } from '../i18n/index.ts'
import { parseJsonObject } from './format.ts'
import { ErrorBox } from './shared.tsx'

/** "Retry from failed step" with an optional variables object; calls `onDone` with the run as the API answers it. */
export function RetryControl({ run, onDone }: { run: RunSummary; onDone(run: RunSummary): void }) {
  const t = useT()
  const canRetry = useCan('retryRun')
  const [editing, setEditing] = useState(false)
  const [text, setText] = useState('')
  const [invalid, setInvalid] = useState<string | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  if (!canRetry || run.status !== 'failed') return null

  async function retry() {
    setError(null)
    const parsed = parseJsonObject(editing ? text : '')
    if (!parsed.ok) { setInvalid(parsed.notObject ? t('pages.retry.mustBeObject') : t('pages.retry.notJson', { reason: parsed.error })); return }
    setInvalid(null)
    setBusy(true)
    try {
      const body = parsed.value ? { variables: parsed.value } : {}
      const updated = await api<RunSummary>('POST', `/api/runs/${encodeURIComponent(run.id)}/retry`, body)
      setEditing(false)
      setText('')
      onDone(updated)
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="retry-control">
      <div className="row">
        <button className="primary" onClick={() => void retry()} disabled={busy} data-testid={`retry-${run.id}`}>
          {busy ? t('pages.retry.retrying') : t('pages.retry.button')}
        </button>
        <button className="link" aria-expanded={editing} onClick={() => setEditing((v) => !v)} data-testid={`retry-edit-variables-${run.id}`}>
          {editing ? t('pages.retry.noVariables') : t('pages.retry.withVariables')}
        </button>
      </div>
      {editing && (
        <div className="retry-variables">
          <label>
            <span className="hint">{t('pages.retry.variablesLabel')}</span>
            <textarea rows={5} spellCheck={false} value={text} onChange={(e) => { setText(e.target.value); setInvalid(null) }}
              placeholder={JSON.stringify(run.variables ?? {}, null, 2) === '{}' ? '{ "key": "value" }' : JSON.stringify(run.variables, null, 2)}
              aria-invalid={invalid ? true : undefined} data-testid={`retry-variables-${run.id}`} />
          </label>
          <div className="hint">{t('pages.retry.variablesHint')}</div>
        </div>
      )}
      {invalid && <div className="field-error" role="alert" data-testid={`retry-invalid-${run.id}`}>{invalid}</div>}
      <ErrorBox error={error} />
    </div>
  )
}

/** "Cancel run" with a confirmation, for runs not finished yet. */
export function CancelControl({ run, onDone }: { run: RunSummary; onDone(run: RunSummary): void }) {
  const t = useT()
  const canCancel = useCan('cancelRun')
  const [asking, setAsking] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  if (!canCancel || run.status === 'completed' || run.status === 'cancelled') return null

  async function cancel() {
    setBusy(true)
    setError(null)
    try {
      onDone(await api<RunSummary>('POST', `/api/runs/${encodeURIComponent(run.id)}/cancel`))
      setAsking(false)
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="cancel-control">
      {asking ? (
        <div className="row">
          <span>{t('pages.cancel.question')}</span>
          <button className="danger" onClick={() => void cancel()} disabled={busy} data-testid={`confirm-cancel-${run.id}`}>{t('pages.cancel.confirm')}</button>
          <button onClick={() => setAsking(false)} disabled={busy}>{t('pages.cancel.keep')}</button>
        </div>
      ) : (
        <button className="danger" onClick={() => setAsking(true)} data-testid={`cancel-${run.id}`}>{t('pages.cancel.button')}</button>
      )}
      <ErrorBox error={error} />
    </div>
  )
}
