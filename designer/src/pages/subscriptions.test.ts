import { describe, expect, it } from 'vitest'
import { SUBSCRIBABLE_KINDS as ENGINE_KINDS } from '../../../engine/store/sqlite/sqlite-outbox.ts'
import { format, type Locale } from '../i18n/messages.ts'
import type { Translate } from '../i18n/index.ts'
import {
  amqpUrl, deadLetterSummary, deliveryError, draftProblems, EMPTY_DRAFT, eventKindLabel, REPLAY_BATCH, replayBatches, SUBSCRIBABLE_KINDS, subscriptionBody, targetParts,
  type SubscriptionDraft,
} from './subscriptions.ts'

const tr = (locale: Locale): Translate => (key, params) => format(locale, key, params)
const draft = (over: Partial<SubscriptionDraft>): SubscriptionDraft => ({ ...EMPTY_DRAFT, name: 'ERP 订单同步', url: 'https://erp.example.com/ordo-events', ...over })

describe('the create form', () => {
  it('offers the event kinds the API accepts, each in words', () => {
    expect([...SUBSCRIBABLE_KINDS]).toEqual([...ENGINE_KINDS])
    expect(SUBSCRIBABLE_KINDS.map((k) => eventKindLabel(tr('zh-CN'), k))).toEqual(['订单新建', '订单状态变化', '订单更新', '流程修改订单'])
  })

  it('refuses what the API would refuse, field by field', () => {
    expect(draftProblems(draft({}))).toEqual({})
    expect(draftProblems(draft({ name: ' ', events: [], url: 'erp.example.com' }))).toEqual({
      name: 'subscriptions.problem.name', events: 'subscriptions.problem.events', url: 'subscriptions.problem.webhookUrl',
    })
    expect(draftProblems(draft({ kind: 'rabbitmq', url: 'https://mq', exchange: 'has space' }))).toEqual({
      url: 'subscriptions.problem.amqpUrl', exchange: 'subscriptions.problem.exchange',
    })
    expect(draftProblems(draft({ kind: 'rabbitmq', url: 'amqp://mq:5672/ordo', password: 'p', exchange: 'ordo.orders' }))).toEqual({ username: 'subscriptions.problem.username' })
    expect(draftProblems(draft({ kind: 'rabbitmq', url: 'amqp://ordo:p@mq:5672/ordo', password: 'p', exchange: 'ordo.orders' }))).toEqual({})
  })

  it('puts the broker\'s user and password into its URL, encoded, unless the URL has its own', () => {
    expect(amqpUrl('amqp://mq.internal:5672/ordo', 'ordo', 'p@ss:w/rd')).toBe('amqp://ordo:p%40ss%3Aw%2Frd@mq.internal:5672/ordo')
    expect(amqpUrl(' amqps://mq ', 'guest', '')).toBe('amqps://guest@mq')
    expect(amqpUrl('amqp://a:b@mq', 'ordo', 'x')).toBe('amqp://a:b@mq')
    expect(amqpUrl('amqp://mq', '', 'x')).toBe('amqp://mq')
  })

  it('sends the kinds in the API\'s order, the filter only when there is one, the routing key only when given', () => {
    expect(subscriptionBody(draft({ events: ['patched', 'created'] }))).toEqual({
      name: 'ERP 订单同步', events: ['created', 'patched'], target: { kind: 'webhook', url: 'https://erp.example.com/ordo-events' },
    })
    const rule = { '>': [{ var: 'order.totalAmount' }, 100000] }
    expect(subscriptionBody(draft({ kind: 'rabbitmq', url: 'amqp://mq/ordo', username: 'u', password: 'p', exchange: ' ordo.orders ', routingKey: '', filter: rule }))).toEqual({
      name: 'ERP 订单同步', events: ['created', 'status_changed'], filter: rule,
      target: { kind: 'rabbitmq', url: 'amqp://u:p@mq/ordo', exchange: 'ordo.orders' },
    })
  })
})

describe('a subscription as listed', () => {
  it('shows where it sends: a URL, or a broker with its exchange and routing key', () => {
    expect(targetParts({ kind: 'webhook', url: 'https://erp/x' })).toEqual({ url: 'https://erp/x' })
    expect(targetParts({ kind: 'rabbitmq', url: 'amqp://ordo:***@mq/ordo', exchange: 'ordo.orders' })).toEqual({ url: 'amqp://ordo:***@mq/ordo', exchange: 'ordo.orders', routingKey: undefined })
  })

  it('reads a dead letter\'s status move and the order\'s amount from what was sent', () => {
    expect(deadLetterSummary({ fromStatus: 'paid', toStatus: 'shipped', order: { totalAmount: 128800, currency: 'CNY' } })).toEqual({ fromStatus: 'paid', toStatus: 'shipped', amount: { minor: 128800, currency: 'CNY' } })
    expect(deadLetterSummary(null)).toEqual({ fromStatus: null, toStatus: null, amount: null })
    expect(deadLetterSummary({ order: { totalAmount: 1.5, currency: 'CNY' } }).amount).toBeNull()
  })

  it('reads a delivery\'s last error as its class and the rest', () => {
    expect(deliveryError('5xx: the receiver answered 500 (after 12 tries)')).toEqual({ errorClass: '5xx', message: 'the receiver answered 500', tries: 12 })
    expect(deliveryError('network: fetch failed: connect ECONNREFUSED 127.0.0.1:9')).toEqual({ errorClass: 'network', message: 'fetch failed: connect ECONNREFUSED 127.0.0.1:9', tries: null })
    expect(deliveryError('the subscription was deleted')).toEqual({ errorClass: null, message: 'the subscription was deleted', tries: null })
    expect(deliveryError(null)).toBeNull()
  })

  it('replays the chosen dead letters in batches the API takes, lowest id first', () => {
    expect(replayBatches([3, 1, 2, 3])).toEqual([{ ids: [1, 2, 3] }])
    expect(replayBatches([])).toEqual([])
    const many = replayBatches(Array.from({ length: REPLAY_BATCH + 5 }, (_, i) => i + 1))
    expect(many.map((b) => b.ids.length)).toEqual([REPLAY_BATCH, 5])
    expect(many[1]!.ids[0]).toBe(REPLAY_BATCH + 1)
  })
})
