import { describe, expect, it } from 'vitest'
import { untranslatedReason } from './untranslated.ts'

describe('finding untranslated text on a zh-CN page', () => {
  it('names an English message whose zh-CN text differs, placeholders and all', () => {
    expect(untranslatedReason('Retry from failed step')).toMatch(/pages\.retry\.button/)
    expect(untranslatedReason('  Failed at node “计算每份金额”  ')).toBeNull()
    expect(untranslatedReason('Failed at node “share”')).toMatch(/pages\.incidents\.failedAt/)
    expect(untranslatedReason('3 nodes')).toMatch(/pages\.templates\.nodes/)
  })

  it('names a raw message key, known or not', () => {
    expect(untranslatedReason('pages.historyKind.created')).toMatch(/raw message key/)
    expect(untranslatedReason('pages.historyKind.archived')).toMatch(/raw message key/)
  })

  it('names a value the tables translate, left raw in a Chinese sentence', () => {
    expect(untranslatedReason('订单事件：created')).toMatch(/untranslated value "created" in pages\.trigger\.orderEventNamed/)
    expect(untranslatedReason('douyin推送')).toMatch(/untranslated value "douyin"/)
  })

  it('names an engine reason the designer translates, shown as the engine said it', () => {
    expect(untranslatedReason('division by zero or arithmetic on a non-number in rule')).toMatch(/engine reason left in English/)
    expect(untranslatedReason('cannot move order from shipped to paid')).toMatch(/engine reason left in English/)
    // One the designer has no words for is shown as it comes, and is no gap.
    expect(untranslatedReason('something new went wrong')).toBeNull()
  })

  it('lets Chinese text, ids, numbers and words both languages share pass', () => {
    for (const text of ['从失败步骤重试', '订单事件：archived', '「抖音大额订单 VIP 分流」', 'douyin-vip-routing', 'run_01a2', '¥1,288.00', 'Ordo', 'SKU', 'JSON', 'v1', '—']) {
      expect(untranslatedReason(text), text).toBeNull()
    }
  })
})
