/**
 * /integrations: how the outside world answers. Per connector (http.request, notify.*, a
 * subscription's webhook or RabbitMQ deliveries) its calls, error rate and p50/p99 latency over the
 * last 5 minutes, hour and day, with its last failure; under it every outside call, newest first,
 * filtered by connector, outcome, subscription, order and run (filters in the URL), cursor-paged.
 * Refreshes itself every half minute.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { Link, useSearchParams } from 'wouter'
import { api } from '../api/client.ts'
import type { ConnectorHealth, IntegrationEntry, IntegrationHealth, Subscription } from '../api/types.ts'
import { useLocale, useT } from '../i18n/index.ts'
import { CopyId } from './CopyId.tsx'
import { CallEndpoint, CallError, CallOrder, CallRun, fetchLogPage, StatusCode, useConnectorTitle } from './CallParts.tsx'
import { formatDuration } from './format.ts'
import {
  errorClassLabel, hasLogFilters, HEALTH_WINDOWS, healthWindow, logFiltersFrom, logUrl, OUTCOMES, sortHealth, windowCells,
  type LogFilters, type Outcome,
} from './integrations.ts'
import { orderLabel } from './names.ts'
import { describeReason } from '../editor/describe-problem.ts'
import { ErrorBox, Field, FilterSelect, Loading, Time, urlFilterSetter, useLoad, usePaged, type PagedState } from './shared.tsx'
import { PagedTable, type Column } from './VirtualTable.tsx'

/** How often the page reads the health and the newest calls again. */
const REFRESH_MS = 30_000

/** Calls `fn` every `ms` while the page is shown (not while the tab is hidden). */
function useEvery(ms: number, fn: () => void): void {
  const ref = useRef(fn)
  ref.current = fn
  useEffect(() => {
    const timer = setInterval(() => { if (document.visibilityState !== 'hidden') ref.current() }, ms)
    return () => clearInterval(timer)
  }, [ms])
}

export function IntegrationsPage() {
  const t = useT()
  const [params, setParams] = useSearchParams()
  const filters = logFiltersFrom(params)
  const key = logUrl(filters, 0, null)
  const health = useLoad(() => api<IntegrationHealth>('GET', '/api/integrations/health'), [])
  const subscriptions = useLoad(() => api<{ subscriptions: Subscription[] }>('GET', '/api/subscriptions'), [])
  const paged = usePaged<IntegrationEntry>((limit, cursor) => fetchLogPage(filters, limit, cursor), key, 100)
  const [selected, setSelected] = useState<IntegrationEntry | null>(null)
  useEffect(() => { setSelected(null) }, [key])
  const refresh = () => { health.reload(); paged.refresh() }
  useEvery(REFRESH_MS, refresh)

  const titles = (connector: string) => health.data?.connectors.find((c) => c.connector === connector)?.title
  const title = useConnectorTitle(titles)
  const setFilter = urlFilterSetter<keyof LogFilters>(setParams)
  const logRef = useRef<HTMLElement>(null)
  const showConnector = (connector: string) => {
    setFilter('connector', connector)
    logRef.current?.scrollIntoView({ block: 'start', behavior: 'smooth' })
  }

  return (
    <div className="page-body pages integrations" data-testid="integrations-page">
      <div className="page-head">
        <h1>{t('integrations.title')}</h1>
        <span className="spacer" />
        {health.data && <span className="hint">{t('integrations.asOf')}<Time iso={health.data.at} /></span>}
        <button onClick={refresh} data-testid="refresh">{t('common.refresh')}</button>
      </div>
      <p className="hint intro">{t('integrations.intro')}</p>

      <h2 className="section-title">{t('integrations.health')}</h2>
      {health.error != null && <ErrorBox error={health.error} />}
      {!health.data && health.loading && <Loading />}
      {health.data && <HealthTable rows={health.data.connectors} title={title} onPick={showConnector} />}

      <section ref={logRef}>
        <h2 className="section-title">{t('integrations.log')}</h2>
        <LogFilterBar filters={filters} setFilter={setFilter} clear={() => setParams(new URLSearchParams(), { replace: true })}
          connectors={health.data?.connectors.map((c) => c.connector) ?? []} title={title}
          subscriptions={subscriptions.data?.subscriptions ?? []} sample={paged.items[0]} />
        {selected && <CallDetail entry={selected} title={title} onClose={() => setSelected(null)} setFilter={setFilter} />}
        <LogTable paged={paged} title={title} empty={hasLogFilters(filters) ? t('integrations.noMatch') : t('integrations.empty')} onOpen={setSelected} selectedId={selected?.id ?? null} />
      </section>
    </div>
  )
}

/** Per connector and window: calls, error rate, p50/p99; its last failure and last call. */
function HealthTable({ rows, title, onPick }: { rows: ConnectorHealth[]; title(connector: string): string; onPick(connector: string): void }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const sorted = sortHealth(rows, title)
  // Connectors never called: one line under the table, not a row of dashes each.
  const called = sorted.filter((r) => r.lastAt)
  const idle = sorted.filter((r) => !r.lastAt)
  if (sorted.length === 0) return <p className="empty">{t('integrations.noConnectors')}</p>
  return (
    <>
    {called.length === 0 && <p className="empty">{t('integrations.noCalls')}</p>}
    {called.length > 0 && (
    <div className="table-scroll">
      <table className="list health" data-testid="health-table">
        <thead>
          <tr>
            <th rowSpan={2}>{t('integrations.col.connector')}</th>
            {HEALTH_WINDOWS.map((w) => <th key={w} colSpan={3} className="window-head">{t(`integrations.window.${w}`)}</th>)}
            <th rowSpan={2}>{t('integrations.col.lastFailure')}</th>
            <th rowSpan={2}>{t('integrations.col.lastCall')}</th>
          </tr>
          <tr>
            {HEALTH_WINDOWS.flatMap((w) => [
              <th key={`${w}-calls`} className="num window-start">{t('integrations.col.calls')}</th>,
              <th key={`${w}-rate`} className="num">{t('integrations.col.errorRate')}</th>,
              <th key={`${w}-latency`} className="num" title={t('integrations.col.latencyHint')}>{t('integrations.col.latency')}</th>,
            ])}
          </tr>
        </thead>
        <tbody>
          {called.map((row) => {
            const quiet = (healthWindow(row, '24h')?.calls ?? 0) === 0
            return (
              <tr key={row.connector} data-testid={`health-${row.connector}`} className={quiet ? 'idle' : undefined}>
                <td className="connector">
                  <button type="button" className="link" title={t('integrations.showCalls', { connector: row.connector })} onClick={() => onPick(row.connector)}>{title(row.connector)}</button>
                </td>
                {HEALTH_WINDOWS.map((w) => {
                  const cells = windowCells(healthWindow(row, w), locale)
                  const window = healthWindow(row, w)
                  const breakdown = cells.errors.map(([cls, n]) => t('integrations.failuresOf', { kind: errorClassLabel(t, cls), count: n })).join(t('integrations.listSeparator'))
                  return [
                    <td key={`${w}-calls`} className="num window-start" data-testid={`health-${row.connector}-${w}-calls`}>{cells.calls}</td>,
                    <td key={`${w}-rate`} className="num" data-testid={`health-${row.connector}-${w}-rate`}>
                      <span className={`rate rate-${cells.level}`} title={breakdown || undefined}>{cells.rate}</span>
                      {window && window.failed > 0 && <div className="hint" title={breakdown}>{t('integrations.failedCount', { count: window.failed })}</div>}
                    </td>,
                    <td key={`${w}-latency`} className="num nowrap" data-testid={`health-${row.connector}-${w}-latency`}>{cells.latency}</td>,
                  ]
                })}
                <td className="last-failure" data-testid={`health-${row.connector}-failure`}>
                  {row.lastFailure ? (
                    <>
                      <div><span className="badge bad" title={row.lastFailure.errorClass}>{errorClassLabel(t, row.lastFailure.errorClass)}</span> <span className="hint nowrap"><Time iso={row.lastFailure.at} /></span></div>
                      {row.lastFailure.error && <div className="error-text clamp" title={row.lastFailure.error}>{describeReason(row.lastFailure.error, locale)}</div>}
                    </>
                  ) : <span className="muted">—</span>}
                </td>
                <td className="nowrap">{row.lastAt ? <Time iso={row.lastAt} /> : <span className="muted">—</span>}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
    )}
    {idle.length > 0 && (
      <p className="hint idle-connectors" data-testid="health-idle">
        {t('integrations.neverCalledList')}{idle.map((r, i) => (
          <span key={r.connector}>{i > 0 && t('integrations.listSeparator')}<span title={r.connector}>{title(r.connector)}</span></span>
        ))}
      </p>
    )}
    </>
  )
}

/** The log's filters: connector, outcome, subscription (choices), order and run (ids, as links set them or pasted). */
function LogFilterBar({ filters, setFilter, clear, connectors, title, subscriptions, sample }: {
  filters: LogFilters
  setFilter(name: keyof LogFilters, value: string): void
  clear(): void
  connectors: string[]
  title(connector: string): string
  subscriptions: Subscription[]
  /** A row of the current page: names the filtered order and run. */
  sample: IntegrationEntry | undefined
}) {
  const t = useT()
  const connectorOptions = filters.connector && !connectors.includes(filters.connector) ? [filters.connector, ...connectors] : connectors
  const subscriptionNames = new Map(subscriptions.map((s) => [s.id, s.name]))
  const subscriptionOptions = filters.subscriptionId && !subscriptionNames.has(filters.subscriptionId) ? [filters.subscriptionId, ...subscriptionNames.keys()] : [...subscriptionNames.keys()]
  const outcomeLabel = (o: Outcome) => (o === 'failed' ? t('integrations.outcome.failed') : o === 'ok' ? t('integrations.outcome.ok') : errorClassLabel(t, o))
  const orderName = filters.orderId && sample?.orderId === filters.orderId ? orderLabel(t, sample.order, sample.orderId) : null
  const runName = filters.runId && sample?.runId === filters.runId ? (sample.workflowName || sample.workflowId || null) : null
  return (
    <div className="filters" role="search">
      <FilterSelect label={t('integrations.col.connector')} value={filters.connector ?? ''} options={connectorOptions} optionLabel={title}
        testid="filter-connector" onChange={(v) => setFilter('connector', v)} />
      <FilterSelect label={t('integrations.filter.outcome')} value={filters.outcome ?? ''} options={OUTCOMES} optionLabel={outcomeLabel}
        testid="filter-outcome" onChange={(v) => setFilter('outcome', v)} />
      {subscriptionOptions.length > 0 && (
        <FilterSelect label={t('integrations.filter.subscription')} value={filters.subscriptionId ?? ''} options={subscriptionOptions}
          optionLabel={(id) => subscriptionNames.get(id) ?? id} testid="filter-subscription" onChange={(v) => setFilter('subscriptionId', v)} />
      )}
      <IdFilter label={t('pages.col.order')} placeholder={t('integrations.filter.orderId')} value={filters.orderId ?? ''} name={orderName}
        testid="filter-order" onChange={(v) => setFilter('orderId', v)} />
      <IdFilter label={t('pages.col.run')} placeholder={t('integrations.filter.runId')} value={filters.runId ?? ''} name={runName}
        testid="filter-run" onChange={(v) => setFilter('runId', v)} />
      {hasLogFilters(filters) && <button className="link" onClick={clear} data-testid="clear-filters">{t('pages.filters.clear')}</button>}
    </div>
  )
}

/** A filter by an id: typed or pasted, taken on Enter or leaving the box; the name it stands for beside it. */
function IdFilter({ label, placeholder, value, name, testid, onChange }: { label: string; placeholder: string; value: string; name: string | null; testid: string; onChange(v: string): void }) {
  const [draft, setDraft] = useState(value)
  useEffect(() => { setDraft(value) }, [value])
  const apply = (e?: FormEvent) => {
    e?.preventDefault()
    if (draft.trim() !== value) onChange(draft.trim())
  }
  return (
    <form onSubmit={apply} className="inline-form">
      <label>
        <span>{label}{name && <span className="filter-name" title={value}>{' '}= {name}</span>}</span>
        <input value={draft} onChange={(e) => setDraft(e.target.value)} onBlur={() => apply()} maxLength={128} placeholder={placeholder} data-testid={testid} />
      </label>
    </form>
  )
}

/** The log, virtualised: a row opens its details. */
function LogTable({ paged, title, empty, onOpen, selectedId }: {
  paged: PagedState<IntegrationEntry>
  title(connector: string): string
  empty: string
  onOpen(entry: IntegrationEntry): void
  selectedId: number | null
}) {
  const t = useT()
  const columns: Array<Column<IntegrationEntry>> = [
    { key: 'at', header: t('integrations.col.time'), width: '150px', cell: (e) => <Time iso={e.at} short /> },
    {
      // Who called (the connector, the subscription) over where to: two lines in one row.
      key: 'call', header: t('integrations.col.call'),
      cell: (e) => (
        <div className="two-lines">
          <span className="ellipsis" title={[title(e.connector), e.subscriptionName].filter(Boolean).join(' · ')}>{title(e.connector)}{e.subscriptionName && <span className="muted"> · {e.subscriptionName}</span>}</span>
          <span className="hint"><CallEndpoint entry={e} /></span>
        </div>
      ),
    },
    { key: 'status', header: t('integrations.col.status'), width: '72px', cell: (e) => <StatusCode entry={e} /> },
    { key: 'latency', header: t('integrations.col.latencyOne'), width: '76px', className: 'num', cell: (e) => formatDuration(e.latencyMs) },
    { key: 'attempt', header: t('pages.step.attempt'), width: '80px', className: 'num', cell: (e) => e.attempt },
    { key: 'error', header: t('pages.step.error'), width: '240px', cell: (e) => <CallError entry={e} /> },
    { key: 'order', header: t('pages.col.order'), width: '250px', cell: (e) => <CallOrder entry={e} /> },
    { key: 'run', header: t('pages.col.run'), width: '190px', cell: (e) => <CallRun entry={e} /> },
  ]
  return (
    <PagedTable paged={paged} empty={empty} columns={columns} label={t('integrations.log')} rowKey={(e) => String(e.id)}
      rowTestId={(e) => `call-${e.id}${e.id === selectedId ? '-selected' : ''}`} onOpen={onOpen} maxHeight="calc(100vh - 200px)" />
  )
}

/** One call in full: the whole error, the keys that tie it to the run or the subscription, and filters from it. */
function CallDetail({ entry, title, onClose, setFilter }: { entry: IntegrationEntry; title(connector: string): string; onClose(): void; setFilter(name: keyof LogFilters, value: string): void }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  return (
    <section className="card call-detail" data-testid="call-detail" aria-label={t('integrations.detail')}>
      <div className="row">
        <h3>{title(entry.connector)}{entry.subscriptionName && <span className="muted"> · {entry.subscriptionName}</span>}</h3>
        <StatusCode entry={entry} />
        <span className="spacer" />
        {entry.orderId && <button className="link" onClick={() => setFilter('orderId', entry.orderId!)} data-testid="only-order">{t('integrations.onlyOrder')}</button>}
        {entry.runId && <button className="link" onClick={() => setFilter('runId', entry.runId!)} data-testid="only-run">{t('integrations.onlyRun')}</button>}
        <button className="link" onClick={onClose} aria-label={t('common.close')}>×</button>
      </div>
      <div className="grid-fields">
        <Field label={t('integrations.col.time')}><Time iso={entry.at} /></Field>
        <Field label={t('integrations.col.endpoint')}><CallEndpoint entry={entry} full /></Field>
        <Field label={t('integrations.col.latencyOne')}>{formatDuration(entry.latencyMs)}</Field>
        <Field label={t('pages.step.attempt')}>{entry.attempt}</Field>
        <Field label={t('pages.col.order')}><CallOrder entry={entry} /></Field>
        <Field label={t('pages.col.run')}><CallRun entry={entry} /></Field>
        {entry.subscriptionId && (
          <Field label={t('integrations.filter.subscription')}>
            <Link href={`/subscriptions/${encodeURIComponent(entry.subscriptionId)}`} title={entry.subscriptionId}>{entry.subscriptionName ?? entry.subscriptionId}</Link>
          </Field>
        )}
        <Field label={t('integrations.idempotencyKey')}><span className="named"><code className="ellipsis" title={entry.idempotencyKey}>{entry.idempotencyKey}</code><CopyId id={entry.idempotencyKey} /></span></Field>
      </div>
      {entry.errorClass && (
        <div className="call-detail-error">
          <span className="badge bad">{errorClassLabel(t, entry.errorClass)}</span>
          {entry.error && <pre className="json error-text" title={entry.error} data-testid="call-detail-error">{describeReason(entry.error, locale)}</pre>}
        </div>
      )}
    </section>
  )
}
