/**
 * Applies an OrderPatch to an order, purely. The store calls it inside the transaction that commits
 * a step (it is the store's `OrderPatcher`), so replaying the same patch changes nothing the second time.
 */
import type { OrderPatch } from '../../connectors/sdk/define-node.ts'
import type { Order, Status } from '../../schemas/generated/order.ts'
import { canMoveStatus } from './order-state-machine.ts'
import { sameJson } from './same-json.ts'

/** What a patch did: the new order, the names of the fields it changed, and the status move. */
export interface PatchOutcome {
  order: Order
  changed: string[]
  fromStatus: Status
  toStatus: Status
}

/**
 * Applies `patch` to `order` at `now` (UTC epoch ms) without mutating either. Throws an Error naming
 * the move when the status change is illegal. `updatedAt` is the platform's own last update and is left
 * alone: ingest compares it to tell a late event from a new one, and Ordo's changes live in the history.
 */
export function patchOrder(order: Order, patch: OrderPatch, now: number): PatchOutcome {
  const next: Order = { ...order }
  const changed: string[] = []

  if (patch.status !== undefined && patch.status !== order.status) {
    if (!canMoveStatus(order.status, patch.status)) {
      throw new Error(`cannot move order ${order.id} from ${order.status} to ${patch.status}`)
    }
    next.status = patch.status
    changed.push('status')
  }

  const tags = patchTags(order.tags, patch.removeTags ?? [], patch.addTags ?? [])
  if (!sameJson(tags, order.tags)) {
    next.tags = tags
    changed.push('tags')
  }

  if (patch.assignedTeam !== undefined && patch.assignedTeam !== order.assignedTeam) {
    next.assignedTeam = patch.assignedTeam
    changed.push('assignedTeam')
  }

  const holds = patchHolds(order, patch, now)
  if (holds !== order.holds) {
    next.holds = holds
    changed.push('holds')
  }

  if (patch.exception !== undefined && !sameJson(patch.exception, order.exception)) {
    next.exception = patch.exception
    changed.push('exception')
  }

  if (patch.healthScore !== undefined && !sameJson(patch.healthScore, order.healthScore)) {
    next.healthScore = patch.healthScore
    changed.push('healthScore')
  }

  if (changed.length === 0) return { order, changed, fromStatus: order.status, toStatus: order.status }
  return { order: next, changed, fromStatus: order.status, toStatus: next.status }
}

/** Tags are a set kept in first-added order: removals apply first, so a tag both removed and added stays. */
function patchTags(current: string[], remove: string[], add: string[]): string[] {
  const removed = new Set(remove)
  const out = current.filter((tag) => !removed.has(tag))
  for (const tag of add) if (!out.includes(tag)) out.push(tag)
  return out
}

/** Returns the same array when nothing changed, so callers can tell by identity. */
function patchHolds(order: Order, patch: OrderPatch, now: number): Order['holds'] {
  let holds = order.holds
  if (patch.releaseHold !== undefined && holds.some((h) => h.pool === patch.releaseHold)) {
    holds = holds.filter((h) => h.pool !== patch.releaseHold)
  }
  const add = patch.addHold
  if (add && !holds.some((h) => h.pool === add.pool)) {
    const hold: Order['holds'][number] = { pool: add.pool, at: new Date(now).toISOString() }
    if (add.reason !== undefined) hold.reason = add.reason
    holds = [...holds, hold]
  }
  return holds
}
