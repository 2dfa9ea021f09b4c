/**
 * The order a task is about, as the approver needs it: platform and order number, amount in yuan,
 * customer, shipping address, tags and holds, the items, and its history with who changed what
 * (a workflow's and node's names, not ids; the ids on hover).
 */
import { Link } from 'wouter'
import type { Order, OrderHistoryEvent, WorkflowDefinition } from '../api/types.ts'
import { translateIfKnown, useLocale, useT, type MessageKey } from '../i18n/index.ts'
import { formatMoney } from '../pages/money.ts'
import { OrderItems } from '../pages/OrderItems.tsx'
import { Field, JsonFold, OrderBadge, Time } from '../pages/shared.tsx'
import { useRunNames, type RunNames } from './definitions.ts'

function addressText(a: Order['shippingAddress']): string {
  return [a.country, a.province, a.city, a.district, a.street, a.detail, a.postalCode].filter(Boolean).join(' ')
}

/** "run:<runId>:<nodeId>:<visit>" → its run and node. */
function runSource(source: string): { runId: string; nodeId: string } | null {
  const m = /^run:([^:]+):([^:]+)(?::\d+)?$/.exec(source)
  return m ? { runId: m[1], nodeId: m[2] } : null
}

/** The order card and its items. */
export function OrderSummary({ order }: { order: Order }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const o = order
  return (
    <section className="task-order" data-testid="task-order">
      <div className="card grid-fields">
        <Field label={t('pages.col.order')} testid="task-order-number">
          <Link href={`/orders/${encodeURIComponent(o.id)}`} title={o.id}>{t(`pages.platform.${o.platform}`)} · {o.platformOrderId}</Link>
        </Field>
        <Field label={t('pages.col.amount')} testid="task-order-amount"><strong>{formatMoney(o.totalAmount, o.currency, locale)}</strong></Field>
        <Field label={t('pages.col.status')}><OrderBadge status={o.status} /></Field>
        <Field label={t('pages.order.customer')} testid="task-order-customer">
          {[o.customer.name, o.customer.phone, o.customer.email].filter(Boolean).join(' · ') || '—'}
        </Field>
        <Field label={t('pages.order.address')} testid="task-order-address">{addressText(o.shippingAddress) || '—'}</Field>
        <Field label={t('pages.order.payment')}>
          {o.payment.status ? t(`pages.payment.${o.payment.status}`) : '—'}{o.payment.channel && <> · {o.payment.channel}</>}
        </Field>
        <Field label={t('pages.col.tags')} testid="task-order-tags">
          {o.tags.length ? <span className="tags wrap">{o.tags.map((tag) => <span className="badge tag" key={tag}>{tag}</span>)}</span> : '—'}
        </Field>
        <Field label={t('pages.order.holds')}>
          {o.holds.length === 0 ? '—' : o.holds.map((h, i) => <div key={`${h.pool}-${i}`}><span className="badge waiting">{h.pool}</span> {h.reason}</div>)}
        </Field>
        {o.exception && (
          <Field label={t('pages.col.exception')}>
            <span className="badge bad">{t(`pages.exception.${o.exception.type}`)}</span> {o.exception.reason}
          </Field>
        )}
      </div>

      <h3>{t('pages.order.items')}</h3>
      <OrderItems order={o} compact testId="task-order-items" />
    </section>
  )
}

/** The order's history, newest first, each entry by who made it; `run` names the task's own run without fetching it again. */
export function OrderHistory({ history, run }: { history: OrderHistoryEvent[]; run?: { id: string; definition: WorkflowDefinition } }) {
  const t = useT()
  const runIds = history.flatMap((e) => { const s = runSource(e.source); return s ? [s.runId] : [] })
  const names = useRunNames(runIds, run ? { [run.id]: run.definition } : {})
  return (
    <section className="task-history">
      <h3>{t('pages.order.history')}</h3>
      {history.length === 0 ? <p className="hint">{t('common.none')}</p> : (
        <ol className="timeline" data-testid="task-order-history">
          {[...history].reverse().map((e) => <HistoryItem key={e.id} event={e} names={names} />)}
        </ol>
      )}
    </section>
  )
}

/** Who made a history entry, by name: "流程「…」· 节点「…」", "操作员 li", "抖音推送", "API（ops）". */
function SourceText({ source, names }: { source: string; names: Record<string, RunNames> }) {
  const t = useT()
  const run = runSource(source)
  if (run) {
    const n = names[run.runId]
    return (
      <Link href={`/runs/${encodeURIComponent(run.runId)}`} title={source}>
        {n ? t('inbox.source.run', { workflow: n.workflowName, node: n.nodeName(run.nodeId) }) : t('inbox.source.run', { workflow: run.runId, node: run.nodeId })}
      </Link>
    )
  }
  const operator = /^operator:(.+)$/.exec(source)
  if (operator) return <span title={source}>{t('inbox.source.operator', { name: operator[1] })}</span>
  const webhook = /^webhook:(.+)$/.exec(source)
  if (webhook) return <span title={source}>{t('inbox.source.webhook', { platform: translateIfKnown(t, `pages.platform.${webhook[1]}`) ?? webhook[1] })}</span>
  if (source === 'api') return <span title={source}>{t('inbox.source.api')}</span>
  const api = /^api:(.+)$/.exec(source)
  if (api) return <span title={source}>{t('inbox.source.apiBy', { name: api[1] })}</span>
  return <code>{source}</code>
}

/** A `patched` entry's changed fields with their old and new values (engine/core/order-history.ts). */
function changesOf(e: OrderHistoryEvent): Array<[string, { from: unknown; to: unknown }]> {
  const values = (e.detail as { values?: Record<string, { from: unknown; to: unknown }> } | undefined)?.values
  return values && typeof values === 'object' ? Object.entries(values) : []
}

const FIELD_LABELS: Record<string, MessageKey> = {
  tags: 'pages.col.tags', assignedTeam: 'pages.col.team', holds: 'pages.order.holds', exception: 'pages.col.exception', status: 'pages.col.status', healthScore: 'pages.order.health',
}

/** One changed field: tags added and removed, a hold's pools, a status by its label, anything else old → new. */
function ChangeLine({ field, from, to }: { field: string; from: unknown; to: unknown }) {
  const t = useT()
  const label = FIELD_LABELS[field] ? t(FIELD_LABELS[field]) : field
  if (field === 'tags' && Array.isArray(from) && Array.isArray(to)) {
    const added = to.filter((x) => !from.includes(x))
    const removed = from.filter((x) => !to.includes(x))
    return (
      <li>{label}: {added.map((tag) => <span key={`+${tag}`} className="badge tag added">+{String(tag)}</span>)}
        {removed.map((tag) => <span key={`-${tag}`} className="badge tag removed">−{String(tag)}</span>)}</li>
    )
  }
  const shown = (v: unknown): string => {
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) return '—'
    if (field === 'status' && typeof v === 'string') return translateIfKnown(t, `pages.orderStatus.${v}`) ?? v
    if (field === 'holds' && Array.isArray(v)) return v.map((h) => (h as { pool?: string }).pool ?? '?').join(t('inbox.list.separator'))
    return typeof v === 'string' ? v : JSON.stringify(v)
  }
  return <li>{label}: {shown(from)} → {shown(to)}</li>
}

function HistoryItem({ event: e, names }: { event: OrderHistoryEvent; names: Record<string, RunNames> }) {
  const t = useT()
  const kind = translateIfKnown(t, `pages.historyKind.${e.kind}`) ?? e.kind
  const moved = e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus
  return (
    <li className={`timeline-item kind-${e.kind}`}>
      <div className="timeline-time"><Time iso={e.at} /></div>
      <div className="timeline-body">
        <div className="row">
          <strong>{kind}</strong>
          {moved ? <span><OrderBadge status={e.fromStatus!} /> → <OrderBadge status={e.toStatus!} /></span> : e.toStatus && <OrderBadge status={e.toStatus} />}
        </div>
        <div className="hint"><SourceText source={e.source} names={names} /></div>
        {changesOf(e).length > 0
          ? <ul className="plain changes">{changesOf(e).map(([field, change]) => <ChangeLine key={field} field={field} from={change.from} to={change.to} />)}</ul>
          : e.detail && Object.keys(e.detail).length > 0 && <JsonFold label={t('pages.order.detail')} value={e.detail} />}
      </div>
    </li>
  )
}
