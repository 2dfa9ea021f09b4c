/**
 * The integration log and health: every outside call (a connector's activity, a subscription's
 * delivery) with its endpoint (no secrets), status, latency, error class, attempt and idempotency
 * key; and per connector the error rate and p50/p99 latency over recent windows.
 */
import type { FastifyPluginAsync } from 'fastify'
import { pageQuery } from './paging.ts'
import { RunNames } from './run-names.ts'
import { iso } from '../iso.ts'
import { parseInstant } from '../../../schemas/date-time.ts'
import { badRequest } from '../errors.ts'

/** Who may read the log: everyone who works with flows and orders (approvers only see their inbox). */
const READERS = ['admin', 'designer', 'operator'] as const
/** The health windows: 5 minutes, an hour, a day. */
export const HEALTH_WINDOWS_MS = [5 * 60_000, 60 * 60_000, 24 * 60 * 60_000] as const
const WINDOW_NAMES = ['5m', '1h', '24h'] as const
export const ERROR_CLASSES = ['timeout', 'auth', '4xx', '5xx', 'network', 'error'] as const

const entryView = {
  type: 'object', additionalProperties: false,
  required: ['id', 'at', 'connector', 'endpoint', 'method', 'statusCode', 'latencyMs', 'errorClass', 'error', 'attempt', 'idempotencyKey', 'runId', 'nodeId', 'orderId', 'subscriptionId', 'eventId'],
  properties: {
    id: { type: 'integer' }, at: { type: 'string' }, connector: { type: 'string' }, endpoint: { type: 'string' }, method: { type: ['string', 'null'] },
    statusCode: { type: ['integer', 'null'] }, latencyMs: { type: 'integer' }, errorClass: { type: ['string', 'null'] }, error: { type: ['string', 'null'] },
    attempt: { type: 'integer' }, idempotencyKey: { type: 'string' }, runId: { type: ['string', 'null'] }, nodeId: { type: ['string', 'null'] },
    orderId: { type: ['string', 'null'] }, subscriptionId: { type: ['string', 'null'] }, eventId: { type: ['string', 'null'] },
    workflowId: { type: ['string', 'null'] }, workflowName: { type: ['string', 'null'] }, nodeName: { type: ['string', 'null'] },
    order: { type: ['object', 'null'], additionalProperties: false, required: ['platform', 'platformOrderId'], properties: { platform: { type: 'string' }, platformOrderId: { type: 'string' } } },
    subscriptionName: { type: ['string', 'null'] },
  },
} as const

const windowView = {
  type: 'object', additionalProperties: false, required: ['window', 'calls', 'failed', 'errorRate', 'errors', 'p50Ms', 'p99Ms'],
  properties: {
    window: { type: 'string' }, calls: { type: 'integer' }, failed: { type: 'integer' }, errorRate: { type: 'number' },
    errors: { type: 'object', additionalProperties: { type: 'integer' } }, p50Ms: { type: ['integer', 'null'] }, p99Ms: { type: ['integer', 'null'] },
  },
} as const

/** Registers GET /api/integrations/log and /api/integrations/health. */
export const integrationRoutes: FastifyPluginAsync = async (app) => {
  const { store, clock, registry } = app.engine

  app.get<{ Querystring: { connector?: string; runId?: string; orderId?: string; subscriptionId?: string; idempotencyKey?: string; outcome?: string; since?: string; until?: string; limit: number; cursor?: string } }>('/api/integrations/log', {
    config: { roles: [...READERS] },
    schema: {
      tags: ['integrations'],
      summary: 'Outside calls, newest first; outcome is ok, failed or an error class (timeout, auth, 4xx, 5xx, network, error)',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          connector: { type: 'string', maxLength: 100 }, runId: { type: 'string', maxLength: 128 }, orderId: { type: 'string', maxLength: 128 },
          subscriptionId: { type: 'string', maxLength: 128 }, idempotencyKey: { type: 'string', maxLength: 300 },
          outcome: { type: 'string', enum: ['ok', 'failed', ...ERROR_CLASSES] },
          since: { type: 'string', format: 'date-time' }, until: { type: 'string', format: 'date-time' },
          ...pageQuery,
        },
      },
      response: { 200: { type: 'object', additionalProperties: false, required: ['entries', 'nextCursor'], properties: { entries: { type: 'array', items: entryView }, nextCursor: { type: ['string', 'null'] } } } },
    },
  }, async (request) => {
    const q = request.query
    const since = q.since ? parseInstant(q.since) ?? undefined : undefined
    const until = q.until ? parseInstant(q.until) ?? undefined : undefined
    if (since !== undefined && until !== undefined && since >= until) throw badRequest([{ pointer: '/since', reason: 'must be before until' }])
    const page = await store.integrationLog({
      connector: q.connector, runId: q.runId, orderId: q.orderId, subscriptionId: q.subscriptionId, idempotencyKey: q.idempotencyKey,
      errorClass: q.outcome, since, until, limit: q.limit, cursor: q.cursor,
    })
    const names = new RunNames(store)
    const subscriptions = new Map((await store.listEventSubscriptions()).map((s) => [s.id, s.name]))
    const entries = await Promise.all(page.items.map(async (e) => {
      const pinned = e.runId ? await names.runVersion(e.runId) : null
      return {
        ...e, at: iso(e.at),
        workflowId: pinned?.workflowId ?? null,
        workflowName: pinned ? await names.workflowName(pinned.workflowId) : null,
        nodeName: pinned && e.nodeId ? await names.nodeName(pinned.workflowId, pinned.version, e.nodeId) : null,
        order: await names.order(e.orderId),
        subscriptionName: e.subscriptionId ? subscriptions.get(e.subscriptionId) ?? null : null,
      }
    }))
    return { entries, nextCursor: page.nextCursor }
  })

  app.get('/api/integrations/health', {
    config: { roles: [...READERS] },
    schema: {
      tags: ['integrations'],
      summary: 'Per connector: calls, failures by error class, error rate and p50/p99 latency over the last 5 minutes, hour and day; its last call and last failure',
      response: {
        200: {
          type: 'object', additionalProperties: false, required: ['at', 'connectors'],
          properties: {
            at: { type: 'string' },
            connectors: {
              type: 'array',
              items: {
                type: 'object', additionalProperties: false, required: ['connector', 'title', 'windows', 'lastAt', 'lastFailure'],
                properties: {
                  connector: { type: 'string' },
                  title: { type: 'object', additionalProperties: { type: 'string' } },
                  windows: { type: 'array', items: windowView },
                  lastAt: { type: ['string', 'null'] },
                  lastFailure: { type: ['object', 'null'], additionalProperties: false, required: ['at', 'errorClass', 'error'], properties: { at: { type: 'string' }, errorClass: { type: 'string' }, error: { type: ['string', 'null'] } } },
                },
              },
            },
          },
        },
      },
    },
  }, async () => {
    const now = clock.now()
    const rows = await store.integrationHealth(now, HEALTH_WINDOWS_MS)
    // Connectors with no call yet are listed too, so the page shows every one a flow can use.
    const seen = new Set(rows.map((r) => r.connector))
    for (const m of registry.manifests()) {
      if (m.category === 'connector' && !seen.has(m.type)) rows.push({ connector: m.type, windows: HEALTH_WINDOWS_MS.map((windowMs) => ({ windowMs, calls: 0, failed: 0, errorRate: 0, errors: {}, p50Ms: null, p99Ms: null })), lastAt: null, lastFailure: null })
    }
    rows.sort((a, b) => (a.connector < b.connector ? -1 : 1))
    return {
      at: iso(now),
      connectors: rows.map((r) => {
        const m = registry.get(r.connector)?.manifest
        const title: Record<string, string> = m ? { en: m.title, ...Object.fromEntries(Object.entries(m.i18n ?? {}).flatMap(([loc, t]) => (t.title ? [[loc, t.title]] : []))) } : {}
        return {
          connector: r.connector, title,
          windows: r.windows.map((w, i) => ({ window: WINDOW_NAMES[i]!, calls: w.calls, failed: w.failed, errorRate: w.errorRate, errors: w.errors, p50Ms: w.p50Ms, p99Ms: w.p99Ms })),
          lastAt: iso(r.lastAt), lastFailure: r.lastFailure ? { ...r.lastFailure, at: iso(r.lastFailure.at) } : null,
        }
      }),
    }
  })
}
