/** Messages for me, newest first: new tasks, reminders and escalations, live; each links to its task. */
import { useState } from 'react'
import { Link } from 'wouter'
import { api, query } from '../api/client.ts'
import { useLiveEvents } from '../api/events.ts'
import { useLocale, useT } from '../i18n/index.ts'
import { ErrorBox, Loading, Time, useLiveRefresh, useLoad } from '../pages/shared.tsx'
import { describeNotificationMessage } from './refusal.ts'
import { PriorityBadge } from './TaskBadges.tsx'
import type { InboxNotification } from './types.ts'

/** How many messages the panel shows. */
const SHOWN = 20

/** The panel: the latest messages, a live one added on top at once (the list is fetched again after, for its stored time). */
export function NotificationsPanel() {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const list = useLoad(() => api<{ items: InboxNotification[] }>('GET', `/api/notifications${query({ limit: SHOWN })}`), [])
  const [arrived, setArrived] = useState<InboxNotification[]>([])
  useLiveEvents((e) => {
    if (e.type !== 'notification') return
    const n = e.data
    setArrived((a) => [{ ...n, at: new Date().toISOString() }, ...a.filter((x) => x.id !== n.id)].slice(0, SHOWN))
  })
  // The stored list catches up a second later; what arrived live stays until it is in it.
  useLiveRefresh((e) => e.type === 'notification', list.reload)
  const stored = list.data?.items ?? []
  const items = [...arrived.filter((a) => !stored.some((s) => s.id === a.id)), ...stored].slice(0, SHOWN)

  return (
    <aside className="card notifications" aria-label={t('inbox.notices.title')} data-testid="notifications">
      <h2>{t('inbox.notices.title')}</h2>
      {list.error != null && <ErrorBox error={list.error} />}
      {list.loading && !list.data && <Loading />}
      {list.data && items.length === 0 && <p className="hint" data-testid="no-notifications">{t('inbox.notices.empty')}</p>}
      <ul className="notice-list">
        {items.map((n) => {
          const message = describeNotificationMessage(n.message, locale)
          return (
            <li key={n.id} className={`notice-item kind-${n.kind}`} data-testid={`notification-${n.id}`} data-kind={n.kind}>
              <div className="row">
                <span className={`badge notice-${n.kind}`}>{t(`inbox.notice.${n.kind}`)}</span>
                <PriorityBadge priority={n.priority} />
                <span className="spacer" />
                <span className="hint"><Time iso={n.at} /></span>
              </div>
              <div className="notice-title">
                {n.taskId ? <Link href={`/inbox/${encodeURIComponent(n.taskId)}`}>{n.title}</Link> : n.title}
              </div>
              {message && <div className="hint">{message}</div>}
            </li>
          )
        })}
      </ul>
    </aside>
  )
}
