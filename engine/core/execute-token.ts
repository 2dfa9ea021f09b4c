/**
 * One step transition: executing one ready token's node and deciding what follows (next tokens,
 * a retry timer, the error edge or an incident). Works on a draft RunState the caller already
 * copied, and appends the effects the shell must persist.
 */
import type { NodeContext, NodeResult } from '../../connectors/sdk/define-node.ts'
import type { Order } from '../../schemas/generated/order.ts'
import type { Effect, StepEffect } from './effects.ts'
import { JOIN_NODE_TYPE, arriveAtJoin, type JoinSettings } from './join.ts'
import { edgesFrom, type PreparedNode, type PreparedWorkflow } from './prepare-workflow.ts'
import { retryDelay } from './retry-policy.ts'
import type { RunState, Token } from './run-state.ts'

/** A run state being built by one transition, and the effects gathered so far. */
export interface Transition {
  prepared: PreparedWorkflow
  draft: RunState
  effects: Effect[]
  now: number
}

/** The idempotency key of a visit: the same for every attempt, new for every entry into the node. */
export function idempotencyKey(runId: string, nodeId: string, visit: number): string {
  return `${runId}:${nodeId}:${visit}`
}

/** Executes `token` (which must be in `t.draft.tokens`); never throws for a node failure. */
export function executeToken(t: Transition, token: Token, order: Order | null): void {
  const node = t.prepared.nodes.get(token.nodeId)
  if (!node) {
    parkAsIncident(t, token, `node ${token.nodeId} is not part of workflow ${t.prepared.workflowId} version ${t.prepared.version}`)
    return
  }
  const key = idempotencyKey(t.draft.runId, node.id, token.visit)
  const ctx: NodeContext<unknown> = {
    config: node.config,
    node: node.name === undefined ? { id: node.id, type: node.type } : { id: node.id, type: node.type, name: node.name },
    runId: t.draft.runId,
    input: token.input,
    order,
    variables: t.draft.variables,
    now: t.now,
    attempt: token.attempt,
    idempotencyKey: key,
  }
  let outcome: { port: string | null; result: NodeResult }
  try {
    // Modules of every config type share the registry; `run` receives what its own `prepare` produced.
    const result = (node.module.run as (c: NodeContext<unknown>) => NodeResult)(ctx)
    outcome = checkResult(node, result, t.draft.orderId)
  } catch (thrown) {
    fail(t, node, token, key, thrown instanceof Error ? thrown.message : `node threw ${String(thrown)}`)
    return
  }
  succeed(t, node, token, key, outcome.port, outcome.result)
}

/** Validates what a node returned; throws (as a node failure) when the graph cannot follow it. */
function checkResult(node: PreparedNode, result: NodeResult, orderId: string | null): { port: string | null; result: NodeResult } {
  if (typeof result !== 'object' || result === null) throw new Error(`node ${node.id} returned no result`)
  if (result.orderPatch && orderId === null) throw new Error(`node ${node.id} changes the order, but this run has no order`)
  if (result.port !== undefined) {
    if (!node.ports.includes(result.port)) throw new Error(`node ${node.id} returned unknown port "${result.port}"`)
    return { port: result.port, result }
  }
  const normalPorts = node.ports.filter((p) => p !== node.errorPort)
  if (node.defaultPort === null && normalPorts.length > 0) {
    throw new Error(`node ${node.id} returned no port; it must name one of ${normalPorts.join(', ')}`)
  }
  return { port: node.defaultPort, result }
}

function succeed(t: Transition, node: PreparedNode, token: Token, key: string, port: string | null, result: NodeResult): void {
  const output = result.output === undefined ? null : result.output
  t.effects.push(stepEffect(t, node, token, key, { status: 'completed', port, output, error: null }))
  if (result.orderPatch && t.draft.orderId !== null) {
    t.effects.push({
      kind: 'patch-order',
      orderId: t.draft.orderId,
      patch: result.orderPatch,
      source: `run:${t.draft.runId}:${node.id}:${token.visit}`,
      idempotencyKey: key,
    })
  }
  if (result.variables) t.draft.variables = { ...t.draft.variables, ...result.variables }
  removeToken(t, token)
  if (result.endRun) {
    endRun(t)
    return
  }
  if (port !== null) follow(t, node.id, port, output)
}

function fail(t: Transition, node: PreparedNode, token: Token, key: string, error: string): void {
  if (token.attempt < node.retry.maxAttempts) {
    t.effects.push(stepEffect(t, node, token, key, { status: 'retrying', port: null, output: null, error }))
    const timerId = `${key}:retry:${token.attempt}`
    const dueAt = t.now + retryDelay(node.retry, token.attempt, key)
    token.status = 'retry-wait'
    token.timerId = timerId
    token.attempt += 1
    t.effects.push({ kind: 'schedule-timer', timer: { id: timerId, runId: t.draft.runId, tokenId: token.id, dueAt, purpose: 'retry' } })
    return
  }
  if (node.errorPort !== null && edgesFrom(t.prepared, node.id, node.errorPort).length > 0) {
    t.effects.push(stepEffect(t, node, token, key, { status: 'failed', port: node.errorPort, output: null, error }))
    removeToken(t, token)
    follow(t, node.id, node.errorPort, { error })
    return
  }
  t.effects.push(stepEffect(t, node, token, key, { status: 'failed', port: null, output: null, error }))
  parkAsIncident(t, token, error)
}

/** Marks the token failed and the run as an incident an operator can retry. */
export function parkAsIncident(t: Transition, token: Token, error: string): void {
  token.status = 'failed'
  delete token.timerId
  t.draft.incident = { nodeId: token.nodeId, tokenId: token.id, error, at: t.now }
}

/** Sends `value` along every edge leaving (nodeId, port). */
function follow(t: Transition, nodeId: string, port: string, value: unknown): void {
  for (const edge of edgesFrom(t.prepared, nodeId, port)) {
    const target = t.prepared.nodes.get(edge.target)
    if (target && target.type === JOIN_NODE_TYPE) {
      const arrival = arriveAtJoin(t.draft.joins, target.id, edge.id, value, target.incomingEdgeIds, target.config as JoinSettings)
      t.draft.joins = arrival.joins
      if (arrival.fire) addToken(t, target.id, arrival.fire, edge.id)
    } else {
      addToken(t, edge.target, value, edge.id)
    }
  }
}

/** A token entering a node: the node's visit count rises, giving the new visit its own idempotency key. */
function addToken(t: Transition, nodeId: string, input: unknown, viaEdge: string): void {
  const visit = (t.draft.visits[nodeId] ?? 0) + 1
  t.draft.visits = { ...t.draft.visits, [nodeId]: visit }
  t.draft.tokens.push({ id: `t${t.draft.nextTokenSeq}`, nodeId, visit, attempt: 1, status: 'ready', input, viaEdge })
  t.draft.nextTokenSeq += 1
}

function removeToken(t: Transition, token: Token): void {
  t.draft.tokens = t.draft.tokens.filter((x) => x !== token)
}

/** Drops every token (cancelling the timers they wait for) and any half-arrived join. */
export function dropAllTokens(t: Transition): void {
  for (const token of t.draft.tokens) {
    if (token.timerId !== undefined) t.effects.push({ kind: 'cancel-timer', timerId: token.timerId })
  }
  t.draft.tokens = []
  t.draft.joins = {}
}

function endRun(t: Transition): void {
  dropAllTokens(t)
  t.draft.incident = null
  t.draft.status = 'completed'
  t.draft.finishedAt = t.now
}

function stepEffect(
  t: Transition, node: PreparedNode, token: Token, key: string,
  result: Pick<StepEffect['step'], 'status' | 'port' | 'output' | 'error'>,
): StepEffect {
  return {
    kind: 'record-step',
    step: {
      id: `${key}:${token.attempt}`,
      runId: t.draft.runId,
      nodeId: node.id,
      nodeType: node.type,
      visit: token.visit,
      attempt: token.attempt,
      idempotencyKey: key,
      ...result,
      input: token.input,
      startedAt: t.now,
      finishedAt: t.now,
    },
  }
}
