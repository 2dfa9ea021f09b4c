/** /incidents: failed runs parked for an operator, named by workflow, node and order, with the error in their language; retry from the failed step. Live. */
import { useState } from 'react'
import { Link } from 'wouter'
import { api, query } from '../api/client.ts'
import type { Page, RunSummary } from '../api/types.ts'
import { useT } from '../i18n/index.ts'
import { RetryControl } from './RunActions.tsx'
import { ErrorBox, Loading, LoadMore, RunBadge, Time, useLiveRefresh, usePaged, Notice } from './shared.tsx'
import { Named } from './CopyId.tsx'
import { EngineReason } from './EngineReason.tsx'
import { nodeLabel, orderLabel, workflowLabel } from './names.ts'

export function IncidentsPage() {
  const t = useT()
  const paged = usePaged<RunSummary>((limit, cursor) => api<Page<RunSummary>>('GET', `/api/runs${query({ status: 'failed', limit, cursor })}`), 'failed', 50)
  // A run that failed adds an incident; a listed one that moves on (retried, cancelled elsewhere) removes one.
  useLiveRefresh((e) => e.type === 'run' && (e.data.status === 'failed' || paged.items.some((r) => r.id === e.data.runId)), paged.refresh)
  const [notice, setNotice] = useState<RunSummary | null>(null)

  function retried(updated: RunSummary) {
    setNotice(updated)
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
        <Notice testid="retry-notice" onClose={() => setNotice(null)}>
          <span title={notice.id}>{t('pages.incidents.retried', { workflow: workflowLabel(notice) })}</span> <RunBadge status={notice.status} />
          {' '}<Link href={`/runs/${encodeURIComponent(notice.id)}`}>{t('common.open')}</Link>
        </Notice>
      )}
      {paged.error != null && <ErrorBox error={paged.error} />}
      {paged.loading && <Loading />}
      {!paged.loading && paged.items.length === 0 && !paged.error && <p className="empty" data-testid="no-incidents">{t('pages.incidents.empty')}</p>}
      <div className="incident-list">
        {paged.items.map((run) => (
          <article className="card incident-card" key={run.id} data-testid={`incident-${run.id}`}>
            <div className="row">
              <RunBadge status={run.status} />
              <strong>
                <Named label={workflowLabel(run)} id={run.id} href={`/runs/${encodeURIComponent(run.id)}`}
                  title={`${t('pages.trigger.runId', { id: run.id })} · ${run.workflowId}@${run.version}`} testid="incident-workflow" />
              </strong>
              <span className="muted">v{run.version}</span>
              {run.orderId && (
                <span data-testid="incident-order">{t('pages.col.order')}{t('common.colon')}<Link href={`/orders/${encodeURIComponent(run.orderId)}`} title={run.orderId}>{orderLabel(t, run.order, run.orderId)}</Link></span>
              )}
              <span className="spacer" />
              <Link href={`/workflows/${encodeURIComponent(run.workflowId)}?run=${encodeURIComponent(run.id)}`}>{t('pages.run.showOnCanvas')}</Link>
              <span className="hint"><Time iso={run.incident?.at ?? run.updatedAt} /></span>
            </div>
            {run.incident ? (
              <>
                <div className="incident-node" title={t('pages.step.nodeId', { id: run.incident.nodeId })} data-testid="incident-node">
                  {t('pages.incidents.failedAt', { node: nodeLabel(run.incident) })}
                </div>
                <EngineReason reason={run.incident.error} block testid="incident-error" />
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
