/**
 * Group commit: requests that arrive within one turn of the event loop share one transaction, and each
 * caller is answered only after that transaction committed. Throughput grows with load; latency stays
 * one event-loop turn.
 */
export class GroupCommit<In, Out> {
  private pending: Array<{ items: In[]; resolve: (out: Out[]) => void; reject: (e: unknown) => void }> = []
  private scheduled = false

  /** `commit` persists all items of a group at once and returns one result per item, in order. */
  constructor(private readonly commit: (items: In[]) => Promise<Out[]>, private readonly maxItems = 2000) {}

  /** Queues `items` for the next group; resolves with their results once committed. */
  submit(items: In[]): Promise<Out[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ items, resolve, reject })
      if (!this.scheduled) {
        this.scheduled = true
        setImmediate(() => this.flush())
      }
    })
  }

  private async flush(): Promise<void> {
    this.scheduled = false
    while (this.pending.length) {
      const group: typeof this.pending = []
      let size = 0
      while (this.pending.length && (group.length === 0 || size + this.pending[0].items.length <= this.maxItems)) {
        const next = this.pending.shift()!
        group.push(next)
        size += next.items.length
      }
      const all = group.flatMap((g) => g.items)
      try {
        const results = await this.commit(all)
        let offset = 0
        for (const g of group) {
          g.resolve(results.slice(offset, offset + g.items.length))
          offset += g.items.length
        }
      } catch (err) {
        // One bad group must not take the others down: retry its members one by one so only the culprit fails.
        if (group.length === 1) group[0].reject(err)
        else for (const g of group) this.commit(g.items).then(g.resolve, g.reject)
      }
    }
  }
}
