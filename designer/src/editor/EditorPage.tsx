export function EditorPage(_: { workflowId: string }) {
  return null
}
