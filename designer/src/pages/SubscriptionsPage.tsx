/**
 * /subscriptions: who hears about order changes — a signed webhook or a RabbitMQ exchange — which
 * kinds of events, through which filter, and how far behind each is (pending, dead letters, the
 * oldest pending event, the last delivery). Admins create (a webhook's signing secret is shown once,
 * right after) and delete; operators and designers read. A row opens the subscription and its dead letters.
 */
import { lazy, Suspense, useEffect, useState } from 'react'
import { Link, useLocation } from 'wouter'
import { api } from '../api/client.ts'
import type { Subscription } from '../api/types.ts'
import { registerUnsaved } from '../app/unsaved.ts'
import { useCan } from '../app/session.ts'
import { useLocale, useT } from '../i18n/index.ts'
import { describeRule } from '../graph/describe-rule.ts'
import { ruleVocabulary } from '../rules/rule-vocabulary.ts'
import { ErrorBox, Loading, Time, useLoad, Notice } from './shared.tsx'
import { eventKindLabel, targetParts } from './subscriptions.ts'

// The form holds the rule editor (the builder, Monaco): loaded when an admin opens it.
const SubscriptionForm = lazy(() => import('./SubscriptionForm.tsx').then((m) => ({ default: m.SubscriptionForm })))

export function SubscriptionsPage() {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const [, navigate] = useLocation()
  const canManage = useCan('manageSubscriptions')
  const list = useLoad(() => api<{ subscriptions: Subscription[] }>('GET', '/api/subscriptions'), [])
  const [creating, setCreating] = useState(false)
  const [created, setCreated] = useState<Subscription | null>(null)
  const [deleting, setDeleting] = useState<Subscription | null>(null)
  const [deleteError, setDeleteError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const subscriptions = list.data?.subscriptions ?? []

  async function remove(sub: Subscription) {
    setBusy(true)
    setDeleteError(null)
    try {
      await api('DELETE', `/api/subscriptions/${encodeURIComponent(sub.id)}`)
      setDeleting(null)
      if (created?.id === sub.id) setCreated(null)
      setNotice(t('subscriptions.deleted', { name: sub.name }))
      list.reload()
    } catch (e) {
      setDeleteError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="page-body pages subscriptions" data-testid="subscriptions-page">
      <div className="page-head">
        <h1>{t('subscriptions.title')}</h1>
        <span className="spacer" />
        <button onClick={list.reload} data-testid="refresh">{t('common.refresh')}</button>
        {canManage && !creating && <button className="primary" onClick={() => { setCreating(true); setNotice(null) }} data-testid="new-subscription">{t('subscriptions.new')}</button>}
      </div>
      <p className="hint intro">{t('subscriptions.intro')}</p>
      {notice && (
        <Notice testid="subscription-notice" onClose={() => setNotice(null)}><span>{notice}</span></Notice>
      )}
      {created && <CreatedNotice sub={created} onDone={() => setCreated(null)} />}
      {creating && (
        <Suspense fallback={<Loading />}>
          <SubscriptionForm
            onCreated={(sub) => { setCreating(false); list.reload(); if (sub.secret) setCreated(sub); else setNotice(t('subscriptions.createdNoSecret', { name: sub.name })) }}
            onCancel={() => setCreating(false)}
          />
        </Suspense>
      )}

      {deleting && (
        <div className="card confirm" role="alertdialog" data-testid="subscription-delete-confirm">
          <p>{t('subscriptions.deleteQuestion', { name: deleting.name })}</p>
          {(deleting.stats?.pending ?? 0) + (deleting.stats?.dead ?? 0) > 0 && (
            <p className="hint">{t('subscriptions.deleteDrops', { pending: deleting.stats?.pending ?? 0, dead: deleting.stats?.dead ?? 0 })}</p>
          )}
          <ErrorBox error={deleteError} />
          <div className="row">
            <button className="danger" disabled={busy} onClick={() => void remove(deleting)} data-testid="subscription-delete-yes">{t('subscriptions.deleteYes')}</button>
            <button onClick={() => { setDeleting(null); setDeleteError(null) }}>{t('common.cancel')}</button>
          </div>
        </div>
      )}

      {list.error != null && <ErrorBox error={list.error} />}
      {!list.data && list.loading && <Loading />}
      {list.data && subscriptions.length === 0 && !creating && <p className="empty">{canManage ? t('subscriptions.emptyAdmin') : t('subscriptions.empty')}</p>}
      {subscriptions.length > 0 && (
        <div className="table-scroll">
          <table className="list subscriptions-list" data-testid="subscriptions-list">
            <thead>
              <tr>
                <th>{t('pages.col.name')}</th>
                <th>{t('subscriptions.col.target')}</th>
                <th>{t('subscriptions.col.events')}</th>
                <th className="num">{t('subscriptions.col.pending')}</th>
                <th className="num">{t('subscriptions.col.dead')}</th>
                <th>{t('subscriptions.col.oldestPending')}</th>
                <th>{t('subscriptions.col.lastDelivered')}</th>
                {canManage && <th><span className="sr-only">{t('pages.col.actions')}</span></th>}
              </tr>
            </thead>
            <tbody>
              {subscriptions.map((s) => {
                const target = targetParts(s.target)
                const href = `/subscriptions/${encodeURIComponent(s.id)}`
                return (
                  <tr key={s.id} data-testid={`subscription-${s.id}`} className="openable"
                    onClick={(e) => { if (!(e.target as HTMLElement).closest('a,button,input,select')) navigate(href) }}>
                    <td>
                      <Link href={href} title={s.id} data-testid="subscription-name">{s.name}</Link>
                      <div className="hint">{t('subscriptions.createdBy', { name: s.createdBy })} · <Time iso={s.createdAt} /></div>
                    </td>
                    <td className="target-cell">
                      <span className={`badge kind-${s.target.kind}`}>{t(`subscriptions.kind.${s.target.kind}`)}</span>
                      <code className="target-url one-line" title={target.url}>{target.url}</code>
                      {s.target.kind === 'rabbitmq' && (
                        <div className="hint">
                          {t('subscriptions.exchange')}{t('common.colon')}<code>{target.exchange}</code>
                          {' · '}{t('subscriptions.routingKey')}{t('common.colon')}<code>{target.routingKey ?? t('subscriptions.routingKeyDefault')}</code>
                        </div>
                      )}
                    </td>
                    <td>
                      <span className="tags wrap">{s.events.map((k) => <span className="badge tag" key={k}>{eventKindLabel(t, k)}</span>)}</span>
                      {s.filter != null && <div className="hint filter-text" title={JSON.stringify(s.filter)}>{t('subscriptions.filterShort', { rule: describeRule(s.filter, ruleVocabulary(locale)) })}</div>}
                    </td>
                    <td className="num" data-testid="subscription-pending">{s.stats?.pending ?? '—'}</td>
                    <td className="num" data-testid="subscription-dead">
                      {(s.stats?.dead ?? 0) > 0 ? <Link href={`${href}#dead-letters`} className="badge bad">{s.stats!.dead}</Link> : (s.stats?.dead ?? '—')}
                    </td>
                    <td className="nowrap">{s.stats?.oldestPendingAt ? <Time iso={s.stats.oldestPendingAt} /> : <span className="muted">—</span>}</td>
                    <td className="nowrap">{s.stats?.lastDeliveredAt ? <Time iso={s.stats.lastDeliveredAt} /> : <span className="muted">{t('subscriptions.never')}</span>}</td>
                    {canManage && (
                      <td className="actions">
                        <button className="link danger" onClick={() => { setDeleteError(null); setDeleting(s) }} data-testid={`subscription-delete-${s.id}`}>{t('subscriptions.delete')}</button>
                      </td>
                    )}
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}

/**
 * Right after creating a webhook: its signing secret, this once, with a copy button and a warning.
 * Leaving the page before saying it was saved asks first.
 */
function CreatedNotice({ sub, onDone }: { sub: Subscription; onDone(): void }) {
  const t = useT()
  const [copied, setCopied] = useState(false)
  useEffect(() => {
    registerUnsaved(() => true, t('subscriptions.secret.leave'))
    const onUnload = (e: BeforeUnloadEvent) => { e.preventDefault() }
    window.addEventListener('beforeunload', onUnload)
    return () => { registerUnsaved(null); window.removeEventListener('beforeunload', onUnload) }
  }, [t])
  useEffect(() => {
    if (!copied) return
    const timer = setTimeout(() => setCopied(false), 2000)
    return () => clearTimeout(timer)
  }, [copied])
  return (
    <section className="card created-secret" role="alert" data-testid="created-secret">
      <h2>{t('subscriptions.secret.title', { name: sub.name })}</h2>
      <p>{t('subscriptions.secret.what')}</p>
      <div className="secret-box">
        <code data-testid="created-secret-value">{sub.secret}</code>
        <button type="button" onClick={() => { void navigator.clipboard?.writeText(sub.secret ?? '').then(() => setCopied(true), () => {}) }} data-testid="copy-secret">
          {copied ? t('names.copied') : t('subscriptions.secret.copy')}
        </button>
      </div>
      <p className="warn-text" data-testid="created-secret-warning">⚠ {t('subscriptions.secret.once')}</p>
      <div className="row">
        <button className="primary" onClick={onDone} data-testid="secret-saved">{t('subscriptions.secret.saved')}</button>
      </div>
    </section>
  )
}
