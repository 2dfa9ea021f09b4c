/**
 * Monaco, bundled (never from a CDN): the editor core, the JSON language and their web workers,
 * loaded on first use so the first page of the designer does not wait for them.
 */
import type * as MonacoApi from 'monaco-editor/editor/editor.api'

export type Monaco = typeof MonacoApi

let loading: Promise<Monaco> | null = null

/** The Monaco API, with the JSON language ready. */
export function loadMonaco(): Promise<Monaco> {
  loading ??= (async () => {
    const [api, , editorWorker, jsonWorker] = await Promise.all([
      import('monaco-editor/editor/editor.api'),
      import('monaco-editor/language/json/monaco.contribution'),
      import('monaco-editor/editor/editor.worker?worker'),
      import('monaco-editor/language/json/json.worker?worker'),
    ])
    ;(self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
      getWorker(_id: string, label: string) {
        return label === 'json' ? new jsonWorker.default() : new editorWorker.default()
      },
    }
    return api as unknown as Monaco
  })()
  return loading
}

/** Registers a JSON schema for models whose URI matches `fileMatch`, keeping the schemas set before. */
export function addJsonSchema(monaco: Monaco, uri: string, fileMatch: string[], schema: unknown, extra: Array<{ uri: string; schema: unknown }> = []): void {
  const json = (monaco.languages as unknown as { json: { jsonDefaults: { diagnosticsOptions: { schemas?: Array<{ uri: string; fileMatch?: string[]; schema?: unknown }> }; setDiagnosticsOptions(o: unknown): void } } }).json
  const current = json.jsonDefaults.diagnosticsOptions.schemas ?? []
  const keep = current.filter((s) => s.uri !== uri && !extra.some((e) => e.uri === s.uri))
  json.jsonDefaults.setDiagnosticsOptions({
    validate: true,
    enableSchemaRequest: false,
    schemas: [...keep, { uri, fileMatch, schema }, ...extra.map((e) => ({ uri: e.uri, schema: e.schema }))],
  })
}
