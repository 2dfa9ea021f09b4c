/** Pieces of an outside call as the integrations page and a run's "outside calls" show it: names, status, error, links. */
import { useCallback } from 'react'
import { Link } from 'wouter'
import { api } from '../api/client.ts'
import type { IntegrationEntry, IntegrationLogPage } from '../api/types.ts'
import { useLocale, useT } from '../i18n/index.ts'
import { useManifests } from '../editor/manifests.ts'
import { callLine, connectorTitle, errorClassLabel, logUrl, type LogFilters } from './integrations.ts'
import { orderLabel } from './names.ts'
import { describeReason } from '../editor/describe-problem.ts'

/** One page of the integration log as usePaged reads it. */
export function fetchLogPage(filters: LogFilters, limit: number, cursor: string | null) {
  return api<IntegrationLogPage>('GET', logUrl(filters, limit, cursor)).then((p) => ({ items: p.entries, nextCursor: p.nextCursor }))
}

/** A connector's title in the reader's language, from the node types (a subscription's deliveries by their own words). */
export function useConnectorTitle(titles?: (connector: string) => Record<string, string> | undefined): (connector: string) => string {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const { manifests } = useManifests()
  return useCallback((connector: string) => connectorTitle(connector, locale, t, { manifests, titles: titles?.(connector) }), [locale, t, manifests, titles])
}

/** The status code as a badge (green for 2xx/3xx, red otherwise); a dash without one (a broker's confirm, a network failure). */
export function StatusCode({ entry }: { entry: Pick<IntegrationEntry, 'statusCode' | 'errorClass'> }) {
  if (entry.statusCode === null) return <span className="muted">—</span>
  return <span className={`badge ${entry.errorClass || entry.statusCode >= 400 ? 'bad' : 'ok'}`}>{entry.statusCode}</span>
}

/** The error class as a badge and its message, cut to the cell with the whole text on hover. */
export function CallError({ entry }: { entry: Pick<IntegrationEntry, 'errorClass' | 'error'> }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  if (!entry.errorClass) return <span className="muted">—</span>
  return (
    <span className="call-error" title={entry.error ?? undefined}>
      <span className="badge bad" title={entry.errorClass}>{errorClassLabel(t, entry.errorClass)}</span>
      {entry.error && <span className="error-text"> {describeReason(entry.error, locale)}</span>}
    </span>
  )
}

/** "POST 127.0.0.1:4000/orders", cut to the cell (`full`: all of it, wrapped). */
export function CallEndpoint({ entry, full = false }: { entry: Pick<IntegrationEntry, 'method' | 'endpoint'>; full?: boolean }) {
  return (
    <span className={full ? 'call-endpoint full' : 'ellipsis call-endpoint'} title={callLine(entry)}>
      {entry.method && <span className="method">{entry.method} </span>}<code>{entry.endpoint}</code>
    </span>
  )
}

/** The call's order by its platform and platform order number, linked to it. */
export function CallOrder({ entry }: { entry: Pick<IntegrationEntry, 'orderId' | 'order'> }) {
  const t = useT()
  if (!entry.orderId) return <span className="muted">—</span>
  return <Link href={`/orders/${encodeURIComponent(entry.orderId)}`} className="ellipsis" title={entry.orderId}>{orderLabel(t, entry.order, entry.orderId)}</Link>
}

/** The call's run by its workflow and node names, linked to it. */
export function CallRun({ entry }: { entry: Pick<IntegrationEntry, 'runId' | 'workflowName' | 'workflowId' | 'nodeName' | 'nodeId'> }) {
  const t = useT()
  if (!entry.runId) return <span className="muted">—</span>
  const workflow = entry.workflowName || entry.workflowId || entry.runId
  const node = entry.nodeName || entry.nodeId
  return (
    <Link href={`/runs/${encodeURIComponent(entry.runId)}`} className="ellipsis"
      title={[node ? `${workflow} · ${node}` : workflow, t('pages.trigger.runId', { id: entry.runId }), entry.nodeId ? t('pages.step.nodeId', { id: entry.nodeId }) : null].filter(Boolean).join('\n')}>
      {workflow}{node && <span className="muted"> · {node}</span>}
    </Link>
  )
}
