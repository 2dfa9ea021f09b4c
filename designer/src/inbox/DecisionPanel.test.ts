import { describe, expect, it, vi } from 'vitest'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import type { Task } from './types.ts'

function task(over: Partial<Task> = {}): Task {
  return {
    id: 'tsk_1', runId: 'run_1', workflowId: 'refund-approval', orderId: 'ord_1', nodeId: 'approve', title: '退款超过 5,000 元', status: 'open',
    priority: 'high', assignees: { users: ['lead-li'], roles: [] }, level: 1, levelName: '组长', quorum: { kind: 'any' },
    form: { type: 'object', properties: { refundFen: { type: 'integer', title: 'Refund', $comment: 'money' } }, i18n: { 'zh-CN': { fields: { '/refundFen': { title: '退款金额' } } } } },
    commentRequired: true, dueAt: null, createdAt: '2026-12-01T08:00:00.000Z', completedAt: null, completedBy: null, decision: null,
    comment: null, data: null, claimedBy: null, votes: [], workflowName: '大额退款审批', nodeName: '退款审批',
    order: { platform: 'douyin', platformOrderId: '6931', totalAmount: 650000, currency: 'CNY', status: 'paid' }, mayAct: true, ...over,
  }
}

/** Server-rendered markup in `locale` (read by the locale store from storage when the module loads). */
async function render(t: Task, locale: 'en' | 'zh-CN' = 'zh-CN'): Promise<string> {
  vi.resetModules()
  vi.stubGlobal('localStorage', { getItem: () => locale, setItem: () => {} })
  try {
    const { DecisionPanel } = await import('./DecisionPanel.tsx')
    return renderToStaticMarkup(createElement(DecisionPanel, { task: t, onChanged: () => {}, onStale: () => {} }))
  } finally {
    vi.unstubAllGlobals()
  }
}

describe('the decision panel (server-rendered markup)', () => {
  it('offers the form, the comment and approve / reject / claim to someone who may act', async () => {
    const html = await render(task())
    expect(html).toContain('data-testid="approve"')
    expect(html).toContain('data-testid="reject"')
    expect(html).toContain('data-testid="claim"')
    expect(html).toContain('审批意见（必填）')
    expect(html).toContain('退款金额')
    expect(html).not.toContain('Refund')
  })

  it('offers no buttons to someone who may not act, and says why', async () => {
    const html = await render(task({ mayAct: false }))
    expect(html).not.toContain('data-testid="approve"')
    expect(html).not.toContain('data-testid="reject"')
    expect(html).not.toContain('data-testid="claim"')
    expect(html).not.toContain('data-testid="task-form"')
    expect(html).toContain('你不是此任务的审批人')
  })

  it('shows a decided task\'s outcome with its comment and answers instead of the form', async () => {
    const html = await render(task({ status: 'completed', decision: 'approve', completedBy: ['lead-li'], completedAt: '2026-12-01T09:00:00.000Z', comment: '同意', data: { refundFen: 650000 } }), 'en')
    expect(html).toContain('data-testid="task-outcome"')
    expect(html).toContain('Approved by lead-li')
    expect(html).toContain('同意')
    expect(html).toContain('CN¥6,500.00')
    expect(html).not.toContain('data-testid="approve"')
  })
})
