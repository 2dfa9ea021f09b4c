/**
 * The whole flow as JSON in Monaco, checked against the workflow schema (each node's config against
 * its type's schema). Canvas and JSON stay in sync: edits on either side show on the other.
 */
import { useEffect, useMemo, useState } from 'react'
import { JsonEditor } from '../monaco/JsonEditor.tsx'
import { addJsonSchema } from '../monaco/monaco.ts'
import { useLocale, useT } from '../i18n/index.ts'
import { describeUnapplied } from './unapplied.ts'
import { useEditor, useEditorStore } from './store.ts'
import { definitionSchema } from './definition-schema.ts'
import type { WorkflowDefinition } from '../api/types.ts'
import { sameJson } from '../graph/convert.ts'

const UNAPPLIED_KEY = 'definition'

function looksLikeDefinition(v: unknown): v is WorkflowDefinition {
  const d = v as WorkflowDefinition
  return Boolean(d) && typeof d === 'object' && typeof d.id === 'string' && typeof d.name === 'string' && Array.isArray(d.nodes) && Array.isArray(d.edges)
    && d.nodes.every((n) => n && typeof n.id === 'string' && typeof n.type === 'string' && n.position && typeof n.position.x === 'number' && typeof n.position.y === 'number')
    && d.edges.every((e) => e && typeof e.id === 'string' && typeof e.source === 'string' && typeof e.target === 'string')
}

export function DefinitionPanel({ readOnly, idFixed }: { readOnly: boolean; idFixed: boolean }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const store = useEditorStore()
  const manifests = useEditor((s) => s.manifests)
  // What was typed here and is not on the canvas: kept when the tab closes, refused by a save.
  const unapplied = useEditor((s) => s.unapplied[UNAPPLIED_KEY])
  // Discarding starts the editor again from the canvas.
  const [generation, setGeneration] = useState(0)
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
  const [initialText] = useState(() => unapplied?.text)

  function discard() {
    store.getState().setUnapplied(UNAPPLIED_KEY, null)
    setDefinition(store.getState().definition())
    setGeneration((g) => g + 1)
  }

  return (
    <div className="definition-panel" data-testid="definition-panel">
      <p className="hint">{t('editor.jsonHint')}</p>
      {unapplied && (
        // Above the editor: its own line under a tall editor is out of sight.
        <p className="field-error" data-testid="json-unapplied">
          {describeUnapplied(unapplied, locale)}{' '}
          <button type="button" className="link" onClick={discard} data-testid="json-discard">{t('editor.json.discard')}</button>
        </p>
      )}
      <JsonEditor
        key={generation}
        path="ordo://definition/flow.json"
        value={definition}
        initialText={generation === 0 ? initialText : undefined}
        readOnly={readOnly}
        height="calc(100vh - 230px)"
        testId="definition-json"
        onMonaco={(monaco) => addJsonSchema(monaco, 'ordo://schemas/workflow.json', ['ordo://definition/*'], schema)}
        onInvalid={(text) => { if (text !== null) store.getState().setUnapplied(UNAPPLIED_KEY, { where: 'definition', text, kind: 'syntax' }) }}
        onChange={(v, text) => {
          // Only a well-formed flow replaces the canvas; the schema marks the rest in the editor.
          const s = store.getState()
          if (!looksLikeDefinition(v)) { s.setUnapplied(UNAPPLIED_KEY, { where: 'definition', text, kind: 'notFlow' }); return }
          const current = s.definition()
          if (idFixed && v.id !== current.id) { s.setUnapplied(UNAPPLIED_KEY, { where: 'definition', text, kind: 'idFixed' }); return }
          s.setUnapplied(UNAPPLIED_KEY, null)
          if (!sameJson(v, current)) s.replaceDefinition(v)
        }}
      />
    </div>
  )
}
