/**
 * The task's run drawn read-only over its published version, with the editor's canvas, node cards
 * and run overlay: what ran, where the run waits (and for what, until when), live as the run moves.
 */
import { useEffect, useMemo } from 'react'
import { ReactFlowProvider } from '@xyflow/react'
import { Link } from 'wouter'
import { api } from '../api/client.ts'
import type { RunDetail, WorkflowDefinition } from '../api/types.ts'
import { Canvas } from '../editor/Canvas.tsx'
import { useManifests } from '../editor/manifests.ts'
import { createEditorStore, EditorStoreContext } from '../editor/store.ts'
import { runStatesFromSteps } from '../graph/run-overlay.ts'
import { useT } from '../i18n/index.ts'
import { ErrorBox, Loading, RunBadge, useLiveRefresh, useLoad } from '../pages/shared.tsx'
import '../editor/editor.css'

/** The run's canvas: `definition` is the run's version; the run itself is loaded here and followed live. */
export function TaskRunCanvas({ runId, definition }: { runId: string; definition: WorkflowDefinition }) {
  const t = useT()
  const { manifests, error: manifestError } = useManifests()
  const run = useLoad(() => api<RunDetail>('GET', `/api/runs/${encodeURIComponent(runId)}`), [runId])
  useLiveRefresh((e) => e.type === 'run' && e.data.runId === runId, run.reload)
  const store = useMemo(() => {
    if (!manifests) return null
    const s = createEditorStore(manifests)
    s.getState().load(definition)
    return s
  }, [manifests, definition])
  useEffect(() => {
    if (store && run.data) store.getState().setRunStates(runStatesFromSteps(run.data.steps, run.data.tokens))
  }, [store, run.data])

  return (
    <section className="task-run" data-testid="task-run">
      <div className="row">
        <h3>{t('inbox.task.run')}</h3>
        {run.data && <span data-testid="task-run-status" data-status={run.data.status}><RunBadge status={run.data.status} /></span>}
        <span className="spacer" />
        <Link href={`/runs/${encodeURIComponent(runId)}`} title={runId}>{t('inbox.task.runDetail')}</Link>
      </div>
      {(manifestError != null || run.error != null) && <ErrorBox error={manifestError ?? run.error} />}
      <div className="task-canvas">
        {!store ? <Loading /> : (
          <EditorStoreContext.Provider value={store}>
            <ReactFlowProvider>
              <Canvas readOnly testId="task-canvas" fitKey={definition} />
            </ReactFlowProvider>
          </EditorStoreContext.Provider>
        )}
      </div>
    </section>
  )
}
