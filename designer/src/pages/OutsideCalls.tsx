/** A run's outside calls (the integration log of the run): which node called what, how it answered, how long it took, which try. Live with the run. */
import { Link } from 'wouter'
import type { IntegrationEntry } from '../api/types.ts'
import { useT } from '../i18n/index.ts'
import { CallEndpoint, CallError, fetchLogPage, StatusCode, useConnectorTitle } from './CallParts.tsx'
import { formatDuration } from './format.ts'
import { ErrorBox, Loading, LoadMore, Time, useLiveRefresh, usePaged } from './shared.tsx'

export function OutsideCalls({ runId }: { runId: string }) {
  const t = useT()
  const title = useConnectorTitle()
  const paged = usePaged<IntegrationEntry>((limit, cursor) => fetchLogPage({ runId }, limit, cursor), runId, 100)
  // A call is logged when it ends: the run's next event (it waited for the call) says there is one more.
  useLiveRefresh((e) => e.type === 'run' && e.data.runId === runId, paged.refresh)

  return (
    <section data-testid="outside-calls">
      <div className="row section-title">
        <h2>{t('integrations.run.title')}</h2>
        <span className="spacer" />
        {paged.items.length > 0 && <Link href={`/integrations?runId=${encodeURIComponent(runId)}`} data-testid="outside-calls-log">{t('integrations.run.inLog')}</Link>}
        <button onClick={paged.refresh} className="link">{t('common.refresh')}</button>
      </div>
      {paged.error != null && <ErrorBox error={paged.error} />}
      {paged.loading && <Loading />}
      {!paged.loading && !paged.error && paged.items.length === 0 && <p className="empty">{t('integrations.run.none')}</p>}
      {paged.items.length > 0 && (
        <table className="list outside-calls">
          <thead>
            <tr>
              <th>{t('integrations.col.time')}</th>
              <th>{t('pages.step.node')}</th>
              <th>{t('integrations.col.endpoint')}</th>
              <th>{t('integrations.col.status')}</th>
              <th className="num">{t('integrations.col.latencyOne')}</th>
              <th className="num">{t('pages.step.attempt')}</th>
              <th>{t('pages.step.error')}</th>
            </tr>
          </thead>
          <tbody>
            {paged.items.map((e) => (
              <tr key={e.id} data-testid={`run-call-${e.id}`}>
                <td className="nowrap"><Time iso={e.at} /></td>
                <td>
                  <span title={e.nodeId ? t('pages.step.nodeId', { id: e.nodeId }) : undefined}>{e.nodeName || e.nodeId || '—'}</span>
                  <div className="hint" title={e.connector}>{title(e.connector)}</div>
                </td>
                <td className="endpoint-cell"><CallEndpoint entry={e} /></td>
                <td><StatusCode entry={e} /></td>
                <td className="num nowrap">{formatDuration(e.latencyMs)}</td>
                <td className="num">{e.attempt}</td>
                <td className="call-error-cell"><CallError entry={e} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore paged={paged} />
    </section>
  )
}
