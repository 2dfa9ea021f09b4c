/**
 * Pinduoduo's message service (消息服务): the app opens
 * wss://message-api.pinduoduo.com/message/{client_id}/{timestamp}/{sign} and receives JSON text
 * frames `{"commandType":"Common","id":…,"sendTime":…,"message":{"type","mallID","content"}}`,
 * answering each with `{"commandType":"Ack","id":…,"sendTime":…}` once it has durably taken it; an
 * unacknowledged message is delivered again. Both sides send `{"commandType":"HeartBeat","time":…}`
 * to keep the connection. `message.content` is JSON text naming the order (`tid`, the order_sn).
 * Source: Pinduoduo Open Platform, 开发文档 › 消息服务 (https://open.pinduoduo.com).
 */
import type { PulledOrderRef } from '../adapter.ts'
import { idInJsonText } from '../payload-reader.ts'
import type { PinduoduoCredentials } from '../pinduoduo.ts'
import { acceptThenAck, ChannelConnection, connectionSettings, requiredCredential, type ShopChannelOptions } from './channel-connection.ts'
import { pinduoduoChannelSign } from './channel-signing.ts'
import { frameId, frameRoot, readingFrame, type FrameId, type UnreadableFrame } from './channel-frames.ts'

export const PINDUODUO_CHANNEL_URL = 'wss://message-api.pinduoduo.com'

/** One frame from the message service, read. */
export type PinduoduoFrame =
  /** `idJson` is the id as the frame wrote it (a JSON number's exact digits, or a quoted string), for the Ack. */
  | ({ kind: 'message'; type: string; refs: PulledOrderRef[] } & FrameId)
  | { kind: 'heartbeat' }
  /** A frame of another command (a notice the client has nothing to answer). */
  | { kind: 'other'; commandType: string }
  | UnreadableFrame

/**
 * Reads one text frame. A Common message of an order topic (pdd_trade_…, pdd_refund_…) names the
 * order in content.tid; other topics name none (refs empty). Ids stay exact: they are read as text.
 */
export function readPinduoduoFrame(text: string): PinduoduoFrame {
  const json = frameRoot(text)
  if (!json.ok) return json.frame
  const root = json.root
  return readingFrame(() => {
    const commandType = root.object().at('commandType').text()
    if (commandType === 'HeartBeat') return { kind: 'heartbeat' }
    if (commandType !== 'Common') return { kind: 'other', commandType }
    const ids = frameId(root.at('id'))
    return readingFrame((): PinduoduoFrame => {
      const message = root.at('message').object()
      const type = message.at('type').text()
      if (!/^pdd_(trade|refund)_/.test(type)) return { kind: 'message', ...ids, type, refs: [] }
      return { kind: 'message', ...ids, type, refs: [{ platformOrderId: idInJsonText(message.at('content'), 'tid'), event: type }] }
    }, ids)
  })
}

/** The Ack of message `idJson` (the id as its frame wrote it). */
export function pinduoduoAck(idJson: string, sendTime: number): string {
  return `{"commandType":"Ack","id":${idJson},"sendTime":${sendTime}}`
}

/** Opens and keeps open a shop's Pinduoduo message channel; `close()` ends it. */
export function openPinduoduoChannel(o: ShopChannelOptions<PinduoduoCredentials>): ChannelConnection {
  const label = `pinduoduo shop ${o.shopId}`
  const clientId = requiredCredential(o.credentials, 'clientId')
  const clientSecret = requiredCredential(o.credentials, 'clientSecret')
  const base = (o.credentials.channelUrl ?? PINDUODUO_CHANNEL_URL).replace(/\/+$/, '')
  const connection = new ChannelConnection({
    ...connectionSettings(o, label),
    protocol: {
      url: () => {
        const timestamp = String(o.clock.now())
        return `${base}/message/${encodeURIComponent(clientId)}/${timestamp}/${encodeURIComponent(pinduoduoChannelSign(clientId, timestamp, clientSecret))}`
      },
      readyOnOpen: true,
      heartbeat: (session) => session.socket.send(`{"commandType":"HeartBeat","time":${o.clock.now()}}`),
      async received(session, data, isBinary) {
        if (isBinary) { o.log.warn({ channel: label }, 'the Pinduoduo message service sent a binary frame; its messages are JSON text: dropped'); return }
        const frame = readPinduoduoFrame(data.toString('utf8'))
        if (frame.kind === 'heartbeat' || frame.kind === 'other') return
        if (frame.kind === 'unreadable') {
          // Reading it again would fail again: acknowledge what has an id so it does not come back forever.
          o.log.error({ channel: label, messageId: frame.id, reason: frame.reason }, 'a Pinduoduo message cannot be read; acknowledged and dropped')
          if (frame.idJson !== undefined) session.socket.send(pinduoduoAck(frame.idJson, o.clock.now()))
          return
        }
        const ack = () => session.socket.send(pinduoduoAck(frame.idJson, o.clock.now()))
        if (frame.refs.length === 0) { ack(); return }
        await acceptThenAck(o, label, frame.id, frame.refs, ack)
      },
    },
  })
  connection.start()
  return connection
}
