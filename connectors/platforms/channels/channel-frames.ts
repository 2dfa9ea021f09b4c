/**
 * What the JSON message channels (Pinduoduo, JD) share in reading a frame: the frame's JSON, the
 * message id as the frame wrote it (a JSON number's exact digits, or a quoted string) for its ack,
 * and turning a PayloadError into an unreadable frame, carrying the id once it is known, so that a
 * message Ordo cannot read is still acknowledged rather than sent again forever.
 */
import { JsonNumber, readPayload } from '../lossless-json.ts'
import { Field, PayloadError } from '../payload-reader.ts'

export interface FrameId { id: string; idJson: string }

export type UnreadableFrame = { kind: 'unreadable'; reason: string } & Partial<FrameId>

/** The root of a text frame, or the unreadable frame it is when it is not JSON. */
export function frameRoot(text: string): { ok: true; root: Field } | { ok: false; frame: UnreadableFrame } {
  const payload = readPayload(text)
  if (!payload.ok) return { ok: false, frame: { kind: 'unreadable', reason: `not JSON: ${payload.details[0].pointer} ${payload.details[0].reason}` } }
  return { ok: true, root: new Field(payload.tree) }
}

/** A message's id, as text and as the frame wrote it. */
export function frameId(field: Field): FrameId {
  const id = field.id()
  return { id, idJson: field.value instanceof JsonNumber ? field.value.text : JSON.stringify(id) }
}

/** What `read` reads, or the unreadable frame a PayloadError it throws makes (naming `known`'s id). */
export function readingFrame<F>(read: () => F, known?: FrameId): F | UnreadableFrame {
  try {
    return read()
  } catch (err) {
    if (err instanceof PayloadError) return { kind: 'unreadable', reason: err.message, ...known }
    throw err
  }
}
