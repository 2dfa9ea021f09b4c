// Monaco's full editor entry and JSON language contribution ship no type declarations of their own.
declare module 'monaco-editor/language/json/monaco.contribution'
declare module 'monaco-editor/editor/editor.main'
