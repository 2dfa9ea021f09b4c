import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { PermanentError, RetryableError } from '../sdk/index.ts'
import { rabbitUrl, NO_RABBITMQ_REASON, startTcp, testExchange, via, type TestExchange } from '../../test/support/rabbitmq.ts'
import { AmqpPublisher, redactAmqpUrl, type AmqpMessage } from './amqp-connections.ts'

const message = (url: string, overrides: Partial<AmqpMessage> = {}): AmqpMessage => ({
  url, exchange: 'ordo.test', routingKey: 'order.paid', content: Buffer.from('{"a":1}'), messageId: 'run_1:pub:1', ...overrides,
})

const publishers: AmqpPublisher[] = []
const publisher = (options: ConstructorParameters<typeof AmqpPublisher>[0] = {}) => {
  const p = new AmqpPublisher(options)
  publishers.push(p)
  return p
}
afterEach(async () => { await Promise.all(publishers.splice(0).map((p) => p.close())) })

describe('redactAmqpUrl', () => {
  it.each([
    ['amqp://user:pass@host:5672/vhost', 'amqp://user@host:5672/vhost'],
    ['amqp://user:p%40ss@broker.example.com/', 'amqp://user@broker.example.com:5672/'],
    ['amqps://user:pass@broker.example.com', 'amqps://user@broker.example.com:5671/'],
    ['amqp://user:pass@[::1]:5673/%2Fshop?heartbeat=10', 'amqp://user@[::1]:5673/%2Fshop'],
    ['amqp://127.0.0.1', 'amqp://127.0.0.1:5672/'],
  ])('%s → %s', (url, redacted) => {
    expect(redactAmqpUrl(url)).toBe(redacted)
  })

  it('never gives back what it cannot read', () => {
    expect(redactAmqpUrl('not a url with secret')).toBe('(invalid AMQP URL)')
    expect(redactAmqpUrl('https://user:pw@example.com/')).toBe('(invalid AMQP URL)')
  })
})

describe('AmqpPublisher without a broker', () => {
  it('refuses a URL that is not amqp:// or amqps:// for good', async () => {
    await expect(publisher().publish(message('http://user:pw@example.com/'))).rejects.toBeInstanceOf(PermanentError)
  })

  it('fails a refused connection as retryable network, then waits out a backoff before dialling again', async () => {
    const tcp = await startTcp('hang-up')
    const p = publisher({ backoff: { initialMs: 300, maxMs: 1000 } })
    const url = `amqp://guest:s3cret-pw@127.0.0.1:${tcp.port}/`
    const first = await p.publish(message(url)).catch((e: unknown) => e)
    expect(first).toBeInstanceOf(RetryableError)
    expect(first).toMatchObject({ errorClass: 'network', retryable: true })
    expect(tcp.connections).toBe(1)
    // During the backoff: the same failure at once, no new connection (never a tight loop).
    for (let i = 0; i < 20; i++) await expect(p.publish(message(url))).rejects.toMatchObject({ errorClass: 'network', retryable: true })
    expect(tcp.connections).toBe(1)
    await new Promise((r) => setTimeout(r, 450))
    await expect(p.publish(message(url))).rejects.toBeInstanceOf(RetryableError)
    expect(tcp.connections).toBe(2)
    expect(String((first as Error).message)).not.toContain('s3cret-pw')
    await tcp.close()
  })

  it('gives up at the signal\'s deadline on a broker that never answers, as a timeout', async () => {
    const tcp = await startTcp('silent')
    const started = Date.now()
    const err = await publisher().publish(message(`amqp://guest:guest@127.0.0.1:${tcp.port}/`), AbortSignal.timeout(150)).catch((e: unknown) => e)
    expect(Date.now() - started).toBeLessThan(1500)
    expect(err).toMatchObject({ name: 'TimeoutError' })
    await tcp.close()
  })

  it('does nothing for an aborted signal', async () => {
    const tcp = await startTcp('hang-up')
    const controller = new AbortController()
    controller.abort(new DOMException('shutting down', 'AbortError'))
    await expect(publisher().publish(message(`amqp://guest:guest@127.0.0.1:${tcp.port}/`), controller.signal)).rejects.toMatchObject({ name: 'AbortError' })
    expect(tcp.connections).toBe(0)
    await tcp.close()
  })
})

describe.skipIf(!rabbitUrl)(`AmqpPublisher against RabbitMQ${rabbitUrl ? '' : ` (SKIPPED: ${NO_RABBITMQ_REASON})`}`, () => {
  const url = rabbitUrl!
  const exchange = `ordo.test.pub.${process.pid}`
  const queue = `ordo.test.pub.q.${process.pid}`
  let mq: TestExchange
  beforeAll(async () => { mq = await testExchange(url, exchange, queue, 'order.*') })
  afterAll(async () => { await mq.close() })


  it('publishes persistently with its id, headers and content type, and resolves on the confirm', async () => {
    mq.received.length = 0
    await publisher().publish(message(url, { exchange, headers: { 'x-shop': 'douyin' } }))
    const [m] = await mq.arrived(1)
    expect(m!.content.toString()).toBe('{"a":1}')
    expect(m!.fields).toMatchObject({ exchange, routingKey: 'order.paid' })
    expect(m!.properties).toMatchObject({ deliveryMode: 2, messageId: 'run_1:pub:1', contentType: 'application/json', appId: 'ordo', headers: { 'x-shop': 'douyin' } })
    expect(typeof m!.properties.timestamp).toBe('number')
  })

  it('keeps one connection for many concurrent publishes, their confirms pipelined', async () => {
    mq.received.length = 0
    const tcp = await startTcp({ forwardTo: url })
    const p = publisher()
    const target = via(url, tcp.port)
    await p.publish(message(target, { exchange, messageId: 'warm-up' }))
    const started = performance.now()
    const all = Promise.all(Array.from({ length: 1000 }, (_, i) => p.publish(message(target, { exchange, messageId: `m-${i}` }))))
    // Pipelined: all of them are sent before the first confirm is back.
    let most = 0
    for (let i = 0; i < 50 && most < 1000; i++) { await new Promise((r) => setImmediate(r)); most = Math.max(most, p.stats().inFlight) }
    await all
    const elapsed = performance.now() - started
    expect(most).toBeGreaterThan(500)
    expect(p.stats()).toEqual({ brokers: 1, connected: 1, inFlight: 0 })
    expect(tcp.connections).toBe(1)
    expect((await mq.arrived(1001)).length).toBe(1001)
    // One at a time (each confirm awaited before the next publish) takes about a second here for persistent
    // messages; pipelined, under 250 ms. The bound is generous: the figures belong in benchmarks.
    expect(elapsed).toBeLessThan(1000)
    await tcp.close()
  })

  it('waits for the channel to drain when its write buffer is full, then sends the rest', async () => {
    const p = publisher()
    // amqplib buffers 1024 frames per channel before publish says "wait for drain"; nothing is bound for this key, so the broker drops them.
    await Promise.all(Array.from({ length: 5000 }, (_, i) => p.publish(message(url, { exchange, routingKey: 'bulk.drop', messageId: `b-${i}` }))))
    expect(p.stats().inFlight).toBe(0)
  }, 20_000)

  it('rejects an unroutable mandatory message as permanent, and only that one of a batch', async () => {
    mq.received.length = 0
    const p = publisher()
    const results = await Promise.allSettled([
      p.publish(message(url, { exchange, routingKey: 'order.paid', messageId: 'same', mandatory: true })),
      p.publish(message(url, { exchange, routingKey: 'nobody.listens', messageId: 'same', mandatory: true })),
      p.publish(message(url, { exchange, routingKey: 'order.shipped', messageId: 'same', mandatory: true })),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    const err = (results[1] as PromiseRejectedResult).reason
    expect(err).toBeInstanceOf(PermanentError)
    expect(err).toMatchObject({ errorClass: '4xx' })
    expect(String(err.message)).toMatch(/NO_ROUTE|no queue/)
    // Without mandatory, an unroutable message is simply confirmed.
    await p.publish(message(url, { exchange, routingKey: 'nobody.listens' }))
    expect(await mq.arrived(2)).toHaveLength(2)
  })

  it('checks a passive exchange instead of declaring it: a missing one fails for good, the connection lives on', async () => {
    const tcp = await startTcp({ forwardTo: url })
    const p = publisher()
    const target = via(url, tcp.port)
    const err = await p.publish(message(target, { exchange: `ordo.test.missing.${process.pid}`, passive: true })).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PermanentError)
    expect(err).toMatchObject({ errorClass: '4xx' })
    expect(String((err as Error).message)).toMatch(/NOT_FOUND|does not exist/)
    await p.publish(message(target, { exchange, passive: true }))
    expect(tcp.connections).toBe(1)
    await tcp.close()
  })

  it('declares a durable topic exchange once, and again on a new channel after the old one closed', async () => {
    const p = publisher({ backoff: { initialMs: 50, maxMs: 100 } })
    const own = `ordo.test.declared.${process.pid}`
    await p.publish(message(url, { exchange: own }))
    await expect(mq.channel.checkExchange(own)).resolves.toBeDefined()
    await mq.channel.deleteExchange(own)
    // Declared once per channel: this publish goes to the deleted exchange, which closes the channel.
    await expect(p.publish(message(url, { exchange: own }))).rejects.toBeInstanceOf(RetryableError)
    await new Promise((r) => setTimeout(r, 150))
    await p.publish(message(url, { exchange: own }))
    await expect(mq.channel.checkExchange(own)).resolves.toBeDefined()
    await mq.channel.deleteExchange(own)
  })

  it('fails the publishes a dropped connection strands as retryable, and reconnects after the backoff', async () => {
    mq.received.length = 0
    const tcp = await startTcp({ forwardTo: url })
    const p = publisher({ backoff: { initialMs: 100, maxMs: 200 } })
    const target = via(url, tcp.port)
    await p.publish(message(target, { exchange }))
    const stranded = Array.from({ length: 50 }, (_, i) => p.publish(message(target, { exchange, messageId: `s-${i}` })).then(() => 'ok', (e: unknown) => e))
    tcp.cut()
    for (const outcome of await Promise.all(stranded)) if (outcome !== 'ok') expect(outcome).toMatchObject({ retryable: true, errorClass: 'network' })
    await expect(p.publish(message(target, { exchange }))).rejects.toMatchObject({ retryable: true })
    expect(tcp.connections).toBe(1)
    await new Promise((r) => setTimeout(r, 250))
    await p.publish(message(target, { exchange, messageId: 'after' }))
    expect(tcp.connections).toBe(2)
    await tcp.close()
  })

  it('rejects a nacked message as retryable', async () => {
    const full = `ordo.test.full.${process.pid}`
    await mq.channel.assertQueue(full, { durable: false, arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' } })
    await mq.channel.bindQueue(full, exchange, 'full.#')
    const err = await publisher().publish(message(url, { exchange, routingKey: 'full.now' })).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RetryableError)
    expect(String((err as Error).message)).toMatch(/nack/i)
    await mq.channel.deleteQueue(full)
  })

  it('refuses a wrong password for good, without repeating the password', async () => {
    const u = new URL(url)
    u.password = 'wr0ng-passw0rd'
    const err = await publisher().publish(message(u.toString(), { exchange })).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PermanentError)
    expect(err).toMatchObject({ errorClass: 'auth', retryable: false })
    expect(String((err as Error).message)).not.toContain('wr0ng-passw0rd')
  })

  it('closes its connections, and opens a new one when used again', async () => {
    const tcp = await startTcp({ forwardTo: url })
    const p = publisher()
    const target = via(url, tcp.port)
    await p.publish(message(target, { exchange }))
    await p.close()
    await p.publish(message(target, { exchange }))
    expect(tcp.connections).toBe(2)
    await tcp.close()
  })
})
