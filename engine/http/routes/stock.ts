/**
 * /api/stock: the stock ledger. Operators read the SKUs' levels, each SKU's listings and
 * allocations and its recent movements; admins set on hand (a stock count, booked as an
 * adjustment), the shops that list a SKU and how much of it each may sell. A change that moves a
 * shop's sellable level queues its push in the same transaction, for the stock sync worker.
 */
import type { FastifyPluginAsync } from 'fastify'
import { randomUUID } from 'node:crypto'
import type { StockItem, StockLedgerRow, StockPushState } from '../../store/store.ts'
import { NotFoundError } from '../../store/store.ts'
import type { StockRecord } from '../../../schemas/generated/stock.ts'
import type { StockUpdate } from '../../../schemas/generated/stock-update.ts'
import { stockSchema, stockUpdateSchema } from '../../../schemas/index.ts'
import { badRequest } from '../errors.ts'
import { iso } from '../iso.ts'
import { pageQuery } from './paging.ts'

const OPERATORS = ['admin', 'operator'] as const
/** Movements a SKU's page shows at once. */
export const LEDGER_PAGE = 50

const skuParams = {
  type: 'object', additionalProperties: false, required: ['sku'],
  properties: { sku: { $ref: `${stockSchema.$id}#/definitions/sku` } },
} as const

const levelsView = {
  type: 'object', additionalProperties: false, required: ['sku', 'onHand', 'reserved', 'available', 'updatedAt'],
  properties: {
    sku: { type: 'string' }, onHand: { type: 'integer' }, reserved: { type: 'integer' }, available: { type: 'integer' }, updatedAt: { type: 'string', format: 'date-time' },
  },
} as const

function pushView(p: StockPushState) {
  return { ...p, nextTryAt: iso(p.nextTryAt), queuedAt: iso(p.queuedAt), pushedAt: iso(p.pushedAt) }
}

function ledgerView(r: StockLedgerRow) {
  return {
    id: r.id, kind: r.kind, onHandDelta: r.onHandDelta, reservedDelta: r.reservedDelta, onHandAfter: r.onHandAfter, reservedAfter: r.reservedAfter,
    orderId: r.orderId, runId: r.runId, idempotencyKey: r.idempotencyKey, source: r.source, at: iso(r.at),
  }
}

/** A SKU as the API shows it (schemas/stock.schema.json). */
function stockView(item: StockItem, ledger: { items: StockLedgerRow[]; nextCursor: string | null }): StockRecord {
  return {
    sku: item.sku, onHand: item.onHand, reserved: item.reserved, available: item.available, updatedAt: iso(item.updatedAt),
    allocations: item.listings.filter((l) => l.cap !== null || l.sharePercent !== null).map((l) => ({ shopId: l.shopId, cap: l.cap, sharePercent: l.sharePercent })),
    listings: item.listings.map((l) => ({ shopId: l.shopId, platformSkuId: l.platformSkuId, sellable: l.sellable, push: l.push ? pushView(l.push) : null })),
    ledger: ledger.items.map(ledgerView), ledgerNextCursor: ledger.nextCursor,
  }
}

/** The body's problems the schema cannot see: a shop named twice, an allocation for a shop that does not list the SKU. */
function checkUpdate(body: StockUpdate, listedNow: readonly string[]): void {
  const details: Array<{ pointer: string; reason: string }> = []
  for (const list of ['listings', 'allocations'] as const) {
    const seen = new Set<string>()
    body[list]?.forEach((entry, i) => {
      if (seen.has(entry.shopId)) details.push({ pointer: `/${list}/${i}/shopId`, reason: `names shop ${entry.shopId} a second time` })
      seen.add(entry.shopId)
    })
  }
  const listed = new Set(body.listings ? body.listings.map((l) => l.shopId) : listedNow)
  body.allocations?.forEach((a, i) => {
    if (!listed.has(a.shopId)) details.push({ pointer: `/allocations/${i}/shopId`, reason: `shop ${a.shopId} does not list this SKU: add it to listings first` })
  })
  if (details.length) throw badRequest(details)
}

/** Registers GET /api/stock, GET /api/stock/:sku and PUT /api/stock/:sku. */
export const stockRoutes: FastifyPluginAsync = async (app) => {
  const { store, clock } = app.engine

  app.get<{ Querystring: { limit: number; cursor?: string } }>('/api/stock', {
    config: { roles: OPERATORS },
    schema: {
      tags: ['stock'], summary: 'SKUs by code with their levels: on hand, reserved, available',
      querystring: { type: 'object', additionalProperties: false, properties: { ...pageQuery } },
      response: {
        200: { type: 'object', additionalProperties: false, required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: levelsView }, nextCursor: { type: ['string', 'null'] } } },
      },
    },
  }, async (request) => {
    const page = await store.listStock({ limit: request.query.limit, ...(request.query.cursor !== undefined ? { cursor: request.query.cursor } : {}) })
    return { items: page.items.map((l) => ({ ...l, updatedAt: iso(l.updatedAt) })), nextCursor: page.nextCursor }
  })

  app.get<{ Params: { sku: string }; Querystring: { ledgerCursor?: string } }>('/api/stock/:sku', {
    config: { roles: OPERATORS },
    schema: {
      tags: ['stock'], summary: 'One SKU: its levels, allocations, listings with each shop\'s sellable level and last push, and its latest movements',
      params: skuParams,
      querystring: { type: 'object', additionalProperties: false, properties: { ledgerCursor: { type: 'string', maxLength: 200 } } },
      response: { 200: { $ref: `${stockSchema.$id}#` } },
    },
  }, async (request) => {
    const { sku } = request.params
    const item = await store.getStock(sku)
    if (!item) throw new NotFoundError(`no stock is recorded for SKU ${sku}`)
    return stockView(item, await store.stockLedger(sku, LEDGER_PAGE, request.query.ledgerCursor))
  })

  app.put<{ Params: { sku: string }; Body: StockUpdate }>('/api/stock/:sku', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['stock'], summary: 'Set a SKU\'s on hand (booked as an adjustment), its listings and allocations; creates the SKU when new',
      params: skuParams,
      body: { $ref: `${stockUpdateSchema.$id}#` },
      response: { 200: { $ref: `${stockSchema.$id}#` } },
    },
  }, async (request) => {
    const { sku } = request.params
    const body = request.body
    const existing = await store.getStock(sku)
    const current = existing?.listings ?? []
    checkUpdate(body, current.map((l) => l.shopId))
    // A list left out keeps what is stored: listings keep their allocations, allocations their listings' SKU ids.
    const listings = body.listings
      ? body.listings.map((l) => ({ shopId: l.shopId, platformSkuId: l.platformSkuId ?? null }))
      : current.map((l) => ({ shopId: l.shopId, platformSkuId: l.platformSkuId }))
    const allocationOf = new Map(body.allocations
      ? body.allocations.map((a) => [a.shopId, { cap: a.cap ?? null, sharePercent: a.sharePercent ?? null }])
      : current.map((l) => [l.shopId, { cap: l.cap, sharePercent: l.sharePercent }]))
    const by = request.principal!.name
    const now = clock.now()
    const change = {
      ...(body.onHand !== undefined ? { onHand: body.onHand } : {}),
      ...(body.listings || body.allocations ? { listings: listings.map((l) => ({ ...l, ...(allocationOf.get(l.shopId) ?? { cap: null, sharePercent: null }) })) } : {}),
    }
    const item = await store.putStock(sku, change, { idempotencyKey: `api:${randomUUID()}`, orderId: null, runId: null, source: `api:${by}` }, now)
    await store.appendAudit({ at: now, actor: by, action: existing ? 'stock.update' : 'stock.create', target: sku, detail: { ...body } })
    return stockView(item, await store.stockLedger(sku, LEDGER_PAGE))
  })
}
