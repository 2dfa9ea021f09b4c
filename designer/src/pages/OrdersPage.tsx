/** /orders: orders newest change first, filtered by status, platform, tag, exception and staleness; filters live in the URL. */
import { useEffect, useState, type FormEvent } from 'react'
import { Link, useLocation, useSearchParams } from 'wouter'
import { api, query } from '../api/client.ts'
import type { Order, Page } from '../api/types.ts'
import { useLocale, useT } from '../i18n/index.ts'
import { formatMoney } from './money.ts'
import { EXCEPTION_TYPES, FilterSelect, ORDER_STATUSES, OrderBadge, PLATFORMS, Time, useLiveRefresh, usePaged, urlFilterSetter } from './shared.tsx'
import { PagedTable, type Column } from './VirtualTable.tsx'

/** "Not updated for" choices (ISO 8601 durations the API takes as staleFor). */
const STALE_CHOICES = ['PT30M', 'PT1H', 'PT6H', 'P1D', 'P3D'] as const

/** Each URL filter and the values the API takes for it: a list of choices, or a free text cut to 64 characters. */
const FILTERS = {
  status: ORDER_STATUSES,
  platform: PLATFORMS,
  tag: 'text',
  exception: EXCEPTION_TYPES,
  staleFor: STALE_CHOICES,
} as const satisfies Record<string, readonly string[] | 'text'>
type FilterKey = keyof typeof FILTERS

/** The list's URL filters, dropping values the API would refuse (a hand-edited URL should not 400 the page). */
function readFilters(params: URLSearchParams): Partial<Record<FilterKey, string>> {
  const out: Partial<Record<FilterKey, string>> = {}
  for (const [key, allowed] of Object.entries(FILTERS) as Array<[FilterKey, readonly string[] | 'text']>) {
    const value = params.get(key)?.trim()
    if (!value) continue
    if (allowed === 'text') out[key] = value.slice(0, 64)
    else if (allowed.includes(value)) out[key] = value
  }
  return out
}

export function OrdersPage() {
  const [, navigate] = useLocation()
  const t = useT()
  const locale = useLocale((s) => s.locale)
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
      key: 'status', header: t('pages.col.status'), width: '110px', cell: (o) => <OrderBadge status={o.status} />,
    },
    {
      key: 'exception', header: t('pages.col.exception'), width: '110px',
      cell: (o) => o.exception ? <span className="badge bad" title={o.exception.reason}>{t(`pages.exception.${o.exception.type}`)}</span> : <span className="muted">—</span>,
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
        <FilterSelect label={t('pages.col.status')} value={filters.status ?? ''} options={ORDER_STATUSES} optionLabel={(s) => t(`pages.orderStatus.${s}`)}
          testid="filter-status" onChange={(v) => setFilter('status', v)} />
        <FilterSelect label={t('pages.col.platform')} value={filters.platform ?? ''} options={PLATFORMS} optionLabel={(p) => t(`pages.platform.${p}`)}
          testid="filter-platform" onChange={(v) => setFilter('platform', v)} />
        <form onSubmit={applyTag} className="inline-form">
          <label>
            <span>{t('pages.col.tag')}</span>
            <input value={tagDraft} onChange={(e) => setTagDraft(e.target.value)} onBlur={() => applyTag()} maxLength={64}
              placeholder={t('pages.orders.tagPlaceholder')} data-testid="filter-tag" />
          </label>
        </form>
        <FilterSelect label={t('pages.col.exception')} value={filters.exception ?? ''} options={EXCEPTION_TYPES} optionLabel={(x) => t(`pages.exception.${x}`)}
          testid="filter-exception" onChange={(v) => setFilter('exception', v)} />
        <FilterSelect label={t('pages.orders.staleFor')} value={filters.staleFor ?? ''} options={STALE_CHOICES} optionLabel={(d) => t(`pages.stale.${d}`)}
          testid="filter-stale" onChange={(v) => setFilter('staleFor', v)} allLabel={t('pages.orders.staleAny')} />
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
