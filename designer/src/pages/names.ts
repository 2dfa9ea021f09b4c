/**
 * What operators read instead of ids: a workflow's name, a node's name, an order's platform and
 * platform order number, where an order history entry came from. Pure, over the API's shapes (a
 * run, an incident, an order history entry; an approval task has the same fields), so any page
 * names them the same way.
 */
import type { HistoryOrigin, OrderRef } from '../api/types.ts'
import { translateIfKnown, type Translate } from '../i18n/index.ts'

/** Anything that points at a workflow: a run, a task, a conflict. */
export interface WorkflowRef { workflowId: string; workflowName?: string | null }
/** Anything that points at a node: a step, an incident, a token, a task. */
export interface NodeRef { nodeId: string; nodeName?: string | null }

/** The workflow's name, or its id when it has none. */
export function workflowLabel(ref: WorkflowRef): string {
  return ref.workflowName?.trim() || ref.workflowId
}

/** The node's name, or its id when it has none. */
export function nodeLabel(ref: NodeRef): string {
  return ref.nodeName?.trim() || ref.nodeId
}

/** A platform's name in the reader's language ("抖音"), its code when the table has none. */
export function platformLabel(t: Translate, platform: string): string {
  return translateIfKnown(t, `pages.platform.${platform}`) ?? platform
}

/** "抖音 · 6931234567890123456"; the Ordo id when the order is not known by its number; "—" without an order. */
export function orderLabel(t: Translate, order: OrderRef | null | undefined, orderId?: string | null): string {
  if (order) return `${platformLabel(t, order.platform)} · ${order.platformOrderId}`
  return orderId ?? '—'
}

/** A name in the language's quotation marks: 「抖音大额订单 VIP 分流」, “Douyin VIP routing”. */
export function quoted(t: Translate, text: string): string {
  return t('names.quoted', { text })
}

/**
 * Where an order history entry came from: 工作流「抖音大额订单 VIP 分流」· 节点「分配 VIP 客服」 for a
 * run's step, "API（ops）" for an order sent through the API; the raw source text when unknown.
 */
export function originLabel(t: Translate, origin: HistoryOrigin | undefined, source: string): string {
  if (!origin) return source
  switch (origin.kind) {
    case 'run':
      return t('names.runOrigin', { workflow: origin.workflowName || origin.workflowId || origin.runId, node: origin.nodeName || origin.nodeId })
    case 'api':
      return origin.actor ? t('names.apiOrigin', { actor: origin.actor }) : t('names.apiOriginAnonymous')
    case 'operator':
      return t('names.operatorOrigin', { actor: origin.actor ?? '—' })
    case 'webhook':
      return t('names.webhookOrigin', { platform: origin.platform ? platformLabel(t, origin.platform) : '—' })
    case 'shop':
      return t(`names.shopOrigin.${origin.via}`, { platform: origin.platform ? platformLabel(t, origin.platform) : '—', shop: origin.shopName ?? origin.shopId })
    default:
      return source
  }
}

/** The ids behind a run origin, for a hover title: "run_… · vip-routing@1 · assign-vip #1". */
export function originIds(origin: HistoryOrigin | undefined, source: string): string {
  if (origin?.kind !== 'run') return source
  const workflow = origin.workflowId ? `${origin.workflowId}@${origin.version}` : null
  return [origin.runId, workflow, `${origin.nodeId} #${origin.visit}`].filter(Boolean).join(' · ')
}
