/**
 * The RabbitMQ the broker tests publish to: ORDO_TEST_RABBITMQ_URL (amqp://guest:guest@127.0.0.1:<port>/),
 * which `.ci/rabbitmq.sh start` prints and the CI script sets. Without it those tests are reported
 * skipped, never passed:
 *
 *   describe.skipIf(!rabbitUrl)(`publish.rabbitmq${rabbitUrl ? '' : ` (SKIPPED: ${NO_RABBITMQ_REASON})`}`, () => { … })
 */
import { createServer, connect as tcpConnect, type AddressInfo, type Server, type Socket } from 'node:net'
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib'

export const rabbitUrl: string | undefined = process.env.ORDO_TEST_RABBITMQ_URL || undefined

/** Why the broker tests did not run. */
export const NO_RABBITMQ_REASON = 'no RabbitMQ: set ORDO_TEST_RABBITMQ_URL (eval "$(.ci/rabbitmq.sh start)" starts one on loopback)'

/** A local TCP server that counts connections: forwards them to `target`, swallows them, or hangs up at once. */
export async function startTcp(mode: { forwardTo: string } | 'hang-up' | 'silent') {
  const sockets = new Set<Socket>()
  let connections = 0
  const server: Server = createServer((client) => {
    connections++
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => {})
    if (mode === 'hang-up') { client.destroy(); return }
    if (mode === 'silent') return
    const target = new URL(mode.forwardTo)
    const upstream = tcpConnect(Number(target.port || 5672), target.hostname)
    sockets.add(upstream)
    upstream.on('close', () => { sockets.delete(upstream); client.destroy() })
    upstream.on('error', () => {})
    client.on('close', () => upstream.destroy())
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    port,
    get connections() { return connections },
    /** Cuts every connection, as a broker restart or a network failure would. */
    cut() { for (const s of sockets) s.destroy() },
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()) }),
  }
}

/** The broker URL with another host:port (credentials and vhost kept). */
export function via(url: string, port: number): string {
  const u = new URL(url)
  u.hostname = '127.0.0.1'
  u.port = String(port)
  return u.toString()
}

/** A loopback port nothing listens on (connections to it are refused). */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** A topic exchange and a queue bound to it on the test broker, consumed into `received`. */
export interface TestExchange {
  connection: ChannelModel
  channel: Channel
  received: ConsumeMessage[]
  /** Waits (up to 5 s) until `count` messages are in, then `settleMs` more for strays; takes them all. */
  arrived(count: number, settleMs?: number): Promise<ConsumeMessage[]>
  /** Deletes the queue and the exchange and closes the connection. */
  close(): Promise<void>
}

export async function testExchange(url: string, exchange: string, queue: string, bindingKey: string): Promise<TestExchange> {
  const connection = await connect(url)
  const channel = await connection.createChannel()
  await channel.assertExchange(exchange, 'topic', { durable: true })
  await channel.assertQueue(queue, { durable: true })
  await channel.bindQueue(queue, exchange, bindingKey)
  const received: ConsumeMessage[] = []
  await channel.consume(queue, (m) => { if (m) { received.push(m); channel.ack(m) } })
  return {
    connection, channel, received,
    async arrived(count, settleMs = 0) {
      for (let i = 0; i < 500 && received.length < count; i++) await new Promise((r) => setTimeout(r, 10))
      if (settleMs) await new Promise((r) => setTimeout(r, settleMs))
      return received.splice(0)
    },
    async close() {
      await channel.deleteQueue(queue).catch(() => {})
      await channel.deleteExchange(exchange).catch(() => {})
      await connection.close()
    },
  }
}
