/**
 * A Monaco JSON editor bound to a value. Edits that parse are reported through onChange; while the
 * text does not parse, the last good value stays, the problem is shown under the editor in the
 * operator's language, and onInvalid hears the text (so whoever saves knows it is not applied).
 */
import { useEffect, useRef, useState } from 'react'
import { loadMonaco, type Monaco } from './monaco.ts'
import { sameJson } from '../graph/convert.ts'
import { useLocale } from '../i18n/index.ts'
import { describeJsonError } from './json-problem.ts'
import type * as MonacoApi from 'monaco-editor/editor/editor.api'

export interface JsonEditorProps {
  /** The model URI: schemas registered with addJsonSchema match it (e.g. `ordo://rule/vip-check.json`). */
  path: string
  value: unknown
  /** A value the text now parses to, and that text. */
  onChange?(value: unknown, text: string): void
  /** The text when it stops parsing; null once it parses again. */
  onInvalid?(text: string | null): void
  /** Text to start from instead of the value (unfinished work kept while the editor was closed). */
  initialText?: string
  readOnly?: boolean
  height?: number | string
  /** Called once Monaco is loaded, to register schemas. */
  onMonaco?(monaco: Monaco): void
  testId?: string
}

export function JsonEditor({ path, value, onChange, onInvalid, initialText, readOnly, height = 240, onMonaco, testId }: JsonEditorProps) {
  const locale = useLocale((s) => s.locale)
  const host = useRef<HTMLDivElement>(null)
  const editor = useRef<MonacoApi.editor.IStandaloneCodeEditor | null>(null)
  const lastText = useRef<string>('')
  const onChangeRef = useRef(onChange)
  onChangeRef.current = onChange
  const onInvalidRef = useRef(onInvalid)
  onInvalidRef.current = onInvalid
  const initialTextRef = useRef(initialText)
  // The latest value, for the model created once Monaco has loaded (which may be after several renders).
  const valueRef = useRef(value)
  valueRef.current = value
  // The text that does not parse and its error, described in the current language when shown.
  const [parseError, setParseError] = useState<{ text: string; error: unknown } | null>(null)

  useEffect(() => {
    let disposed = false
    let created: MonacoApi.editor.IStandaloneCodeEditor | null = null
    let model: MonacoApi.editor.ITextModel | null = null
    void loadMonaco().then((monaco) => {
      if (disposed || !host.current) return
      onMonaco?.(monaco)
      const uri = monaco.Uri.parse(path)
      monaco.editor.getModel(uri)?.dispose()
      lastText.current = initialTextRef.current ?? JSON.stringify(valueRef.current ?? null, null, 2)
      try { JSON.parse(lastText.current) } catch (error) { setParseError({ text: lastText.current, error }) }
      model = monaco.editor.createModel(lastText.current, 'json', uri)
      created = monaco.editor.create(host.current, {
        model, readOnly, automaticLayout: true, minimap: { enabled: false }, fontSize: 13,
        scrollBeyondLastLine: false, tabSize: 2, wordWrap: 'on',
      })
      editor.current = created
      // Leaving the editor shows what the value is now, if something else changed it meanwhile.
      created.onDidBlurEditorText(() => {
        // Text that does not parse yet is the user's unfinished work: it stays.
        let same = true
        try { same = sameJson(JSON.parse(lastText.current), valueRef.current ?? null) } catch { same = true }
        if (!same && created) {
          lastText.current = JSON.stringify(valueRef.current ?? null, null, 2)
          created.getModel()?.setValue(lastText.current)
        }
      })
      created.onDidChangeModelContent(() => {
        const text = created!.getValue()
        lastText.current = text
        let parsed: unknown
        try {
          parsed = JSON.parse(text)
        } catch (error) {
          setParseError({ text, error })
          onInvalidRef.current?.(text)
          return
        }
        setParseError(null)
        onInvalidRef.current?.(null)
        onChangeRef.current?.(parsed, text)
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

  // An outside change (the canvas, the rule builder) replaces the text unless it means what the editor
  // already says (in any key order), or the user is typing in it: their text and cursor stay.
  useEffect(() => {
    const ed = editor.current
    if (!ed || ed.hasTextFocus()) return
    const text = JSON.stringify(value ?? null, null, 2)
    let same = false
    try { same = sameJson(JSON.parse(lastText.current), value ?? null) } catch { same = false }
    if (!same) {
      lastText.current = text
      ed.getModel()?.setValue(text)
    }
  }, [value])

  return (
    <div className="json-editor" data-testid={testId}>
      <div ref={host} style={{ height, border: '1px solid var(--line)', borderRadius: 6 }} />
      {parseError && <div className="field-error" role="alert">{describeJsonError(parseError.text, parseError.error, locale)}</div>}
    </div>
  )
}
