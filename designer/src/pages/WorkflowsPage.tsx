/** /workflows: every workflow with its latest version; new, import from a JSON file, export. */
import { useState, type ChangeEvent } from 'react'
import { Link, useLocation } from 'wouter'
import { api, ApiError, query } from '../api/client.ts'
import type { WorkflowList, WorkflowSummary } from '../api/types.ts'
import { useCan } from '../app/session.ts'
import { useT } from '../i18n/index.ts'
import { importedIds } from './format.ts'
import { ErrorBox, importWorkflow, Loading, Time, useLiveRefresh, useLoad } from './shared.tsx'
import { downloadJson } from '../app/download.ts'

export function WorkflowsPage() {
  const t = useT()
  const [, navigate] = useLocation()
  const canEdit = useCan('editWorkflow')
  const list = useLoad(() => api<WorkflowList>('GET', '/api/workflows'), [])
  useLiveRefresh((e) => e.type === 'workflow', list.reload)

  const [importError, setImportError] = useState<unknown>(null)
  const [importing, setImporting] = useState(false)
  const [pending, setPending] = useState<{ body: unknown; file: string; existing: string[] } | null>(null)
  const [exportError, setExportError] = useState<unknown>(null)

  async function send(body: unknown) {
    setImporting(true)
    setImportError(null)
    try {
      const result = await importWorkflow(body)
      const first = result.imported[0]?.id
      if (first) navigate(`/workflows/${encodeURIComponent(first)}`)
      else list.reload()
    } catch (e) {
      setImportError(e)
    } finally {
      setImporting(false)
    }
  }

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0]
    e.target.value = '' // choosing the same file again fires change again
    if (!file) return
    setImportError(null)
    setPending(null)
    let body: unknown
    try {
      body = JSON.parse(await file.text())
    } catch (err) {
      setImportError(new Error(t('pages.workflows.importNotJson', { file: file.name, reason: err instanceof Error ? err.message : String(err) })))
      return
    }
    const ids = importedIds(body)
    if (ids.length === 0) {
      setImportError(new Error(t('pages.workflows.importNoId', { file: file.name })))
      return
    }
    // The API overwrites an existing draft with the same id: ask first.
    const known = new Set((list.data?.items ?? []).map((w) => w.id))
    const existing = ids.filter((id) => known.has(id))
    if (existing.length > 0) { setPending({ body, file: file.name, existing }); return }
    await send(body)
  }

  async function exportDraft(w: WorkflowSummary) {
    setExportError(null)
    try {
      const doc = await api<unknown>('GET', `/api/workflows/${encodeURIComponent(w.id)}/export${query({ source: 'draft' })}`)
      downloadJson(`${w.id}.workflow.json`, doc)
    } catch (e) {
      setExportError(e)
    }
  }

  const items = list.data?.items
  return (
    <div className="page-body pages">
      <div className="page-head">
        <h1>{t('pages.workflows.title')}</h1>
        <span className="spacer" />
        {canEdit && (
          <>
            <label className={`button file-button${importing ? ' disabled' : ''}`}>
              {importing ? t('pages.workflows.importing') : t('pages.workflows.import')}
              <input type="file" accept=".json,application/json" onChange={onFile} disabled={importing} data-testid="import-workflow" aria-label={t('pages.workflows.import')} />
            </label>
            <button className="primary" onClick={() => navigate('/workflows/new')} data-testid="new-workflow">{t('pages.workflows.new')}</button>
          </>
        )}
      </div>
      {canEdit && <p className="hint">{t('pages.workflows.importHint')}</p>}

      {pending && (
        <div className="card confirm" role="alertdialog" data-testid="import-confirm">
          <p>{t('pages.workflows.overwriteQuestion', { ids: pending.existing.join(', '), file: pending.file })}</p>
          <div className="row">
            <button className="danger" data-testid="confirm-overwrite" onClick={() => { const b = pending.body; setPending(null); void send(b) }}>{t('pages.workflows.overwrite')}</button>
            <button data-testid="cancel-overwrite" onClick={() => setPending(null)}>{t('common.cancel')}</button>
          </div>
        </div>
      )}
      {importError != null && (
        <div data-testid="import-error">
          <p className="field-error">{importError instanceof ApiError ? t('pages.workflows.importRefused') : t('pages.workflows.importFailed')}</p>
          <ErrorBox error={importError} />
        </div>
      )}
      <ErrorBox error={exportError} />

      {list.error != null && <ErrorBox error={list.error} />}
      {!items && list.loading && <Loading />}
      {items && items.length === 0 && <p className="empty">{t('pages.workflows.empty')}</p>}
      {items && items.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th>{t('pages.col.name')}</th>
              <th>{t('pages.col.id')}</th>
              <th className="num">{t('pages.col.nodes')}</th>
              <th>{t('pages.col.latestVersion')}</th>
              <th>{t('pages.col.updated')}</th>
              <th><span className="sr-only">{t('pages.col.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {items.map((w) => (
              <tr key={w.id} data-testid={`workflow-row-${w.id}`}>
                <td>
                  <Link href={`/workflows/${encodeURIComponent(w.id)}`}>{w.name || w.id}</Link>
                  {w.description && <div className="hint">{w.description}</div>}
                </td>
                <td className="nowrap"><code>{w.id}</code></td>
                <td className="num">{w.nodeCount}</td>
                <td>
                  {w.latestVersion != null ? <span className="badge ok">v{w.latestVersion}</span> : <span className="badge">{t('pages.workflows.draftOnly')}</span>}
                  {w.disabled && <span className="badge failed" title={w.disabled.reason} data-testid={`disabled-${w.id}`}>{t('pages.workflows.disabled', { v: w.disabled.version })}</span>}
                </td>
                <td className="nowrap"><Time iso={w.updatedAt} /></td>
                <td className="actions">
                  <button className="link" onClick={() => void exportDraft(w)} data-testid={`export-${w.id}`}>{t('pages.workflows.export')}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
