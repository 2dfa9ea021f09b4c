/** /orders/:id: one order — header, items, its history (which workflow and node changed what), the runs it started, and a way to its outside calls. Live. */
import { Link } from 'wouter'
import { api } from '../api/client.ts'
import type { Order, OrderDetailResponse } from '../api/types.ts'
import { useLocale, useT } from '../i18n/index.ts'
import { formatDuration, runElapsedMs } from './format.ts'
import { formatMoney } from './money.ts'
import { OrderItems } from './OrderItems.tsx'
import { DetailFallback, ErrorBox, Field, OrderBadge, RunBadge, Time, useLiveRefresh, useLoad } from './shared.tsx'
import { CopyId, Named } from './CopyId.tsx'
import { workflowLabel } from './names.ts'
import { OrderHistory } from './OrderHistory.tsx'
import { useCan } from '../app/session.ts'

function addressText(a: Order['shippingAddress']): string {
  return [a.country, a.province, a.city, a.district, a.street, a.detail, a.postalCode].filter(Boolean).join(' ')
}

export function OrderDetailPage({ orderId }: { orderId: string }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const seesCalls = useCan('viewIntegrations')
  const detail = useLoad(() => api<OrderDetailResponse>('GET', `/api/orders/${encodeURIComponent(orderId)}`), [orderId])
  useLiveRefresh((e) => (e.type === 'order' && e.data.orderId === orderId) || (e.type === 'run' && e.data.orderId === orderId), detail.reload)

  const d = detail.data
  if (!d) return <DetailFallback backHref="/orders" backLabel={t('pages.orders.title')} error={detail.error} notFound={t('pages.order.notFound', { id: orderId })} />
  const o = d.order
  return (
    <div className="page-body pages" data-testid="order-detail">
      <p><Link href="/orders">← {t('pages.orders.title')}</Link></p>
      <div className="page-head">
        <h1>{t(`pages.platform.${o.platform}`)} · {o.platformOrderId}</h1>
        <OrderBadge status={o.status} />
        {o.presale && <span className="badge waiting">{t('pages.order.presale')}</span>}
        <span className="spacer" />
        {detail.loading && <span className="hint">{t('common.loading')}</span>}
        {seesCalls && <Link href={`/integrations?orderId=${encodeURIComponent(o.id)}`} data-testid="order-outside-calls">{t('integrations.order.calls')}</Link>}
      </div>
      {detail.error != null && <ErrorBox error={detail.error} />}

      <section className="card grid-fields">
        <Field label={t('pages.order.id')}><span className="named"><code className="ellipsis">{o.id}</code><CopyId id={o.id} /></span></Field>
        <Field label={t('pages.col.platformOrderId')}><code>{o.platformOrderId}</code></Field>
        <Field label={t('pages.col.amount')} testid="order-amount">{formatMoney(o.totalAmount, o.currency, locale)}</Field>
        <Field label={t('pages.order.revision')}>{d.revision}</Field>
        <Field label={t('pages.order.customer')}>
          {[o.customer.name, o.customer.phone, o.customer.email].filter(Boolean).join(' · ') || '—'}
          {o.customer.id && <div className="hint">{o.customer.id}</div>}
        </Field>
        <Field label={t('pages.order.address')}>{addressText(o.shippingAddress) || '—'}</Field>
        <Field label={t('pages.order.payment')}>
          {o.payment.status ? t(`pages.payment.${o.payment.status}`) : '—'}
          {o.payment.channel && <> · {o.payment.channel}</>}
          {o.payment.paidAt && <div className="hint"><Time iso={o.payment.paidAt} /></div>}
        </Field>
        <Field label={t('pages.col.tags')}>{o.tags.length ? <span className="tags wrap">{o.tags.map((tag) => <span className="badge tag" key={tag}>{tag}</span>)}</span> : '—'}</Field>
        <Field label={t('pages.col.team')}>{o.assignedTeam ?? '—'}</Field>
        <Field label={t('pages.order.holds')} testid="order-holds">
          {o.holds.length === 0 ? '—' : (
            <ul className="plain">
              {o.holds.map((h, i) => <li key={`${h.pool}-${i}`}><span className="badge waiting">{h.pool}</span> {h.reason} <span className="hint"><Time iso={h.at} /></span></li>)}
            </ul>
          )}
        </Field>
        <Field label={t('pages.col.exception')}>
          {o.exception ? <><span className="badge bad">{t(`pages.exception.${o.exception.type}`)}</span> {o.exception.reason}</> : '—'}
        </Field>
        {o.healthScore && (
          <Field label={t('pages.order.health')}>
            <span className={`badge band-${o.healthScore.band}`}>{o.healthScore.score} · {t(`pages.band.${o.healthScore.band}`)}</span>
            {o.healthScore.facts.length > 0 && (
              <ul className="plain hint">
                {o.healthScore.facts.map((f, i) => <li key={`${f.fact}-${i}`}>{f.fact}{f.weight !== undefined && ` (${f.weight > 0 ? '+' : ''}${f.weight})`}{f.detail && `: ${f.detail}`}</li>)}
              </ul>
            )}
          </Field>
        )}
        <Field label={t('pages.order.created')}><Time iso={o.createdAt} /></Field>
        <Field label={t('pages.col.updated')}><Time iso={o.updatedAt} /></Field>
      </section>

      <h2 className="section-title">{t('pages.order.items')}</h2>
      <OrderItems order={o} />

      <h2 className="section-title">{t('pages.order.history')}</h2>
      {d.history.length === 0 ? <p className="empty">{t('common.none')}</p> : (
        <OrderHistory history={d.history} />
      )}

      <h2 className="section-title">{t('pages.order.runs')}</h2>
      {d.runs.length === 0 ? <p className="empty">{t('pages.order.noRuns')}</p> : (
        <table className="list" data-testid="order-runs">
          <thead>
            <tr>
              <th>{t('pages.col.status')}</th>
              <th>{t('pages.col.workflow')}</th>
              <th>{t('pages.col.version')}</th>
              <th>{t('pages.col.started')}</th>
              <th>{t('pages.col.duration')}</th>
              <th>{t('pages.col.run')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {d.runs.map((r) => (
              <tr key={r.id} data-testid={`order-run-${r.id}`}>
                <td><RunBadge status={r.status} /></td>
                <td><Link href={`/workflows/${encodeURIComponent(r.workflowId)}`} title={r.workflowId}>{workflowLabel(r)}</Link></td>
                <td>v{r.version}</td>
                <td><Time iso={r.startedAt} /></td>
                <td>{formatDuration(runElapsedMs(r))}</td>
                <td><Named label={t('pages.order.openRun')} id={r.id} href={`/runs/${encodeURIComponent(r.id)}`} /></td>
                <td><Link href={`/workflows/${encodeURIComponent(r.workflowId)}?run=${encodeURIComponent(r.id)}`} data-testid={`order-run-canvas-${r.id}`}>{t('pages.run.showOnCanvas')}</Link></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
