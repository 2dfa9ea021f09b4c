// Monaco's JSON language contribution registers itself on import and ships no types.
declare module 'monaco-editor/language/json/monaco.contribution'
