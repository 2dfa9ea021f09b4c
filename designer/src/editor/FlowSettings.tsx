/** The flow's own fields (id, name, description, variables) and every validation problem, by node. */
import { useMemo, useState } from 'react'
import { JsonEditor } from '../monaco/JsonEditor.tsx'
import { useLocale, useT } from '../i18n/index.ts'
import { describeProblem, describeProblemAt } from './describe-problem.ts'
import { useShallow } from 'zustand/react/shallow'
import { useEditor, useEditorStore } from './store.ts'
import { WORKFLOW_ID_PATTERN } from '../pages/format.ts'
import { FlowConflicts } from './FlowConflicts.tsx'
import { sameJson } from '../graph/convert.ts'
import { describeUnapplied } from './unapplied.ts'

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
  // Problems of the flow name nodes and connections by their position in the definition.
  const definition = useMemo(() => store.getState().definition(), [store, problems, warnings])
  const locale = useLocale((s) => s.locale)
  const variablesUnapplied = useEditor((s) => s.unapplied.variables)
  // Unapplied variables typed before the tab closed come back with it (a save refuses while they are there).
  const [initialVariables] = useState(() => store.getState().unapplied.variables?.text)
  const [generation, setGeneration] = useState(0)
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
        {variablesUnapplied && variablesUnapplied.kind !== 'syntax' && <span className="field-error">{describeUnapplied(variablesUnapplied, locale)}</span>}
        {variablesUnapplied && (
          <button type="button" className="link" onClick={() => { store.getState().setUnapplied('variables', null); setGeneration((g) => g + 1) }}>{t('editor.json.discard')}</button>
        )}
        <JsonEditor
          key={generation}
          initialText={generation === 0 ? initialVariables : undefined}
          path="ordo://flow/variables.json"
          value={meta.variables ?? NO_VARIABLES}
          readOnly={readOnly}
          height={120}
          onInvalid={(text) => { if (text !== null) store.getState().setUnapplied('variables', { where: 'variables', text, kind: 'syntax' }) }}
          onChange={(v, text) => {
            const s = store.getState()
            if (!v || typeof v !== 'object' || Array.isArray(v)) { s.setUnapplied('variables', { where: 'variables', text, kind: 'notObject' }); return }
            s.setUnapplied('variables', null)
            if (!sameJson(v, meta.variables ?? NO_VARIABLES)) s.setMeta({ variables: Object.keys(v).length ? (v as Record<string, unknown>) : undefined })
          }}
        />
      </div>
      <h3>{t('editor.problemsTitle')}</h3>
      {nodeCount === 0 && <p className="hint">{t('editor.emptyCanvas')}</p>}
      {problems.length === 0 ? <p className="hint">{t('editor.valid')}</p> : (
        <ul className="problems" data-testid="problem-list">
          {problems.map((p, i) => (
            <li key={i}>
              {p.nodeId ? <><button className="link" onClick={() => onSelectNode(p.nodeId!)}>{p.nodeId}</button>{' '}{describeProblem(p, problemManifests[i], locale)}</> : describeProblemAt(p, undefined, locale, definition)}
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
                {p.nodeId ? <><button className="link" onClick={() => onSelectNode(p.nodeId!)}>{p.nodeId}</button>{' '}{describeProblem(p, undefined, locale)}</> : describeProblemAt(p, undefined, locale, definition)}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  )
}
