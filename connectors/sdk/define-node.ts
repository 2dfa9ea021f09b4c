/**
 * The node SDK: one node type = one module exporting `defineNode({ manifest, prepare?, run })`.
 * The manifest (JSON) feeds the palette, the config form and the runtime validator; `run` executes it.
 */
import type { NodeManifest } from '../../schemas/generated/node-manifest.ts'
import type { Order, Status, Exception, HealthScore } from '../../schemas/generated/order.ts'

export type { NodeManifest }

/** A change a node asks for on the run's order; the shell applies it in the step's transaction. */
export interface OrderPatch {
  status?: Status
  addTags?: string[]
  removeTags?: string[]
  /** null clears the assignment */
  assignedTeam?: string | null
  addHold?: { pool: string; reason?: string }
  releaseHold?: string
  exception?: Exception | null
  healthScore?: HealthScore | null
}

/** What one execution of a node produced. */
export interface NodeResult {
  /** The output port taken; omitted for a node's single port. */
  port?: string
  /** Recorded as the step's output and passed as the next nodes' input. */
  output?: unknown
  orderPatch?: OrderPatch
  /** Run variables to set (shallow merge). */
  variables?: Record<string, unknown>
  /** flow.end: finish the whole run now, dropping other branches. */
  endRun?: boolean
}

/** Everything a node may read while it runs. There is no I/O and no clock but `now`. */
export interface NodeContext<Prepared> {
  config: Prepared
  node: { id: string; type: string; name?: string }
  runId: string
  /** Output of the step that led here (for a join: the outputs of every arriving branch, by edge id). */
  input: unknown
  /** The order as it stands before this step (null for runs without an order). */
  order: Order | null
  variables: Readonly<Record<string, unknown>>
  /** UTC epoch ms */
  now: number
  /** 1 for the first attempt of this visit */
  attempt: number
  /** runId:nodeId:visit, the same for every attempt of one visit */
  idempotencyKey: string
}

/** Helpers available while a config is prepared, once per workflow version. */
export interface PrepareTools {
  /** Compiles a JsonLogic rule once; the function throws on a runtime rule error (e.g. division by zero). */
  compileRule(rule: unknown): (data: unknown) => unknown
}

/** A node type. `Config` is the JSON config; `Prepared` what `prepare` turns it into (compiled rules...). */
export interface NodeModule<Config = Record<string, unknown>, Prepared = Config> {
  manifest: NodeManifest
  /** Runs once per workflow version; throw to report a config the schema cannot catch (a bad rule). */
  prepare?(config: Config, tools: PrepareTools): Prepared
  /** Executes the node. Throwing takes the retry policy, then the error port, then an incident. */
  run(ctx: NodeContext<Prepared>): NodeResult
}

/** Declares a node type; the identity function exists for type inference. */
export function defineNode<Config = Record<string, unknown>, Prepared = Config>(
  module: NodeModule<Config, Prepared>,
): NodeModule<Config, Prepared> {
  return module
}
