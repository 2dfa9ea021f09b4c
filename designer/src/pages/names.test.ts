import { describe, expect, it } from 'vitest'
import { format, type Locale } from '../i18n/messages.ts'
import type { Translate } from '../i18n/index.ts'
import { nodeLabel, orderLabel, originIds, originLabel, workflowLabel } from './names.ts'
import { fieldValueText, orderEventLabel, orderFieldLabel } from './order-terms.ts'
import { historyChanges } from './history-changes.ts'

const tr = (locale: Locale): Translate => (key, params) => format(locale, key, params)
const zh = tr('zh-CN')
const en = tr('en')

const runOrigin = {
  kind: 'run' as const, runId: 'run_01', workflowId: 'douyin-vip-routing', workflowName: '抖音大额订单 VIP 分流', version: 2,
  nodeId: 'assign-vip', nodeName: '分配 VIP 客服', visit: 1,
}

describe('names instead of ids', () => {
  it('calls workflows and nodes by their names, by their ids when they have none', () => {
    expect(workflowLabel({ workflowId: 'vip', workflowName: '抖音大额订单 VIP 分流' })).toBe('抖音大额订单 VIP 分流')
    expect(workflowLabel({ workflowId: 'vip', workflowName: null })).toBe('vip')
    expect(nodeLabel({ nodeId: 'assign-vip', nodeName: ' ' })).toBe('assign-vip')
  })

  it('calls an order by its platform and the platform\'s order number', () => {
    expect(orderLabel(zh, { platform: 'douyin', platformOrderId: '6931234567890123456' })).toBe('抖音 · 6931234567890123456')
    expect(orderLabel(en, { platform: 'jd', platformOrderId: '30001' })).toBe('JD · 30001')
    expect(orderLabel(zh, null, 'ord_1')).toBe('ord_1')
    expect(orderLabel(zh, null)).toBe('—')
  })

  it('says which workflow and node made a history entry, in the reader\'s language', () => {
    expect(originLabel(zh, runOrigin, 'run:run_01:assign-vip:1')).toBe('工作流「抖音大额订单 VIP 分流」· 节点「分配 VIP 客服」')
    expect(originLabel(en, runOrigin, 'run:run_01:assign-vip:1')).toBe('Workflow “抖音大额订单 VIP 分流” · node “分配 VIP 客服”')
    expect(originIds(runOrigin, '')).toBe('run_01 · douyin-vip-routing@2 · assign-vip #1')
    // A pruned run keeps what its source says.
    expect(originLabel(zh, { ...runOrigin, workflowId: null, workflowName: null, version: null, nodeName: null }, '')).toBe('工作流「run_01」· 节点「assign-vip」')
    expect(originLabel(zh, { kind: 'api', actor: 'ops' }, 'api:ops')).toBe('API（ops）')
    expect(originLabel(zh, { kind: 'webhook', platform: 'douyin' }, 'webhook:douyin')).toBe('抖音推送')
    expect(originLabel(zh, undefined, 'run:x:y:1')).toBe('run:x:y:1')
    const shop = { kind: 'shop' as const, shopId: 'shop_01', via: 'push' as const, shopName: '抖音旗舰店', platform: 'douyin' }
    expect(originLabel(zh, shop, 'shop:shop_01:push')).toBe('抖音店铺「抖音旗舰店」推送')
    expect(originLabel(en, { ...shop, via: 'pull' }, 'shop:shop_01:pull')).toBe('Pulled from Douyin shop “抖音旗舰店”')
    // A deleted shop is still named by its id.
    expect(originLabel(zh, { ...shop, via: 'replay', shopName: null, platform: null }, 'shop:shop_01:replay')).toBe('—店铺「shop_01」推送重放')
  })
})

describe('order events and fields in words', () => {
  it('names events, fields and values in zh-CN', () => {
    expect(orderEventLabel(zh, 'created')).toBe('订单新建')
    expect(orderEventLabel(zh, 'archived')).toBe('archived')
    expect(orderFieldLabel(zh, 'assignedTeam')).toBe('团队')
    expect(orderFieldLabel(zh, 'holds', 'address-check')).toBe('挂起（address-check 池）')
    expect(fieldValueText(zh, 'status', 'shipped')).toBe('已发货')
    expect(fieldValueText(zh, 'holds', 'release')).toBe('解除挂起')
    expect(fieldValueText(zh, 'assignedTeam', null)).toBe('—')
    expect(fieldValueText(zh, 'exception', { type: 'address', reason: 'x' })).toBe('地址异常')
  })
})

describe('what a history entry changed', () => {
  it('reads field moves, tags and holds from a patched entry\'s before and after', () => {
    expect(historyChanges({
      changed: ['status', 'tags', 'assignedTeam', 'holds'],
      before: { status: 'paid', tags: ['new'], assignedTeam: 'customer-service', holds: [{ pool: 'risk', at: 'x' }] },
      after: { status: 'shipped', tags: ['new', 'vip'], assignedTeam: 'vip-service', holds: [{ pool: 'address-check', reason: '确认地址', at: 'y' }] },
    })).toEqual([
      { field: 'tags', kind: 'tags', added: ['vip'], removed: [] },
      { field: 'assignedTeam', kind: 'value', from: 'customer-service', to: 'vip-service' },
      { field: 'holds', kind: 'holds', added: [{ pool: 'address-check', reason: '确认地址' }], released: ['risk'] },
    ])
  })

  it('has nothing to say for an entry recorded without values', () => {
    expect(historyChanges({ changed: ['tags'] })).toEqual([])
    expect(historyChanges(undefined)).toEqual([])
  })
})
