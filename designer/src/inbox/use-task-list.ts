/**
 * The inbox list, live: the first page for the filters, more on demand, and every task the event
 * stream says changed fetched again and merged in place (a new one appears in the API's order, a
 * decided or expired one is marked, one that is no longer the caller's goes). A reconnect reloads,
 * since events sent while the stream was down are lost.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { api, ApiError, query } from '../api/client.ts'
import { useLiveEvents, useLiveStatus } from '../api/events.ts'
import { throttle } from '../pages/format.ts'
import type { PagedState } from '../pages/shared.tsx'
import { dropTask, mergeTask, tasksOfRun, type InboxRow, type TaskFilters } from './task-list.ts'
import type { TaskDetail, TaskPage } from './types.ts'

/** Changed tasks are fetched at most this often, together. */
const FLUSH_MS = 300

/** The inbox rows for `filters`, kept live, in the shape the pages' tables take. */
export function useTaskList(filters: TaskFilters, pageSize = 50): PagedState<InboxRow> {
  const [rows, setRows] = useState<InboxRow[]>([])
  const [nextCursor, setNextCursor] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  const [loadingMore, setLoadingMore] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const key = JSON.stringify(filters)
  const filtersRef = useRef(filters)
  filtersRef.current = filters
  const state = useRef({ rows, nextCursor })
  state.current = { rows, nextCursor }
  // Answers of an older filter (or of a load the page left) are dropped.
  const generation = useRef(0)

  const fetchPage = useCallback((limit: number, cursor: string | null) =>
    api<TaskPage>('GET', `/api/tasks${query({ ...filtersRef.current, limit, cursor })}`), [])

  const load = useCallback((limit: number) => {
    const mine = ++generation.current
    fetchPage(limit, null).then(
      (p) => { if (mine === generation.current) { setRows(p.tasks); setNextCursor(p.nextCursor); setError(null); setLoading(false) } },
      (e: unknown) => { if (mine === generation.current) { setError(e); setLoading(false) } },
    )
  }, [fetchPage])

  useEffect(() => {
    setRows([])
    setNextCursor(null)
    setLoading(true)
    load(pageSize)
  }, [key, pageSize, load])
  useEffect(() => () => { generation.current++ }, [])

  const loadMore = useCallback(() => {
    const cursor = state.current.nextCursor
    if (!cursor || loadingMore) return
    const mine = generation.current
    setLoadingMore(true)
    fetchPage(pageSize, cursor).then(
      (p) => {
        if (mine !== generation.current) return
        setRows((r) => { const seen = new Set(r.map((x) => x.id)); return [...r, ...p.tasks.filter((x) => !seen.has(x.id))] })
        setNextCursor(p.nextCursor)
        setLoadingMore(false)
      },
      (e: unknown) => { if (mine === generation.current) { setError(e); setLoadingMore(false) } },
    )
  }, [fetchPage, loadingMore, pageSize])

  /** Loads the rows shown again (the API allows 500 a page). */
  const refresh = useCallback(() => load(Math.min(500, Math.max(pageSize, state.current.rows.length))), [load, pageSize])

  const replace = useCallback((id: string, update: (row: InboxRow) => InboxRow | null) => {
    setRows((r) => r.flatMap((row) => { if (row.id !== id) return [row]; const u = update(row); return u ? [u] : [] }))
  }, [])

  // Tasks the stream says changed, fetched together.
  const pending = useRef(new Set<string>())
  const flush = useMemo(() => throttle(() => {
    const ids = [...pending.current]
    pending.current.clear()
    const mine = generation.current
    for (const id of ids) {
      api<TaskDetail>('GET', `/api/tasks/${encodeURIComponent(id)}`).then(
        (d) => { if (mine === generation.current) setRows((r) => mergeTask(r, d.task, filtersRef.current, state.current.nextCursor !== null)) },
        // Gone, or no longer the caller's (reassigned by an escalation): it leaves the list.
        (e: unknown) => { if (mine === generation.current && e instanceof ApiError && (e.status === 403 || e.status === 404)) setRows((r) => dropTask(r, id)) },
      )
    }
  }, FLUSH_MS), [])
  useEffect(() => () => flush.cancel(), [flush])

  useLiveEvents((e) => {
    if (e.type === 'task') pending.current.add(e.data.taskId)
    // A run event for a shown task's run: it may have been escalated away from the caller, who gets no task event for that.
    else if (e.type === 'run') for (const id of tasksOfRun(state.current.rows, e.data.runId)) pending.current.add(id)
    else return
    if (pending.current.size > 0) flush()
  })

  // Events sent while the stream was down are lost: reload when it is back.
  const connected = useLiveStatus((s) => s.connected)
  const wasConnected = useRef(connected)
  useEffect(() => {
    if (connected && !wasConnected.current && !loading) refresh()
    wasConnected.current = connected
  }, [connected, loading, refresh])

  return { items: rows, nextCursor, loading, loadingMore, error, loadMore, refresh, replace }
}
