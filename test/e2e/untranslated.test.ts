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

  it('lets Chinese text, ids, numbers and words both languages share pass', () => {
    for (const text of ['从失败步骤重试', '订单事件：archived', '「抖音大额订单 VIP 分流」', 'douyin-vip-routing', 'run_01a2', '¥1,288.00', 'Ordo', 'SKU', 'JSON', 'v1', '—']) {
      expect(untranslatedReason(text), text).toBeNull()
    }
  })
})
