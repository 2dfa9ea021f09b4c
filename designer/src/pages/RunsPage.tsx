/** /runs: runs newest first, filtered by workflow and status (in the URL), cursor-paged, live. */
import { Link, useLocation, useSearchParams } from 'wouter'
import { api, query } from '../api/client.ts'
import type { Page, RunStatus, RunSummary, WorkflowList } from '../api/types.ts'
import { useT } from '../i18n/index.ts'
import { formatDuration, runElapsedMs } from './format.ts'
import { ErrorBox, FilterSelect, RunBadge, RUN_STATUSES, Time, useLiveRefresh, useLoad, usePaged, urlFilterSetter } from './shared.tsx'
import { TriggerText } from './TriggerText.tsx'
import { CopyId } from './CopyId.tsx'
import { orderLabel, workflowLabel } from './names.ts'
import { PagedTable, type Column } from './VirtualTable.tsx'

export function RunsPage() {
  const [, navigate] = useLocation()
  const t = useT()
  const [params, setParams] = useSearchParams()
  const workflowId = params.get('workflowId') ?? ''
  const rawStatus = params.get('status') ?? ''
  const status = (RUN_STATUSES as string[]).includes(rawStatus) ? (rawStatus as RunStatus) : ''
  const filters = { workflowId: workflowId || undefined, status: status || undefined }
  const key = query(filters)
  const paged = usePaged<RunSummary>((limit, cursor) => api<Page<RunSummary>>('GET', `/api/runs${query({ ...filters, limit, cursor })}`), key, 100)
  // With a status filter, a run concerns the list when it now has that status or is listed (it may have left it).
  useLiveRefresh((e) => e.type === 'run' && (!workflowId || e.data.workflowId === workflowId)
    && (!status || e.data.status === status || paged.items.some((r) => r.id === e.data.runId)), paged.refresh)
  const workflows = useLoad(() => api<WorkflowList>('GET', '/api/workflows'), [])

  const setFilter = urlFilterSetter<'workflowId' | 'status'>(setParams)

  // Operators read the workflow's name and the platform's order number; the ids stay on hover and copy.
  const columns: Array<Column<RunSummary>> = [
    { key: 'status', header: t('pages.col.status'), width: '110px', cell: (r) => <RunBadge status={r.status} /> },
    {
      key: 'workflow', header: t('pages.col.workflow'),
      cell: (r) => (
        <Link href={`/runs/${encodeURIComponent(r.id)}`} className="ellipsis" title={`${t('pages.trigger.runId', { id: r.id })} · ${r.workflowId}@${r.version}`}>
          {workflowLabel(r)}<span className="muted"> v{r.version}</span>
        </Link>
      ),
    },
    {
      key: 'order', header: t('pages.col.order'), width: '24%',
      cell: (r) => r.orderId
        ? <Link href={`/orders/${encodeURIComponent(r.orderId)}`} className="ellipsis" title={r.orderId}>{orderLabel(t, r.order, r.orderId)}</Link>
        : <span className="muted">—</span>,
    },
    { key: 'trigger', header: t('pages.col.trigger'), width: '14%', cell: (r) => <span className="ellipsis"><TriggerText trigger={r.trigger} /></span> },
    { key: 'started', header: t('pages.col.started'), width: '170px', cell: (r) => <Time iso={r.startedAt} /> },
    { key: 'duration', header: t('pages.col.duration'), width: '100px', className: 'num', cell: (r) => formatDuration(runElapsedMs(r)) },
    { key: 'id', header: <span className="sr-only">{t('pages.run.id')}</span>, width: '40px', cell: (r) => <CopyId id={r.id} /> },
  ]

  const knownWorkflows = workflows.data?.items ?? []
  const workflowNames = new Map(knownWorkflows.map((w) => [w.id, w.name && w.name !== w.id ? `${w.name} (${w.id})` : w.id]))
  // A workflow id from the URL that is not (or not yet) in the list still shows as chosen.
  const workflowOptions = workflowId && !workflowNames.has(workflowId) ? [workflowId, ...workflowNames.keys()] : [...workflowNames.keys()]
  return (
    <div className="page-body pages">
      <div className="page-head"><h1>{t('pages.runs.title')}</h1></div>
      <div className="filters" role="search">
        <FilterSelect label={t('pages.col.workflow')} value={workflowId} options={workflowOptions} optionLabel={(id) => workflowNames.get(id) ?? id}
          testid="filter-workflow" onChange={(v) => setFilter('workflowId', v)} />
        <FilterSelect label={t('pages.col.status')} value={status} options={RUN_STATUSES} optionLabel={(s) => t(`status.${s}`)}
          testid="filter-status" onChange={(v) => setFilter('status', v)} />
        {(workflowId || status) && <button className="link" onClick={() => setParams(new URLSearchParams(), { replace: true })} data-testid="clear-filters">{t('pages.filters.clear')}</button>}
        <span className="spacer" />
        <button onClick={paged.refresh} data-testid="refresh">{t('common.refresh')}</button>
      </div>
      {workflows.error != null && <ErrorBox error={workflows.error} />}
      <PagedTable
        paged={paged} empty={t('pages.runs.empty')} columns={columns} label={t('pages.runs.title')}
        rowKey={(r) => r.id} rowTestId={(r) => `run-row-${r.id}`} onOpen={(r) => navigate(`/runs/${encodeURIComponent(r.id)}`)}
      />
    </div>
  )
}
