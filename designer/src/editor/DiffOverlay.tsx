/**
 * Two versions side by side, each on its own read-only canvas: removed nodes marked on the left,
 * added ones on the right, changed ones on both, with the list of what changed.
 */
import { useMemo } from 'react'
import { createPortal } from 'react-dom'
import { ReactFlowProvider } from '@xyflow/react'
import type { WorkflowDefinition } from '../api/types.ts'
import { useLocale, useT } from '../i18n/index.ts'
import { behaviourChanged, diffDefinitions, type ChangeKind } from '../graph/diff.ts'
import { describeEdgeChange, describeNodeChange } from '../graph/describe-change.ts'
import { Canvas } from './Canvas.tsx'
import { createEditorStore, EditorStoreContext, useEditorStore } from './store.ts'

export interface DiffSide { label: string; definition: WorkflowDefinition }

export function DiffOverlay({ left, right, onClose }: { left: DiffSide; right: DiffSide; onClose(): void }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const manifests = useEditorStore().getState().manifests
  const diff = useMemo(() => diffDefinitions(left.definition, right.definition), [left, right])
  const stores = useMemo(() => {
    const marks = (keep: (k: ChangeKind) => boolean) => Object.fromEntries(diff.nodes.filter((n) => keep(n.kind) && behaviourChanged(n)).map((n) => [n.nodeId, n.kind]))
    const l = createEditorStore(manifests)
    l.getState().load(left.definition)
    l.getState().setDiffMarks(marks((k) => k === 'removed' || k === 'changed'))
    const r = createEditorStore(manifests)
    r.getState().load(right.definition)
    r.getState().setDiffMarks(marks((k) => k === 'added' || k === 'changed'))
    return { l, r }
  }, [diff, left, right, manifests])
  const changes = diff.nodes.filter((n) => n.kind !== 'unchanged')
  // What changed, with the old and new values, in the operator's language.
  const details = useMemo(() => {
    const manifestOf = (type: string) => manifests.find((m) => m.type === type)
    const oldNodes = new Map(left.definition.nodes.map((n) => [n.id, n]))
    const newNodes = new Map(right.definition.nodes.map((n) => [n.id, n]))
    const oldEdges = new Map(left.definition.edges.map((e) => [e.id, e]))
    const newEdges = new Map(right.definition.edges.map((e) => [e.id, e]))
    return {
      nodes: new Map(changes.filter((c) => c.kind === 'changed').map((c) => [c.nodeId, describeNodeChange(oldNodes.get(c.nodeId)!, newNodes.get(c.nodeId)!, manifestOf, locale)])),
      edges: new Map(diff.edges.filter((e) => e.kind === 'changed').map((e) => [e.edgeId, describeEdgeChange(oldEdges.get(e.edgeId)!, newEdges.get(e.edgeId)!, locale)])),
    }
  }, [changes, diff, left, right, manifests, locale])
  const nodeName = (id: string) => (right.definition.nodes.find((n) => n.id === id) ?? left.definition.nodes.find((n) => n.id === id))?.name

  return createPortal(
    <div className="overlay" role="dialog" aria-label={t('editor.compare')} data-testid="diff-overlay">
      <div className="overlay-head">
        <h2>{left.label} ⇄ {right.label}</h2>
        <span className="muted">{diff.sameBehaviour ? t('editor.diff.sameBehaviour') : t('editor.diff.summary', {
          added: changes.filter((c) => c.kind === 'added').length,
          removed: changes.filter((c) => c.kind === 'removed').length,
          changed: changes.filter((c) => c.kind === 'changed').length,
        })}</span>
        <span className="spacer" />
        <button onClick={onClose} data-testid="diff-close">{t('common.close')}</button>
      </div>
      <div className="diff-grid">
        {[{ store: stores.l, side: left, id: 'left' }, { store: stores.r, side: right, id: 'right' }].map(({ store, side, id }) => (
          <section key={id} className="diff-side">
            <h3>{side.label}</h3>
            <EditorStoreContext.Provider value={store}>
              <ReactFlowProvider>
                <Canvas readOnly testId={`diff-canvas-${id}`} />
              </ReactFlowProvider>
            </EditorStoreContext.Provider>
          </section>
        ))}
      </div>
      <ul className="diff-list">
        {changes.map((c) => (
          <li key={c.nodeId} className={`diff-${c.kind}`} data-testid={`diff-change-${c.nodeId}`}>
            <strong>{c.nodeId}</strong>{nodeName(c.nodeId) && c.kind !== 'changed' ? ` ${nodeName(c.nodeId)}` : ''} {t(`editor.diff.${c.kind}` as 'editor.diff.added')}
            {details.nodes.get(c.nodeId)?.length ? <ul>{details.nodes.get(c.nodeId)!.map((line) => <li key={line}>{line}</li>)}</ul> : null}
          </li>
        ))}
        {diff.edges.filter((e) => e.kind !== 'unchanged').map((e) => (
          <li key={`edge:${e.edgeId}`} className={`diff-${e.kind}`} data-testid={`diff-edge-${e.edgeId}`}>
            {t('editor.diff.edge')} <code>{e.edgeId}</code> {t(`editor.diff.${e.kind}` as 'editor.diff.added')}
            {details.edges.get(e.edgeId)?.length ? <ul>{details.edges.get(e.edgeId)!.map((line) => <li key={line}>{line}</li>)}</ul> : null}
          </li>
        ))}
      </ul>
    </div>,
    document.body,
  )
}
