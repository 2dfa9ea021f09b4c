/**
 * JD's message service (JOS 消息服务, "主动通知": a long connection the app opens and JD pushes order
 * changes down; http://help.jd.com/jos/question-984.html), modelled on WebSocket the way TMC and
 * Pinduoduo work, since JD publishes no open wire format for it (its SDK hides it):
 *
 *   connect  {channelUrl}/message?app_key=…&access_token=…&timestamp=…&v=2.0&sign=…
 *            signed as every JOS call is (MD5 of secret + sorted name/value pairs + secret, upper hex);
 *            a bad signature is refused with HTTP 401 before the upgrade
 *   message  {"type":"message","id":…,"topic":"…","content":"{\"orderId\":…}","pubTime":…}
 *   ack      {"type":"ack","id":…}   (the same id, after the message was durably taken;
 *            an unacknowledged message is delivered again)
 *   liveness WebSocket ping/pong
 *
 * JD order ids are 64-bit JSON numbers; they are read as text. There is no public default address,
 * so a JD shop's channel needs `channelUrl`.
 */
import type { PulledOrderRef } from '../adapter.ts'
import type { JdCredentials } from '../jd.ts'
import { readPayload } from '../lossless-json.ts'
import { Field, PayloadError } from '../payload-reader.ts'
import { acceptThenAck, ChannelConnection, connectionSettings, requiredCredential, type ShopChannelOptions } from './channel-connection.ts'
import { topSign } from './channel-signing.ts'
import { frameId, frameRoot, readingFrame, type FrameId, type UnreadableFrame } from './channel-frames.ts'

/** One frame from JD's message service, read. */
export type JdFrame =
  /** `idJson` is the id as the frame wrote it, for the ack. */
  | ({ kind: 'message'; topic: string; refs: PulledOrderRef[] } & FrameId)
  | { kind: 'other'; type: string }
  | UnreadableFrame

/** The signed connect parameters (query string order is free; the signature sorts them). */
export function jdConnectParams(appKey: string, accessToken: string, timestamp: number, appSecret: string): Record<string, string> {
  const params = { app_key: appKey, access_token: accessToken, timestamp: String(timestamp), v: '2.0' }
  return { ...params, sign: topSign(params, appSecret) }
}

/** Reads one text frame: a message's content that has an orderId names that order; one without names none. */
export function readJdFrame(text: string): JdFrame {
  const json = frameRoot(text)
  if (!json.ok) return json.frame
  const root = json.root
  return readingFrame(() => {
    const type = root.object().at('type').text()
    if (type !== 'message') return { kind: 'other', type }
    const ids = frameId(root.at('id'))
    return readingFrame((): JdFrame => {
      const topic = root.at('topic').text()
      const content = root.at('content')
      const inner = readPayload(content.text())
      if (!inner.ok) return { kind: 'unreadable', reason: `${content.pointer} is not JSON text: ${inner.details[0].pointer} ${inner.details[0].reason}`, ...ids }
      const orderId = new Field(inner.tree).at('orderId')
      if (!orderId.present) return { kind: 'message', ...ids, topic, refs: [] }
      return { kind: 'message', ...ids, topic, refs: [{ platformOrderId: readingId(orderId, content), event: topic }] }
    }, ids)
  })
}

/** The order id in a message's content, or a PayloadError naming the content (the id is in its text). */
function readingId(orderId: Field, content: Field): string {
  try {
    return orderId.id()
  } catch (err) {
    if (err instanceof PayloadError) content.fail(`has an orderId that ${err.reason}`)
    throw err
  }
}

export function jdAck(idJson: string): string {
  return `{"type":"ack","id":${idJson}}`
}

/** Opens and keeps open a shop's JD message channel; `close()` ends it. */
export function openJdChannel(o: ShopChannelOptions<JdCredentials>): ChannelConnection {
  const label = `jd shop ${o.shopId}`
  const appKey = requiredCredential(o.credentials, 'appKey')
  const appSecret = requiredCredential(o.credentials, 'appSecret')
  const accessToken = requiredCredential(o.credentials, 'accessToken')
  const base = requiredCredential(o.credentials, 'channelUrl').replace(/\/+$/, '')
  const connection = new ChannelConnection({
    ...connectionSettings(o, label),
    protocol: {
      url: () => `${base}/message?${new URLSearchParams(jdConnectParams(appKey, accessToken, o.clock.now(), appSecret)).toString()}`,
      readyOnOpen: true,
      async received(session, data, isBinary) {
        if (isBinary) { o.log.warn({ channel: label }, 'the JD message service sent a binary frame; its messages are JSON text: dropped'); return }
        const frame = readJdFrame(data.toString('utf8'))
        if (frame.kind === 'other') return
        if (frame.kind === 'unreadable') {
          o.log.error({ channel: label, messageId: frame.id, reason: frame.reason }, 'a JD message cannot be read; acknowledged and dropped')
          if (frame.idJson !== undefined) session.socket.send(jdAck(frame.idJson))
          return
        }
        const ack = () => session.socket.send(jdAck(frame.idJson))
        if (frame.refs.length === 0) { ack(); return }
        await acceptThenAck(o, label, frame.id, frame.refs, ack)
      },
    },
  })
  connection.start()
  return connection
}
