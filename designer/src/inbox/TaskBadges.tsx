/** A task's priority, status and due time as badges: colour and label, the due time counting down. */
import { useLocale, useT } from '../i18n/index.ts'
import { formatTime } from '../pages/format.ts'
import { countdown, formatCountdown } from './countdown.ts'
import type { TaskPriority, TaskStatus } from './types.ts'
import { useNow } from './use-now.ts'
import './inbox.css'

/** The priority in its colour (urgent red, high amber, normal blue, low grey) with its label. */
export function PriorityBadge({ priority }: { priority: TaskPriority }) {
  const t = useT()
  return <span className={`badge priority-${priority}`} data-priority={priority}>{t(`inbox.priority.${priority}`)}</span>
}

/** The task's status (open, completed, expired, cancelled); a completed one says approved or rejected. */
export function TaskStatusBadge({ status, decision }: { status: TaskStatus; decision?: 'approve' | 'reject' | null }) {
  const t = useT()
  if (status === 'completed' && decision) return <span className={`badge task-${decision}`}>{t(`inbox.decision.${decision}`)}</span>
  return <span className={`badge task-${status}`}>{t(`inbox.status.${status}`)}</span>
}

/** The time left until `dueAt`, ticking; marked overdue (red) or due soon (amber); the due time itself on hover. */
export function DueCountdown({ dueAt, testid }: { dueAt: string | null; testid?: string }) {
  const locale = useLocale((s) => s.locale)
  const now = useNow()
  const c = countdown(dueAt, now)
  return (
    <span className={`due due-${c?.urgency ?? 'none'}`} title={dueAt ? formatTime(dueAt, locale) : undefined} data-testid={testid} data-urgency={c?.urgency ?? 'none'}>
      {formatCountdown(c, locale)}
    </span>
  )
}
