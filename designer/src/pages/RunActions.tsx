/** Retry (from the failed step, optionally with new variables) and cancel of a run, for the roles that may. */
import { useState } from 'react'
import { api } from '../api/client.ts'
import type { RunSummary } from '../api/types.ts'
import { useCan } from '../app/session.ts'
import { useT } from '../i18n/index.ts'
import { changedVariables, draftFromVariables, readJsonObject, variablesFromDraft, type DraftError, type RetryDraft } from './retry-variables.ts'
import { RetryVariables, type RetryMode } from './RetryVariables.tsx'
import { ErrorBox } from './shared.tsx'

/**
 * "Retry from failed step", optionally after changing variables: the box starts from the run's
 * values (a form, or JSON) and only what changed is sent. Calls `onDone` with the run as the API answers it.
 */
export function RetryControl({ run, onDone }: { run: RunSummary; onDone(run: RunSummary): void }) {
  const t = useT()
  const canRetry = useCan('retryRun')
  const [editing, setEditing] = useState(false)
  const [mode, setMode] = useState<RetryMode>('form')
  const [draft, setDraft] = useState<RetryDraft>(() => draftFromVariables(run.variables ?? {}))
  const [json, setJson] = useState('')
  const [invalid, setInvalid] = useState<string | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  if (!canRetry || run.status !== 'failed') return null

  const describe = (e: DraftError) => (e.kind === 'notNumber' ? t('pages.retry.notNumber', { name: e.name })
    : e.kind === 'notJson' ? t('pages.retry.notJson', { reason: e.reason }) : t('pages.retry.mustBeObject'))

  function toggleEditing() {
    if (!editing) {
      // Opened on what the run has now, not on what was typed the last time.
      setDraft(draftFromVariables(run.variables ?? {}))
      setJson(JSON.stringify(run.variables ?? {}, null, 2))
      setMode('form')
    }
    setInvalid(null)
    setEditing((v) => !v)
  }

  function switchMode(next: RetryMode) {
    const read = next === 'json' ? variablesFromDraft(draft) : readJsonObject(json)
    if (!read.ok) { setInvalid(describe(read.error)); return }
    setInvalid(null)
    if (next === 'json') setJson(JSON.stringify(read.value, null, 2))
    else setDraft(draftFromVariables(read.value))
    setMode(next)
  }

  async function retry() {
    setError(null)
    let variables: Record<string, unknown> = {}
    if (editing) {
      const read = mode === 'form' ? variablesFromDraft(draft) : readJsonObject(json)
      if (!read.ok) { setInvalid(describe(read.error)); return }
      variables = changedVariables(run.variables ?? {}, read.value)
    }
    setInvalid(null)
    setBusy(true)
    try {
      const body = Object.keys(variables).length ? { variables } : {}
      const updated = await api<RunSummary>('POST', `/api/runs/${encodeURIComponent(run.id)}/retry`, body)
      setEditing(false)
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
        <button className="link" aria-expanded={editing} onClick={toggleEditing} data-testid={`retry-edit-variables-${run.id}`}>
          {editing ? t('pages.retry.noVariables') : t('pages.retry.withVariables')}
        </button>
      </div>
      {editing && (
        <RetryVariables runId={run.id} mode={mode} draft={draft} json={json} invalid={invalid !== null}
          onMode={switchMode} onDraft={(d) => { setDraft(d); setInvalid(null) }} onJson={(text) => { setJson(text); setInvalid(null) }} />
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
