export function RunDetailPage(_: { runId: string }) {
  return null
}
