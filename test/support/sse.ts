/** Reading GET /api/events in tests: Server-Sent Events frames from a fetch body, as they arrive. */

/** One SSE frame's fields. */
export interface SseEvent { id?: string; event?: string; data?: string; retry?: string }

/** Reads SSE frames from `body`: the next one, the next matching one (skipping others), every one read so far. */
export function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  const frames: Array<SseEvent & { raw: string }> = []
  async function next(): Promise<SseEvent & { raw: string }> {
    for (;;) {
      const end = buffer.indexOf('\n\n')
      if (end >= 0) {
        const raw = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const frame: SseEvent & { raw: string } = { raw }
        for (const line of raw.split('\n')) {
          const m = /^([a-z]+): ?(.*)$/.exec(line)
          if (m) Object.assign(frame, { [m[1]]: m[2] })
        }
        frames.push(frame)
        return frame
      }
      const { value, done } = await reader.read()
      if (done) throw new Error('stream ended')
      buffer += decoder.decode(value, { stream: true })
    }
  }
  /** The next frame matching `pred`, skipping others. */
  async function until(pred: (f: SseEvent) => boolean, timeoutMs = 3000): Promise<SseEvent> {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no matching event')), timeoutMs))
    return Promise.race([(async () => { for (;;) { const f = await next(); if (pred(f)) return f } })(), timeout])
  }
  return { next, until, frames, cancel: () => reader.cancel() }
}
