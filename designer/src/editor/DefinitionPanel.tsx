/**
 * The whole flow as JSON in Monaco, checked against the workflow schema (each node's config against
 * its type's schema). Canvas and JSON stay in sync: edits on either side show on the other.
 */
import { useEffect, useMemo, useState } from 'react'
import { JsonEditor } from '../monaco/JsonEditor.tsx'
import { addJsonSchema } from '../monaco/monaco.ts'
import { useT } from '../i18n/index.ts'
import { useEditor, useEditorStore } from './store.ts'
import { definitionSchema } from './definition-schema.ts'
import type { WorkflowDefinition } from '../api/types.ts'
import { sameJson } from '../graph/convert.ts'

function looksLikeDefinition(v: unknown): v is WorkflowDefinition {
  const d = v as WorkflowDefinition
  return Boolean(d) && typeof d === 'object' && typeof d.id === 'string' && typeof d.name === 'string' && Array.isArray(d.nodes) && Array.isArray(d.edges)
    && d.nodes.every((n) => n && typeof n.id === 'string' && typeof n.type === 'string' && n.position && typeof n.position.x === 'number' && typeof n.position.y === 'number')
    && d.edges.every((e) => e && typeof e.id === 'string' && typeof e.source === 'string' && typeof e.target === 'string')
}

export function DefinitionPanel({ readOnly, idFixed }: { readOnly: boolean; idFixed: boolean }) {
  const t = useT()
  const store = useEditorStore()
  const manifests = useEditor((s) => s.manifests)
  const [refused, setRefused] = useState(false)
  // The text follows the canvas, but not on every frame of a drag: serialising a big flow per frame stutters.
  const [definition, setDefinition] = useState(() => store.getState().definition())
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.revision === prev.revision && s.dragging === prev.dragging) return
      clearTimeout(timer)
      timer = setTimeout(() => setDefinition(store.getState().definition()), s.dragging ? 250 : 0)
    })
    return () => { clearTimeout(timer); unsubscribe() }
  }, [store])
  const schema = useMemo(() => definitionSchema(manifests), [manifests])

  return (
    <div className="definition-panel" data-testid="definition-panel">
      <p className="hint">{t('editor.jsonHint')}</p>
      {refused && <p className="field-error" role="alert">{t('editor.idFixed')}</p>}
      <JsonEditor
        path="ordo://definition/flow.json"
        value={definition}
        readOnly={readOnly}
        height="calc(100vh - 230px)"
        testId="definition-json"
        onMonaco={(monaco) => addJsonSchema(monaco, 'ordo://schemas/workflow.json', ['ordo://definition/*'], schema)}
        onChange={(v) => {
          // Only a well-formed flow replaces the canvas; the schema marks the rest in the editor.
          if (!looksLikeDefinition(v)) return
          const current = store.getState().definition()
          if (idFixed && v.id !== current.id) { setRefused(true); return }
          setRefused(false)
          if (!sameJson(v, current)) store.getState().replaceDefinition(v)
        }}
      />
    </div>
  )
}
