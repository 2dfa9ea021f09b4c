import { createServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runNode, sampleOrder } from '../sdk/testing.ts'
import email from './notify.email.node.ts'

const USER = 'notice@shop.example.com'
const PASSWORD = 'smtp-Pa55word-4f9c'

/** One message as the SMTP server took it. */
interface Delivery { from: string; to: string[]; raw: string }

/** An SMTP server on a free loopback port that checks the login and keeps every message; `refuse` decides how it answers a message. */
interface Smtp {
  port: number
  deliveries: Delivery[]
  logins: Array<{ user: string; ok: boolean }>
  /** Asked for every message; a code refuses the message with it. */
  refuse: () => { code: number; message: string } | null
  close(): Promise<void>
}

async function startSmtp(): Promise<Smtp> {
  const deliveries: Delivery[] = []
  const logins: Smtp['logins'] = []
  const smtp: Partial<Smtp> = { deliveries, logins, refuse: () => null }
  const server = new SMTPServer({
    logger: false, disabledCommands: ['STARTTLS'], allowInsecureAuth: true, authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      const ok = auth.username === USER && auth.password === PASSWORD
      logins.push({ user: auth.username ?? '', ok })
      if (!ok) return cb(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }))
      cb(null, { user: auth.username })
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const refusal = smtp.refuse!()
        if (refusal) return cb(Object.assign(new Error(refusal.message), { responseCode: refusal.code }))
        deliveries.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        })
        cb()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  smtp.port = (server.server.address() as AddressInfo).port
  smtp.close = () => new Promise((resolve) => server.close(() => resolve()))
  return smtp as Smtp
}

// --- A minimal MIME reader: headers (unfolded, encoded words decoded) and the text of each part. ---

function decodeWords(value: string): string {
  // Whitespace between two encoded words is not part of the text (RFC 2047).
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, _charset: string, how: string, text: string) =>
    how.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'))
}

function decodeBody(body: string, encoding: string): string {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
    return Buffer.from(bytes, 'latin1').toString('utf8')
  }
  return body
}

interface Part { headers: Record<string, string>; text: string; parts: Part[] }

function parseMime(raw: string): Part {
  const split = raw.indexOf('\r\n\r\n')
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ')
  const body = raw.slice(split + 4)
  const headers: Record<string, string> = {}
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).toLowerCase()] = decodeWords(line.slice(colon + 1).trim())
  }
  const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1]
  if (boundary) {
    const parts = body.split(`--${boundary}`).slice(1, -1).map((p) => parseMime(p.replace(/^\r\n/, '').replace(/\r\n$/, '')))
    return { headers, text: '', parts }
  }
  return { headers, text: decodeBody(body, (headers['content-transfer-encoding'] ?? '7bit').toLowerCase()), parts: [] }
}

/** The decoded text of the part of this content type (the message itself when it is not multipart). */
function partText(message: Part, type: string): string | undefined {
  if (message.parts.length === 0) return (message.headers['content-type'] ?? '').startsWith(type) ? message.text : undefined
  for (const p of message.parts) {
    const found = partText(p, type)
    if (found !== undefined) return found
  }
  return undefined
}

let smtp: Smtp
beforeAll(async () => { smtp = await startSmtp() })
afterAll(async () => { await smtp.close() })
beforeEach(() => { smtp.refuse = () => null })

const base = () => ({
  host: '127.0.0.1', port: smtp.port, security: 'none' as const, username: USER, password: 'smtp-password',
  from: '店铺客服 <service@shop.example.com>', to: ['{{order.customer.email}}'],
})
const secrets = { 'smtp-password': PASSWORD }

describe('notify.email', () => {
  it('sends the built-in Chinese order notice, naming the platform\'s order number and the amount in yuan', async () => {
    const before = smtp.deliveries.length
    const out = await runNode(email, { config: base(), secrets })
    expect(out.port).toBe('ok')
    const d = smtp.deliveries[before]!
    expect(d.from).toBe('service@shop.example.com')
    expect(d.to).toEqual(['buyer@example.com'])
    const message = parseMime(d.raw)
    expect(message.headers.subject).toBe('【抖音】订单 6931000000000000001：已付款')
    expect(message.headers.from).toBe('店铺客服 <service@shop.example.com>')
    const text = partText(message, 'text/plain')!
    expect(text).toContain('王小明，您好：')
    expect(text).toContain('您在抖音的订单 6931000000000000001 当前状态为「已付款」，订单金额 ¥1,299.00。')
    expect(partText(message, 'text/html')).toBeUndefined()
    expect(smtp.logins.at(-1)).toEqual({ user: USER, ok: true })
  })

  it('sends the English notice when the locale is en, with cents written exactly', async () => {
    const before = smtp.deliveries.length
    const out = await runNode(email, { config: { ...base(), locale: 'en' }, order: sampleOrder({ totalAmount: 1_234_567_805, platform: 'jd' }), secrets })
    expect(out.port).toBe('ok')
    const message = parseMime(smtp.deliveries[before]!.raw)
    expect(message.headers.subject).toBe('Order 6931000000000000001 on JD.com: paid')
    expect(partText(message, 'text/plain')).toContain('Hello 王小明,\r\n\r\nYour order 6931000000000000001 on JD.com is paid. Order total: ¥12,345,678.05.')
  })

  it('renders the operator\'s own subject and bodies, HTML-escaping the order\'s values in the HTML body only', async () => {
    const before = smtp.deliveries.length
    const evil = '<script>alert("x")</script>'
    const out = await runNode(email, {
      config: {
        ...base(), cc: ['Ops <ops@shop.example.com>', '{{vars.empty}}'],
        subject: 'Note for {{order.platformOrderId}}: {{order.customer.name}}',
        text: 'Buyer: {{order.customer.name}}, {{amountText}}',
        html: '<p>Buyer: <b>{{order.customer.name}}</b> {{amountText}}</p>',
      },
      order: sampleOrder({ customer: { id: 'c-9', name: evil, email: 'x@example.com' } as never }),
      secrets,
    })
    expect(out.port).toBe('ok')
    const d = smtp.deliveries[before]!
    expect(d.to.sort()).toEqual(['ops@shop.example.com', 'x@example.com'])
    const message = parseMime(d.raw)
    expect(message.headers.cc).toBe('Ops <ops@shop.example.com>')
    expect(message.headers.subject).toBe(`Note for 6931000000000000001: ${evil}`)
    expect(partText(message, 'text/plain')).toBe(`Buyer: ${evil}, ¥1,299.00`)
    const html = partText(message, 'text/html')!
    expect(html).toBe('<p>Buyer: <b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</b> ¥1,299.00</p>')
    expect(html).not.toContain('<script>')
    expect(out.output).toEqual({ messageId: expect.stringMatching(/^<ordo\.[0-9a-f]{32}@shop\.example\.com>$/), accepted: ['x@example.com', 'ops@shop.example.com'], rejected: [] })
  })

  it('treats a refused login as permanent: one try, class auth, the error port', async () => {
    const logins = smtp.logins.length
    const before = smtp.deliveries.length
    const out = await runNode(email, { config: base(), secrets: { 'smtp-password': 'not-the-password' } })
    expect(smtp.logins.slice(logins)).toEqual([{ user: USER, ok: false }])
    expect(smtp.deliveries.length).toBe(before)
    expect(out.attempts).toHaveLength(1)
    expect(out.attempts[0]).toMatchObject({ ok: false, errorClass: 'auth', retryable: false })
    expect(out.attempts[0]!.calls).toEqual([expect.objectContaining({ endpoint: `smtp://127.0.0.1:${smtp.port}`, errorClass: 'auth', statusCode: 535 })])
    expect(out.port).toBe('error')
  })

  it('retries a message the server refused for now (451), with the same Message-ID and idempotency key', async () => {
    let tries = 0
    smtp.refuse = () => (++tries === 1 ? { code: 451, message: '4.3.0 Try again later' } : null)
    const before = smtp.deliveries.length
    const logins = smtp.logins.length
    const out = await runNode(email, { config: base(), secrets, idempotencyKey: 'run_9:mail:1' })
    expect(smtp.logins.length - logins).toBe(2)
    expect(out.attempts.map((a) => a.errorClass ?? 'ok')).toEqual(['5xx', 'ok'])
    expect(out.attempts[0]).toMatchObject({ retryable: true })
    expect(out.port).toBe('ok')
    const message = parseMime(smtp.deliveries[before]!.raw)
    expect(message.headers['x-ordo-idempotency-key']).toBe('run_9:mail:1')
    expect(message.headers['message-id']).toBe((out.output as { messageId: string }).messageId)
    // Derived from the key: the same visit always sends the same Message-ID, another visit another one.
    const again = await runNode(email, { config: base(), secrets, idempotencyKey: 'run_9:mail:1' })
    const other = await runNode(email, { config: base(), secrets, idempotencyKey: 'run_9:mail:2' })
    expect((again.output as { messageId: string }).messageId).toBe(message.headers['message-id'])
    expect((other.output as { messageId: string }).messageId).not.toBe(message.headers['message-id'])
  })

  it('goes to the error port at once when the server refuses the message for good (550)', async () => {
    smtp.refuse = () => ({ code: 550, message: '5.1.1 Mailbox unavailable' })
    const out = await runNode(email, { config: base(), secrets })
    expect(out.attempts).toHaveLength(1)
    expect(out.attempts[0]).toMatchObject({ ok: false, errorClass: '4xx', retryable: false })
    expect(out.attempts[0]!.error).toContain('Mailbox unavailable')
    expect(out.port).toBe('error')
  })

  it('gives up a server that never greets when the try\'s deadline passes, as a retryable timeout, and hangs up', async () => {
    const sockets: Socket[] = []
    let closed = 0
    const silent: Server = createServer((s) => { sockets.push(s); s.on('close', () => closed++) })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as AddressInfo
    const started = Date.now()
    const out = await runNode(email, { config: { ...base(), port }, secrets, timeoutMs: 150, retry: { maxAttempts: 2 } })
    expect(Date.now() - started).toBeLessThan(3000)
    expect(out.attempts.map((a) => [a.errorClass, a.retryable])).toEqual([['timeout', true], ['timeout', true]])
    expect(out.port).toBe('error')
    // Each try's connection is closed by the client, not left to the server's patience.
    for (let i = 0; i < 50 && closed < sockets.length; i++) await new Promise((r) => setTimeout(r, 10))
    expect([sockets.length, closed]).toEqual([2, 2])
    sockets.forEach((s) => s.destroy())
    await new Promise((resolve) => silent.close(resolve))
  })

  it('never lets the password into the stored request, the output, the call log or the logs', async () => {
    let tries = 0
    smtp.refuse = () => (++tries === 1 ? { code: 451, message: `4.7.0 echo ${PASSWORD}` } : null)
    const out = await runNode(email, { config: base(), secrets })
    expect(out.attempts.length).toBeGreaterThan(1)
    expect(JSON.stringify(out.request)).toContain('"password":"smtp-password"')
    for (const part of [out.request, out.output, out.attempts, out.logs, out.result]) expect(JSON.stringify(part)).not.toContain(PASSWORD)
    expect(out.attempts[0]!.error).toContain('[secret:smtp-password]')
  })

  it('fails without a call when a recipient renders to something that is not an address', async () => {
    const out = await runNode(email, { config: base(), order: sampleOrder({ customer: { id: 'c', name: 'x', email: 'not an address' } as never }), secrets })
    expect(out.attempts).toHaveLength(0)
    expect(out.port).toBe('error')
    expect('fail' in out.result && out.result.fail.error).toContain('not an address')
  })

  it('refuses a bad sender, a template that does not parse and a secret in a message, naming the field', async () => {
    await expect(runNode(email, { config: { ...base(), from: 'nobody' } })).rejects.toMatchObject({ pointer: '/from' })
    await expect(runNode(email, { config: { ...base(), to: ['a@example.com', '{{#order.items}}'] } })).rejects.toMatchObject({ pointer: '/to/1' })
    await expect(runNode(email, { config: { ...base(), html: 'code: {{secret.smtp-password}}' } })).rejects.toMatchObject({ pointer: '/html' })
    await expect(runNode(email, { config: { ...base(), username: undefined } })).rejects.toMatchObject({ pointer: '/username' })
    await expect(runNode(email, { config: { ...base(), password: undefined } })).rejects.toMatchObject({ pointer: '/password' })
  })
})
