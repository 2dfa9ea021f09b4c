/**
 * What the inbox browser test works with: a refund flow whose approval has a form, a required comment
 * and a deadline, beside a wait for the buyer's address confirmation; the orders that start it; and a
 * finder of English labels left on a zh-CN page.
 */
import { sampleOrder } from '../harness.ts'
import { MESSAGES, type MessageKey } from '../../designer/src/i18n/messages.ts'

/** The flow's id. */
export const FLOW_ID = 'refund-approval-e2e'
/** The approver the task is for, and one it is not for. */
export const ASSIGNEE = 'approver-li'
export const OUTSIDER = 'approver-zhao'

/** A refund above 5,000 yuan needs approver-li, with the amount to refund (in yuan on screen, fen stored) and a reason; meanwhile the buyer confirms the address. */
export const refundFlow = {
  id: FLOW_ID, name: '大额退款审批（e2e）',
  nodes: [
    { id: 'start', type: 'trigger.order-event', name: '大额订单', position: { x: 0, y: 0 }, config: { events: ['created'], filter: { '>': [{ var: 'order.totalAmount' }, 500000] } } },
    { id: 'split', type: 'flow.parallel', name: '同时进行', position: { x: 0, y: 130 } },
    {
      id: 'approve', type: 'human.approval', name: '退款审批', position: { x: -150, y: 260 },
      config: {
        title: '退款超过 5,000 元', assignees: { users: [ASSIGNEE] }, deadline: 'PT8H', reminders: { every: 'PT2H' },
        commentRequired: true, priority: 'high', resultVariable: 'refund',
        form: {
          type: 'object', required: ['refundFen', 'reason'],
          properties: {
            refundFen: { type: 'integer', minimum: 1, title: 'Refund amount', description: 'In yuan; at most the order amount.', $comment: 'money' },
            reason: { type: 'string', enum: ['damaged', 'late', 'other'], title: 'Reason' },
          },
          i18n: {
            'zh-CN': { fields: { '/refundFen': { title: '退款金额', description: '按元填写，不超过订单金额。' }, '/reason': { title: '退款原因', enum: { damaged: '商品破损', late: '发货超时', other: '其他' } } } },
            en: { fields: { '/reason': { enum: { damaged: 'Damaged goods', late: 'Shipped late', other: 'Other' } } } },
          },
        },
      },
    },
    { id: 'confirm', type: 'time.wait', name: '等待买家确认地址', position: { x: 150, y: 260 }, config: { signal: 'address_confirmed', timeout: 'PT24H' } },
    { id: 'ok', type: 'order.tag', name: '标记退款已批准', position: { x: -420, y: 410 }, config: { add: ['refund-approved'] } },
    { id: 'no', type: 'order.tag', name: '标记退款已驳回', position: { x: -150, y: 410 }, config: { add: ['refund-rejected'] } },
    { id: 'late', type: 'order.tag', name: '标记审批超时', position: { x: 120, y: 410 }, config: { add: ['refund-timeout'] } },
    { id: 'confirmed', type: 'order.tag', name: '标记地址已确认', position: { x: 390, y: 410 }, config: { add: ['address-confirmed'] } },
  ],
  edges: [
    { id: 'e-start-split', source: 'start', target: 'split' },
    { id: 'e-split-approve', source: 'split', target: 'approve' },
    { id: 'e-split-confirm', source: 'split', target: 'confirm' },
    { id: 'e-approve-ok', source: 'approve', sourceHandle: 'approved', target: 'ok' },
    { id: 'e-approve-no', source: 'approve', sourceHandle: 'rejected', target: 'no' },
    { id: 'e-approve-late', source: 'approve', sourceHandle: 'timeout', target: 'late' },
    { id: 'e-confirm-confirmed', source: 'confirm', sourceHandle: 'done', target: 'confirmed' },
  ],
}

/** A refund order above the threshold: a Chinese customer and address, one item. */
export function refundOrder(platformOrderId: string) {
  return sampleOrder({
    platform: 'douyin', platformOrderId, totalAmount: 650000,
    items: [{ sku: 'TV-55-4K', title: '55 英寸 4K 电视', quantity: 1, unitPrice: 650000 }],
    customer: { id: 'c-88', name: '王小明', phone: '139****8888' },
    shippingAddress: { country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路', detail: '100 号 2 单元 501' },
    createdAt: '2026-12-01T09:00:00+08:00', updatedAt: '2026-12-01T09:00:00+08:00',
  })
}

/**
 * The English labels of the designer that are left on a zh-CN page: every message whose two languages
 * differ, looked for by its longest literal part (the text between its {params}) when that reads as a
 * label: several words, or one capitalised word of 4 letters or more (a lower-case single word such as
 * "operator" is as likely a user's name).
 */
export function englishLeftIn(text: string): string[] {
  const left = new Set<string>()
  for (const key of Object.keys(MESSAGES.en) as MessageKey[]) {
    const en = MESSAGES.en[key]
    if (en === MESSAGES['zh-CN'][key]) continue
    const literal = en.split(/\{\w+\}/).map((s) => s.trim()).sort((a, b) => b.length - a.length)[0]
    // Short words ("ID", "API", "Tag") are too often part of data or of another word.
    if (literal.length < 4 || !/[A-Za-z]{3}/.test(literal) || !(/\s/.test(literal) || /^[A-Z]/.test(literal))) continue
    if (new RegExp(`(^|[^A-Za-z])${literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z])`).test(text)) left.add(`${key}: ${literal}`)
  }
  return [...left]
}
