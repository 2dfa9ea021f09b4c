/** The worked example of the README's "Write a connector node": tested like any connector, against a local stand-in for the WMS. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runNode, sampleOrder, startTestServer, type TestServer } from 'ordo/sdk/testing'
import shipNotice from './wms-ship-notice.node.ts'

const API_KEY = 'wms-key-3f9a0c7e'

describe('wms.ship-notice', () => {
  let wms: TestServer
  beforeAll(async () => {
    wms = await startTestServer((req) => {
      if (req.headers['x-api-key'] !== API_KEY) return { status: 401, json: { error: 'bad key' } }
      if (req.method === 'DELETE') return { status: 204 }
      const notice = req.json() as { lines: unknown[] }
      if (notice.lines.length === 0) return { status: 422, json: { error: 'no lines' } }
      return { status: 201, json: { id: `SN-${req.headers['idempotency-key']}` } }
    })
  })
  afterAll(async () => { await wms.close() })
  const config = () => ({ baseUrl: wms.url, warehouse: 'HZ-01', apiKey: 'wms-api-key' })

  it('sends the order\'s lines and consignee to the warehouse and keeps the notice number', async () => {
    const out = await runNode(shipNotice, { config: config(), secrets: { 'wms-api-key': API_KEY }, idempotencyKey: 'run_9:ship:1' })
    const sent = wms.requests.at(-1)!
    expect(sent.url).toBe('/v1/ship-notices')
    expect(sent.json()).toEqual({
      orderNo: '6931000000000000001', platform: 'douyin', warehouse: 'HZ-01', carrier: 'SF',
      consignee: { name: '王小明', phone: '13900008888', address: '浙江省 杭州市 西湖区 文三路 100 号 2 单元 501' },
      lines: [{ sku: 'TV-55-4K', quantity: 1 }],
    })
    expect(out.port).toBe('ok')
    expect('next' in out.result && out.result.next).toMatchObject({ variables: { shipNoticeId: 'SN-run_9:ship:1' }, orderPatch: { addTags: ['wms-notified'] } })
    expect(JSON.stringify(out)).not.toContain(API_KEY)
  })

  it('goes to the error port at once when the warehouse refuses the notice', async () => {
    const out = await runNode(shipNotice, { config: config(), secrets: { 'wms-api-key': API_KEY }, order: sampleOrder({ items: [] }) })
    expect(out.attempts).toHaveLength(1)
    expect(out.port).toBe('error')
  })

  it('retries with the same key while the key is refused, then gives up', async () => {
    const before = wms.requests.length
    const out = await runNode(shipNotice, { config: config(), secrets: { 'wms-api-key': 'wrong-key' }, retry: { maxAttempts: 2 } })
    expect(wms.requests.length - before).toBe(2)
    expect(out.port).toBe('error')
  })

  it('cancels the notice it created when the run is cancelled', async () => {
    const prepared = { ...config(), carrier: 'SF' as const }
    const undo = shipNotice.compensate!({
      config: prepared, node: { id: 'ship', type: 'wms.ship-notice' }, runId: 'run_9', input: null, order: sampleOrder(), variables: {},
      now: 0, attempt: 1, idempotencyKey: 'run_9:ship:1', startedBy: null, response: { shipNoticeId: 'SN 1' },
    })!
    expect(undo.request).toEqual({ cancel: true, url: `${wms.url}/v1/ship-notices/SN%201`, apiKey: 'wms-api-key' })
  })
})
