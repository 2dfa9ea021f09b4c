/**
 * Deciding a task: claim or release it, fill its form (rjsf, in the operator's language), write a
 * comment (required when the task says so), approve or reject. Only someone who may act is offered
 * the buttons (the API refuses the rest anyway); its refusals show translated beside what they are
 * about. A decided task shows its outcome instead.
 */
import { useMemo, useRef, useState } from 'react'
import Form from '@rjsf/core'
import { api } from '../api/client.ts'
import { useSession } from '../app/session.ts'
import { formValidator } from '../editor/config-i18n.ts'
import { useLocale, useT } from '../i18n/index.ts'
import { Time } from '../pages/shared.tsx'
import { refreshOpenCount } from './open-count.ts'
import { sortRefusal, type Refusal } from './refusal.ts'
import { formErrors, formErrorTransformer, formSchema, formStrings, formUiSchema } from './task-form.ts'
import { TaskOutcome } from './TaskOutcome.tsx'
import { MoneyField } from './MoneyField.tsx'
import { MONEY_FIELD } from './money-input.ts'
import type { Task } from './types.ts'

/** The form's custom fields: money typed in yuan. */
const FIELDS = { [MONEY_FIELD]: MoneyField }

type Busy = 'approve' | 'reject' | 'claim' | 'release' | null

/** The decision area of the task page; `onChanged` gets the task as the API answered, `onStale` when it changed meanwhile (409). */
export function DecisionPanel({ task, onChanged, onStale }: { task: Task; onChanged(task: Task): void; onStale(): void }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const me = useSession((s) => s.who)
  const [answers, setAnswers] = useState<Record<string, unknown>>(() => task.data ?? {})
  const [comment, setComment] = useState('')
  const [busy, setBusy] = useState<Busy>(null)
  const [refusal, setRefusal] = useState<Refusal | null>(null)
  const formRef = useRef<Form>(null)
  const ui = useMemo(() => (task.form ? formUiSchema(task.form, locale) : null), [task.form, locale])
  const schema = useMemo(() => (task.form ? formSchema(task.form) : null), [task.form])
  const transformErrors = useMemo(() => (task.form ? formErrorTransformer(task.form, locale) : undefined), [task.form, locale])
  const formContext = useMemo(() => ({ currency: task.order?.currency ?? 'CNY' }), [task.order?.currency])
  const extraErrors = useMemo(() => formErrors(refusal?.fields ?? []), [refusal])

  if (task.status !== 'open') return <TaskOutcome task={task} />

  const voted = task.votes.find((v) => v.by === me?.name)
  const claimedByOther = task.claimedBy !== null && task.claimedBy !== me?.name

  async function act(kind: Exclude<Busy, null>) {
    // The form's own checks first (an approval must fit it; a rejection is not held to it).
    if (kind === 'approve' && formRef.current && !formRef.current.validateForm()) return
    setBusy(kind)
    setRefusal(null)
    try {
      const updated = kind === 'claim' || kind === 'release'
        ? await api<Task>('POST', `/api/tasks/${encodeURIComponent(task.id)}/claim`, kind === 'release' ? { release: true } : {})
        : await api<Task>('POST', `/api/tasks/${encodeURIComponent(task.id)}/complete`, {
          decision: kind,
          ...(comment.trim() ? { comment: comment.trim() } : {}),
          ...(task.form ? { data: answers } : {}),
        })
      onChanged(updated)
      if (kind === 'approve' || kind === 'reject') refreshOpenCount()
    } catch (e) {
      setRefusal(sortRefusal(e, locale))
      if ((e as { status?: number }).status === 409) onStale()
    } finally {
      setBusy(null)
    }
  }

  return (
    <section className="card decision" data-testid="decision">
      <h2>{t('inbox.task.decide')}</h2>
      <QuorumLine task={task} />
      {task.claimedBy && (
        <p className="hint" data-testid="claimed-by">{task.claimedBy === me?.name ? t('inbox.claimedByYou') : t('inbox.claimedBy', { name: task.claimedBy })}</p>
      )}
      {!task.mayAct ? (
        <p className="notice-line" data-testid="may-not-act">{t('inbox.task.mayNotAct')}</p>
      ) : voted ? (
        <p className="notice-line" data-testid="already-voted">{t(`inbox.task.voted.${voted.decision}`)} <Time iso={voted.at} /></p>
      ) : (
        <>
          {schema && ui && (
            <div className="task-form config-form" data-testid="task-form">
              <Form
                key={`${task.id}:${locale}`}
                ref={formRef}
                idPrefix="task-form"
                schema={schema}
                uiSchema={ui}
                formData={answers}
                validator={formValidator(locale)}
                fields={FIELDS}
                formContext={formContext}
                translateString={formStrings(locale)}
                transformErrors={transformErrors}
                // The errors show under their fields; without a handler rjsf also logs them as console errors.
                onError={() => {}}
                showErrorList={false}
                noHtml5Validate
                extraErrors={extraErrors as never}
                disabled={busy !== null}
                onChange={(e) => { setAnswers((e.formData ?? {}) as Record<string, unknown>); if (refusal?.fields.length) setRefusal({ ...refusal, fields: [] }) }}
              />
            </div>
          )}
          <label className="field comment">
            <span>{task.commentRequired ? t('inbox.task.commentRequired') : t('inbox.task.comment')}</span>
            <textarea value={comment} rows={3} maxLength={2000} onChange={(e) => { setComment(e.target.value); if (refusal?.comment) setRefusal({ ...refusal, comment: null }) }}
              placeholder={t('inbox.task.commentPlaceholder')} aria-invalid={refusal?.comment ? true : undefined} data-testid="task-comment" disabled={busy !== null} />
            {refusal?.comment && <span className="field-error" role="alert" data-testid="comment-error">{refusal.comment}</span>}
          </label>
          <div className="decision-buttons">
            <button className="primary approve" onClick={() => void act('approve')} disabled={busy !== null} data-testid="approve">
              {busy === 'approve' ? t('inbox.task.sending') : t('inbox.action.approveButton')}
            </button>
            <button className="danger reject" onClick={() => void act('reject')} disabled={busy !== null} data-testid="reject">
              {busy === 'reject' ? t('inbox.task.sending') : t('inbox.action.rejectButton')}
            </button>
            <span className="spacer" />
            {task.claimedBy === me?.name
              ? <button onClick={() => void act('release')} disabled={busy !== null} data-testid="release">{t('inbox.action.release')}</button>
              : !claimedByOther && <button onClick={() => void act('claim')} disabled={busy !== null} data-testid="claim">{t('inbox.action.claimButton')}</button>}
          </div>
        </>
      )}
      {refusal?.task && <p className="field-error" role="alert" data-testid="task-refusal">{refusal.task}</p>}
    </section>
  )
}

/** Who must decide: any one of them, all of them, or at least n; the votes so far. */
function QuorumLine({ task }: { task: Task }) {
  const t = useT()
  const q = task.quorum
  const text = q.kind === 'any' ? t('inbox.quorum.any') : q.kind === 'all' ? t('inbox.quorum.all') : t('inbox.quorum.atLeast', { n: q.count })
  return (
    <div className="hint">
      {text}
      {task.votes.length > 0 && (
        <ul className="plain votes" data-testid="votes">
          {task.votes.map((v) => <li key={v.by}>{v.by}: {t(`inbox.decision.${v.decision}`)}{v.comment && ` — ${v.comment}`} · <Time iso={v.at} /></li>)}
        </ul>
      )}
    </div>
  )
}
