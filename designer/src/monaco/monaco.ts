/**
 * Monaco, bundled (never from a CDN): the full editor (with its contributions: hover, suggest,
 * folding…), the JSON language and their web workers, loaded on first use so the first page of the
 * designer does not wait for them.
 */
import type * as MonacoApi from 'monaco-editor/editor/editor.api'

export type Monaco = typeof MonacoApi

interface JsonDefaults {
  diagnosticsOptions: { schemas?: Array<{ uri: string; fileMatch?: string[]; schema?: unknown }> }
  setDiagnosticsOptions(options: unknown): void
}

let loading: Promise<Monaco> | null = null
let jsonDefaults: JsonDefaults | null = null

/** The Monaco API, with the JSON language ready. */
export function loadMonaco(): Promise<Monaco> {
  loading ??= (async () => {
    // Workers first: the editor asks for them as soon as a model exists.
    const [editorWorker, jsonWorker] = await Promise.all([
      import('monaco-editor/editor/editor.worker?worker'),
      import('monaco-editor/language/json/json.worker?worker'),
    ])
    ;(self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
      getWorker(_id: string, label: string) {
        return label === 'json' ? new jsonWorker.default() : new editorWorker.default()
      },
    }
    const [api, json] = await Promise.all([
      import('virtual:monaco-editor-json'),
      import('monaco-editor/language/json/monaco.contribution'),
    ])
    jsonDefaults = (json as { jsonDefaults: JsonDefaults }).jsonDefaults
    return api as unknown as Monaco
  })()
  return loading
}

/** Registers a JSON schema for models whose URI matches `fileMatch`, keeping the schemas set before. */
export function addJsonSchema(_monaco: Monaco, uri: string, fileMatch: string[], schema: unknown, extra: Array<{ uri: string; schema: unknown }> = []): void {
  if (!jsonDefaults) throw new Error('addJsonSchema before loadMonaco resolved')
  const current = jsonDefaults.diagnosticsOptions.schemas ?? []
  const keep = current.filter((s) => s.uri !== uri && !extra.some((e) => e.uri === s.uri))
  jsonDefaults.setDiagnosticsOptions({
    validate: true,
    enableSchemaRequest: false,
    schemas: [...keep, { uri, fileMatch, schema }, ...extra.map((e) => ({ uri: e.uri, schema: e.schema }))],
  })
}
