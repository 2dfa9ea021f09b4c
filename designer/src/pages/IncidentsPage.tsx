/** /incidents: failed runs parked for an operator, each with its failed node and error; retry from the failed step. Live. */
import { useState } from 'react'
import { Link } from 'wouter'
import { api, query } from '../api/client.ts'
import type { Page, RunSummary } from '../api/types.ts'
import { useT } from '../i18n/index.ts'
import { RetryControl } from './RunActions.tsx'
import { ErrorBox, Loading, LoadMore, RunBadge, Time, useLiveRefresh, usePaged } from './shared.tsx'

export function IncidentsPage() {
  const t = useT()
  const paged = usePaged<RunSummary>((limit, cursor) => api<Page<RunSummary>>('GET', `/api/runs${query({ status: 'failed', limit, cursor })}`), 'failed', 50)
  // A run that failed adds an incident; a listed one that moves on (retried, cancelled elsewhere) removes one.
  useLiveRefresh((e) => e.type === 'run' && (e.data.status === 'failed' || paged.items.some((r) => r.id === e.data.runId)), paged.refresh)
  const [notice, setNotice] = useState<{ runId: string; status: RunSummary['status'] } | null>(null)

  function retried(updated: RunSummary) {
    setNotice({ runId: updated.id, status: updated.status })
    // Still failing (failed again at once): show the new error; otherwise it is no incident any more.
    paged.replace(updated.id, (row) => (updated.status === 'failed' ? { ...row, ...updated } : null))
  }

  return (
    <div className="page-body pages">
      <div className="page-head">
        <h1>{t('pages.incidents.title')}</h1>
        <span className="spacer" />
        <button onClick={paged.refresh} data-testid="refresh">{t('common.refresh')}</button>
      </div>
      <p className="hint">{t('pages.incidents.intro')}</p>
      {notice && (
        <div className="notice" role="status" data-testid="retry-notice">
          {t('pages.incidents.retried', { runId: notice.runId })} <RunBadge status={notice.status} />
          {' '}<Link href={`/runs/${encodeURIComponent(notice.runId)}`}>{t('common.open')}</Link>
          <button className="link" onClick={() => setNotice(null)} aria-label={t('common.close')}>×</button>
        </div>
      )}
      {paged.error != null && <ErrorBox error={paged.error} />}
      {paged.loading && <Loading />}
      {!paged.loading && paged.items.length === 0 && !paged.error && <p className="empty" data-testid="no-incidents">{t('pages.incidents.empty')}</p>}
      <div className="incident-list">
        {paged.items.map((run) => (
          <article className="card incident-card" key={run.id} data-testid={`incident-${run.id}`}>
            <div className="row">
              <RunBadge status={run.status} />
              <Link href={`/runs/${encodeURIComponent(run.id)}`}><code>{run.id}</code></Link>
              <span className="muted">·</span>
              <span>{t('pages.col.workflow')}: <Link href={`/workflows/${encodeURIComponent(run.workflowId)}?run=${encodeURIComponent(run.id)}`}>{run.workflowId}</Link><span className="muted">@{run.version}</span></span>
              {run.orderId && <span>{t('pages.col.order')}: <Link href={`/orders/${encodeURIComponent(run.orderId)}`}><code>{run.orderId}</code></Link></span>}
              <span className="spacer" />
              <span className="hint"><Time iso={run.incident?.at ?? run.updatedAt} /></span>
            </div>
            {run.incident ? (
              <>
                <div className="incident-node">{t('pages.incidents.failedAt', { node: run.incident.nodeId })}</div>
                <pre className="json error-text">{run.incident.error}</pre>
              </>
            ) : <p className="hint">{t('pages.incidents.noDetail')}</p>}
            <RetryControl run={run} onDone={retried} />
          </article>
        ))}
      </div>
      <LoadMore paged={paged} />
    </div>
  )
}
