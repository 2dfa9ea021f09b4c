/**
 * Live updates: GET /api/events as Server-Sent Events, read with fetch so the bearer token goes in
 * a header (EventSource cannot send one). Reconnects with backoff; listeners get parsed events.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { create } from 'zustand'
import { useEffect, useRef } from 'react'
import { useSession } from '../app/session.ts'
import type { NotificationEventData, TaskEventData } from '../inbox/types.ts'

export type LiveEvent =
  | { type: 'run'; data: { runId: string; workflowId: string; status: string; orderId: string | null } }
  | { type: 'order'; data: { orderId: string; outcome: string } }
  | { type: 'workflow'; data: { workflowId: string; action: string; version?: number } }
  // Sent only to a task's assignees (and admins): a task opened, changed or closed; a message for them.
  | { type: 'task'; data: TaskEventData }
  | { type: 'notification'; data: NotificationEventData }

type Listener = (event: LiveEvent) => void

interface LiveState { connected: boolean }
export const useLiveStatus = create<LiveState>(() => ({ connected: false }))

const listeners = new Set<Listener>()
let controller: AbortController | null = null
let connectedToken: string | null = null

function dispatch(message: EventSourceMessage): void {
  if (!message.event || !['run', 'order', 'workflow', 'task', 'notification'].includes(message.event)) return
  let data: unknown
  try { data = JSON.parse(message.data) } catch { return }
  const event = { type: message.event, data } as LiveEvent
  for (const l of listeners) l(event)
}

async function streamEvents(token: string, signal: AbortSignal): Promise<void> {
  let delay = 1000
  while (!signal.aborted) {
    try {
      const response = await fetch('/api/events', { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal })
      if (response.status === 401) { useSession.getState().logout(); return }
      if (!response.ok || !response.body) throw new Error(`events answered ${response.status}`)
      useLiveStatus.setState({ connected: true })
      delay = 1000
      const parser = createParser({ onEvent: dispatch, onRetry: (ms) => { delay = ms } })
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        parser.feed(value)
      }
    } catch {
      if (signal.aborted) return
    }
    useLiveStatus.setState({ connected: false })
    await new Promise((r) => setTimeout(r, delay))
    delay = Math.min(delay * 2, 30_000)
  }
}

/** Opens (or keeps) the one event stream for the signed-in token; closes it on sign-out. */
export function connectEvents(token: string | null): void {
  if (token === connectedToken) return
  controller?.abort()
  controller = null
  connectedToken = token
  useLiveStatus.setState({ connected: false })
  if (token) {
    controller = new AbortController()
    void streamEvents(token, controller.signal)
  }
}

/** Calls `listener` for every live event while the component is mounted. */
export function useLiveEvents(listener: Listener): void {
  const ref = useRef(listener)
  ref.current = listener
  useEffect(() => {
    const l: Listener = (e) => ref.current(e)
    listeners.add(l)
    return () => { listeners.delete(l) }
  }, [])
}
