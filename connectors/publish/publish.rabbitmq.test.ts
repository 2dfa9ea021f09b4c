import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runNode, sampleOrder, NodeConfigError } from '../sdk/testing.ts'
import { closedPort, NO_RABBITMQ_REASON, rabbitUrl, startTcp, testExchange, type TestExchange } from '../../test/support/rabbitmq.ts'
import { sharedAmqpPublisher } from './amqp-connections.ts'
import publishRabbitmq from './publish.rabbitmq.node.ts'

afterAll(async () => { await sharedAmqpPublisher.close() })

describe('publish.rabbitmq', () => {
  it('keeps the broker URL a secret name in the request it asks the engine to keep', async () => {
    const port = await closedPort()
    const url = `amqp://guest:s3cret-broker-pw@127.0.0.1:${port}/`
    const out = await runNode(publishRabbitmq, { config: { url: 'mq-url', exchange: 'orders', retries: 0 }, secrets: { 'mq-url': url } })
    expect(out.run).toMatchObject({ wait: { label: 'publish to orders (order.paid)', activity: { timeoutMs: 15_000 } } })
    expect(out.request).toMatchObject({ url: 'mq-url', exchange: 'orders', routingKey: 'order.paid' })
    expect(JSON.stringify(out)).not.toContain('s3cret-broker-pw')
  })

  it('fails a refused connection as retryable network, tries again, then takes the error port', async () => {
    const port = await closedPort()
    const out = await runNode(publishRabbitmq, { config: { url: 'mq-url', exchange: 'orders', retries: 2 }, secrets: { 'mq-url': `amqp://guest:pw-1234@127.0.0.1:${port}/` } })
    expect(out.attempts.map((a) => [a.errorClass, a.retryable])).toEqual([['network', true], ['network', true], ['network', true]])
    expect(out.port).toBe('error')
    // The integration log sees the broker without the password, and the exchange.
    expect(out.attempts[0]!.calls).toEqual([expect.objectContaining({ endpoint: `amqp://guest@127.0.0.1:${port}//orders`, errorClass: 'network' })])
    expect(JSON.stringify(out)).not.toContain('pw-1234')
  })

  it('reports a broker that never answers as a timeout', async () => {
    const tcp = await startTcp('silent')
    const out = await runNode(publishRabbitmq, {
      config: { url: 'mq-url', exchange: 'orders', timeout: 'PT0.1S', retries: 0 }, secrets: { 'mq-url': `amqp://guest:guest@127.0.0.1:${tcp.port}/` },
    })
    expect(out.attempts.map((a) => a.errorClass)).toEqual(['timeout'])
    expect(out.port).toBe('error')
    await tcp.close()
  })

  it('fails for good when the secret is not an AMQP URL', async () => {
    const out = await runNode(publishRabbitmq, { config: { url: 'mq-url', exchange: 'orders' }, secrets: { 'mq-url': 'https://example.com/' } })
    expect(out.attempts).toHaveLength(1)
    expect(out.attempts[0]).toMatchObject({ retryable: false })
    expect(out.attempts[0]!.error).toMatch(/"mq-url" does not hold an amqp/)
  })

  it('refuses an exchange from a template, a routing key with a secret, a bad template and an unknown field, naming them', async () => {
    await expect(runNode(publishRabbitmq, { config: { url: 'mq-url', exchange: '{{order.platform}}' } })).rejects.toBeInstanceOf(NodeConfigError)
    await expect(runNode(publishRabbitmq, { config: { url: 'mq-url', exchange: 'orders', routingKey: 'order.{{secret.mq-url}}' } })).rejects.toMatchObject({ pointer: '/routingKey' })
    await expect(runNode(publishRabbitmq, { config: { url: 'mq-url', exchange: 'orders', routingKey: 'order.{{#order.items}}' } })).rejects.toMatchObject({ pointer: '/routingKey' })
    await expect(runNode(publishRabbitmq, { config: { url: 'mq-url', exchange: 'orders', message: { a: '{{#order.items}}' } } })).rejects.toMatchObject({ pointer: '/message/a' })
    await expect(runNode(publishRabbitmq, { config: { url: 'mq-url', exchange: 'orders', headers: { 'x-a': '{{/x}}' } } })).rejects.toMatchObject({ pointer: '/headers/x-a' })
    await expect(runNode(publishRabbitmq, { config: { url: 'amqp://guest:guest@localhost', exchange: 'orders' } })).rejects.toBeInstanceOf(NodeConfigError)
    await expect(runNode(publishRabbitmq, { config: { url: 'mq-url', exchange: 'orders', durable: true } as never })).rejects.toBeInstanceOf(NodeConfigError)
  })

  it('fails a routing key longer than a broker takes', async () => {
    const out = await runNode(publishRabbitmq, { config: { url: 'mq-url', exchange: 'orders', routingKey: '{{vars.key}}' }, variables: { key: 'k'.repeat(256) } })
    expect(out.port).toBe('error')
    expect(out.attempts).toHaveLength(0)
    expect('fail' in out.result && out.result.fail.error).toMatch(/256 bytes/)
  })
})

describe.skipIf(!rabbitUrl)(`publish.rabbitmq against RabbitMQ${rabbitUrl ? '' : ` (SKIPPED: ${NO_RABBITMQ_REASON})`}`, () => {
  const url = rabbitUrl!
  const exchange = `ordo.test.node.${process.pid}`
  const queue = `ordo.test.node.q.${process.pid}`
  const secrets = { 'mq-url': url }
  let mq: TestExchange
  beforeAll(async () => { mq = await testExchange(url, exchange, queue, 'order.#') })
  afterAll(async () => { await mq.close() })


  it('publishes the order persistently with the idempotency key as message id, its headers, and the default routing key', async () => {
    mq.received.length = 0
    const out = await runNode(publishRabbitmq, {
      config: { url: 'mq-url', exchange, headers: { 'x-platform': '{{order.platform}}', 'x-run': '{{run.id}}' } },
      secrets, idempotencyKey: 'run_7:publish:1',
    })
    expect(out.port).toBe('ok')
    expect(out.output).toEqual({ exchange, routingKey: 'order.paid', messageId: 'run_7:publish:1' })
    const [m, ...more] = await mq.arrived(1, 50)
    expect(more).toHaveLength(0)
    const order = sampleOrder()
    expect(JSON.parse(m!.content.toString('utf8'))).toEqual({
      id: order.id, platform: order.platform, platformOrderId: order.platformOrderId, status: 'paid', totalAmount: 129900, currency: 'CNY',
    })
    expect(m!.fields).toMatchObject({ exchange, routingKey: 'order.paid' })
    expect(m!.properties).toMatchObject({ deliveryMode: 2, messageId: 'run_7:publish:1', contentType: 'application/json', headers: { 'x-platform': 'douyin', 'x-run': 'run_7' } })
    const u = new URL(url)
    expect(out.attempts[0]!.calls).toEqual([expect.objectContaining({ endpoint: `amqp://${u.username}@${u.hostname}:${u.port}${u.pathname}/${exchange}` })])
    expect(out.attempts[0]!.calls[0]!.errorClass).toBeUndefined()
  })

  it('publishes a message template of its own under a templated routing key', async () => {
    mq.received.length = 0
    const out = await runNode(publishRabbitmq, {
      config: { url: 'mq-url', exchange, routingKey: 'order.{{order.platform}}.{{vars.stage}}', message: { orderNo: '{{order.platformOrderId}}', lines: '{{order.items}}', note: 'for {{order.customer.name}}' } },
      secrets, variables: { stage: 'packed' },
    })
    expect(out.output).toMatchObject({ routingKey: 'order.douyin.packed' })
    const [m] = await mq.arrived(1, 50)
    expect(JSON.parse(m!.content.toString('utf8'))).toEqual({ orderNo: '6931000000000000001', lines: sampleOrder().items, note: 'for 王小明' })
  })

  it('sends every retry under the same message id and content, so consumers can deduplicate', async () => {
    mq.received.length = 0
    // A second queue that refuses every message: the broker nacks, though the first queue got a copy.
    const full = `ordo.test.node.full.${process.pid}`
    await mq.channel.assertQueue(full, { durable: false, arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' } })
    await mq.channel.bindQueue(full, exchange, 'order.#')
    const out = await runNode(publishRabbitmq, { config: { url: 'mq-url', exchange, retries: 2 }, secrets, idempotencyKey: 'run_8:publish:1' })
    await mq.channel.deleteQueue(full)
    expect(out.attempts.map((a) => [a.errorClass, a.retryable])).toEqual([['5xx', true], ['5xx', true], ['5xx', true]])
    expect(out.port).toBe('error')
    const copies = await mq.arrived(3, 50)
    expect(copies).toHaveLength(3)
    expect(new Set(copies.map((m) => m.properties.messageId))).toEqual(new Set(['run_8:publish:1']))
    expect(new Set(copies.map((m) => m.content.toString()))).toHaveProperty('size', 1)
  })

  it('fails a wrong password for good at once', async () => {
    const wrong = new URL(url)
    wrong.password = 'n0t-the-passw0rd'
    const out = await runNode(publishRabbitmq, { config: { url: 'mq-url', exchange, retries: 3 }, secrets: { 'mq-url': wrong.toString() } })
    expect(out.attempts).toHaveLength(1)
    expect(out.attempts[0]).toMatchObject({ errorClass: 'auth', retryable: false })
    expect(out.attempts[0]!.error).toMatch(/ACCESS.REFUSED/)
    expect(out.port).toBe('error')
    expect(JSON.stringify(out)).not.toContain('n0t-the-passw0rd')
  })

  it('fails for good on a missing exchange it only checks, and on an unroutable message it must route', async () => {
    const missing = await runNode(publishRabbitmq, { config: { url: 'mq-url', exchange: `ordo.test.nope.${process.pid}`, passive: true }, secrets })
    expect(missing.attempts).toHaveLength(1)
    expect(missing.attempts[0]).toMatchObject({ errorClass: '4xx', retryable: false })
    expect(missing.attempts[0]!.error).toMatch(/does not exist/)
    const probe = await mq.connection.createChannel() // a failed check closes its channel
    probe.on('error', () => {})
    await expect(probe.checkExchange(`ordo.test.nope.${process.pid}`).then(() => 'exists', () => 'missing')).resolves.toBe('missing')

    const unroutable = await runNode(publishRabbitmq, { config: { url: 'mq-url', exchange, routingKey: 'nobody.{{order.status}}', mandatory: true }, secrets })
    expect(unroutable.attempts).toHaveLength(1)
    expect(unroutable.attempts[0]).toMatchObject({ errorClass: '4xx', retryable: false })
    expect(unroutable.port).toBe('error')
  })

  it('confirms many concurrent publishes over the shared connection', async () => {
    mq.received.length = 0
    const runs = await Promise.all(Array.from({ length: 100 }, (_, i) => runNode(publishRabbitmq, {
      config: { url: 'mq-url', exchange }, secrets, idempotencyKey: `run_c${i}:publish:1`,
    })))
    expect(runs.map((r) => r.port)).toEqual(runs.map(() => 'ok'))
    const messages = await mq.arrived(100, 50)
    expect(new Set(messages.map((m) => m.properties.messageId)).size).toBe(100)
    expect(sharedAmqpPublisher.stats().connected).toBeGreaterThanOrEqual(1)
  })
})
