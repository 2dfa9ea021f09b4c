import { describe, expect, it } from 'vitest'
import { builtinNodes } from '../../../engine/nodes/index.ts'
import { builtinConnectors } from '../../../connectors/index.ts'
import { format, type Locale } from '../i18n/messages.ts'
import type { Translate } from '../i18n/index.ts'
import type { ConnectorHealth, HealthWindow } from '../api/types.ts'
import {
  callLine, connectorTitle, ERROR_CLASSES, errorClassLabel, formatRate, hasLogFilters, logFiltersFrom, logUrl, rateLevel, sortHealth, windowCells,
} from './integrations.ts'

const tr = (locale: Locale): Translate => (key, params) => format(locale, key, params)
const zh = tr('zh-CN')
const en = tr('en')
const manifests = [...builtinNodes, ...builtinConnectors].map((m) => m.manifest)

const window = (over: Partial<HealthWindow> = {}): HealthWindow => ({ window: '5m', calls: 0, failed: 0, errorRate: 0, errors: {}, p50Ms: null, p99Ms: null, ...over })

describe('the integration log\'s filters', () => {
  it('reads them from the URL, leaving out an unknown outcome and a value the API would refuse', () => {
    const params = new URLSearchParams({ connector: 'http.request', outcome: '5xx', orderId: ' ord_1 ', runId: 'x'.repeat(129), junk: '1' })
    expect(logFiltersFrom(params)).toEqual({ connector: 'http.request', outcome: '5xx', orderId: 'ord_1' })
    expect(logFiltersFrom(new URLSearchParams({ outcome: 'broken' }))).toEqual({})
    expect(hasLogFilters({})).toBe(false)
    expect(hasLogFilters({ runId: 'run_1' })).toBe(true)
  })

  it('asks the API for one page with the filters, the page size and the cursor', () => {
    expect(logUrl({}, 100, null)).toBe('/api/integrations/log?limit=100')
    expect(logUrl({ runId: 'run_1', outcome: 'failed', subscriptionId: 'sub 1' }, 50, 'abc=')).toBe('/api/integrations/log?outcome=failed&runId=run_1&subscriptionId=sub+1&limit=50&cursor=abc%3D')
  })

  it('offers the error classes the API filters by', () => {
    expect([...ERROR_CLASSES]).toEqual(['timeout', 'auth', '4xx', '5xx', 'network', 'error'])
    for (const cls of ERROR_CLASSES) {
      expect(errorClassLabel(zh, cls)).not.toBe(cls)
      expect(errorClassLabel(en, cls)).not.toBe(cls)
    }
    expect(errorClassLabel(zh, '5xx')).toBe('服务端错误（5xx）')
    expect(errorClassLabel(zh, 'quota')).toBe('quota')
  })
})

describe('a health window as the table shows it', () => {
  it('gives calls, the error rate and p50 / p99, with failures by class, most first', () => {
    const cells = windowCells(window({ calls: 1234, failed: 3, errorRate: 3 / 1234, errors: { timeout: 1, '5xx': 2 }, p50Ms: 42, p99Ms: 1800 }), 'en')
    expect(cells).toEqual({ calls: '1,234', rate: '0.2%', level: 'warn', latency: '42 ms / 1.8 s', errors: [['5xx', 2], ['timeout', 1]] })
  })

  it('says nothing it does not know: a window without calls has no rate or latency', () => {
    expect(windowCells(window(), 'zh-CN')).toEqual({ calls: '0', rate: '—', level: 'idle', latency: '—', errors: [] })
    expect(windowCells(undefined, 'en').rate).toBe('—')
  })

  it('reads an error rate as fine, some or many failures', () => {
    expect(rateLevel({ calls: 10, failed: 0, errorRate: 0 })).toBe('ok')
    expect(rateLevel({ calls: 100, failed: 4, errorRate: 0.04 })).toBe('warn')
    expect(rateLevel({ calls: 2, failed: 2, errorRate: 1 })).toBe('bad')
  })

  it('writes a share as a percentage, a tiny one as under 0.1%', () => {
    expect(formatRate(0, 'en')).toBe('0%')
    expect(formatRate(1, 'zh-CN')).toBe('100%')
    expect(formatRate(0.125, 'en')).toBe('12.5%')
    expect(formatRate(0.0002, 'en')).toBe('<0.1%')
  })
})

describe('connectors by their names', () => {
  it('calls a connector by its node type\'s title in the reader\'s language', () => {
    expect(connectorTitle('notify.email', 'zh-CN', zh, { manifests })).toBe('发送邮件')
    expect(connectorTitle('notify.email', 'en', en, { manifests })).toBe('Send email')
    expect(connectorTitle('http.request', 'zh-CN', zh, { manifests })).not.toBe('http.request')
  })

  it('names a subscription\'s deliveries in words, and falls back on the health answer\'s titles, then the id', () => {
    expect(connectorTitle('subscription.webhook', 'zh-CN', zh, { manifests })).toBe('事件订阅 · Webhook')
    expect(connectorTitle('subscription.rabbitmq', 'en', en)).toBe('Subscription · RabbitMQ')
    expect(connectorTitle('acme.ship', 'zh-CN', zh, { titles: { en: 'Ship notice', 'zh-CN': '发货通知' } })).toBe('发货通知')
    expect(connectorTitle('acme.ship', 'zh-CN', zh, { titles: { en: 'Ship notice' } })).toBe('Ship notice')
    expect(connectorTitle('acme.ship', 'en', en)).toBe('acme.ship')
  })

  it('lists connectors called in the last day first, then called before, then never called; by name within each', () => {
    const row = (connector: string, calls24h: number, lastAt: string | null): ConnectorHealth => ({
      connector, title: {}, lastAt, lastFailure: null, windows: [window({ window: '24h', calls: calls24h })],
    })
    const sorted = sortHealth([row('notify.sms', 0, null), row('notify.im', 0, '2026-11-01T00:00:00Z'), row('notify.email', 3, '2026-12-01T00:00:00Z'), row('http.request', 9, '2026-12-01T00:00:00Z')], (c) => c)
    expect(sorted.map((r) => r.connector)).toEqual(['http.request', 'notify.email', 'notify.im', 'notify.sms'])
  })

  it('writes a call\'s method and endpoint', () => {
    expect(callLine({ method: 'POST', endpoint: '127.0.0.1:4000/orders' })).toBe('POST 127.0.0.1:4000/orders')
    expect(callLine({ method: null, endpoint: 'amqp://mq/ordo.orders' })).toBe('amqp://mq/ordo.orders')
  })
})
