/** Pieces shared by the operator pages: loading hooks, cursor paging, live refresh, badges, errors, filters. */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { Link } from 'wouter'
import { api, ApiError, query } from '../api/client.ts'
import { useLiveEvents, type LiveEvent } from '../api/events.ts'
import type { ImportResult, Page, RunStatus } from '../api/types.ts'
import type { Status as OrderStatus } from '../../../schemas/generated/order.ts'
import orderSchema from '../../../schemas/order.schema.json'
import runSchema from '../../../schemas/run.schema.json'
import { useLocale, useT } from '../i18n/index.ts'
import { formatShortTime, formatTime, throttle } from './format.ts'
import './pages.css'

/** Enums for filter dropdowns, read from the schemas so a new value shows up without a code change. */
export const ORDER_STATUSES = orderSchema.definitions.status.enum as OrderStatus[]
export const PLATFORMS = orderSchema.definitions.platform.enum as Array<import('../../../schemas/generated/order.ts').Platform>
export const EXCEPTION_TYPES = orderSchema.definitions.exception.properties.type.enum as Array<import('../../../schemas/generated/order.ts').Exception['type']>
export const RUN_STATUSES = runSchema.definitions.runStatus.enum as RunStatus[]

/** The most rows one list request may ask for (the API's limit maximum). */
const MAX_LIMIT = 500

interface LoadState<T> {
  data: T | undefined
  error: unknown
  loading: boolean
  reload(): void
  setData(update: (prev: T | undefined) => T | undefined): void
}

/** Loads `loader()` whenever `deps` change; `reload()` loads again keeping the shown data. Late answers of older loads are dropped. */
export function useLoad<T>(loader: () => Promise<T>, deps: readonly unknown[]): LoadState<T> {
  const [data, setDataState] = useState<T | undefined>(undefined)
  const [error, setError] = useState<unknown>(null)
  const [loading, setLoading] = useState(true)
  const generation = useRef(0)
  const loaderRef = useRef(loader)
  loaderRef.current = loader

  const load = useCallback(() => {
    const mine = ++generation.current
    setLoading(true)
    loaderRef.current().then(
      (d) => { if (mine === generation.current) { setDataState(d); setError(null); setLoading(false) } },
      (e: unknown) => { if (mine === generation.current) { setError(e); setLoading(false) } },
    )
  }, [])

  useEffect(() => {
    setDataState(undefined)
    load()
  }, deps)
  useEffect(() => () => { generation.current++ }, [])

  return { data, error, loading, reload: load, setData: setDataState }
}

export interface PagedState<T> {
  items: T[]
  nextCursor: string | null
  /** first page (or a filter change) loading */
  loading: boolean
  loadingMore: boolean
  error: unknown
  loadMore(): void
  /** Fetches the rows already shown again (live refresh), keeping the scroll position's rows. */
  refresh(): void
  /** Replaces one row in place (after an action answered with the new row). */
  replace(id: string | number, update: (row: T) => T | null): void
}

/**
 * A cursor-paged list (`{ items, nextCursor }`): the first page when `key` changes, more with
 * `loadMore()`. `fetchPage(limit, cursor)` fetches one page (`cursor` null for the first); rows need an `id` (a string or a number).
 */
export function usePaged<T extends { id: string | number }>(fetchPage: (limit: number, cursor: string | null) => Promise<Page<T>>, key: string, pageSize = 50): PagedState<T> {
  const [state, setState] = useState<{ items: T[]; nextCursor: string | null }>({ items: [], nextCursor: null })
  const [loading, setLoading] = useState(true)
  const [loadingMore, setLoadingMore] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const generation = useRef(0)
  const fetchRef = useRef(fetchPage)
  fetchRef.current = fetchPage
  const stateRef = useRef(state)
  stateRef.current = state
  const busy = useRef(false)

  useEffect(() => {
    const mine = ++generation.current
    setState({ items: [], nextCursor: null })
    setLoading(true)
    setError(null)
    busy.current = true
    fetchRef.current(pageSize, null).then(
      (p) => { if (mine === generation.current) { setState({ items: p.items, nextCursor: p.nextCursor }); setLoading(false); busy.current = false } },
      (e: unknown) => { if (mine === generation.current) { setError(e); setLoading(false); busy.current = false } },
    )
  }, [key, pageSize])
  useEffect(() => () => { generation.current++ }, [])

  const loadMore = useCallback(() => {
    const { nextCursor } = stateRef.current
    if (!nextCursor || busy.current) return
    const mine = generation.current
    busy.current = true
    setLoadingMore(true)
    fetchRef.current(pageSize, nextCursor).then(
      (p) => {
        if (mine !== generation.current) return
        setState((s) => {
          const seen = new Set(s.items.map((i) => i.id))
          return { items: [...s.items, ...p.items.filter((i) => !seen.has(i.id))], nextCursor: p.nextCursor }
        })
        setError(null)
        setLoadingMore(false)
        busy.current = false
      },
      (e: unknown) => { if (mine === generation.current) { setError(e); setLoadingMore(false); busy.current = false } },
    )
  }, [pageSize])

  const refresh = useCallback(() => {
    if (busy.current) return
    const mine = generation.current
    const shown = stateRef.current.items.length
    const limit = Math.min(MAX_LIMIT, Math.max(pageSize, shown))
    busy.current = true
    fetchRef.current(limit, null).then(
      (p) => {
        // An answer of an older generation leaves `busy` alone: it belongs to the newer load.
        if (mine !== generation.current) return
        busy.current = false
        setState((s) => {
          if (s.items.length <= limit) return { items: p.items, nextCursor: p.nextCursor }
          // More rows shown than one request returns: renew the head, keep the tail and its cursor.
          const fresh = new Set(p.items.map((i) => i.id))
          return { items: [...p.items, ...s.items.slice(limit).filter((i) => !fresh.has(i.id))], nextCursor: s.nextCursor }
        })
        setError(null)
      },
      (e: unknown) => { if (mine === generation.current) { busy.current = false; setError(e) } },
    )
  }, [pageSize])

  const replace = useCallback((id: string | number, update: (row: T) => T | null) => {
    setState((s) => ({ ...s, items: s.items.flatMap((row) => { if (row.id !== id) return [row]; const r = update(row); return r ? [r] : [] }) }))
  }, [])

  return { ...state, loading, loadingMore, error, loadMore, refresh, replace }
}

/** Calls `refresh` on live events that `matches`, at most once a second. */
export function useLiveRefresh(matches: (e: LiveEvent) => boolean, refresh: () => void): void {
  const refreshRef = useRef(refresh)
  refreshRef.current = refresh
  const throttled = useMemo(() => throttle(() => refreshRef.current(), 1000), [])
  useEffect(() => () => throttled.cancel(), [throttled])
  useLiveEvents((e) => { if (matches(e)) throttled() })
}

/** A timestamp in local time (the ISO text on hover); `short`: as short as a log needs it (the time alone today). */
export function Time({ iso, short = false }: { iso: string | null | undefined; short?: boolean }) {
  const locale = useLocale((s) => s.locale)
  return <time dateTime={iso ?? undefined} title={iso ?? undefined}>{short ? formatShortTime(iso, locale) : formatTime(iso, locale)}</time>
}

/** "Loading…" */
export function Loading() {
  const t = useT()
  return <p className="hint loading" role="status">{t('common.loading')}</p>
}

/** A notice of what an action did (a shop added, runs retried), closed by its ×. */
export function Notice({ testid, onClose, children }: { testid: string; onClose: () => void; children: ReactNode }) {
  const t = useT()
  return (
    <div className="notice" role="status" data-testid={testid}>
      {children}
      <span className="spacer" />
      <button className="link" onClick={onClose} aria-label={t('common.close')}>×</button>
    </div>
  )
}

/** An error with the API's details (pointer: reason) listed under it. */
export function ErrorBox({ error }: { error: unknown }) {
  const t = useT()
  if (!error) return null
  const message = error instanceof Error ? error.message : String(error)
  const details = error instanceof ApiError ? error.details : []
  return (
    <div className="error-box" role="alert" data-testid="error">
      <div>{t('common.error', { message })}</div>
      {details.length > 0 && (
        <ul>
          {details.map((d, i) => (
            <li key={`${d.pointer}-${i}`}>
              {d.nodeId && <span className="badge">{d.nodeId}</span>} <code>{d.pointer || '/'}</code> {d.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

/** A run's (or step's) status as a coloured badge. */
export function RunBadge({ status }: { status: RunStatus | 'retrying' }) {
  const t = useT()
  return <span className={`badge ${status}`}>{t(`status.${status}`)}</span>
}

/** An order's status as a coloured badge. */
export function OrderBadge({ status }: { status: OrderStatus }) {
  const t = useT()
  return <span className={`badge order-${status}`}>{t(`pages.orderStatus.${status}`)}</span>
}

/** "Load more" under a paged list, or nothing at its end. */
export function LoadMore({ paged }: { paged: Pick<PagedState<{ id: string }>, 'nextCursor' | 'loadMore' | 'loadingMore'> }) {
  const t = useT()
  if (!paged.nextCursor) return null
  return (
    <div className="load-more">
      <button onClick={paged.loadMore} disabled={paged.loadingMore} data-testid="load-more">
        {paged.loadingMore ? t('common.loading') : t('common.more')}
      </button>
    </div>
  )
}

/** A value shown as JSON, folded until opened. */
export function JsonFold({ label, value }: { label: ReactNode; value: unknown }) {
  const [open, setOpen] = useState(false)
  return (
    <div className="json-fold">
      <button className="link" aria-expanded={open} onClick={() => setOpen((o) => !o)}>{open ? '▾' : '▸'} {label}</button>
      {open && <pre className="json">{value === undefined ? '—' : JSON.stringify(value, null, 2)}</pre>}
    </div>
  )
}

/** A label/value pair for header grids. */
export function Field({ label, children, testid }: { label: ReactNode; children: ReactNode; testid?: string }) {
  return (
    <div className="field">
      <div className="field-label">{label}</div>
      <div className="field-value" data-testid={testid}>{children}</div>
    </div>
  )
}

/**
 * Sets one filter in the URL's query string (an empty value removes it), replacing the history entry
 * so the back button leaves the list instead of stepping through filter changes.
 */
export function urlFilterSetter<K extends string>(setParams: (update: (prev: URLSearchParams) => URLSearchParams, options: { replace: boolean }) => void) {
  return (name: K, value: string) => setParams((prev) => {
    const next = new URLSearchParams(prev)
    if (value) next.set(name, value)
    else next.delete(name)
    return next
  }, { replace: true })
}

/** A filter dropdown: "all" (an empty value) then `options`, each shown as `optionLabel(option)`. */
export function FilterSelect<V extends string>({ label, value, options, optionLabel, testid, onChange, allLabel }: {
  label: ReactNode
  value: string
  options: readonly V[]
  optionLabel(option: V): string
  testid: string
  onChange(value: string): void
  /** The empty choice's label; "All" unless given. */
  allLabel?: string
}) {
  const t = useT()
  return (
    <label>
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testid}>
        <option value="">{allLabel ?? t('common.all')}</option>
        {options.map((o) => <option key={o} value={o}>{optionLabel(o)}</option>)}
      </select>
    </label>
  )
}

/** A detail page before its data is there: "Loading…", not found (404) or the error, under a link back to the list. */
export function DetailFallback({ backHref, backLabel, error, notFound }: { backHref: string; backLabel: string; error: unknown; notFound: string }) {
  return (
    <div className="page-body pages">
      <p><Link href={backHref}>← {backLabel}</Link></p>
      {error != null
        ? (error instanceof ApiError && error.status === 404 ? <p className="empty">{notFound}</p> : <ErrorBox error={error} />)
        : <Loading />}
    </div>
  )
}

/** Imports a workflow document (one definition or a bundle) as drafts, unpublished. */
export function importWorkflow(body: unknown): Promise<ImportResult> {
  return api<ImportResult>('POST', `/api/workflows/import${query({ publish: false })}`, body)
}
