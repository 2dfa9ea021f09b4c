/**
 * Starts the child runs that for-each and sub-workflow nodes asked for, at most `concurrency` of a
 * group at a time, each on the latest published version of its workflow: its order is the item's
 * (an order id, or an object with one), its variables the group's plus the item. A cancelled
 * group's running children are cancelled too.
 */
import type { Clock } from '../core/clock.ts'
import { startRun } from '../core/advance.ts'
import type { PreparedWorkflow } from '../core/prepare-workflow.ts'
import type { NewRun, Store } from '../store/store.ts'
import { newId } from './ids.ts'
import type { EngineLogger } from './run-executor.ts'

/** How deep child runs may nest (a for-each whose children start for-eaches...). */
export const MAX_CHILD_DEPTH = 5

/** The order id an item stands for: the item itself when it is an id, else its `id`. */
function orderIdOf(item: unknown): string | null {
  if (typeof item === 'string' && item.startsWith('ord_')) return item
  if (item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'string') return (item as { id: string }).id
  return null
}

/** The child-run launcher of one process. */
export class ChildLauncher {
  constructor(private readonly o: {
    store: Store; clock: Clock; log: EngineLogger
    prepared: (workflowId: string) => PreparedWorkflow | undefined
    started: (runId: string) => void
    cancel: (runId: string) => Promise<unknown>
  }) {}

  /** Starts what the groups with queued children may start now; cancels the children of cancelled groups. */
  async launch(): Promise<void> {
    const now = this.o.clock.now()
    const starts: Array<{ groupId: string; idx: number; run: NewRun }> = []
    for (const group of await this.o.store.childGroupsWithQueued(100)) {
      const room = group.concurrency - group.running
      if (room <= 0) continue
      const prepared = this.o.prepared(group.workflowId)
      if (!prepared) {
        this.o.log.warn({ groupId: group.id, workflowId: group.workflowId }, 'child runs wait: their workflow has no published version that loads')
        continue
      }
      const parent = await this.o.store.getRun(group.parentRunId)
      const depth = (parent?.state.parent?.depth ?? 0) + 1
      if (depth > MAX_CHILD_DEPTH) {
        this.o.log.warn({ groupId: group.id }, `child runs nest more than ${MAX_CHILD_DEPTH} deep; not started`)
        continue
      }
      for (const child of await this.o.store.queuedChildren(group.id, room)) {
        const runId = newId('run', now)
        starts.push({
          groupId: group.id, idx: child.idx,
          run: {
            state: startRun(prepared, {
              runId, orderId: orderIdOf(child.item) ?? group.orderId, now,
              variables: { ...group.variables, [group.itemVariable]: child.item },
              input: { item: child.item, index: child.idx },
              parent: { runId: group.parentRunId, groupId: group.id, depth },
            }),
            trigger: { kind: 'child', parentRunId: group.parentRunId },
            triggerKey: `child:${group.id}:${child.idx}`,
          },
        })
      }
    }
    if (starts.length > 0) {
      for (const runId of await this.o.store.startChildRuns(starts)) this.o.started(runId)
    }
    for (const runId of await this.o.store.orphanedChildRuns(100)) {
      await this.o.cancel(runId).catch((err) => this.o.log.warn({ err, runId }, 'could not cancel the child of a cancelled group'))
    }
  }
}
