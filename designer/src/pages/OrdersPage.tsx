/** /orders: orders newest change first, filtered by status, platform, tag, exception and staleness; filters live in the URL. */
import { useEffect, useState, type FormEvent } from 'react'
import { Link, useLocation, useSearchParams } from 'wouter'
import { api, query } from '../api/client.ts'
import type { Order, Page } from '../api/types.ts'
import { useT } from '../i18n/index.ts'
import { formatMoney } from './money.ts'
import { EXCEPTION_TYPES, ORDER_STATUSES, OrderBadge, PLATFORMS, Time, useLiveRefresh, useLocaleTag, usePaged, urlFilterSetter } from './shared.tsx'
import { PagedTable, type Column } from './VirtualTable.tsx'

/** "Not updated for" choices (ISO 8601 durations the API takes as staleFor). */
export const STALE_CHOICES = ['PT1H', 'PT6H', 'P1D', 'P3D'] as const
type Stale = (typeof STALE_CHOICES)[number]

const FILTER_KEYS = ['status', 'platform', 'tag', 'exception', 'staleFor'] as const
type FilterKey = (typeof FILTER_KEYS)[number]

/** The list's URL filters, dropping values the API would refuse (a hand-edited URL should not 400 the page). */
function readFilters(params: URLSearchParams): Partial<Record<FilterKey, string>> {
  const out: Partial<Record<FilterKey, string>> = {}
  const status = params.get('status')
  if (status && (ORDER_STATUSES as string[]).includes(status)) out.status = status
  const platform = params.get('platform')
  if (platform && (PLATFORMS as string[]).includes(platform)) out.platform = platform
  const tag = params.get('tag')?.trim()
  if (tag) out.tag = tag.slice(0, 64)
  const exception = params.get('exception')
  if (exception && (EXCEPTION_TYPES as string[]).includes(exception)) out.exception = exception
  const stale = params.get('staleFor')
  if (stale && (STALE_CHOICES as readonly string[]).includes(stale)) out.staleFor = stale
  return out
}

export function OrdersPage() {
  const [, navigate] = useLocation()
  const t = useT()
  const locale = useLocaleTag()
  const [params, setParams] = useSearchParams()
  const filters = readFilters(params)
  const key = query(filters)
  const paged = usePaged<Order>((limit, cursor) => api<Page<Order>>('GET', `/api/orders${query({ ...filters, limit, cursor })}`), key, 100)
  // Orders change by ingest and by runs patching them; runs finishing may patch too.
  useLiveRefresh((e) => e.type === 'order', paged.refresh)

  const [tagDraft, setTagDraft] = useState(filters.tag ?? '')
  useEffect(() => { setTagDraft(filters.tag ?? '') }, [filters.tag])

  const setFilter = urlFilterSetter<FilterKey>(setParams)
  function applyTag(e?: FormEvent) {
    e?.preventDefault()
    if (tagDraft.trim() !== (filters.tag ?? '')) setFilter('tag', tagDraft.trim())
  }
  const anyFilter = Object.keys(filters).length > 0

  const columns: Array<Column<Order>> = [
    { key: 'platform', header: t('pages.col.platform'), width: '110px', cell: (o) => t(`pages.platform.${o.platform}`) },
    {
      key: 'platformOrderId', header: t('pages.col.platformOrderId'), width: '22%',
      cell: (o) => <Link href={`/orders/${encodeURIComponent(o.id)}`} title={o.id} className="ellipsis">{o.platformOrderId}</Link>,
    },
    {
      key: 'status', header: t('pages.col.status'), width: '130px',
      cell: (o) => <>{<OrderBadge status={o.status} />}{o.exception && <span className="badge bad" title={o.exception.reason}>{t(`pages.exception.${o.exception.type}`)}</span>}</>,
    },
    { key: 'amount', header: t('pages.col.amount'), width: '130px', className: 'num', cell: (o) => formatMoney(o.totalAmount, o.currency, locale) },
    { key: 'tags', header: t('pages.col.tags'), cell: (o) => <span className="tags" title={o.tags.join(', ')}>{o.tags.map((tag) => <span className="badge tag" key={tag}>{tag}</span>)}</span> },
    { key: 'team', header: t('pages.col.team'), width: '120px', cell: (o) => o.assignedTeam ?? <span className="muted">—</span> },
    { key: 'updated', header: t('pages.col.updated'), width: '200px', cell: (o) => <Time iso={o.updatedAt} /> },
  ]

  return (
    <div className="page-body pages">
      <div className="page-head"><h1>{t('pages.orders.title')}</h1></div>
      <div className="filters" role="search">
        <label>
          <span>{t('pages.col.status')}</span>
          <select value={filters.status ?? ''} onChange={(e) => setFilter('status', e.target.value)} data-testid="filter-status">
            <option value="">{t('common.all')}</option>
            {ORDER_STATUSES.map((s) => <option key={s} value={s}>{t(`pages.orderStatus.${s}`)}</option>)}
          </select>
        </label>
        <label>
          <span>{t('pages.col.platform')}</span>
          <select value={filters.platform ?? ''} onChange={(e) => setFilter('platform', e.target.value)} data-testid="filter-platform">
            <option value="">{t('common.all')}</option>
            {PLATFORMS.map((p) => <option key={p} value={p}>{t(`pages.platform.${p}`)}</option>)}
          </select>
        </label>
        <form onSubmit={applyTag} className="inline-form">
          <label>
            <span>{t('pages.col.tag')}</span>
            <input value={tagDraft} onChange={(e) => setTagDraft(e.target.value)} onBlur={() => applyTag()} maxLength={64}
              placeholder={t('pages.orders.tagPlaceholder')} data-testid="filter-tag" />
          </label>
        </form>
        <label>
          <span>{t('pages.col.exception')}</span>
          <select value={filters.exception ?? ''} onChange={(e) => setFilter('exception', e.target.value)} data-testid="filter-exception">
            <option value="">{t('common.all')}</option>
            {EXCEPTION_TYPES.map((x) => <option key={x} value={x}>{t(`pages.exception.${x}`)}</option>)}
          </select>
        </label>
        <label>
          <span>{t('pages.orders.staleFor')}</span>
          <select value={filters.staleFor ?? ''} onChange={(e) => setFilter('staleFor', e.target.value)} data-testid="filter-stale">
            <option value="">{t('pages.orders.staleAny')}</option>
            {STALE_CHOICES.map((d) => <option key={d} value={d}>{t(`pages.stale.${d as Stale}`)}</option>)}
          </select>
        </label>
        {anyFilter && <button className="link" onClick={() => setParams(new URLSearchParams(), { replace: true })} data-testid="clear-filters">{t('pages.filters.clear')}</button>}
        <span className="spacer" />
        <button onClick={paged.refresh} data-testid="refresh">{t('common.refresh')}</button>
      </div>

      <PagedTable
        paged={paged} empty={anyFilter ? t('pages.orders.noMatch') : t('pages.orders.empty')} columns={columns} label={t('pages.orders.title')}
        rowKey={(o) => o.id} rowTestId={(o) => `order-row-${o.id}`} onOpen={(o) => navigate(`/orders/${encodeURIComponent(o.id)}`)}
      />
    </div>
  )
}
