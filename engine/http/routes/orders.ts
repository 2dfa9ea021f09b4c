/** Orders: ingest (one or a batch, idempotent, acknowledged after commit), list with filters, detail. */
import type { FastifyPluginAsync } from 'fastify'
import type { OrderInput } from '../../../schemas/generated/order-input.ts'
import type { Platform, Status } from '../../../schemas/generated/order.ts'
import { validators, toErrorDetails, orderSchema } from '../../../schemas/index.ts'
import { NotFoundError } from '../../store/store.ts'
import { parseDurationMs } from '../../core/duration.ts'
import { ALL_ROLES } from '../auth.ts'
import { badRequest } from '../errors.ts'
import { memberTextOfItems } from '../json-member-text.ts'
import { keepSourceText } from '../../store/json-source-text.ts'
import { iso } from '../iso.ts'
import { idParams, pageQuery } from './paging.ts'
import { runView } from './runs.ts'
import { RunNames } from './run-names.ts'
import { historyOrigin } from './history-origin.ts'

/** Most orders one request may carry. */
export const MAX_BATCH = 1000

const defs = orderSchema.definitions

/** Registers POST /api/orders, GET /api/orders and GET /api/orders/:id. */
export const orderRoutes: FastifyPluginAsync = async (app) => {
  const { engine } = app
  const { store, clock } = engine

  app.post<{ Body: unknown }>('/api/orders', {
    config: { roles: ['admin', 'operator'] },
    schema: {
      tags: ['orders'],
      summary: `Ingest one normalized order or an array of up to ${MAX_BATCH}; answers after they are committed`,
      body: { oneOf: [{ type: 'object' }, { type: 'array' }], description: 'an OrderInput (order-input.schema.json) or an array of them' },
      response: {
        200: {
          type: 'object', required: ['results'],
          properties: { results: { type: 'array', items: { type: 'object', required: ['id', 'platform', 'platformOrderId', 'outcome'],
            properties: { id: { type: 'string' }, platform: { type: 'string' }, platformOrderId: { type: 'string' }, outcome: { type: 'string', enum: ['created', 'updated', 'unchanged'] } } } } },
        },
      },
    },
  }, async (request) => {
    const body = request.body
    const list = Array.isArray(body) ? body : [body]
    if (list.length === 0) throw badRequest([{ pointer: '/', reason: 'must hold at least one order' }])
    if (list.length > MAX_BATCH) throw badRequest([{ pointer: '/', reason: `must hold at most ${MAX_BATCH} orders per request (got ${list.length})` }])
    const details = []
    for (let i = 0; i < list.length; i++) {
      if (!validators.orderInput(list[i])) details.push(...toErrorDetails(validators.orderInput.errors, Array.isArray(body) ? `/${i}` : ''))
    }
    // A batch is taken whole or not at all, so a client can resend it after fixing the named fields.
    if (details.length) throw badRequest(details)
    const inputs = list as OrderInput[]
    keepRawTexts(inputs, request.jsonText)
    const results = await engine.ingest(inputs.map((input) => ({ input })), `api:${request.principal?.name ?? 'unknown'}`)
    return { results: results.map(({ id, platform, platformOrderId, outcome }) => ({ id, platform, platformOrderId, outcome })) }
  })

  app.get<{ Querystring: { status?: Status; platform?: Platform; tag?: string; exception?: string; staleFor?: string; limit: number; cursor?: string } }>('/api/orders', {
    config: { roles: ALL_ROLES },
    schema: {
      tags: ['orders'],
      summary: 'List orders, newest change first; filter by status, platform, tag, exception, or "not updated for more than" an ISO 8601 duration',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          status: defs.status, platform: defs.platform, tag: { type: 'string', maxLength: 64 },
          exception: { type: 'string', maxLength: 32 },
          staleFor: { type: 'string', pattern: '^P(?!$)(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?$', description: 'ISO 8601 duration, e.g. PT2H' },
          ...pageQuery,
        },
      },
    },
  }, async (request) => {
    const q = request.query
    const page = await store.listOrders({
      status: q.status, platform: q.platform, tag: q.tag, exception: q.exception,
      updatedBefore: q.staleFor ? clock.now() - parseDurationMs(q.staleFor) : undefined,
      limit: q.limit, cursor: q.cursor,
    })
    return { items: page.items.map(withoutRaw), nextCursor: page.nextCursor }
  })

  app.get<{ Params: { id: string } }>('/api/orders/:id', {
    config: { roles: ALL_ROLES },
    schema: {
      tags: ['orders'], params: idParams,
      summary: 'One order with its status history (each entry with its origin: the run, workflow and node names, or who sent it) and its runs',
    },
  }, async (request) => {
    const stored = await store.getOrder(request.params.id)
    if (!stored) throw new NotFoundError(`order ${request.params.id} not found`)
    const [history, runs] = await Promise.all([
      store.orderHistory(stored.order.id),
      store.listRuns({ orderId: stored.order.id, limit: 100 }),
    ])
    const names = new RunNames(store)
    return {
      order: stored.order,
      revision: stored.revision,
      history: await Promise.all(history.map(async (e) => ({ ...e, origin: await historyOrigin(e.source, names), at: iso(e.at) }))),
      runs: await Promise.all(runs.items.map((r) => runView(r, names))),
    }
  })
}

/**
 * Ties each order's raw payload to its exact text in the request, so the store keeps that text
 * (JSON.parse has already rounded 64-bit ids in the parsed value). Scans only when a raw is present.
 */
function keepRawTexts(inputs: readonly OrderInput[], jsonText: string | null): void {
  if (jsonText === null || !inputs.some((input) => input.raw !== undefined)) return
  const texts = memberTextOfItems(jsonText, 'raw')
  inputs.forEach((input, i) => {
    const text = texts[i]
    if (input.raw !== undefined && text !== undefined) keepSourceText(input.raw, text)
  })
}

function withoutRaw<T extends { raw?: unknown }>(order: T): Omit<T, 'raw'> {
  const { raw: _raw, ...rest } = order
  return rest
}
