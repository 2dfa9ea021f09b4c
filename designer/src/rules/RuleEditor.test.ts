import { describe, expect, it, vi } from 'vitest'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'

const douyinRule = { and: [{ '==': [{ var: 'order.platform' }, 'douyin'] }, { '>': [{ var: 'order.totalAmount' }, 100000] }] }

/** Server-rendered markup; server rendering reads the locale store's initial state, so it starts from a saved locale. */
async function render(value: unknown, locale: 'en' | 'zh-CN' = 'en'): Promise<string> {
  vi.resetModules()
  vi.stubGlobal('localStorage', { getItem: () => locale, setItem: () => {} })
  try {
    const { RuleEditor } = await import('./RuleEditor.tsx')
    return renderToStaticMarkup(createElement(RuleEditor, { value, onChange: () => {}, path: 'ordo://rules/test/rule.json' }))
  } finally {
    vi.unstubAllGlobals()
  }
}

describe('RuleEditor (server-rendered markup)', () => {
  it('opens a rule the builder can show in the builder, with labelled controls', async () => {
    const html = await render(douyinRule)
    expect(html).toContain('data-testid="rule-tab-builder"')
    expect(html).toContain('data-testid="rule-tab-json"')
    expect(html).toContain('data-testid="rule-tab-try"')
    expect(html).toMatch(/role="tab"[^>]*aria-selected="true"[^>]*data-testid="rule-tab-builder"/)
    expect(html).toContain('title="Field"')
    expect(html).toContain('title="Operator"')
    expect(html).toContain('order.totalAmount')
    expect(html).not.toContain('too advanced')
  })

  it('labels operators and controls in Chinese when the locale is zh-CN', async () => {
    const html = await render(douyinRule, 'zh-CN')
    expect(html).toContain('等于')
    expect(html).toContain('大于')
    expect(html).toContain('title="字段"')
    expect(html).toContain('+ 条件')
  })

  it('shows a rule too advanced for the builder in JSON only, with a notice', async () => {
    const html = await render({ '>': [{ '+': [{ var: 'order.totalAmount' }, 1] }, 2] })
    expect(html).toContain('too advanced for the builder')
    expect(html).toMatch(/disabled=""[^>]*data-testid="rule-tab-builder"/)
    expect(html).toMatch(/aria-selected="true"[^>]*data-testid="rule-tab-json"/)
    expect(html).not.toContain('queryBuilder')
  })

  it('explains minor units only when a condition reads an amount', async () => {
    expect(await render(douyinRule)).toContain('data-testid="rule-amount-hint"')
    expect(await render({ '==': [{ var: 'order.platform' }, 'douyin'] })).not.toContain('data-testid="rule-amount-hint"')
    expect(await render(undefined)).not.toContain('data-testid="rule-amount-hint"')
  })

  it('shows an amount in yuan with its unit, and echoes what the rule keeps in fen', async () => {
    const zh = await render(douyinRule, 'zh-CN')
    expect(zh).toMatch(/<input[^>]*value="1000.00"/)
    expect(zh).not.toMatch(/<input[^>]*value="100000"/)
    expect(zh).toContain('元</span>')
    expect(zh).toContain('订单金额 大于 ¥1,000.00（规则中存为 100000 分）')
    expect(await render(douyinRule)).toContain('Total amount &gt; CN¥1,000.00 (kept in the rule as 100000 minor units)')
  })

  it('starts an unwritten rule as an empty builder', async () => {
    const html = await render(undefined)
    expect(html).toContain('queryBuilder')
    expect(html).toContain('No conditions')
  })
})
