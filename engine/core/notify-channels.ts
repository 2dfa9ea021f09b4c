/**
 * Messages to people (a new task, a reminder, an escalation) land in the inbox and, through their
 * channels, go out by email, IM or SMS. A channel is a connector node type with its own config,
 * checked and prepared with the workflow version; when the message is sent, the connector's pure
 * `run` builds its call with the message as input, and the call becomes a detached activity of the
 * run (performed after commit, retried, logged — the run does not wait for it).
 */
import type { Notification, PreparedChannel, NodeContext, NodeResult } from '../../connectors/sdk/define-node.ts'
import type { Order } from '../../schemas/generated/order.ts'
import { toErrorDetails } from '../../schemas/index.ts'
import { ConfigError } from './config-error.ts'
import { compileRule } from './json-logic.ts'
import type { Effect } from './effects.ts'
import type { NodeRegistry } from './registry.ts'
import type { RunState } from './run-state.ts'
import { parseRetryPolicy } from './retry-policy.ts'
import { CONNECTOR_RETRY, DEFAULT_ACTIVITY_TIMEOUT_MS, MAX_ACTIVITY_TIMEOUT_MS } from './activity-limits.ts'

/** Checks a channel's connector and config; a ConfigError under `pointer` names what is wrong. */
export function prepareChannel(registry: NodeRegistry, via: string, config: unknown, pointer: string): PreparedChannel {
  const registered = registry.get(via)
  if (!registered || !registered.module.perform) throw new ConfigError(`${pointer}/via`, `"${via}" is not a connector this Ordo has`)
  if (!registered.validateConfig(config)) {
    const [first] = toErrorDetails(registered.validateConfig.errors, `${pointer}/config`)
    throw new ConfigError(first?.pointer ?? `${pointer}/config`, first?.reason ?? 'is invalid')
  }
  const prepare = registered.module.prepare as ((c: unknown, t: unknown) => unknown) | undefined
  let prepared: unknown = config
  if (prepare) {
    try {
      prepared = prepare(config, { compileRule, prepareChannel: () => { throw new ConfigError(pointer, 'a channel cannot have channels of its own') } })
    } catch (error) {
      if (error instanceof ConfigError) throw new ConfigError(`${pointer}/config${error.pointer}`, error.message)
      throw new ConfigError(`${pointer}/config`, (error as Error).message)
    }
  }
  return { type: via, module: registered.module, config: prepared }
}

interface ChannelTransition { draft: RunState; effects: Effect[]; now: number; order?: Order | null; orderChangedBy?: string | null }

/** The notify effect of one message and a detached call per channel; `key` is the node visit's idempotency key. */
export function pushNotification(t: ChannelTransition, node: { id: string; name?: string }, key: string, n: Notification, taskId: string | null): void {
  const { key: nKey, taskKey: _taskKey, via, ...rest } = n
  const id = `${key}:${nKey}`
  t.effects.push({ kind: 'notify', notification: { ...rest, id, runId: t.draft.runId, nodeId: node.id, taskId, at: t.now } })
  via?.forEach((channel, i) => {
    const input = { notification: { kind: n.kind, title: n.title, message: n.message ?? null, priority: n.priority, to: n.to, taskId } }
    const ctx: NodeContext<unknown> = {
      config: channel.config, node: { id: node.id, type: channel.type, ...(node.name !== undefined ? { name: node.name } : {}) }, runId: t.draft.runId,
      input, order: t.order ?? null, variables: t.draft.variables, now: t.now, attempt: 1, idempotencyKey: `${id}:via:${i}`,
      startedBy: t.draft.startedBy ?? null, orderChangedBy: t.orderChangedBy ?? null,
    }
    let result: NodeResult
    try {
      result = (channel.module.run as (c: NodeContext<unknown>) => NodeResult)(ctx)
    } catch {
      return // a channel that cannot write this message sends nothing; the inbox still has it
    }
    if (!('wait' in result) || !result.wait.activity) return
    const a = result.wait.activity
    const manifest = channel.module.manifest
    t.effects.push({
      kind: 'enqueue-activity',
      activity: {
        id: `${id}:via:${i}`, runId: t.draft.runId, tokenId: null, nodeId: node.id, performer: a.performer ?? channel.type, request: a.request ?? null,
        timeoutMs: Math.min(MAX_ACTIVITY_TIMEOUT_MS, a.timeoutMs ?? manifest.activity?.timeoutMs ?? DEFAULT_ACTIVITY_TIMEOUT_MS),
        retry: parseRetryPolicy(a.retry ?? manifest.activity?.retry ?? CONNECTOR_RETRY),
        idempotencyKey: `${id}:via:${i}`, attempt: 1, createdAt: t.now,
      },
    })
  })
}
