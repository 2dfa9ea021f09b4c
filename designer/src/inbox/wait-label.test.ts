import { describe, expect, it } from 'vitest'
import { describeWait, describeWaitInFull, describeWaitLabel, describeWaitParts, formatShortTime } from './wait-label.ts'

const SHANGHAI = 'Asia/Shanghai'
const NOW = Date.parse('2026-12-01T08:00:00.000Z')

describe('what a waiting token waits for, in the operator\'s language', () => {
  it('says a signal wait and until when, in the viewer\'s zone', () => {
    const wait = { label: 'signal address_confirmed', until: '2026-12-02T01:00:00.000Z' }
    expect(describeWait(wait, 'zh-CN', { now: NOW, timeZone: SHANGHAI })).toBe('等待信号 address_confirmed · 截止 12-02 09:00')
    expect(describeWait(wait, 'en', { now: NOW, timeZone: SHANGHAI })).toBe('waiting for signal address_confirmed · until Dec 2, 09:00')
    expect(describeWait(wait, 'en', { now: NOW, timeZone: 'UTC' })).toBe('waiting for signal address_confirmed · until Dec 2, 01:00')
  })

  it('translates every label pattern the engine produces', () => {
    const cases: Array<[string, string, string]> = [
      ['time', '等待定时', 'waiting for a set time'],
      ['order change', '等待订单变更', 'waiting for the order to change'],
      ['approval "退款超过 5,000 元"', '等待审批「退款超过 5,000 元」', 'waiting for approval “退款超过 5,000 元”'],
      ['approval "退款", level 1 of 2 (组长)', '等待审批「退款」，第 1/2 级（组长）', 'waiting for approval “退款”, level 1 of 2 (组长)'],
      ['approval "退款", level 2 of 2', '等待审批「退款」，第 2/2 级', 'waiting for approval “退款”, level 2 of 2'],
      ['escalation "补发超时", step 2 of 3', '等待升级「补发超时」，第 2/3 步', 'waiting on escalation “补发超时”, step 2 of 3'],
      ['finding orders', '正在查找订单', 'finding orders'],
      ['reserving stock', '正在预占库存', 'reserving stock'],
      ['releasing stock', '正在释放库存', 'releasing stock'],
      ['syncing stock', '正在排队推送库存到店铺', 'queuing stock pushes to the shops'],
      ['12 runs of status-sync-recheck', '等待 status-sync-recheck 的 12 个运行', 'waiting for 12 runs of status-sync-recheck'],
      ['sub-workflow address-exception-hold', '等待子流程 address-exception-hold', 'waiting for sub-workflow address-exception-hold'],
    ]
    for (const [label, zh, en] of cases) {
      expect(describeWaitLabel(label, 'zh-CN')).toBe(zh)
      expect(describeWaitLabel(label, 'en')).toBe(en)
    }
  })

  it('keeps a title that holds quotes or a level name in brackets whole', () => {
    expect(describeWaitLabel('approval "say "yes"", level 1 of 2 (组长 (A))', 'en')).toBe('waiting for approval “say "yes"”, level 1 of 2 (组长 (A))')
  })

  it('names a child flow by its workflow\'s name when it is known', () => {
    const names = { workflowName: (id: string) => (id === 'status-sync-recheck' ? '状态同步复查' : null) }
    expect(describeWaitLabel('3 runs of status-sync-recheck', 'zh-CN', names)).toBe('等待 状态同步复查 的 3 个运行')
    expect(describeWaitLabel('sub-workflow other', 'zh-CN', names)).toBe('等待子流程 other')
  })

  it('shows a label it does not know as it comes, still saying it waits', () => {
    expect(describeWaitLabel('the moon', 'zh-CN')).toBe('等待：the moon')
    expect(describeWaitLabel('the moon', 'en')).toBe('waiting: the moon')
  })

  it('leaves out "until" for a wait without an end, and shows the year of another year', () => {
    expect(describeWait({ label: 'order change', until: null }, 'zh-CN')).toBe('等待订单变更')
    expect(formatShortTime('2027-01-05T01:00:00.000Z', 'zh-CN', NOW, SHANGHAI)).toBe('2027-01-05 09:00')
    expect(formatShortTime('2027-01-05T01:00:00.000Z', 'en', NOW, SHANGHAI)).toBe('Jan 5, 2027, 09:00')
  })

  it('parts what from until, for a card that cuts the first and never the second', () => {
    expect(describeWaitParts({ label: 'signal address_confirmed', until: '2026-12-02T01:00:00.000Z' }, 'zh-CN', { now: NOW, timeZone: SHANGHAI }))
      .toEqual({ what: '等待信号 address_confirmed', until: '截止 12-02 09:00' })
    expect(describeWaitParts({ label: 'time', until: null }, 'en')).toEqual({ what: 'waiting for a set time', until: null })
  })

  it('has a short form for a card, whose badge already says it waits', () => {
    const wait = { label: 'signal address_confirmed', until: '2026-12-02T01:00:00.000Z' }
    expect(describeWait(wait, 'zh-CN', { now: NOW, timeZone: SHANGHAI, short: true })).toBe('信号 address_confirmed · 截止 12-02 09:00')
    expect(describeWait(wait, 'en', { now: NOW, timeZone: SHANGHAI, short: true })).toBe('signal address_confirmed · until Dec 2, 09:00')
    expect(describeWaitLabel('approval "退款", level 1 of 2 (组长)', 'zh-CN', { short: true })).toBe('审批「退款」1/2（组长）')
    expect(describeWaitLabel('the moon', 'en', { short: true })).toBe('the moon')
  })

  it('gives the tooltip what, since and until, one per line', () => {
    const wait = { label: 'signal address_confirmed', since: '2026-12-01T13:00:00.000Z', until: '2026-12-02T01:00:00.000Z' }
    expect(describeWaitInFull(wait, 'zh-CN', { now: NOW, timeZone: SHANGHAI })).toBe('等待信号 address_confirmed\n自 12-01 21:00 起\n截止 12-02 09:00')
  })
})
