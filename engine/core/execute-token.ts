/**
 * One node execution: running a ready token's node, or resuming a waiting token's node with what
 * woke it, and carrying out what the node decided — go on along a port, wait (setting up timers,
 * tasks and subscriptions), or fail (the retry policy, the error port, an incident). Works on a
 * draft RunState the caller already copied, and appends the effects the shell must persist.
 */
import type { NodeContext, NodeResult, ResumeEvent, Wait } from '../../connectors/sdk/define-node.ts'
import type { Order } from '../../schemas/generated/order.ts'
import type { Effect, StepEffect } from './effects.ts'
import { JOIN_NODE_TYPE, arriveAtJoin, type JoinSettings } from './join.ts'
import { edgesFrom, type PreparedNode, type PreparedWorkflow } from './prepare-workflow.ts'
import { retryDelay } from './retry-policy.ts'
import { pushNotification } from './notify-channels.ts'
import type { RunState, Token, TokenWait } from './run-state.ts'
import { setUpWait, takeDownWait } from './token-wait.ts'

/** A run state being built by one transition, and the effects gathered so far. */
export interface Transition {
  prepared: PreparedWorkflow
  draft: RunState
  effects: Effect[]
  now: number
  /** Who last changed the run's order (a person's token name), when known. */
  orderChangedBy?: string | null
  /** The order as the node being executed saw it (messages' channels write from it). */
  order?: Order | null
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
  t.order = order
  const ctx = nodeContext(t, node, token, order)
  let result: NodeResult
  try {
    // Modules of every config type share the registry; `run` receives what its own `prepare` produced.
    result = (node.module.run as (c: NodeContext<unknown>) => NodeResult)(ctx)
  } catch (thrown) {
    result = { fail: { error: thrown instanceof Error ? thrown.message : `node threw ${String(thrown)}`, retryable: true } }
  }
  carryOut(t, node, token, ctx.idempotencyKey, result, t.now)
}

/**
 * Resumes a waiting `token` with what woke it. The order passed in is the one stored now: it may
 * have changed while the token waited. A node without `resume` goes on along its default port.
 */
export function resumeToken(t: Transition, token: Token, event: ResumeEvent, order: Order | null): void {
  const node = t.prepared.nodes.get(token.nodeId)
  const wait = token.wait
  if (!node || !wait) return
  t.order = order
  const ctx = { ...nodeContext(t, node, token, order), waiting: { state: wait.state, since: wait.since } }
  let result = resumeNode(node, ctx, event)
  if (event.kind === 'activity-result' && event.ok && 'next' in result && node.module.compensate) result = noteCompensation(t, node, ctx, event.response, result)
  const expired = event.kind === 'timer' && event.purpose === 'deadline'
  carryOut(t, node, token, ctx.idempotencyKey, result, wait.since, expired)
}

/**
 * What a node's `resume` makes of an event (the test harness uses it too). A node without `resume`:
 * a call's response goes out along `ok` (or the default port), a failed call fails; anything else goes on.
 */
export function resumeNode(node: Pick<PreparedNode, 'module' | 'ports'>, ctx: NodeContext<unknown> & { waiting: { state: unknown; since: number } }, event: ResumeEvent): NodeResult {
  let result: NodeResult
  try {
    const resume = node.module.resume as ((c: typeof ctx, e: ResumeEvent) => NodeResult) | undefined
    result = resume ? resume(ctx, event) : defaultResume(node, event)
  } catch (thrown) {
    result = { fail: { error: thrown instanceof Error ? thrown.message : `node threw ${String(thrown)}`, retryable: true } }
  }
  // A failed call was already tried as often as the node's retry policy allows, with one request
  // under one key: running the node again would send a new request under the same key.
  if (event.kind === 'activity-result' && !event.ok && 'fail' in result) result = { fail: { ...result.fail, retryable: false } }
  return result
}

function defaultResume(node: Pick<PreparedNode, 'ports'>, event: ResumeEvent): NodeResult {
  if (event.kind !== 'activity-result') return { next: {} }
  if (!event.ok) return { fail: { error: event.errorClass ? `${event.errorClass}: ${event.error ?? 'failed'}` : event.error ?? 'the call failed', retryable: false } }
  return { next: { ...(node.ports.includes('ok') ? { port: 'ok' } : {}), output: event.response ?? null } }
}

/** Undos a run keeps at most: a loop of calls cannot grow its state without bound. */
export const MAX_COMPENSATIONS = 100

/** Keeps the undo of a connector step that just succeeded, for when the run is cancelled. */
function noteCompensation(t: Transition, node: PreparedNode, ctx: NodeContext<unknown>, response: unknown, result: NodeResult): NodeResult {
  let undo: ReturnType<NonNullable<PreparedNode['module']['compensate']>>
  try {
    undo = (node.module.compensate as (c: NodeContext<unknown> & { response: unknown }) => typeof undo)({ ...ctx, response: response ?? null })
  } catch (thrown) {
    return { fail: { error: `cannot say how to undo this call: ${thrown instanceof Error ? thrown.message : String(thrown)}`, retryable: false } }
  }
  if (!undo) return result
  const list = t.draft.compensations ?? []
  if (list.length >= MAX_COMPENSATIONS) return { fail: { error: `a run can undo at most ${MAX_COMPENSATIONS} calls`, retryable: false } }
  t.draft.compensations = [...list, {
    nodeId: node.id, performer: undo.performer ?? node.type, request: undo.request ?? null, idempotencyKey: `${ctx.idempotencyKey}:undo`,
    ...(undo.timeoutMs !== undefined ? { timeoutMs: undo.timeoutMs } : {}),
  }]
  return result
}

function nodeContext(t: Transition, node: PreparedNode, token: Token, order: Order | null): NodeContext<unknown> {
  return {
    config: node.config,
    node: node.name === undefined ? { id: node.id, type: node.type } : { id: node.id, type: node.type, name: node.name },
    runId: t.draft.runId,
    input: token.input,
    order,
    variables: t.draft.variables,
    now: t.now,
    attempt: token.attempt,
    idempotencyKey: idempotencyKey(t.draft.runId, node.id, token.visit),
    startedBy: t.draft.startedBy ?? null,
    orderChangedBy: t.orderChangedBy ?? null,
  }
}

/** Does what the node decided; `startedAt` is when this attempt began (the wait's start for a resume). */
function carryOut(t: Transition, node: PreparedNode, token: Token, key: string, result: NodeResult, startedAt: number, expired = false): void {
  let outcome: NodeResult
  try {
    outcome = checkResult(node, result, t.draft.orderId)
  } catch (error) {
    outcome = { fail: { error: (error as Error).message, retryable: false } }
  }
  if ('wait' in outcome) {
    enterWait(t, node, token, key, outcome.wait, startedAt)
    return
  }
  if (token.wait) takeDownWait(t, token.wait, expired ? 'expired' : 'cancelled')
  delete token.wait
  if ('fail' in outcome) {
    fail(t, node, token, key, outcome.fail.error, outcome.fail.retryable, startedAt)
    return
  }
  const step = outcome.next
  const port = step.port ?? node.defaultPort
  const output = step.output === undefined ? null : step.output
  t.effects.push(stepEffect(t, node, token, key, { status: 'completed', port, output, error: null }, startedAt))
  if (step.orderPatch && t.draft.orderId !== null) {
    t.effects.push({
      kind: 'patch-order',
      orderId: t.draft.orderId,
      patch: step.orderPatch,
      source: `run:${t.draft.runId}:${node.id}:${token.visit}`,
      idempotencyKey: key,
    })
  }
  if (step.variables) t.draft.variables = { ...t.draft.variables, ...step.variables }
  for (const n of step.notify ?? []) pushNotification(t, node, key, n, null)
  if (step.children) {
    t.effects.push({
      kind: 'start-children',
      group: { ...step.children, awaitAll: false, id: `${key}:children`, parentRunId: t.draft.runId, parentTokenId: token.id, orderId: t.draft.orderId, createdAt: t.now },
    })
  }
  removeToken(t, token)
  if (step.endRun) {
    endRun(t)
    return
  }
  if (port !== null) follow(t, node.id, port, output)
}

/** Validates what a node returned; throws (as a permanent failure) when the graph cannot follow it. */
function checkResult(node: PreparedNode, result: NodeResult, orderId: string | null): NodeResult {
  if (typeof result !== 'object' || result === null) throw new Error(`node ${node.id} returned no result`)
  if ('fail' in result) {
    if (typeof result.fail?.error !== 'string') throw new Error(`node ${node.id} failed without saying why`)
    return result
  }
  if ('wait' in result) {
    if (typeof result.wait !== 'object' || result.wait === null) throw new Error(`node ${node.id} returned an empty wait`)
    if (node.manifest.waits !== true) throw new Error(`node ${node.id} waits, but its type ${node.type} does not declare that it may ("waits": true)`)
    return result
  }
  if (!('next' in result) || typeof result.next !== 'object' || result.next === null) {
    throw new Error(`node ${node.id} returned neither next, wait nor fail`)
  }
  const step = result.next
  if (step.orderPatch && orderId === null) throw new Error(`node ${node.id} changes the order, but this run has no order`)
  if (step.port !== undefined) {
    if (!node.ports.includes(step.port)) throw new Error(`node ${node.id} returned unknown port "${step.port}"`)
    return result
  }
  const normalPorts = node.ports.filter((p) => p !== node.errorPort)
  if (node.defaultPort === null && normalPorts.length > 0) {
    throw new Error(`node ${node.id} returned no port; it must name one of ${normalPorts.join(', ')}`)
  }
  return result
}

/** The token waits: what is new in the wait is set up, what is gone taken down. */
function enterWait(t: Transition, node: PreparedNode, token: Token, key: string, wait: Wait, startedAt: number): void {
  const first = token.wait === undefined
  token.status = 'waiting'
  token.wait = setUpWait(t, { node, token, key, wait, previous: token.wait })
  if (first) {
    t.effects.push(stepEffect(t, node, token, key, { status: 'waiting', port: null, output: waitOutput(token.wait), error: null }, startedAt, null))
  }
}

/** What a waiting step's record shows: what it waits for and until when. */
function waitOutput(wait: TokenWait): unknown {
  return { waitingFor: wait.label, ...(wait.until !== undefined ? { until: wait.until } : {}) }
}

function fail(t: Transition, node: PreparedNode, token: Token, key: string, error: string, retryable: boolean, startedAt: number): void {
  if (retryable && token.attempt < node.retry.maxAttempts) {
    t.effects.push(stepEffect(t, node, token, key, { status: 'retrying', port: null, output: null, error }, startedAt))
    const timerId = `${key}:retry:${token.attempt}`
    const dueAt = t.now + retryDelay(node.retry, token.attempt, key)
    token.status = 'retry-wait'
    token.timerId = timerId
    token.attempt += 1
    t.effects.push({ kind: 'schedule-timer', timer: { id: timerId, runId: t.draft.runId, tokenId: token.id, dueAt, purpose: 'retry' } })
    return
  }
  if (node.errorPort !== null && edgesFrom(t.prepared, node.id, node.errorPort).length > 0) {
    t.effects.push(stepEffect(t, node, token, key, { status: 'failed', port: node.errorPort, output: null, error }, startedAt))
    removeToken(t, token)
    follow(t, node.id, node.errorPort, { error })
    return
  }
  t.effects.push(stepEffect(t, node, token, key, { status: 'failed', port: null, output: null, error }, startedAt))
  parkAsIncident(t, token, error)
}

/** Marks the token failed and the run as an incident an operator can retry. */
export function parkAsIncident(t: Transition, token: Token, error: string): void {
  if (token.wait) takeDownWait(t, token.wait, 'cancelled')
  delete token.wait
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

/** Drops every token (cancelling the timers, tasks, subscriptions and calls they wait for) and any half-arrived join. */
export function dropAllTokens(t: Transition): void {
  for (const token of t.draft.tokens) {
    if (token.timerId !== undefined) t.effects.push({ kind: 'cancel-timer', timerId: token.timerId })
    if (token.wait) takeDownWait(t, token.wait, 'cancelled')
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
  result: Pick<StepEffect['step'], 'status' | 'port' | 'output' | 'error'>, startedAt: number, finishedAt: number | null = t.now,
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
      startedAt,
      finishedAt,
    },
  }
}
