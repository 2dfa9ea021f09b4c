/** The flow's own fields (id, name, description, variables) and every validation problem, by node. */
import { JsonEditor } from '../monaco/JsonEditor.tsx'
import { useLocale, useT } from '../i18n/index.ts'
import { describeProblem } from './describe-problem.ts'
import { useShallow } from 'zustand/react/shallow'
import { useEditor, useEditorStore } from './store.ts'
import { WORKFLOW_ID_PATTERN } from '../pages/format.ts'
import { FlowConflicts } from './FlowConflicts.tsx'

const NO_VARIABLES = {}
// /workflows/new opens a new flow, so a workflow cannot be called "new".
const RESERVED_IDS = ['new']

export function FlowSettings({ isNew, readOnly, onSelectNode }: { isNew: boolean; readOnly: boolean; onSelectNode(id: string): void }) {
  const t = useT()
  const store = useEditorStore()
  const meta = useEditor((s) => s.meta)
  const problems = useEditor((s) => s.problems)
  const warnings = useEditor((s) => s.warnings)
  const nodeCount = useEditor((s) => s.nodes.length)
  const locale = useLocale((s) => s.locale)
  // Each problem's node manifest, looked up once per change of the problems (not per drag frame).
  const problemManifests = useEditor(useShallow((s) => s.problems.map((p) => s.manifests.find((m) => m.type === s.nodes.find((n) => n.id === p.nodeId)?.data.nodeType))))

  return (
    <div className="flow-settings" data-testid="flow-settings">
      <label className="field">
        <span>{t('editor.flowId')}</span>
        <input value={meta.id} readOnly={!isNew || readOnly} disabled={!isNew} onChange={(e) => store.getState().setMeta({ id: e.target.value.trim() })} data-testid="flow-id" />
        {isNew && (!WORKFLOW_ID_PATTERN.test(meta.id) || RESERVED_IDS.includes(meta.id)) && <span className="field-error">{t('editor.flowIdRule')}</span>}
      </label>
      <label className="field">
        <span>{t('editor.flowName')}</span>
        <input value={meta.name} readOnly={readOnly} onChange={(e) => store.getState().setMeta({ name: e.target.value })} data-testid="flow-name" />
      </label>
      <label className="field">
        <span>{t('editor.flowDescription')}</span>
        <textarea rows={3} value={meta.description ?? ''} readOnly={readOnly} onChange={(e) => store.getState().setMeta({ description: e.target.value || undefined })} />
      </label>
      <div className="field">
        <span>{t('editor.variables')}</span>
        <p className="hint">{t('editor.variablesHint')}</p>
        <JsonEditor
          path="ordo://flow/variables.json"
          value={meta.variables ?? NO_VARIABLES}
          readOnly={readOnly}
          height={120}
          onChange={(v) => {
            if (v && typeof v === 'object' && !Array.isArray(v)) store.getState().setMeta({ variables: Object.keys(v).length ? (v as Record<string, unknown>) : undefined })
          }}
        />
      </div>
      <h3>{t('editor.problemsTitle')}</h3>
      {nodeCount === 0 && <p className="hint">{t('editor.emptyCanvas')}</p>}
      {problems.length === 0 ? <p className="hint">{t('editor.valid')}</p> : (
        <ul className="problems" data-testid="problem-list">
          {problems.map((p, i) => (
            <li key={i}>
              {p.nodeId ? <button className="link" onClick={() => onSelectNode(p.nodeId!)}>{p.nodeId}</button> : <code>{p.pointer || '/'}</code>}
              {' '}{describeProblem(p, problemManifests[i], locale)}
            </li>
          ))}
        </ul>
      )}
      <FlowConflicts flowId={meta.id} />
      {warnings.length > 0 && (
        <>
          <h3>{t('editor.warningsTitle')}</h3>
          <ul className="problems warnings" data-testid="warning-list">
            {warnings.map((p, i) => (
              <li key={i}>
                {p.nodeId ? <button className="link" onClick={() => onSelectNode(p.nodeId!)}>{p.nodeId}</button> : <code>{p.pointer || '/'}</code>}
                {' '}{describeProblem(p, undefined, locale)}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  )
}
