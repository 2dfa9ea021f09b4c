/**
 * Group commit: requests that arrive within one turn of the event loop share one transaction, and each
 * caller is answered only after that transaction committed. Throughput grows with load; latency stays
 * one event-loop turn. Groups commit one after another, never two at once, so an async store (e.g.
 * PostgreSQL) sees the same order of writes as the synchronous SQLite one.
 *
 * It also says how hard it is driven (`load`): the share of the last LOAD_WINDOW_MS spent
 * committing, which background work (deliveries) reads to step aside in a flash sale.
 */
import { performance } from 'node:perf_hooks'

/** The window over which `load` is measured. */
export const LOAD_WINDOW_MS = 100

export class GroupCommit<In, Out> {
  private pending: Array<{ items: In[]; resolve: (out: Out[]) => void; reject: (e: unknown) => void }> = []
  private scheduled = false
  private flushing = false
  private windowStart: number
  private spentInWindow = 0
  private lastShare = 0

  /**
   * `commit` persists all items of a group at once and returns one result per item, in order;
   * `now` is a monotonic clock in ms (injected by tests of `load`).
   */
  constructor(private readonly commit: (items: In[]) => Promise<Out[]>, private readonly maxItems = 2000, private readonly now: () => number = () => performance.now()) {
    this.windowStart = this.now()
  }

  /** Queues `items` for the next group; resolves with their results once committed. */
  submit(items: In[]): Promise<Out[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ items, resolve, reject })
      // While a group is committing, newcomers wait for the loop in flush() to pick them up.
      if (!this.scheduled && !this.flushing) {
        this.scheduled = true
        setImmediate(() => void this.flush())
      }
    })
  }

  private async flush(): Promise<void> {
    this.scheduled = false
    this.flushing = true
    try {
      while (this.pending.length) {
        const group: typeof this.pending = []
        let size = 0
        while (this.pending.length && (group.length === 0 || size + this.pending[0].items.length <= this.maxItems)) {
          const next = this.pending.shift()!
          group.push(next)
          size += next.items.length
        }
        await this.commitGroup(group)
      }
    } finally {
      this.flushing = false
    }
  }

  /**
   * The share (0 to 1) of the last window spent committing; requests waiting make it 1. A flag for
   * "requests are waiting", sampled between commits, is nearly always false even when commits fill
   * the loop; this is not.
   */
  get load(): number {
    if (this.pending.length > 0) return 1
    this.roll(this.now())
    return this.lastShare
  }

  private roll(now: number): void {
    const elapsed = now - this.windowStart
    if (elapsed < LOAD_WINDOW_MS) return
    this.lastShare = Math.min(1, this.spentInWindow / elapsed)
    this.spentInWindow = 0
    this.windowStart = now
  }

  private async commitGroup(group: typeof this.pending): Promise<void> {
    const started = this.now()
    try {
      const results = await this.commit(group.flatMap((g) => g.items))
      let offset = 0
      for (const g of group) {
        g.resolve(results.slice(offset, offset + g.items.length))
        offset += g.items.length
      }
    } catch (err) {
      // One bad request must not fail the others: commit the members one by one so only the culprit fails.
      if (group.length === 1) return group[0].reject(err)
      for (const g of group) {
        try { g.resolve(await this.commit(g.items)) } catch (e) { g.reject(e) }
      }
    } finally {
      const ended = this.now()
      // A commit that began in an earlier window counts only its part in this one.
      this.spentInWindow += ended - Math.max(started, this.windowStart)
      this.roll(ended)
    }
  }
}
