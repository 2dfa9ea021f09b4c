/** API shapes the designer reads; the definition and manifest types come from schemas/ (generated). */
export type { WorkflowDefinition } from '../../../schemas/generated/workflow.ts'
export type { NodeManifest } from '../../../schemas/generated/node-manifest.ts'
export type { Order } from '../../../schemas/generated/order.ts'
export type { OrderInput } from '../../../schemas/generated/order-input.ts'
import type { WorkflowDefinition } from '../../../schemas/generated/workflow.ts'

export type Role = 'admin' | 'designer' | 'operator' | 'approver'
export interface Session { id: string; name: string; role: Role }

export interface Page<T> { items: T[]; nextCursor: string | null }

export interface WorkflowSummary {
  id: string; name: string; description: string | null; nodeCount: number; draftRevision: number; latestVersion: number | null; updatedAt: string
  /** Set when the latest version does not load in this build (a node type was removed...): it starts no runs. */
  disabled: { version: number; reason: string } | null
}
export interface WorkflowWithDraft { id: string; name: string; draft: WorkflowDefinition; draftRevision: number; latestVersion: number | null; createdAt: string; updatedAt: string }
export interface VersionInfo { workflowId: string; version: number; publishedAt: string; publishedBy: string; definition?: WorkflowDefinition }

export type { DefinitionCheck, DefinitionError } from '../../../engine/core/check-definition.ts'
import type { DefinitionError } from '../../../engine/core/check-definition.ts'
/** A problem as the API reports it (a 400 detail or a validation error): where, why, and the node when there is one. */
export type ProblemDetail = Omit<DefinitionError, 'nodeId'> & { nodeId?: string | null }

export type { RunStatus, StepRecord } from '../../../schemas/generated/run.ts'
import type { RunRecord, RunStatus, StepRecord } from '../../../schemas/generated/run.ts'
/** A run as the API lists it: the record plus its tokens. */
export interface RunSummary extends RunRecord {
  tokens: Array<{ id: string; nodeId: string; nodeName?: string | null; visit: number; attempt: number; status: string; wait?: { label: string; since: string; until: string | null; taskIds: string[] } }>
}
export interface RunDetail extends RunSummary { steps: StepRecord[] }
/** A dry-run step: a step record without the stored identity. */
export type DryStep = Pick<StepRecord, 'nodeId' | 'visit' | 'attempt' | 'status' | 'port' | 'input' | 'output' | 'error' | 'durationMs'>

export interface HeatmapNode { nodeId: string; count: number; failures: number; totalMs: number; avgMs: number; p95Ms: number; maxMs: number }
export interface Heatmap { runs: number; nodes: HeatmapNode[] }

export interface DryRunResult {
  status: RunStatus
  steps: DryStep[]
  order: unknown
  changes: unknown[]
  waiting: Array<{ nodeId: string; reason: string }>
}

export interface Template { id: string; name: string; description: string | null; nodeCount: number; definition: WorkflowDefinition }


import type { Order, Status as OrderStatus } from '../../../schemas/generated/order.ts'
import type { HistoryOrigin } from '../../../engine/http/routes/history-origin.ts'

/** One row of an order's history (GET /api/orders/:id → history). */
export interface OrderHistoryEvent {
  id: number
  at: string
  revision: number
  /** created | updated | status_changed | patched | stale_ignored */
  kind: string
  fromStatus: OrderStatus | null
  toStatus: OrderStatus | null
  /** "api", "webhook:<platform>", "run:<runId>:<nodeId>:<visit>", "operator:<name>" */
  source: string
  /** The source read as data, a run's with its workflow's and node's names. */
  origin?: HistoryOrigin
  /** What changed; a patched entry has `before` and `after` values of the changed fields. */
  detail?: Record<string, unknown>
}

/** GET /api/orders/:id */
export interface OrderDetailResponse {
  order: Order
  revision: number
  history: OrderHistoryEvent[]
  runs: RunSummary[]
}

/** POST /api/workflows/import → 201 */
export interface ImportResult { imported: Array<{ id: string; version: number | null; created: boolean }> }

export interface WorkflowList { items: WorkflowSummary[] }
export interface TemplateList { items: Template[] }

export type { FieldConflict } from '../../../engine/core/field-conflicts.ts'
export type { HistoryOrigin } from '../../../engine/http/routes/history-origin.ts'
export type { OrderRef } from '../../../engine/http/routes/run-names.ts'

import type { OrderRef } from '../../../engine/http/routes/run-names.ts'

/** One outside call (GET /api/integrations/log → entries): a connector's activity or a subscription's delivery. */
export interface IntegrationEntry {
  id: number
  at: string
  /** The node type (http.request, notify.email…), or subscription.webhook / subscription.rabbitmq for a delivery. */
  connector: string
  /** Where the call went, without secrets (scheme, host, path). */
  endpoint: string
  method: string | null
  statusCode: number | null
  latencyMs: number
  /** timeout | auth | 4xx | 5xx | network | error; null for a call that worked. */
  errorClass: string | null
  error: string | null
  attempt: number
  idempotencyKey: string
  runId: string | null
  nodeId: string | null
  orderId: string | null
  subscriptionId: string | null
  eventId: string | null
  workflowId?: string | null
  workflowName?: string | null
  nodeName?: string | null
  order?: OrderRef | null
  subscriptionName?: string | null
}

/** GET /api/integrations/log */
export interface IntegrationLogPage { entries: IntegrationEntry[]; nextCursor: string | null }

/** One connector's figures over one window (5m, 1h, 24h) ending now. */
export interface HealthWindow {
  window: string
  calls: number
  failed: number
  /** failed / calls, 0..1 */
  errorRate: number
  /** Failures by error class. */
  errors: Record<string, number>
  p50Ms: number | null
  p99Ms: number | null
}

/** One connector of GET /api/integrations/health. */
export interface ConnectorHealth {
  connector: string
  /** The node type's title by locale ({ en, 'zh-CN' }); empty for subscription deliveries. */
  title: Record<string, string>
  windows: HealthWindow[]
  lastAt: string | null
  lastFailure: { at: string; errorClass: string; error: string | null } | null
}

/** GET /api/integrations/health */
export interface IntegrationHealth { at: string; connectors: ConnectorHealth[] }

/** A node that names a secret, in a workflow's draft or its latest published version. */
export interface SecretUse { workflowId: string; workflowName: string; nodeId: string; nodeName: string | null; published: boolean }

/** A secret as the API shows it: never its value. */
export interface SecretInfo { name: string; createdAt: string; updatedAt: string; updatedBy: string; usedBy?: SecretUse[] }
/** A name flows use that nobody set yet. */
export interface MissingSecret { name: string; usedBy: SecretUse[] }

/** Where a subscription's events go; a RabbitMQ URL comes without its password. */
export interface SubscriptionTarget { kind: 'webhook' | 'rabbitmq'; url?: string; exchange?: string; routingKey?: string }

/** A subscription's backlog. */
export interface SubscriptionStats { pending: number; dead: number; oldestPendingAt: string | null; lastDeliveredAt: string | null }

/** GET /api/subscriptions → subscriptions[], GET /api/subscriptions/:id; POST answers with `secret` once. */
export interface Subscription {
  id: string
  name: string
  events: string[]
  filter: unknown
  target: SubscriptionTarget
  createdAt: string
  createdBy: string
  /** The webhook's signing secret (whsec_…): in the creating answer only. */
  secret?: string
  stats?: SubscriptionStats
}

/** An event a subscription could not deliver after every retry (GET /api/subscriptions/:id/dead-letters). */
export interface DeadLetter {
  id: number
  eventId: string
  kind: string
  orderId: string
  order: OrderRef | null
  revision: number
  attempts: number
  lastError: string | null
  lastStatus: number | null
  createdAt: string
  deadAt: string | null
  payload: unknown
}
