/**
 * A table whose body renders only the rows in view (@tanstack/react-virtual), for lists of
 * thousands: fixed-height rows, spacer rows above and below, a sticky header, fixed columns.
 */
import { useRef, type MouseEvent, type ReactNode } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useT } from '../i18n/index.ts'
import { ErrorBox, Loading, LoadMore, type PagedState } from './shared.tsx'

export interface Column<T> {
  key: string
  header: ReactNode
  /** CSS width (fixed layout keeps the columns still while rows come and go) */
  width?: string
  className?: string
  cell(row: T): ReactNode
}

const ROW_HEIGHT = 40

export function VirtualTable<T>({ rows, columns, rowKey, rowTestId, label, maxHeight = 'calc(100vh - 260px)', onOpen }: {
  rows: T[]
  columns: Array<Column<T>>
  rowKey(row: T): string
  rowTestId?(row: T): string
  label?: string
  maxHeight?: string
  /** Opening a row by clicking anywhere on it (links and buttons in it keep their own click). */
  onOpen?(row: T): void
}) {
  const scroller = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (i) => rowKey(rows[i]),
    // React 19 warns about flushSync during render; plain state updates are smooth enough here.
    useFlushSync: false,
  })
  const visible = virtualizer.getVirtualItems()
  const total = virtualizer.getTotalSize()
  const top = visible.length ? visible[0].start : 0
  const bottom = visible.length ? total - visible[visible.length - 1].end : 0

  return (
    <div className="virtual-scroll" ref={scroller} style={{ maxHeight }} role="region" aria-label={label} tabIndex={0}>
      <table className="list virtual" aria-rowcount={rows.length + 1}>
        <colgroup>{columns.map((c) => <col key={c.key} style={c.width ? { width: c.width } : undefined} />)}</colgroup>
        <thead>
          <tr>{columns.map((c) => <th key={c.key} className={c.className}>{c.header}</th>)}</tr>
        </thead>
        <tbody>
          {top > 0 && <tr className="spacer-row" aria-hidden="true"><td colSpan={columns.length} style={{ height: top }} /></tr>}
          {visible.map((v) => {
            const row = rows[v.index]
            return (
              <tr key={v.key} style={{ height: ROW_HEIGHT }} aria-rowindex={v.index + 2} data-testid={rowTestId?.(row)}
                className={onOpen ? 'openable' : undefined}
                onClick={onOpen ? (e: MouseEvent) => { if (!(e.target as HTMLElement).closest('a,button,input,select')) onOpen(row) } : undefined}>
                {columns.map((c) => <td key={c.key} className={c.className}>{c.cell(row)}</td>)}
              </tr>
            )
          })}
          {bottom > 0 && <tr className="spacer-row" aria-hidden="true"><td colSpan={columns.length} style={{ height: bottom }} /></tr>}
        </tbody>
      </table>
    </div>
  )
}

/** A paged list: errors, loading, the empty text, the virtualised rows, and "load more" at the foot. */
export function PagedTable<T extends { id: string | number }>({ paged, empty, ...table }: {
  paged: PagedState<T>
  /** Shown when there are no rows (no match, or nothing yet). */
  empty: string
  columns: Array<Column<T>>
  rowKey(row: T): string
  rowTestId?(row: T): string
  label?: string
  maxHeight?: string
  onOpen?(row: T): void
}) {
  const t = useT()
  return (
    <>
      {paged.error != null && <ErrorBox error={paged.error} />}
      {paged.loading && <Loading />}
      {!paged.loading && paged.items.length === 0 && !paged.error && <p className="empty">{empty}</p>}
      {paged.items.length > 0 && (
        <>
          <VirtualTable rows={paged.items} {...table} />
          <div className="list-foot">
            <span className="hint">{t('pages.list.shown', { count: paged.items.length })}</span>
            <LoadMore paged={paged} />
          </div>
        </>
      )}
    </>
  )
}
