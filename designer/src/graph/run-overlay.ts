/** What a run did at each node, from its steps and tokens: the overlay drawn on the canvas. */
/** What a run (or a dry run) did at one node, drawn on its card. */
export interface NodeRunState {
  status: string
  durationMs: number | null
  attempts: number
  port?: string | null
  input?: unknown
  output?: unknown
  error?: string | null
  /** While a token waits here: what for (the engine's label), since and until when (ISO; until null when open-ended). */
  wait?: { label: string; since: string; until: string | null }
}


interface StepLike { nodeId: string; attempt: number; status: string; port?: string | null; input?: unknown; output?: unknown; error?: string | null; durationMs: number | null; startedAt?: string }
interface TokenLike { nodeId: string; status: string; wait?: { label: string; since: string; until: string | null } }

/** A token's status as a node state: ready is about to run, retry-wait waits for its retry timer. */
const TOKEN_STATUS: Record<string, string> = { ready: 'running', 'retry-wait': 'retrying', failed: 'failed' }

/**
 * One state per node: the last step's status, port, output and error; the first step's input; the
 * time of all its steps together; the most attempts of any visit. A token parked at a node with no
 * step yet shows it as waiting (or running when it is about to execute); a waiting token adds what it
 * waits for (the one due soonest when several wait at one node).
 */
export function runStatesFromSteps(steps: readonly StepLike[], tokens: readonly TokenLike[] = []): Record<string, NodeRunState> {
  const out: Record<string, NodeRunState> = {}
  const ordered = [...steps].sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? ''))
  for (const s of ordered) {
    const prev = out[s.nodeId]
    out[s.nodeId] = {
      status: s.status,
      durationMs: s.durationMs === null ? prev?.durationMs ?? null : (prev?.durationMs ?? 0) + s.durationMs,
      attempts: Math.max(prev?.attempts ?? 0, s.attempt),
      port: s.port ?? null,
      input: prev ? prev.input : s.input,
      output: s.output,
      error: s.error ?? null,
    }
  }
  for (const t of tokens) {
    const state = out[t.nodeId]
    const status = TOKEN_STATUS[t.status] ?? t.status
    if (!state) out[t.nodeId] = { status, durationMs: null, attempts: 0 }
    else if (state.status === 'completed') out[t.nodeId] = { ...state, status }
    const wait = t.status === 'waiting' ? t.wait : undefined
    const shown = out[t.nodeId].wait
    const due = (w: { until: string | null }) => (w.until ? Date.parse(w.until) : Infinity)
    if (wait && (!shown || due(wait) < due(shown))) {
      out[t.nodeId] = { ...out[t.nodeId], wait: { label: wait.label, since: wait.since, until: wait.until } }
    }
  }
  return out
}
