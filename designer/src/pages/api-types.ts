/** API answers the pages read that api/types.ts does not name (shapes from engine/http/routes/*.ts). */
import type { Order, RunSummary, Template, WorkflowSummary } from '../api/types.ts'
import type { Status as OrderStatus } from '../../../schemas/generated/order.ts'

/** One row of an order's history (GET /api/orders/:id → history). */
export interface OrderHistoryEvent {
  id?: number
  at: string
  revision?: number
  /** created | updated | status_changed | patched | stale_ignored */
  kind: string
  fromStatus: OrderStatus | null
  toStatus: OrderStatus | null
  /** "api", "webhook:<platform>", "run:<runId>:<nodeId>:<visit>", "operator:<name>" */
  source: string
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
