// Monaco's full editor entry and JSON language contribution ship no type declarations of their own.
declare module 'monaco-editor/language/json/monaco.contribution'
// designer/monaco-json-only.ts: Monaco's editor.main with the JSON language only.
declare module 'virtual:monaco-editor-json'
