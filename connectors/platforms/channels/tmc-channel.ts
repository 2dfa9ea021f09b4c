/**
 * Taobao Message Channel (TMC, 淘宝消息服务): the app opens a WebSocket to ws://mc.api.taobao.com/,
 * connects with app_key, group_name, timestamp and sign, asks for messages (pull request), and
 * confirms each message by its id once it has durably taken it; an unconfirmed message is delivered
 * again. Source: Taobao Open Platform, 文档 › 消息服务 (https://open.taobao.com), and the wire format
 * of the TMC SDKs (MessageIO), which this module writes and reads:
 *
 *   byte protocol version (2), byte message type (0 connect, 1 connectack, 2 send, 3 sendack),
 *   then headers, each an int16 type: 1 custom (counted-string name, a format byte, a value),
 *   2 status code (int32), 3 status phrase (counted string), 4 flag (int32), 5 token (counted
 *   string), and 0 ends them. Little-endian; a counted string is an int32 byte length and UTF-8.
 *   Formats: 0 void, 1 counted string, 2 byte, 3 int16, 4 int32, 5 int64, 6 date (int64 ms), 7 bytes.
 *
 * A data message (send, __kind 3) carries id (int64), topic, content (JSON text: tid is a JSON
 * number, read losslessly) and more; the client answers send with __kind 2 (confirm) and the id,
 * or __kind 20 (failed) to have it delivered again.
 */
import type { PulledOrderRef } from '../adapter.ts'
import { readPush } from '../taobao.ts'
import type { TaobaoCredentials } from '../taobao.ts'
import { acceptThenAck, ChannelConnection, connectionSettings, requiredCredential, type ChannelSession, type ShopChannelOptions } from './channel-connection.ts'
import { topSign } from './channel-signing.ts'

export const TMC_URL = 'ws://mc.api.taobao.com/'
export const TMC_PROTOCOL_VERSION = 2

export const TMC_MESSAGE_TYPES = { connect: 0, connectAck: 1, send: 2, sendAck: 3 } as const
/** The `__kind` of a send message. */
export const TMC_KINDS = { none: 0, pullRequest: 1, confirm: 2, data: 3, failed: 20 } as const

const HEADER_END = 0
const HEADER_CUSTOM = 1
const HEADER_STATUS_CODE = 2
const HEADER_STATUS_PHRASE = 3
const HEADER_FLAG = 4
const HEADER_TOKEN = 5

const FORMAT_VOID = 0
const FORMAT_STRING = 1
const FORMAT_BYTE = 2
const FORMAT_INT16 = 3
const FORMAT_INT32 = 4
const FORMAT_INT64 = 5
const FORMAT_DATE = 6
const FORMAT_BYTES = 7

/** A custom header's value: int64 ids as bigint, so a 19-digit message id stays exact. */
export type TmcValue = string | number | bigint | Date | Buffer | null

/** One TMC message as the wire carries it. */
export interface TmcFrame {
  messageType: number
  token?: string
  statusCode?: number
  statusPhrase?: string
  flag?: number
  content: Record<string, TmcValue>
}

/** A TMC message's bytes. */
export function encodeTmcFrame(frame: TmcFrame): Buffer {
  const parts: Buffer[] = [Buffer.from([TMC_PROTOCOL_VERSION, frame.messageType])]
  const int16 = (n: number) => { const b = Buffer.alloc(2); b.writeInt16LE(n); parts.push(b) }
  const int32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32LE(n); parts.push(b) }
  const int64 = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64LE(n); parts.push(b) }
  const counted = (bytes: Buffer) => { int32(bytes.length); parts.push(bytes) }
  if (frame.token !== undefined) { int16(HEADER_TOKEN); counted(Buffer.from(frame.token, 'utf8')) }
  for (const [name, value] of Object.entries(frame.content)) {
    int16(HEADER_CUSTOM)
    counted(Buffer.from(name, 'utf8'))
    if (value === null) parts.push(Buffer.from([FORMAT_VOID]))
    else if (typeof value === 'string') { parts.push(Buffer.from([FORMAT_STRING])); counted(Buffer.from(value, 'utf8')) }
    else if (Buffer.isBuffer(value)) { parts.push(Buffer.from([FORMAT_BYTES])); counted(value) }
    else if (value instanceof Date) { parts.push(Buffer.from([FORMAT_DATE])); int64(BigInt(value.getTime())) }
    else if (typeof value === 'bigint') { parts.push(Buffer.from([FORMAT_INT64])); int64(value) }
    else if (Number.isInteger(value) && value >= 0 && value <= 0xff) parts.push(Buffer.from([FORMAT_BYTE, value]))
    else if (Number.isInteger(value) && value >= -0x8000 && value <= 0x7fff) { parts.push(Buffer.from([FORMAT_INT16])); int16(value) }
    else if (Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff) { parts.push(Buffer.from([FORMAT_INT32])); int32(value) }
    else if (Number.isSafeInteger(value)) { parts.push(Buffer.from([FORMAT_INT64])); int64(BigInt(value)) }
    else throw new RangeError(`TMC header ${name} must be an integer, not ${value}`)
  }
  if (frame.statusCode !== undefined) { int16(HEADER_STATUS_CODE); int32(frame.statusCode) }
  if (frame.statusPhrase !== undefined) { int16(HEADER_STATUS_PHRASE); counted(Buffer.from(frame.statusPhrase, 'utf8')) }
  if (frame.flag !== undefined) { int16(HEADER_FLAG); int32(frame.flag) }
  int16(HEADER_END)
  return Buffer.concat(parts)
}

/** A TMC message read from its bytes; a RangeError when they are cut short or carry an unknown header or format. */
export function decodeTmcFrame(bytes: Buffer): TmcFrame {
  let i = 0
  const need = (n: number) => { if (i + n > bytes.length) throw new RangeError(`a TMC message cut short at byte ${i}`) }
  const byte = () => { need(1); return bytes[i++] }
  const int16 = () => { need(2); const v = bytes.readInt16LE(i); i += 2; return v }
  const int32 = () => { need(4); const v = bytes.readInt32LE(i); i += 4; return v }
  const int64 = () => { need(8); const v = bytes.readBigInt64LE(i); i += 8; return v }
  const counted = () => {
    const length = int32()
    if (length < 0) throw new RangeError(`a TMC counted string of negative length at byte ${i - 4}`)
    need(length)
    const v = bytes.subarray(i, i + length)
    i += length
    return v
  }
  const version = byte()
  if (version !== TMC_PROTOCOL_VERSION) throw new RangeError(`TMC protocol version ${version}, not ${TMC_PROTOCOL_VERSION}`)
  const frame: TmcFrame = { messageType: byte(), content: {} }
  for (;;) {
    const header = int16()
    if (header === HEADER_END) return frame
    if (header === HEADER_TOKEN) frame.token = counted().toString('utf8')
    else if (header === HEADER_STATUS_CODE) frame.statusCode = int32()
    else if (header === HEADER_STATUS_PHRASE) frame.statusPhrase = counted().toString('utf8')
    else if (header === HEADER_FLAG) frame.flag = int32()
    else if (header === HEADER_CUSTOM) {
      const name = counted().toString('utf8')
      const format = byte()
      if (format === FORMAT_VOID) frame.content[name] = null
      else if (format === FORMAT_STRING) frame.content[name] = counted().toString('utf8')
      else if (format === FORMAT_BYTE) frame.content[name] = byte()
      else if (format === FORMAT_INT16) frame.content[name] = int16()
      else if (format === FORMAT_INT32) frame.content[name] = int32()
      else if (format === FORMAT_INT64) frame.content[name] = int64()
      else if (format === FORMAT_DATE) frame.content[name] = new Date(Number(int64()))
      else if (format === FORMAT_BYTES) frame.content[name] = Buffer.from(counted())
      else throw new RangeError(`TMC header ${name} has unknown value format ${format}`)
    } else throw new RangeError(`unknown TMC header type ${header}`)
  }
}

/** The connect message's signed parameters. */
export function tmcConnectParams(appKey: string, groupName: string, timestamp: number, appSecret: string): Record<string, string> {
  const params = { app_key: appKey, group_name: groupName, timestamp: String(timestamp) }
  return { ...params, sign: topSign(params, appSecret) }
}

/** A TMC id header (int64, or an int a server wrote narrower) as decimal text. */
export function tmcIdText(value: TmcValue | undefined): string | undefined {
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number' && Number.isInteger(value)) return String(value)
  if (typeof value === 'string' && /^\d+$/.test(value)) return value
  return undefined
}

export interface TmcChannelOptions extends ShopChannelOptions<TaobaoCredentials> {
  /** The TMC group the app's messages are routed to (set up in the Taobao console); "default" unless given. */
  groupName?: string
}

/** Opens and keeps open a shop's TMC channel; `close()` ends it. */
export function openTmcChannel(o: TmcChannelOptions): ChannelConnection {
  const label = `taobao shop ${o.shopId}`
  const appKey = requiredCredential(o.credentials, 'appKey')
  const appSecret = requiredCredential(o.credentials, 'appSecret')
  const groupName = o.groupName ?? 'default'
  let token: string | undefined
  const sendKind = (session: ChannelSession, content: Record<string, TmcValue>) => {
    session.socket.send(encodeTmcFrame({ messageType: TMC_MESSAGE_TYPES.send, token, content }))
  }
  const connection = new ChannelConnection({
    ...connectionSettings(o, label),
    protocol: {
      url: () => o.credentials.channelUrl ?? TMC_URL,
      readyOnOpen: false,
      opened(session) {
        token = undefined
        const params = tmcConnectParams(appKey, groupName, o.clock.now(), appSecret)
        session.socket.send(encodeTmcFrame({ messageType: TMC_MESSAGE_TYPES.connect, content: { ...params, sdk: 'ordo' } }))
      },
      // TMC answers pull requests with what waits for the group; asking each heartbeat picks up a backlog.
      heartbeat(session) {
        session.socket.ping()
        if (token !== undefined) sendKind(session, { __kind: TMC_KINDS.pullRequest })
      },
      async received(session, data, isBinary) {
        if (!isBinary) { o.log.warn({ channel: label }, 'TMC sent a text frame; its messages are binary: dropped'); return }
        let frame: TmcFrame
        try {
          frame = decodeTmcFrame(data)
        } catch (err) {
          o.log.error({ channel: label, error: (err as Error).message }, 'a TMC message cannot be read; dropped (its id cannot be read to confirm it)')
          return
        }
        if (frame.messageType === TMC_MESSAGE_TYPES.connectAck) {
          if (frame.statusCode !== undefined && frame.statusCode !== 0) {
            session.fail(new Error(`TMC refused the connect (${frame.statusCode}${frame.statusPhrase ? ` ${frame.statusPhrase}` : ''})`))
            return
          }
          token = frame.token
          session.ready()
          sendKind(session, { __kind: TMC_KINDS.pullRequest })
          return
        }
        if (frame.messageType !== TMC_MESSAGE_TYPES.send || frame.content.__kind !== TMC_KINDS.data) return
        const id = tmcIdText(frame.content.id)
        if (id === undefined) { o.log.error({ channel: label }, 'a TMC data message has no id; dropped (it cannot be confirmed)'); return }
        const confirm = () => sendKind(session, { __kind: TMC_KINDS.confirm, id: BigInt(id) })
        const reading = readTmcData(frame)
        if (!reading.ok) {
          // Reading it again would fail again: confirm it so it does not block the group, and say so.
          o.log.error({ channel: label, messageId: id, topic: frame.content.topic, reason: reading.reason }, 'a TMC message names no order Ordo can read; confirmed and dropped')
          confirm()
          return
        }
        if (reading.refs.length === 0) { confirm(); return }
        await acceptThenAck(o, label, id, reading.refs, confirm, () => sendKind(session, { __kind: TMC_KINDS.failed, id: BigInt(id), msg: 'not accepted' }))
      },
    },
  })
  connection.start()
  return connection
}

/**
 * The orders a TMC data message names: trade and refund topics carry a tid; other topics (items,
 * logistics) name no order and read as none.
 */
export function readTmcData(frame: TmcFrame): { ok: true; refs: PulledOrderRef[] } | { ok: false; reason: string } {
  const { topic, content } = frame.content
  if (typeof topic !== 'string' || topic === '') return { ok: false, reason: 'the message has no topic' }
  if (typeof content !== 'string') return { ok: false, reason: 'the message has no content text' }
  if (!/^taobao_(trade|refund)_/.test(topic)) return { ok: true, refs: [] }
  const reading = readPush(JSON.stringify({ topic, content }))
  if (!reading.ok) return { ok: false, reason: reading.details.map((d) => `${d.pointer} ${d.reason}`).join('; ') }
  return reading.push.kind === 'pull' ? { ok: true, refs: reading.push.orders } : { ok: true, refs: [] }
}
