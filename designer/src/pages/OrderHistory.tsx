/**
 * An order's history, newest first: what happened, who did it (工作流「…」· 节点「…」 for a run's
 * step, with the ids on hover and the run a click away) and what it changed, old → new.
 */
import { Link } from 'wouter'
import type { OrderHistoryEvent } from '../api/types.ts'
import { translateIfKnown, useT } from '../i18n/index.ts'
import { CopyId } from './CopyId.tsx'
import { historyChanges, type HistoryChange } from './history-changes.ts'
import { originIds, originLabel } from './names.ts'
import { fieldValueText, orderFieldLabel } from './order-terms.ts'
import { JsonFold, OrderBadge, Time } from './shared.tsx'

/** The timeline of an order's history entries (given oldest first, as the API lists them). */
export function OrderHistory({ history }: { history: OrderHistoryEvent[] }) {
  return (
    <ol className="timeline" data-testid="order-history">
      {[...history].reverse().map((e) => <HistoryItem key={e.id} event={e} />)}
    </ol>
  )
}

function HistoryItem({ event: e }: { event: OrderHistoryEvent }) {
  const t = useT()
  const kind = translateIfKnown(t, `pages.historyKind.${e.kind}`) ?? e.kind
  const moved = e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus
  const origin = e.origin
  const source = originLabel(t, origin, e.source)
  const changes = historyChanges(e.detail)
  return (
    <li className={`timeline-item kind-${e.kind}`} data-testid={`history-${e.id}`}>
      <div className="timeline-time"><Time iso={e.at} /></div>
      <div className="timeline-body">
        <div className="row">
          <strong>{kind}</strong>
          {moved
            ? <span className="status-move"><OrderBadge status={e.fromStatus!} /> → <OrderBadge status={e.toStatus!} /></span>
            // A flow's change that left the status alone: the status would only repeat the previous entry's.
            : e.toStatus && e.kind !== 'patched' && <OrderBadge status={e.toStatus} />}
        </div>
        <div className="history-origin" data-testid={`history-origin-${e.id}`}>
          <span className="hint">{t('pages.order.source')}{t('common.colon')}</span>
          {origin?.kind === 'run'
            ? <><Link href={`/runs/${encodeURIComponent(origin.runId)}`} title={originIds(origin, e.source)}>{source}</Link><CopyId id={origin.runId} /></>
            : <span title={e.source}>{source}</span>}
          <span className="hint"> · {t('pages.order.revision')} {e.revision}</span>
        </div>
        {changes.length > 0 && (
          <ul className="plain history-changes">
            {changes.map((c) => <ChangeLine key={c.field} change={c} />)}
          </ul>
        )}
        {e.detail && Object.keys(e.detail).length > 0 && <JsonFold label={t('pages.order.detail')} value={e.detail} />}
      </div>
    </li>
  )
}

/** One changed field: "团队：customer-service → vip-service", "标签：+vip −new", "挂起：+address-check（原因）". */
function ChangeLine({ change: c }: { change: HistoryChange }) {
  const t = useT()
  let text: string
  if (c.kind === 'tags') text = [...c.added.map((tag) => `+${tag}`), ...c.removed.map((tag) => `−${tag}`)].join(' ')
  else if (c.kind === 'holds') text = [...c.added.map((h) => `+${h.pool}${h.reason ? t('pages.order.holdReason', { reason: h.reason }) : ''}`), ...c.released.map((pool) => `−${pool}`)].join(' ')
  else text = `${fieldValueText(t, c.field, c.from)} → ${fieldValueText(t, c.field, c.to)}`
  return (
    <li data-testid={`history-change-${c.field}`}>
      <span className="hint">{orderFieldLabel(t, c.field)}{t('common.colon')}</span>{text}
    </li>
  )
}
