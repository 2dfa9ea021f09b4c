/**
 * How many open tasks the signed-in user may act on (the navigation badge), kept live: fetched again
 * when a task or a message for them arrives, when a run moves (an escalation may take a task away,
 * and the previous assignee gets no task event for it), after their own decisions, and on reconnect.
 */
import { useEffect, useMemo, useRef } from 'react'
import { create } from 'zustand'
import { api } from '../api/client.ts'
import { useLiveEvents, useLiveStatus } from '../api/events.ts'
import { useSession } from '../app/session.ts'
import { throttle } from '../pages/format.ts'

interface OpenCount { open: number | null }

/** The badge's count; null until first fetched (or after sign-out). */
export const useOpenCount = create<OpenCount>(() => ({ open: null }))

let seq = 0
/** Fetches the count now; a late answer of an older fetch is dropped. */
export function refreshOpenCount(): void {
  const mine = ++seq
  api<{ open: number }>('GET', '/api/tasks/count').then(
    (c) => { if (mine === seq) useOpenCount.setState({ open: c.open }) },
    () => { /* the badge keeps its last count; the inbox page shows errors */ },
  )
}

/** Keeps the count live while mounted (the shell mounts it once); returns it. */
export function useLiveOpenCount(): number | null {
  const who = useSession((s) => s.who)
  const connected = useLiveStatus((s) => s.connected)
  const soon = useMemo(() => throttle(refreshOpenCount, 1000), [])
  // Run events are many on a busy server: they refresh the count at most every 5 s.
  const later = useMemo(() => throttle(refreshOpenCount, 5000), [])
  useEffect(() => () => { soon.cancel(); later.cancel() }, [soon, later])

  useEffect(() => {
    useOpenCount.setState({ open: null })
    if (who) refreshOpenCount()
  }, [who])
  const wasConnected = useRef(connected)
  useEffect(() => {
    if (connected && !wasConnected.current && who) refreshOpenCount()
    wasConnected.current = connected
  }, [connected, who])

  useLiveEvents((e) => {
    if (e.type === 'task' || e.type === 'notification') soon()
    else if (e.type === 'run') later()
  })
  return useOpenCount((s) => s.open)
}
