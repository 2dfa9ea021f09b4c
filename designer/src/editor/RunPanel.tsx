/**
 * Watching runs on the canvas: recent runs of this flow (live, each by its order's platform and
 * number), one run's per-node state, duration, attempts, input and output; the heatmap of time
 * spent per node; and a dry run of the draft against a sample order, which changes nothing.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Link } from 'wouter'
import { api, ApiError, query } from '../api/client.ts'
import type { DryRunResult, Heatmap, Page, RunDetail, RunSummary, VersionInfo, WorkflowDefinition } from '../api/types.ts'
import { useLiveEvents } from '../api/events.ts'
import { useCan } from '../app/session.ts'
import { useLocale, useT } from '../i18n/index.ts'
import { JsonEditor } from '../monaco/JsonEditor.tsx'
import { registerOrderSchemas } from '../rules/order-schemas.ts'
import { runStatesFromSteps } from '../graph/run-overlay.ts'
import { diffDefinitions } from '../graph/diff.ts'
import { sampleOrderInput } from '../rules/sample-order.ts'
import { formatDuration, throttle } from '../pages/format.ts'
import { RunBadge, Time } from '../pages/shared.tsx'
import { describeApiError, describeReason } from './describe-problem.ts'
import { RecentOrderPicker } from './RecentOrderPicker.tsx'
import { formatMoney } from '../pages/money.ts'
import { orderLabel } from '../pages/names.ts'
import { manifestText } from '../i18n/index.ts'
import { singleSelectedId, useEditor, useEditorStore } from './store.ts'

export function RunPanel({ workflowId, runId: initialRunId }: { workflowId: string | null; runId: string | null }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const store = useEditorStore()
  const canDryRun = useCan('dryRun')
  const [runs, setRuns] = useState<RunSummary[]>([])
  const [runId, setRunId] = useState<string | null>(initialRunId)
  const [run, setRun] = useState<RunDetail | null>(null)
  const [follow, setFollow] = useState(!initialRunId)
  const [heatOn, setHeatOn] = useState(false)
  const [heatRuns, setHeatRuns] = useState<number | null>(null)
  const [sample, setSample] = useState<unknown>(sampleOrderInput)
  const [dry, setDry] = useState<DryRunResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  // The definition of the watched run's version (published versions never change: fetched once each).
  const [runVersion, setRunVersion] = useState<WorkflowDefinition | null>(null)
  const versions = useRef(new Map<string, Promise<WorkflowDefinition>>())
  const selectedNode = useEditor(singleSelectedId)
  const runStates = useEditor((s) => s.runStates)
  const revision = useEditor((s) => s.revision)
  // Answers that arrive after a newer request, or after the panel closed, are dropped.
  const live = useRef(true)
  const runSeq = useRef(0)
  const heatSeq = useRef(0)
  useEffect(() => { live.current = true; return () => { live.current = false } }, [])

  const fail = useCallback((e: unknown) => {
    if (!live.current) return
    const err = e as ApiError
    const s = store.getState()
    setError(describeApiError(err, locale, (id) => s.manifests.find((m) => m.type === s.nodes.find((n) => n.id === id)?.data.nodeType), s.definition()))
  }, [locale, store])

  const loadRuns = useCallback(() => {
    if (!workflowId) return
    api<Page<RunSummary>>('GET', `/api/runs${query({ workflowId, limit: 20 })}`).then((p) => { if (live.current) setRuns(p.items) }, fail)
  }, [workflowId, fail])
  useEffect(loadRuns, [loadRuns])

  const versionDefinition = useCallback((wf: string, version: number) => {
    const key = `${wf}@${version}`
    let known = versions.current.get(key)
    if (!known) {
      known = api<VersionInfo>('GET', `/api/workflows/${encodeURIComponent(wf)}/versions/${version}`).then((v) => v.definition!)
      known.catch(() => versions.current.delete(key))
      versions.current.set(key, known)
    }
    return known
  }, [])

  const loadRun = useCallback((id: string) => {
    const seq = ++runSeq.current
    api<RunDetail>('GET', `/api/runs/${encodeURIComponent(id)}`)
      .then(async (r) => {
        if (!live.current || seq !== runSeq.current) return
        setRun(r)
        setDry(null)
        store.getState().setRunStates(runStatesFromSteps(r.steps, r.tokens))
        const definition = await versionDefinition(r.workflowId, r.version)
        if (live.current && seq === runSeq.current) setRunVersion(definition)
      })
      .catch(fail)
  }, [store, versionDefinition, fail])
  useEffect(() => { if (runId) loadRun(runId) }, [runId, loadRun])

  // Whether the run's version behaves differently from the draft now on the canvas.
  const versionDiffers = useMemo(
    () => (run && runVersion ? !diffDefinitions(runVersion, store.getState().definition()).sameBehaviour : false),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [run, runVersion, revision, store],
  )

  const loadHeat = useCallback(() => {
    if (!workflowId) return
    const seq = ++heatSeq.current
    api<Heatmap>('GET', `/api/workflows/${encodeURIComponent(workflowId)}/heatmap${query({ limit: 200 })}`)
      .then((h) => {
        if (!live.current || seq !== heatSeq.current) return
        setHeatRuns(h.runs)
        store.getState().setHeat(h.nodes)
      }, fail)
  }, [store, workflowId, fail])
  useEffect(() => {
    if (heatOn) loadHeat()
    else store.getState().setHeat(null)
  }, [heatOn, loadHeat, store])

  // A busy flow sends many run events: the list refreshes at most every second, the heatmap (which
  // reads many runs) every 5 s; each keeps a trailing refresh so the last event is not missed.
  const refreshRuns = useMemo(() => throttle(loadRuns, 1000), [loadRuns])
  const refreshHeat = useMemo(() => throttle(loadHeat, 5000), [loadHeat])
  useEffect(() => () => { refreshRuns.cancel(); refreshHeat.cancel() }, [refreshRuns, refreshHeat])

  // Clear what this panel drew when it closes.
  useEffect(() => () => { runSeq.current++; heatSeq.current++; store.getState().setRunStates({}); store.getState().setHeat(null) }, [store])

  useLiveEvents((e) => {
    if (e.type !== 'run' || e.data.workflowId !== workflowId) return
    refreshRuns()
    if (follow) setRunId(e.data.runId)
    if (e.data.runId === runId) loadRun(e.data.runId)
    if (heatOn) refreshHeat()
  })

  async function dryRun() {
    setError(null)
    try {
      const definition = store.getState().definition()
      const result = await api<DryRunResult>('POST', `/api/workflows/${encodeURIComponent(definition.id)}/dry-run`, { definition, order: sample })
      setDry(result)
      setRun(null)
      setRunId(null)
      setFollow(false)
      store.getState().setRunStates(runStatesFromSteps(result.steps))
    } catch (e) {
      const err = e as ApiError
      if (err.details?.some((d) => d.nodeId)) store.getState().setProblems(err.details)
      fail(err)
    }
  }

  const nodeState = selectedNode ? runStates[selectedNode] : undefined
  // The sample's JSON holds minor units: its total is said in yuan beside it.
  const total = sample as { totalAmount?: unknown; currency?: unknown } | null
  const sampleTotal = total && typeof total.totalAmount === 'number' && typeof total.currency === 'string'
    ? { amount: formatMoney(total.totalAmount, total.currency, locale), minor: total.totalAmount } : null
  const selectedManifest = useEditor((s) => s.manifests.find((m) => m.type === s.nodes.find((n) => n.id === selectedNode)?.data.nodeType))
  /** A port of the selected node by its label (是), not its name (true). */
  const portLabel = (port: string) => (selectedManifest ? manifestText(selectedManifest, locale).port(port, selectedManifest.outputs.find((o) => o.name === port)?.title) : port)
  const draftVersionNote = run && versionDiffers ? t('editor.run.versionNote', { version: run.version }) : null

  return (
    <div className="run-panel" data-testid="run-panel">
      {error && <p className="field-error" role="alert">{error}</p>}
      <section>
        <div className="row">
          <h3>{t('editor.run.recent')}</h3>
          <span className="spacer" />
          <label className="check"><input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} data-testid="follow-runs" /> {t('editor.run.follow')}</label>
        </div>
        {!workflowId ? <p className="hint">{t('editor.saveFirst')}</p> : runs.length === 0 ? <p className="hint">{t('editor.run.none')}</p> : (
          <ul className="run-list">
            {runs.map((r) => (
              <li key={r.id} className={r.id === runId ? 'active' : ''}>
                <button className="link" onClick={() => { setFollow(false); setRunId(r.id) }} data-testid={`run-${r.id}`}>
                  <RunBadge status={r.status} /> v{r.version} · <Time iso={r.startedAt} />
                  {r.orderId && <> · <span className="run-order" title={r.orderId}>{orderLabel(t, r.order, r.orderId)}</span></>}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>

      {run && (
        <section className="card tight" data-testid="watched-run">
          <div className="row">
            <span data-testid="watched-run-status"><RunBadge status={run.status} /></span>
            <Link href={`/runs/${run.id}`}>{run.id}</Link>
            <span className="spacer" />
            <button className="link" onClick={() => { setRun(null); setRunId(null); store.getState().setRunStates({}) }}>{t('editor.run.clear')}</button>
          </div>
          {run.orderId && <div className="hint">{t('editor.run.order')}: <Link href={`/orders/${encodeURIComponent(run.orderId)}`} title={run.orderId}>{orderLabel(t, run.order, run.orderId)}</Link></div>}
          {draftVersionNote && <div className="hint">{draftVersionNote}</div>}
          {run.incident && <div className="field-error">{run.incident.nodeId}{t('editor.place.separator')}{describeReason(run.incident.error, locale)}</div>}
        </section>
      )}

      {(run || dry) && (
        <section>
          <h3>{t('editor.run.node')}</h3>
          {!selectedNode ? <p className="hint">{t('editor.run.pickNode')}</p> : !nodeState ? <p className="hint">{t('editor.run.notReached', { node: selectedNode })}</p> : (
            <div data-testid="node-run-detail">
              <div className="row"><strong>{selectedNode}</strong><RunBadge status={nodeState.status as 'running'} />
                {nodeState.durationMs !== null && <span className="muted">{formatDuration(nodeState.durationMs)}</span>}
                {nodeState.attempts > 1 && <span className="muted">{t('editor.attempts', { n: nodeState.attempts })}</span>}
                {nodeState.port && <span className="muted">→ {portLabel(nodeState.port)}</span>}
              </div>
              {nodeState.error && <p className="field-error">{describeReason(nodeState.error, locale)}</p>}
              <h4>{t('editor.run.input')}</h4>
              <pre className="json">{JSON.stringify(nodeState.input ?? null, null, 2)}</pre>
              <h4>{t('editor.run.output')}</h4>
              <pre className="json">{JSON.stringify(nodeState.output ?? null, null, 2)}</pre>
            </div>
          )}
        </section>
      )}

      <section>
        <label className="check"><input type="checkbox" checked={heatOn} disabled={!workflowId} onChange={(e) => setHeatOn(e.target.checked)} data-testid="heatmap" /> {t('editor.heat.toggle')}</label>
        {heatOn && heatRuns !== null && <p className="hint">{t('editor.heat.runs', { n: heatRuns })}</p>}
      </section>

      {canDryRun && (
        <section>
          <h3>{t('editor.dry.title')}</h3>
          <p className="hint">{t('editor.dry.hint')}</p>
          <RecentOrderPicker onPick={setSample} />
          <JsonEditor
            path="ordo://dry-run/order.json" value={sample} onChange={setSample} height={200} testId="dry-run-order"
            onMonaco={registerOrderSchemas}
          />
          {sampleTotal && <p className="hint" data-testid="dry-run-amount">{t('editor.dry.amount', sampleTotal)}</p>}
          <button className="primary" onClick={() => void dryRun()} data-testid="dry-run">{t('editor.dry.run')}</button>
          {dry && (
            <div className="card tight" data-testid="dry-run-result">
              <div className="row"><RunBadge status={dry.status} /> {t('editor.dry.steps', { n: dry.steps.length })}</div>
              {dry.changes.length === 0 ? <p className="hint">{t('editor.dry.noChanges')}</p> : (
                <>
                  <h4>{t('editor.dry.changes')}</h4>
                  <pre className="json">{JSON.stringify(dry.changes, null, 2)}</pre>
                </>
              )}
              {dry.waiting.length > 0 && <p className="hint">{t('editor.dry.waiting')}: {dry.waiting.map((w) => `${w.nodeId} (${describeReason(w.reason, locale)})`).join(', ')}</p>}
            </div>
          )}
        </section>
      )}
    </div>
  )
}
