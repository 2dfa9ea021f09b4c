/**
 * Who made an order history entry, as data the pages can render in the reader's language: the
 * `source` text ("run:<runId>:<nodeId>:<visit>", "api:<token name>", "webhook:<platform>",
 * "operator:<token name>", "shop:<shopId>:<push | pull | message | replay>") read into a structured
 * `origin`, a run's with its workflow's and node's names, a shop's with its name and platform.
 */
import type { RunNames } from './run-names.ts'

/** A history entry's origin: a run's step, or who sent the change. */
export type HistoryOrigin =
  | { kind: 'run'; runId: string; nodeId: string; visit: number; workflowId: string | null; workflowName: string | null; version: number | null; nodeName: string | null }
  | { kind: 'api' | 'operator'; actor: string | null }
  | { kind: 'webhook'; platform: string | null }
  /** An order detail a shop brought: by push, pull, long-connection message, or an operator's replay of a push. */
  | { kind: 'shop'; shopId: string; via: 'push' | 'pull' | 'message' | 'replay'; shopName: string | null; platform: string | null }
  | { kind: 'other'; source: string }

/** The origin a source text names, without names looked up (pure). */
export function parseSource(source: string): HistoryOrigin {
  const run = /^run:([^:]+):(.+):(\d+)$/.exec(source)
  if (run) return { kind: 'run', runId: run[1], nodeId: run[2], visit: Number(run[3]), workflowId: null, workflowName: null, version: null, nodeName: null }
  const shop = /^shop:(.+):(push|pull|message|replay)$/.exec(source)
  if (shop) return { kind: 'shop', shopId: shop[1], via: shop[2] as 'push' | 'pull' | 'message' | 'replay', shopName: null, platform: null }
  const [head, ...rest] = source.split(':')
  const tail = rest.length ? rest.join(':') : null
  if (head === 'api' || head === 'operator') return { kind: head, actor: tail }
  if (head === 'webhook') return { kind: 'webhook', platform: tail }
  return { kind: 'other', source }
}

/** The origin of `source`, a run's with the workflow's current name and the node's name in the run's version. */
export async function historyOrigin(source: string, names: RunNames): Promise<HistoryOrigin> {
  const origin = parseSource(source)
  if (origin.kind === 'shop') {
    const shop = await names.shop(origin.shopId)
    return shop ? { ...origin, shopName: shop.name, platform: shop.platform } : origin
  }
  if (origin.kind !== 'run') return origin
  const run = await names.runVersion(origin.runId)
  // A pruned run leaves its id and node id: still shown, just without names.
  if (!run) return origin
  const [workflowName, nodeName] = await Promise.all([
    names.workflowName(run.workflowId), names.nodeName(run.workflowId, run.version, origin.nodeId),
  ])
  return { ...origin, workflowId: run.workflowId, version: run.version, workflowName, nodeName }
}
