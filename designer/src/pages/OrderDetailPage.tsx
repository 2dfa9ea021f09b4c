/** /orders/:id: one order — header, items, its history (which workflow and node changed what), the runs it started, and a way to its outside calls. Live. */
import { Link } from 'wouter'
import { apiText } from '../api/client.ts'
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
import { JsonEditor } from '../monaco/JsonEditor.tsx'
import { platformLabel } from './names.ts'
import { prettyJsonText, rawPayloadText } from './shops.ts'

function addressText(a: Order['shippingAddress']): string {
  return [a.country, a.province, a.city, a.district, a.street, a.detail, a.postalCode].filter(Boolean).join(' ')
}

export function OrderDetailPage({ orderId }: { orderId: string }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const seesCalls = useCan('viewIntegrations')
  // The answer's text too: the raw payload is shown as the platform sent it, its long ids unrounded.
  const detail = useLoad(() => apiText<OrderDetailResponse>('GET', `/api/orders/${encodeURIComponent(orderId)}`)
    .then(({ value, text }) => ({ ...value, rawText: rawPayloadText(text) })), [orderId])
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
        <Field label={t('pages.col.platform')} testid="order-platform">{platformLabel(t, o.platform)}</Field>
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

      {d.rawText !== null && <RawBeside order={o} rawText={d.rawText} />}

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

/** The platform's payload as it arrived beside the order Ordo read from it, both read-only. */
function RawBeside({ order, rawText }: { order: Order; rawText: string }) {
  const t = useT()
  const { raw: _raw, ...normalized } = order
  let raw: unknown = null
  try { raw = JSON.parse(rawText) } catch { raw = null }
  return (
    <section className="raw-beside" data-testid="order-raw">
      <h2 className="section-title">{t('shops.order.rawTitle', { platform: platformLabel(t, order.platform) })}</h2>
      <p className="hint">{t('shops.order.rawHint')}</p>
      <div className="normalize-panes">
        <div className="pane">
          <h3>{t('shops.order.normalized')}</h3>
          <JsonEditor path={`ordo://orders/${encodeURIComponent(order.id)}/normalized.json`} value={normalized} readOnly height={360} testId="order-normalized-json" />
        </div>
        <div className="pane">
          <h3>{t('shops.order.raw')}</h3>
          <JsonEditor path={`ordo://orders/${encodeURIComponent(order.id)}/raw.json`} value={raw} initialText={prettyJsonText(rawText)} readOnly height={360} testId="order-raw-json" />
        </div>
      </div>
    </section>
  )
}
