/**
 * /subscriptions/:id: one subscription — where it sends, what, through which filter, its backlog —
 * and its dead letters: the events it could not deliver after every retry, each with its order (by
 * platform order number), kind, tries, last status and error. Admins and operators pick some or
 * all and replay them; the page then follows the backlog until it is delivered.
 */
import { useEffect, useMemo, useState } from 'react'
import { Link } from 'wouter'
import { api, query } from '../api/client.ts'
import type { DeadLetter, Subscription } from '../api/types.ts'
import { useCan } from '../app/session.ts'
import { translateIfKnown, useLocale, useT, type Translate } from '../i18n/index.ts'
import { describeRule } from '../graph/describe-rule.ts'
import { ruleVocabulary } from '../rules/rule-vocabulary.ts'
import { formatMoney } from './money.ts'
import { orderLabel } from './names.ts'
import { DetailFallback, ErrorBox, Field, JsonFold, Time, useLoad, usePaged, Notice } from './shared.tsx'
import { deadLetterSummary, deliveryError, eventKindLabel, replayBatches, targetParts } from './subscriptions.ts'
import { errorClassLabel } from './integrations.ts'
import { describeReason } from '../editor/describe-problem.ts'
import { PagedTable, type Column } from './VirtualTable.tsx'

/** How often the page looks again while events are pending (a replay is being delivered). */
const FOLLOW_MS = 2_000

export function SubscriptionPage({ subscriptionId }: { subscriptionId: string }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const canReplay = useCan('replayDeadLetters')
  const base = `/api/subscriptions/${encodeURIComponent(subscriptionId)}`
  const detail = useLoad(() => api<Subscription>('GET', base), [base])
  const dead = usePaged<DeadLetter>((limit, cursor) => api<{ deadLetters: DeadLetter[]; nextCursor: string | null }>('GET', `${base}/dead-letters${query({ limit, cursor })}`)
    .then((p) => ({ items: p.deadLetters, nextCursor: p.nextCursor })), base, 100)
  const [chosen, setChosen] = useState<Set<number>>(() => new Set())
  const [replaying, setReplaying] = useState(false)
  const [replayError, setReplayError] = useState<unknown>(null)
  const [replayed, setReplayed] = useState<number | null>(null)
  const [open, setOpen] = useState<DeadLetter | null>(null)

  // Forget choices of dead letters no longer listed (replayed, here or elsewhere).
  const listed = useMemo(() => new Set(dead.items.map((d) => d.id)), [dead.items])
  useEffect(() => {
    setChosen((c) => { const next = new Set([...c].filter((id) => listed.has(id))); return next.size === c.size ? c : next })
    setOpen((o) => (o && listed.has(o.id) ? o : null))
  }, [listed])

  // While events are pending (a replay on its way), follow the backlog.
  const pending = detail.data?.stats?.pending ?? 0
  useEffect(() => {
    if (pending === 0) return
    const timer = setInterval(() => { detail.reload(); dead.refresh() }, FOLLOW_MS)
    return () => clearInterval(timer)
  }, [pending, detail.reload, dead.refresh])

  // Opened from the list's dead-letter count: go to them once they are there.
  const loaded = detail.data !== undefined
  useEffect(() => {
    if (loaded && window.location.hash === '#dead-letters') document.getElementById('dead-letters')?.scrollIntoView({ block: 'start' })
  }, [loaded])

  const sub = detail.data
  if (!sub) return <DetailFallback backHref="/subscriptions" backLabel={t('subscriptions.title')} error={detail.error} notFound={t('subscriptions.notFound', { id: subscriptionId })} />
  const target = targetParts(sub.target)
  const deadCount = sub.stats?.dead ?? dead.items.length

  async function replay(all: boolean) {
    setReplaying(true)
    setReplayError(null)
    setReplayed(null)
    try {
      let count = 0
      if (all) count = (await api<{ replayed: number }>('POST', `${base}/dead-letters/replay`, {})).replayed
      else for (const body of replayBatches(chosen)) count += (await api<{ replayed: number }>('POST', `${base}/dead-letters/replay`, body)).replayed
      setReplayed(count)
      setChosen(new Set())
      detail.reload()
      dead.refresh()
    } catch (e) {
      setReplayError(e)
    } finally {
      setReplaying(false)
    }
  }

  const allShown = dead.items.length > 0 && dead.items.every((d) => chosen.has(d.id))
  const toggle = (id: number) => setChosen((c) => { const n = new Set(c); if (n.has(id)) n.delete(id); else n.add(id); return n })
  const columns: Array<Column<DeadLetter>> = [
    ...(canReplay ? [{
      key: 'pick', width: '40px', className: 'pick-cell',
      header: <input type="checkbox" checked={allShown} aria-label={t('subscriptions.dead.pickAll')} title={t('subscriptions.dead.pickAll')} data-testid="dead-pick-all"
        onChange={() => setChosen(allShown ? new Set() : new Set(dead.items.map((d) => d.id)))} />,
      cell: (d: DeadLetter) => <input type="checkbox" checked={chosen.has(d.id)} onChange={() => toggle(d.id)} aria-label={t('subscriptions.dead.pick', { order: orderLabel(t, d.order, d.orderId) })} data-testid={`dead-pick-${d.id}`} />,
    } satisfies Column<DeadLetter>] : []),
    {
      key: 'order', header: t('pages.col.order'), width: '20%',
      cell: (d) => <Link href={`/orders/${encodeURIComponent(d.orderId)}`} className="ellipsis" title={d.orderId}>{orderLabel(t, d.order, d.orderId)}</Link>,
    },
    {
      key: 'kind', header: t('subscriptions.dead.kind'), width: '16%',
      cell: (d) => {
        const s = deadLetterSummary(d.payload)
        const move = s.fromStatus && s.toStatus && s.fromStatus !== s.toStatus ? ` ${statusText(t, s.fromStatus)} → ${statusText(t, s.toStatus)}` : ''
        return <span className="ellipsis" title={`${eventKindLabel(t, d.kind)}${move} · ${t('subscriptions.dead.revision', { revision: d.revision })}`}>{eventKindLabel(t, d.kind)}<span className="muted">{move}</span></span>
      },
    },
    {
      key: 'amount', header: t('pages.col.amount'), width: '130px', className: 'num',
      cell: (d) => { const a = deadLetterSummary(d.payload).amount; return a ? formatMoney(a.minor, a.currency, locale) : <span className="muted">—</span> },
    },
    { key: 'attempts', header: t('subscriptions.dead.attempts'), width: '72px', className: 'num', cell: (d) => d.attempts },
    { key: 'status', header: t('subscriptions.dead.lastStatus'), width: '84px', cell: (d) => (d.lastStatus !== null ? <span className="badge bad">{d.lastStatus}</span> : <span className="muted">—</span>) },
    { key: 'error', header: t('subscriptions.dead.lastError'), cell: (d) => <DeliveryError text={d.lastError} /> },
    { key: 'dead', header: t('subscriptions.dead.deadAt'), width: '210px', cell: (d) => <Time iso={d.deadAt} /> },
  ]

  return (
    <div className="page-body pages subscription" data-testid="subscription-page">
      <p><Link href="/subscriptions">← {t('subscriptions.title')}</Link></p>
      <div className="page-head">
        <h1 title={sub.id}>{t('subscriptions.one')} · {sub.name}</h1>
        <span className={`badge kind-${sub.target.kind}`}>{t(`subscriptions.kind.${sub.target.kind}`)}</span>
        <span className="spacer" />
        <Link href={`/integrations?subscriptionId=${encodeURIComponent(sub.id)}`} data-testid="subscription-log">{t('subscriptions.deliveries')}</Link>
        <button onClick={() => { detail.reload(); dead.refresh() }} data-testid="refresh">{t('common.refresh')}</button>
      </div>
      {detail.error != null && <ErrorBox error={detail.error} />}
      <section className="card grid-fields" data-testid="subscription-detail">
        <Field label={sub.target.kind === 'webhook' ? t('subscriptions.form.webhookUrl') : t('subscriptions.form.amqpUrl')}><code className="target-url">{target.url}</code></Field>
        {sub.target.kind === 'rabbitmq' && <Field label={t('subscriptions.exchange')}><code>{target.exchange}</code></Field>}
        {sub.target.kind === 'rabbitmq' && <Field label={t('subscriptions.routingKey')}><code>{target.routingKey ?? t('subscriptions.routingKeyDefault')}</code></Field>}
        <Field label={t('subscriptions.col.events')}><span className="tags wrap">{sub.events.map((k) => <span className="badge tag" key={k}>{eventKindLabel(t, k)}</span>)}</span></Field>
        <Field label={t('subscriptions.filter')}>{sub.filter != null ? <span title={JSON.stringify(sub.filter)}>{describeRule(sub.filter, ruleVocabulary(locale))}</span> : <span className="muted">{t('subscriptions.noFilter')}</span>}</Field>
        <Field label={t('subscriptions.col.pending')} testid="detail-pending">{sub.stats?.pending ?? '—'}</Field>
        <Field label={t('subscriptions.col.dead')} testid="detail-dead">{sub.stats?.dead ?? '—'}</Field>
        <Field label={t('subscriptions.col.oldestPending')}>{sub.stats?.oldestPendingAt ? <Time iso={sub.stats.oldestPendingAt} /> : '—'}</Field>
        <Field label={t('subscriptions.col.lastDelivered')} testid="detail-last-delivered">{sub.stats?.lastDeliveredAt ? <Time iso={sub.stats.lastDeliveredAt} /> : t('subscriptions.never')}</Field>
        <Field label={t('subscriptions.created')}><Time iso={sub.createdAt} /> <span className="hint">{t('subscriptions.createdBy', { name: sub.createdBy })}</span></Field>
      </section>

      <div className="row section-title" id="dead-letters">
        <h2>{t('subscriptions.dead.title')}</h2>
        <span className="badge bad" data-testid="dead-count">{deadCount}</span>
        <span className="spacer" />
        {canReplay && dead.items.length > 0 && (
          <>
            <button onClick={() => void replay(false)} disabled={replaying || chosen.size === 0} data-testid="replay-chosen">
              {t('subscriptions.dead.replayChosen', { count: chosen.size })}
            </button>
            <button className="primary" onClick={() => void replay(true)} disabled={replaying} data-testid="replay-all">
              {t('subscriptions.dead.replayAll', { count: deadCount })}
            </button>
          </>
        )}
      </div>
      <p className="hint">{t('subscriptions.dead.intro')}</p>
      {replayed !== null && (
        <Notice testid="replay-notice" onClose={() => setReplayed(null)}>
          <span>{replayed > 0 ? t('subscriptions.dead.replayed', { count: replayed }) : t('subscriptions.dead.replayedNone')}</span>
          {pending > 0 && <span className="hint">{t('subscriptions.dead.following', { count: pending })}</span>}
        </Notice>
      )}
      <ErrorBox error={replayError} />
      {open && (
        <section className="card dead-detail" data-testid="dead-detail">
          <div className="row">
            <h3>{orderLabel(t, open.order, open.orderId)} · {eventKindLabel(t, open.kind)}</h3>
            <span className="spacer" />
            <button className="link" onClick={() => setOpen(null)} aria-label={t('common.close')}>×</button>
          </div>
          <div className="grid-fields">
            <Field label={t('subscriptions.dead.eventAt')}><Time iso={open.createdAt} /></Field>
            <Field label={t('subscriptions.dead.deadAt')}><Time iso={open.deadAt} /></Field>
            <Field label={t('subscriptions.dead.attempts')}>{open.attempts}</Field>
            <Field label={t('subscriptions.dead.eventId')}><code>{open.eventId}</code></Field>
          </div>
          {open.lastError && <div className="dead-error"><DeliveryError text={open.lastError} /></div>}
          <JsonFold label={t('subscriptions.dead.payload')} value={open.payload} />
        </section>
      )}
      <PagedTable<DeadLetter> paged={dead} empty={t('subscriptions.dead.empty')} columns={columns} label={t('subscriptions.dead.title')}
        rowKey={(d) => String(d.id)} rowTestId={(d) => `dead-${d.id}`} onOpen={setOpen} maxHeight="calc(100vh - 240px)" />
    </div>
  )
}

/** A delivery's last error: its class as a badge, why in the reader's language (the outbox's text on hover). */
function DeliveryError({ text }: { text: string | null }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const e = deliveryError(text)
  if (!e) return <span className="muted">—</span>
  return (
    <span className="call-error" title={text ?? undefined}>
      {e.errorClass && <span className="badge bad">{errorClassLabel(t, e.errorClass)}</span>}
      <span className="error-text"> {describeReason(e.message, locale)}</span>
    </span>
  )
}

/** An order status in words. */
function statusText(t: Translate, status: string): string {
  return translateIfKnown(t, `pages.orderStatus.${status}`) ?? status
}
