/**
 * /inbox/:id: one task — what is asked, of whom, by when; the order it is about; its run on a
 * read-only canvas with the waiting node marked; and the decision (form, comment, approve / reject,
 * claim). Live: the task, its order and its run are fetched again when the event stream says they moved.
 */
import { useEffect, useState } from 'react'
import { Link } from 'wouter'
import { api, ApiError } from '../api/client.ts'
import type { WorkflowDefinition } from '../api/types.ts'
import { useLocale, useT } from '../i18n/index.ts'
import { DetailFallback, ErrorBox, Time, useLiveRefresh, useLoad } from '../pages/shared.tsx'
import { DecisionPanel } from './DecisionPanel.tsx'
import { versionDefinition } from './definitions.ts'
import { assigneesText } from './assignees.ts'
import { describeTaskRefusal } from './refusal.ts'
import { DueCountdown, PriorityBadge, TaskStatusBadge } from './TaskBadges.tsx'
import { OrderHistory, OrderSummary } from './TaskOrder.tsx'
import { TaskRunCanvas } from './TaskRunCanvas.tsx'
import type { TaskDetail } from './types.ts'
import './inbox.css'

/** The task page. */
export function TaskPage({ taskId }: { taskId: string }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const detail = useLoad(() => api<TaskDetail>('GET', `/api/tasks/${encodeURIComponent(taskId)}`), [taskId])
  const d = detail.data
  useLiveRefresh((e) => (e.type === 'task' && e.data.taskId === taskId)
    || (e.type === 'order' && d?.task.orderId != null && e.data.orderId === d.task.orderId)
    || (e.type === 'run' && e.data.runId === d?.task.runId), detail.reload)
  const [definition, setDefinition] = useState<WorkflowDefinition | null>(null)
  const [definitionError, setDefinitionError] = useState<unknown>(null)
  const runKey = d?.run ? `${d.run.workflowId}@${d.run.version}` : null
  useEffect(() => {
    if (!d?.run) return
    let live = true
    versionDefinition(d.run.workflowId, d.run.version).then((def) => { if (live) setDefinition(def) }, (e: unknown) => { if (live) setDefinitionError(e) })
    return () => { live = false }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runKey])

  if (!d) {
    // Not an assignee: the API says so (403); say it in the reader's language, with nothing to act on.
    if (detail.error instanceof ApiError && detail.error.status === 403) {
      return (
        <div className="page-body pages">
          <p><Link href="/inbox">← {t('inbox.title')}</Link></p>
          <p className="empty" role="alert" data-testid="task-forbidden">{describeTaskRefusal(detail.error, locale)}</p>
        </div>
      )
    }
    return <DetailFallback backHref="/inbox" backLabel={t('inbox.title')} error={detail.error} notFound={t('inbox.refusal.notFound')} />
  }
  const task = d.task
  return (
    <div className="page-body pages task-page" data-testid="task-page" data-task-status={task.status}>
      <p><Link href="/inbox">← {t('inbox.title')}</Link></p>
      <div className="page-head">
        <h1 title={task.id} data-testid="task-title">{task.title}</h1>
        <PriorityBadge priority={task.priority} />
        <span data-testid="task-status" data-status={task.status}><TaskStatusBadge status={task.status} decision={task.decision} /></span>
        {task.status === 'open' && <DueCountdown dueAt={task.dueAt} testid="task-due" />}
        <span className="spacer" />
        {detail.loading && <span className="hint">{t('common.loading')}</span>}
      </div>
      <div className="task-meta hint">
        <span title={`${task.workflowId} / ${task.nodeId}`} data-testid="task-where">
          {t('inbox.task.where', { workflow: task.workflowName ?? task.workflowId, node: task.nodeName ?? task.nodeId })}
        </span>
        {task.levelName ? <span>{t('inbox.task.levelNamed', { level: task.level, name: task.levelName })}</span> : task.level > 1 && <span>{t('inbox.task.level', { level: task.level })}</span>}
        <span>{t('inbox.task.assignees', { who: assigneesText(task.assignees, t) })}</span>
        <span>{t('inbox.task.created')} <Time iso={task.createdAt} /></span>
        {task.dueAt && <span>{t('inbox.task.dueAt')} <Time iso={task.dueAt} /></span>}
      </div>
      {detail.error != null && <ErrorBox error={detail.error} />}

      <div className="task-grid">
        <div className="task-main">
          {d.order ? <OrderSummary order={d.order} /> : <p className="hint">{t('inbox.task.noOrder')}</p>}
        </div>
        <DecisionPanel key={task.id} task={task} onChanged={(updated) => detail.setData((prev) => (prev ? { ...prev, task: updated } : prev))} onStale={detail.reload} />
      </div>

      {definitionError != null && <ErrorBox error={definitionError} />}
      {d.run && definition && <TaskRunCanvas runId={d.run.id} definition={definition} />}
      <OrderHistory history={d.history} run={d.run && definition ? { id: d.run.id, definition } : undefined} />
    </div>
  )
}
