/**
 * The whole flow as JSON in Monaco, checked against the workflow schema (each node's config against
 * its type's schema). Canvas and JSON stay in sync: edits on either side show on the other.
 */
import { useMemo } from 'react'
import { JsonEditor } from '../monaco/JsonEditor.tsx'
import { addJsonSchema } from '../monaco/monaco.ts'
import { useT } from '../i18n/index.ts'
import { useEditor, useEditorStore } from './store.ts'
import { definitionSchema } from './definition-schema.ts'
import type { WorkflowDefinition } from '../api/types.ts'

function looksLikeDefinition(v: unknown): v is WorkflowDefinition {
  const d = v as WorkflowDefinition
  return Boolean(d) && typeof d === 'object' && typeof d.id === 'string' && typeof d.name === 'string' && Array.isArray(d.nodes) && Array.isArray(d.edges)
    && d.nodes.every((n) => n && typeof n.id === 'string' && typeof n.type === 'string' && n.position && typeof n.position.x === 'number' && typeof n.position.y === 'number')
    && d.edges.every((e) => e && typeof e.id === 'string' && typeof e.source === 'string' && typeof e.target === 'string')
}

export function DefinitionPanel({ readOnly }: { readOnly: boolean }) {
  const t = useT()
  const store = useEditorStore()
  const revision = useEditor((s) => s.revision)
  const manifests = useEditor((s) => s.manifests)
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const definition = useMemo(() => store.getState().definition(), [revision, store])
  const schema = useMemo(() => definitionSchema(manifests), [manifests])

  return (
    <div className="definition-panel" data-testid="definition-panel">
      <p className="hint">{t('editor.jsonHint')}</p>
      <JsonEditor
        path="ordo://definition/flow.json"
        value={definition}
        readOnly={readOnly}
        height="calc(100vh - 230px)"
        testId="definition-json"
        onMonaco={(monaco) => addJsonSchema(monaco, 'ordo://schemas/workflow.json', ['ordo://definition/*'], schema)}
        onChange={(v) => {
          // Only a well-formed flow replaces the canvas; the schema marks the rest in the editor.
          if (looksLikeDefinition(v) && JSON.stringify(v) !== JSON.stringify(store.getState().definition())) store.getState().replaceDefinition(v)
        }}
      />
    </div>
  )
}
