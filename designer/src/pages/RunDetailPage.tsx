/** /runs/:id: one run — header (workflow, order and node names; ids on hover and copy), incident, actions, every step with its input and output (errors in the reader's language), and its outside calls. Live. */
import { Fragment, useState } from 'react'
import { Link } from 'wouter'
import { api } from '../api/client.ts'
import { useLiveStatus } from '../api/events.ts'
import type { RunDetail, RunSummary } from '../api/types.ts'
import { manifestText, useLocale, useT } from '../i18n/index.ts'
import { useManifests } from '../editor/manifests.ts'
import { formatDuration, runElapsedMs } from './format.ts'
import { CancelControl, RetryControl } from './RunActions.tsx'
import { DetailFallback, ErrorBox, Field, JsonFold, RunBadge, Time, useLiveRefresh, useLoad } from './shared.tsx'
import { TriggerText } from './TriggerText.tsx'
import { CopyId, Named } from './CopyId.tsx'
import { EngineReason } from './EngineReason.tsx'
import { nodeLabel, orderLabel, workflowLabel } from './names.ts'
import { OutsideCalls } from './OutsideCalls.tsx'
import { useCan } from '../app/session.ts'

export function RunDetailPage({ runId }: { runId: string }) {
  const t = useT()
  const detail = useLoad(() => api<RunDetail>('GET', `/api/runs/${encodeURIComponent(runId)}`), [runId])
  useLiveRefresh((e) => e.type === 'run' && e.data.runId === runId, detail.reload)
  const [open, setOpen] = useState<Set<string>>(() => new Set())
  const locale = useLocale((s) => s.locale)
  const { manifests } = useManifests()
  const seesCalls = useCan('viewIntegrations')
  // A node type by its title in the reader's language ("设置变量"); its id until the manifests are there.
  const typeTitle = (type: string) => {
    const manifest = manifests?.find((m) => m.type === type)
    return manifest ? manifestText(manifest, locale).title : type
  }
  // A port by its title ("完成", "是"), as the canvas labels it; its name for ports the manifest does not list (switch cases).
  const portTitle = (type: string, port: string) => {
    const manifest = manifests?.find((m) => m.type === type)
    return manifest ? manifestText(manifest, locale).port(port, manifest.outputs.find((o) => o.name === port)?.title) : port
  }

  const run = detail.data
  if (!run) return <DetailFallback backHref="/runs" backLabel={t('pages.runs.title')} error={detail.error} notFound={t('pages.run.notFound', { id: runId })} />
  // An action answers with the run without steps: show it at once. Its steps come with the reload
  // the run's live event brings; without the live stream, load them here.
  const afterAction = (updated: RunSummary) => {
    detail.setData((prev) => (prev ? { ...prev, ...updated, steps: prev.steps } : prev))
    if (!useLiveStatus.getState().connected) detail.reload()
  }
  const toggle = (id: string) => setOpen((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n })
  // The API lists steps in the order they ran (start time, then record order).
  const steps = run.steps

  return (
    <div className="page-body pages" data-testid="run-detail">
      <p><Link href="/runs">← {t('pages.runs.title')}</Link></p>
      <div className="page-head">
        <h1>{t('pages.run.title')} · <span title={`${run.workflowId}@${run.version}`}>{workflowLabel(run)}</span></h1>
        <RunBadge status={run.status} />
        <span className="spacer" />
        <Link href={`/workflows/${encodeURIComponent(run.workflowId)}?run=${encodeURIComponent(run.id)}`} data-testid="show-on-canvas">{t('pages.run.showOnCanvas')}</Link>
      </div>
      {detail.error != null && <ErrorBox error={detail.error} />}
      <section className="card grid-fields">
        <Field label={t('pages.col.workflow')}><Named label={workflowLabel(run)} id={run.workflowId} href={`/workflows/${encodeURIComponent(run.workflowId)}`} /></Field>
        <Field label={t('pages.col.version')}>v{run.version}</Field>
        <Field label={t('pages.col.order')} testid="run-order">{run.orderId ? <Named label={orderLabel(t, run.order, run.orderId)} id={run.orderId} href={`/orders/${encodeURIComponent(run.orderId)}`} /> : '—'}</Field>
        <Field label={t('pages.run.id')}><span className="named"><code className="ellipsis">{run.id}</code><CopyId id={run.id} /></span></Field>
        <Field label={t('pages.col.trigger')}><TriggerText trigger={run.trigger} /></Field>
        <Field label={t('pages.col.started')}><Time iso={run.startedAt} /></Field>
        <Field label={t('pages.run.finished')}><Time iso={run.finishedAt} /></Field>
        <Field label={t('pages.col.duration')}>{formatDuration(runElapsedMs(run))}</Field>
        <Field label={t('pages.run.variables')}>{Object.keys(run.variables ?? {}).length ? <JsonFold label={t('pages.run.variablesCount', { count: Object.keys(run.variables).length })} value={run.variables} /> : '—'}</Field>
      </section>

      {run.incident && (
        <section className="card incident" data-testid="run-incident">
          <h2>{t('pages.run.incident')}</h2>
          <div><span title={t('pages.step.nodeId', { id: run.incident.nodeId })}>{t('pages.incidents.failedAt', { node: nodeLabel(run.incident) })}</span> · <Time iso={run.incident.at} /></div>
          <EngineReason reason={run.incident.error} block testid="run-incident-error" />
        </section>
      )}

      <div className="actions-bar">
        <RetryControl run={run} onDone={afterAction} />
        <CancelControl run={run} onDone={afterAction} />
      </div>

      <h2 className="section-title">{t('pages.run.steps')}</h2>
      {steps.length === 0 ? <p className="empty">{t('pages.run.noSteps')}</p> : (
        <table className="list steps" data-testid="run-steps">
          <thead>
            <tr>
              <th>{t('pages.step.node')}</th>
              <th className="num">{t('pages.step.attempt')}</th>
              <th>{t('pages.col.status')}</th>
              <th>{t('pages.step.port')}</th>
              <th className="num">{t('pages.col.duration')}</th>
              <th>{t('pages.step.error')}</th>
              <th><span className="sr-only">{t('pages.step.data')}</span></th>
            </tr>
          </thead>
          <tbody>
            {steps.map((s) => {
              const isOpen = open.has(s.id)
              return (
                <Fragment key={s.id}>
                  <tr data-testid={`step-${s.id}`} className={run.incident?.nodeId === s.nodeId && s.status === 'failed' ? 'failed-step' : undefined}>
                    <td><span title={t('pages.step.nodeId', { id: s.nodeId })}>{nodeLabel(s)}</span>{s.visit > 1 && <span className="muted"> #{s.visit}</span>}<div className="hint" title={s.nodeType}>{typeTitle(s.nodeType)}</div></td>
                    <td className="num">{s.attempt}</td>
                    <td><RunBadge status={s.status} /></td>
                    <td>{s.port ? <span title={s.port}>{portTitle(s.nodeType, s.port)}</span> : '—'}</td>
                    <td className="num">{formatDuration(s.durationMs)}</td>
                    <td className="error-text">{s.error ? <EngineReason reason={s.error} /> : ''}</td>
                    <td><button className="link" aria-expanded={isOpen} onClick={() => toggle(s.id)}>{isOpen ? t('pages.step.hide') : t('pages.step.show')}</button></td>
                  </tr>
                  {isOpen && (
                    <tr className="step-data">
                      <td colSpan={7}>
                        <div className="io">
                          <div><h3>{t('pages.step.input')}</h3><pre className="json">{JSON.stringify(s.input, null, 2) ?? '—'}</pre></div>
                          <div><h3>{t('pages.step.output')}</h3><pre className="json">{JSON.stringify(s.output, null, 2) ?? '—'}</pre></div>
                        </div>
                      </td>
                    </tr>
                  )}
                </Fragment>
              )
            })}
          </tbody>
        </table>
      )}

      {seesCalls && <OutsideCalls runId={run.id} />}
    </div>
  )
}
