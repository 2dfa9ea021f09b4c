/**
 * The names operators read instead of ids: a workflow's name, a node's name in the version a run is
 * pinned to, an order's platform and platform order number. Looked up once per request and cached
 * for it, so a page of a hundred runs of three workflows reads three workflows, not a hundred.
 */
import type { WorkflowDefinition } from '../../../schemas/generated/workflow.ts'
import type { Store } from '../../store/store.ts'

/** An order as operators know it. */
export interface OrderRef { platform: string; platformOrderId: string }

/** Per-request name lookups over the store; every lookup of one key reads the store once. */
export class RunNames {
  private readonly workflows = new Map<string, Promise<string | null>>()
  private readonly versions = new Map<string, Promise<WorkflowDefinition | null>>()
  private readonly orders = new Map<string, Promise<OrderRef | null>>()
  private readonly runs = new Map<string, Promise<{ workflowId: string; version: number } | null>>()
  private readonly shops = new Map<string, Promise<{ name: string; platform: string } | null>>()

  constructor(private readonly store: Store) {}

  /** The workflow's current name; null when there is no such workflow. */
  workflowName(workflowId: string): Promise<string | null> {
    return once(this.workflows, workflowId, async () => (await this.store.getWorkflow(workflowId))?.name ?? null)
  }

  /** The name of `nodeId` in version `version` of the workflow; null when the node has none (or the version is gone). */
  async nodeName(workflowId: string, version: number, nodeId: string): Promise<string | null> {
    const def = await once(this.versions, `${workflowId}@${version}`, async () => (await this.store.getVersion(workflowId, version))?.definition ?? null)
    return def?.nodes.find((n) => n.id === nodeId)?.name ?? null
  }

  /** The workflow and version a run is pinned to; null when the run is gone (pruned after the retention period). */
  runVersion(runId: string): Promise<{ workflowId: string; version: number } | null> {
    return once(this.runs, runId, async () => {
      const row = await this.store.getRun(runId)
      return row ? { workflowId: row.state.workflowId, version: row.state.version } : null
    })
  }

  /** A shop's name and platform; null when the shop is gone (deleted). */
  shop(shopId: string): Promise<{ name: string; platform: string } | null> {
    return once(this.shops, shopId, async () => {
      const row = await this.store.getShop(shopId)
      return row ? { name: row.name, platform: row.platform } : null
    })
  }

  /** The order's platform and platform order number; null without an order id or when the order is gone. */
  order(orderId: string | null): Promise<OrderRef | null> {
    if (!orderId) return Promise.resolve(null)
    return once(this.orders, orderId, async () => {
      const stored = await this.store.getOrder(orderId)
      return stored ? { platform: stored.order.platform, platformOrderId: stored.order.platformOrderId } : null
    })
  }
}

function once<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let hit = cache.get(key)
  if (!hit) {
    hit = load()
    cache.set(key, hit)
  }
  return hit
}
