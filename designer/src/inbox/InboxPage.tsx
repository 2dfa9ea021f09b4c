/**
 * /inbox: the tasks I may act on, most urgent and soonest due first, filtered by status, priority
 * and workflow (in the URL); live (a new task appears, a decided one is marked); my messages beside.
 */
import { Link, useLocation, useSearchParams } from 'wouter'
import { api } from '../api/client.ts'
import type { WorkflowList } from '../api/types.ts'
import { useLocale, useT } from '../i18n/index.ts'
import { formatMoney } from '../pages/money.ts'
import { FilterSelect, urlFilterSetter, useLoad } from '../pages/shared.tsx'
import { formatTime } from '../pages/format.ts'
import { PagedTable, type Column } from '../pages/VirtualTable.tsx'
import { NotificationsPanel } from './NotificationsPanel.tsx'
import { DueCountdown, PriorityBadge, TaskStatusBadge } from './TaskBadges.tsx'
import { readTaskFilters, type InboxRow } from './task-list.ts'
import { TASK_PRIORITIES, TASK_STATUSES } from './types.ts'
import { assigneesText } from './assignees.ts'
import { useTaskList } from './use-task-list.ts'
import './inbox.css'

/** The inbox page. */
export function InboxPage() {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const [, navigate] = useLocation()
  const [params, setParams] = useSearchParams()
  const filters = readTaskFilters(params)
  const paged = useTaskList(filters)
  const workflows = useLoad(() => api<WorkflowList>('GET', '/api/workflows'), [])
  const setFilter = urlFilterSetter<'status' | 'priority' | 'workflow'>(setParams)
  const anyFilter = filters.status !== 'open' || Boolean(filters.priority || filters.workflowId)
  const names = new Map((workflows.data?.items ?? []).map((w) => [w.id, w.name]))
  const workflowIds = [...new Set([...names.keys(), ...(filters.workflowId ? [filters.workflowId] : [])])]

  // Fixed widths but the task's title, which takes what is left (the table's layout is fixed).
  const columns: Array<Column<InboxRow>> = [
    { key: 'priority', header: t('inbox.col.priority'), width: '72px', cell: (r) => <PriorityBadge priority={r.priority} /> },
    {
      key: 'title', header: t('inbox.col.task'),
      cell: (r) => (
        <Link href={`/inbox/${encodeURIComponent(r.id)}`} className="ellipsis" data-testid={`task-link-${r.id}`}
          title={`${r.title}${r.levelName ? ` · ${r.levelName}` : ''}\n${t('inbox.task.created')} ${formatTime(r.createdAt, locale)}\n${r.id}`}>
          {r.title}{r.levelName && <span className="muted"> · {r.levelName}</span>}
        </Link>
      ),
    },
    {
      key: 'order', header: t('pages.col.order'), width: '235px',
      cell: (r) => (r.order ? <span className="ellipsis" title={r.orderId ?? undefined}>{t(`pages.platform.${r.order.platform}`)} {r.order.platformOrderId}</span> : <span className="muted">—</span>),
    },
    { key: 'amount', header: t('pages.col.amount'), width: '124px', className: 'num', cell: (r) => (r.order ? formatMoney(r.order.totalAmount, r.order.currency, locale) : '—') },
    {
      key: 'workflow', header: t('pages.col.workflow'), width: '17%',
      cell: (r) => (
        <span className="ellipsis" title={`${r.workflowName ?? r.workflowId} · ${r.nodeName ?? r.nodeId}\n${r.workflowId} / ${r.nodeId}`}>
          {r.workflowName ?? r.workflowId}{r.nodeName && <span className="muted"> · {r.nodeName}</span>}
        </span>
      ),
    },
    {
      key: 'due', header: t('inbox.col.due'), width: '150px',
      cell: (r) => (r.status === 'open'
        ? <DueCountdown dueAt={r.dueAt} testid={`task-due-${r.id}`} />
        : <span data-testid={`task-status-${r.id}`} data-status={r.status}><TaskStatusBadge status={r.status} decision={r.decision} /></span>),
    },
    {
      key: 'who', header: t('inbox.col.handler'), width: '110px',
      cell: (r) => (r.claimedBy
        ? <span className="ellipsis" title={t('inbox.claimedBy', { name: r.claimedBy })}>✋ {r.claimedBy}</span>
        : <span className="ellipsis muted" title={assigneesText(r.assignees, t)}>{assigneesText(r.assignees, t)}</span>),
    },
  ]

  return (
    <div className="page-body pages inbox" data-testid="inbox">
      <div className="page-head">
        <h1>{t('inbox.title')}</h1>
        <span className="spacer" />
        <button onClick={paged.refresh} data-testid="refresh">{t('common.refresh')}</button>
      </div>
      <div className="inbox-layout">
        <section className="inbox-main">
          <div className="filters" role="search">
            {/* The API lists open tasks unless told otherwise: open is the empty choice. */}
            <FilterSelect label={t('pages.col.status')} value={filters.status === 'open' ? '' : filters.status} options={TASK_STATUSES.filter((s) => s !== 'open')}
              optionLabel={(s) => t(`inbox.status.${s}`)} allLabel={t('inbox.status.open')} testid="filter-status" onChange={(v) => setFilter('status', v)} />
            <FilterSelect label={t('inbox.col.priority')} value={filters.priority ?? ''} options={[...TASK_PRIORITIES].reverse()}
              optionLabel={(p) => t(`inbox.priority.${p}`)} testid="filter-priority" onChange={(v) => setFilter('priority', v)} />
            <FilterSelect label={t('pages.col.workflow')} value={filters.workflowId ?? ''} options={workflowIds}
              optionLabel={(id) => names.get(id) ?? id} testid="filter-workflow" onChange={(v) => setFilter('workflow', v)} />
            {anyFilter && <button className="link" onClick={() => setParams(new URLSearchParams(), { replace: true })} data-testid="clear-filters">{t('pages.filters.clear')}</button>}
          </div>
          <PagedTable
            paged={paged} empty={anyFilter ? t('inbox.noMatch') : t('inbox.empty')} columns={columns} label={t('inbox.title')}
            rowKey={(r) => r.id} rowTestId={(r) => `task-row-${r.id}`} onOpen={(r) => navigate(`/inbox/${encodeURIComponent(r.id)}`)}
          />
        </section>
        <NotificationsPanel />
      </div>
    </div>
  )
}
