/**
 * The inventory nodes as built-in performers: they work on the stock ledger in Ordo's own store,
 * so the activity worker hands their `perform` the store (as it does for `ordo.find-orders`) and
 * logs no outside call for them. Keyed by node type: a node's activity names no other performer.
 */
import type { Performer } from './activity-worker.ts'
import { reserveStock, type ReserveRequest } from '../../connectors/inventory/inventory.reserve.node.ts'
import { releaseStock, type ReleaseRequest } from '../../connectors/inventory/inventory.release.node.ts'
import { syncStock, type SyncRequest } from '../../connectors/inventory/inventory.sync.node.ts'

export const stockPerformers: ReadonlyArray<[string, Performer]> = [
  ['inventory.reserve', (request, ctx) => reserveStock(request as ReserveRequest, ctx)],
  ['inventory.release', (request, ctx) => releaseStock(request as ReleaseRequest, ctx)],
  ['inventory.sync', (request, ctx) => syncStock(request as SyncRequest, ctx)],
]
