/**
 * What the parts of Ordo that talk to shops (webhooks, pulls, long connections, platform nodes,
 * stock sync) need of the shops: who they are, their credentials, and one way in for the order
 * details they bring. The shops service implements it over the store and the secret vault.
 */
import type { PlatformName } from '../../connectors/platforms/adapter.ts'
import type { IngestResult } from '../store/store.ts'

/** A shop as Ordo knows it, without its credentials. */
export interface ShopRecord {
  id: string
  platform: PlatformName
  name: string
  /** UTC epoch ms */
  createdAt: number
  /** A disabled shop takes no pushes and is not pulled. */
  enabled: boolean
}

/** Where an order detail came from, for the order's history and the shop's health. */
export type ShopSource = 'push' | 'pull' | 'message' | 'replay'

/** Something that happened between Ordo and a shop, as its health counts it. */
export type ShopHealthEvent =
  | { kind: 'push'; at: number }
  | { kind: 'pull-ok'; at: number; /** how far behind the platform the pull's window ends, ms */ lagMs: number }
  | { kind: 'pull-error'; at: number; error: string; code?: string }
  | { kind: 'message'; at: number }
  /** The shop's message channel (TMC, Pinduoduo, JD) could not connect or was lost; it reconnects by itself. */
  | { kind: 'message-error'; at: number; error: string; code?: string }

export interface ShopDirectory {
  list(): Promise<ShopRecord[]>
  get(shopId: string): Promise<ShopRecord | undefined>
  /** The shop's credentials, decrypted (never log or return them). */
  credentials(shopId: string): Promise<Record<string, string>>
  /**
   * Normalizes order detail answers with the shop's platform adapter and ingests them through the
   * durable path (the engine's rules dedupe them: the same detail twice is one change, an older
   * one after a newer one leaves the status). Answers one result per order read; a detail that
   * cannot be read is recorded against the shop and skipped.
   */
  ingestDetails(shopId: string, details: string[], source: ShopSource): Promise<IngestResult[]>
  recordHealth(shopId: string, event: ShopHealthEvent): void
}
