/**
 * A draft with one node of every built-in node type (the engine's and the built-in connectors'),
 * each configured as an operator would save it: the required fields and a few optional ones, and
 * none of the fields whose schema gives a default (an approval without a priority, a for-each
 * without a concurrency, an HTTP call without a method, an IM channel without a message type), so
 * that a config form filling in its defaults shows up as a change. An approval and an escalation
 * send through a channel, so the channel's own connector form is drawn too.
 *
 * A workflow has one trigger: the manual and the scheduled trigger are the second and third one,
 * which validation reports (and nothing else). Used by the designer's config-form test and the
 * editor's browser test.
 */
import { builtinNodes } from '../../engine/nodes/index.ts'
import { builtinConnectors } from '../../connectors/index.ts'
import { defaultPort, outputPorts } from '../../engine/core/node-ports.ts'
import type { Edge, Node, WorkflowDefinition } from '../../schemas/generated/workflow.ts'

/** The flow's id. */
export const EVERY_NODE_FLOW_ID = 'every-node-type'

const big = { '>': [{ var: 'order.totalAmount' }, 500000] }

/** Node id, type and config (none: no `config` key at all), in the order the run would take them. */
const NODES: Array<[id: string, type: string, config?: Record<string, unknown>]> = [
  ['start', 'trigger.order-event', { events: ['created'], filter: big }],
  ['is-big', 'rule.condition', { rule: big }],
  ['by-platform', 'rule.switch', { cases: [{ port: 'taobao', title: '淘宝/天猫', rule: { '==': [{ var: 'order.platform' }, 'taobao'] } }] }],
  ['set-vars', 'rule.set', { variables: { big } }],
  ['classify', 'rule.classify-exception', { rules: [{ type: 'address', when: { '!': [{ var: 'order.shippingAddress.detail' }] }, reason: '地址不全' }] }],
  ['to-paid', 'order.update-status', { status: 'paid' }],
  ['tag', 'order.tag', { add: ['vip'] }],
  ['hold', 'order.hold', { pool: 'risk', reason: '人工复核' }],
  ['assign', 'order.assign', { team: 'vip-service' }],
  ['find', 'order.find', { status: ['paid'], staleFor: 'PT1H' }],
  ['split', 'flow.parallel'],
  ['join', 'flow.join'],
  ['each', 'flow.for-each', { workflowId: 'child-flow' }],
  ['call', 'flow.sub-workflow', { workflowId: 'child-flow' }],
  ['wait', 'time.wait', { for: 'PT2H' }],
  ['escalate', 'time.escalate', {
    title: '订单卡在复核', steps: [{ after: 'PT2H', notify: { roles: ['operator'] } }],
    channels: [{ via: 'notify.email', config: { host: 'smtp.example.com', from: 'ops@example.com', to: ['lead@example.com'] } }],
  }],
  ['approve', 'human.approval', {
    title: '退款超过 5,000 元', assignees: { roles: ['operator'] }, deadline: 'PT8H',
    channels: [{ via: 'notify.im', config: { platform: 'dingtalk', webhook: 'dingtalk-robot' } }],
  }],
  ['wms', 'http.request', { url: 'https://wms.example.com/ship', body: { no: '{{order.platformOrderId}}' } }],
  ['mail', 'notify.email', { host: 'smtp.example.com', from: 'service@example.com', to: ['{{order.customer.email}}'] }],
  ['im', 'notify.im', { platform: 'dingtalk', webhook: 'dingtalk-robot' }],
  ['sms', 'notify.sms', { provider: 'generic', endpoint: 'https://sms.example.com/send', signingSecret: 'sms-gateway', text: '您的订单 {{order.platformOrderId}} 已发货' }],
  ['pull', 'platform.pull-orders', {}],
  ['mq', 'publish.rabbitmq', { url: 'amqp-url', exchange: 'orders' }],
  ['hook', 'publish.webhook', { url: 'https://hooks.example.com/ordo', signingSecret: 'hook-secret' }],
  ['ship', 'platform.ship-notice', { carrier: 'sf', trackingNumber: '{{vars.trackingNumber}}' }],
  ['stock', 'platform.update-stock', { sku: 'CUP-500-WHT', quantity: '25' }],
  ['reserve', 'inventory.reserve', {}],
  ['release', 'inventory.release', { sku: 'CUP-500-WHT' }],
  ['stock-sync', 'inventory.sync', { skus: ['CUP-500-WHT'] }],
  ['end', 'flow.end', { outcome: 'done' }],
  ['manual', 'trigger.manual', {}],
  ['schedule', 'trigger.schedule', { cron: '*/5 * * * *' }],
]

const manifests = new Map([...builtinNodes, ...builtinConnectors].map((m) => [m.manifest.type, m.manifest]))

/** The draft: the nodes in a grid of four columns, each run node into the next through its first port. */
export function everyNodeFlow(): WorkflowDefinition {
  const nodes: Node[] = NODES.map(([id, type, config], i) => ({
    id, type, name: `${type}`, position: { x: (i % 4) * 300, y: Math.floor(i / 4) * 170 },
    ...(config ? { config: structuredClone(config) } : {}),
  }))
  const run = nodes.filter((n) => n.type !== 'trigger.manual' && n.type !== 'trigger.schedule')
  const edges: Edge[] = run.slice(1).map((n, i) => {
    const from = run[i]
    const manifest = manifests.get(from.type)!
    const port = defaultPort(manifest, from.config) ?? outputPorts(manifest, from.config)[0]
    return { id: `e-${from.id}-${n.id}`, source: from.id, sourceHandle: port, target: n.id }
  })
  return { id: EVERY_NODE_FLOW_ID, name: '每种节点', nodes, edges }
}

/** Every built-in node type, to check that the flow has them all. */
export const BUILTIN_NODE_TYPES = [...manifests.keys()]
