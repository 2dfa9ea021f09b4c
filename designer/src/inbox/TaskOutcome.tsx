/** A task that is no longer open: approved or rejected by whom and when, with the comment and the answers; or why it closed. */
import { useLocale, useT } from '../i18n/index.ts'
import { Time } from '../pages/shared.tsx'
import { answerRows } from './answers.ts'
import { TaskStatusBadge } from './TaskBadges.tsx'
import type { Task } from './types.ts'

/** The outcome card. */
export function TaskOutcome({ task }: { task: Task }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const rows = task.form && task.data ? answerRows(task.form, task.data, locale, task.order?.currency) : []
  return (
    <section className="card decision outcome" data-testid="task-outcome" data-status={task.status} data-decision={task.decision ?? undefined}>
      <h2>{t('inbox.task.outcome')} <TaskStatusBadge status={task.status} decision={task.decision} /></h2>
      {task.status === 'completed' && (
        <p>{t(task.decision === 'approve' ? 'inbox.outcome.approvedBy' : 'inbox.outcome.rejectedBy', { by: (task.completedBy ?? []).join(t('inbox.list.separator')) || '—' })} · <Time iso={task.completedAt} /></p>
      )}
      {task.status === 'expired' && <p>{t('inbox.outcome.expired')}</p>}
      {task.status === 'cancelled' && <p>{t('inbox.outcome.cancelled')}</p>}
      {task.comment && <blockquote className="comment-text" data-testid="task-outcome-comment">{task.comment}</blockquote>}
      {rows.length > 0 && (
        <dl className="answers" data-testid="task-answers">
          {rows.map((r) => <div key={r.key}><dt>{r.label}</dt><dd>{r.value}</dd></div>)}
        </dl>
      )}
    </section>
  )
}
