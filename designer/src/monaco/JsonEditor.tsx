/**
 * A Monaco JSON editor bound to a value. Edits that parse are reported through onChange; while the
 * text does not parse, the last good value stays and the problem is shown under the editor.
 */
import { useEffect, useRef, useState } from 'react'
import { loadMonaco, type Monaco } from './monaco.ts'
import type * as MonacoApi from 'monaco-editor/editor/editor.api'

export interface JsonEditorProps {
  /** The model URI: schemas registered with addJsonSchema match it (e.g. `ordo://rule/vip-check.json`). */
  path: string
  value: unknown
  onChange?(value: unknown): void
  readOnly?: boolean
  height?: number | string
  /** Called once Monaco is loaded, to register schemas. */
  onMonaco?(monaco: Monaco): void
  testId?: string
}

export function JsonEditor({ path, value, onChange, readOnly, height = 240, onMonaco, testId }: JsonEditorProps) {
  const host = useRef<HTMLDivElement>(null)
  const editor = useRef<MonacoApi.editor.IStandaloneCodeEditor | null>(null)
  const lastText = useRef<string>('')
  const onChangeRef = useRef(onChange)
  onChangeRef.current = onChange
  const [parseError, setParseError] = useState<string | null>(null)

  useEffect(() => {
    let disposed = false
    let created: MonacoApi.editor.IStandaloneCodeEditor | null = null
    let model: MonacoApi.editor.ITextModel | null = null
    void loadMonaco().then((monaco) => {
      if (disposed || !host.current) return
      onMonaco?.(monaco)
      const uri = monaco.Uri.parse(path)
      monaco.editor.getModel(uri)?.dispose()
      lastText.current = JSON.stringify(value ?? null, null, 2)
      model = monaco.editor.createModel(lastText.current, 'json', uri)
      created = monaco.editor.create(host.current, {
        model, readOnly, automaticLayout: true, minimap: { enabled: false }, fontSize: 13,
        scrollBeyondLastLine: false, tabSize: 2, wordWrap: 'on',
      })
      editor.current = created
      created.onDidChangeModelContent(() => {
        const text = created!.getValue()
        lastText.current = text
        try {
          const parsed = JSON.parse(text)
          setParseError(null)
          onChangeRef.current?.(parsed)
        } catch (e) {
          setParseError((e as Error).message)
        }
      })
    })
    return () => {
      disposed = true
      created?.dispose()
      model?.dispose()
      editor.current = null
    }
    // The editor is created once per path; value changes are pushed in below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path, readOnly])

  // An outside change (the canvas, the rule builder) replaces the text unless it is what the editor already says.
  useEffect(() => {
    const ed = editor.current
    if (!ed) return
    const text = JSON.stringify(value ?? null, null, 2)
    let same = false
    try { same = JSON.stringify(JSON.parse(lastText.current)) === JSON.stringify(value ?? null) } catch { same = false }
    if (!same) {
      lastText.current = text
      ed.getModel()?.setValue(text)
    }
  }, [value])

  return (
    <div className="json-editor" data-testid={testId}>
      <div ref={host} style={{ height, border: '1px solid var(--line)', borderRadius: 6 }} />
      {parseError && <div className="field-error" role="alert">{parseError}</div>}
    </div>
  )
}
