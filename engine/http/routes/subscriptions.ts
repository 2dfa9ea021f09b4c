/**
 * /api/subscriptions: who hears about order changes — a signed webhook (Standard Webhooks) or a
 * RabbitMQ exchange — which kinds of events, and a JsonLogic filter over { order, event }. Admins
 * create and delete them; operators read them and work their dead letters (inspect, replay).
 */
import type { FastifyPluginAsync } from 'fastify'
import { NotFoundError, type EventSubscriptionRow } from '../../store/store.ts'
import { newId } from '../../runtime/ids.ts'
import { checkRule } from '../../core/json-logic.ts'
import { SUBSCRIBABLE_KINDS } from '../../store/sqlite/sqlite-outbox.ts'
import { generateWebhookSecret, parseWebhookSecret } from '../../../connectors/publish/standard-webhooks.ts'
import { redactAmqpUrl } from '../../../connectors/publish/amqp-connections.ts'
import { badRequest } from '../errors.ts'
import { iso } from '../iso.ts'
import { idParams, pageQuery } from './paging.ts'
import { RunNames } from './run-names.ts'

type TargetInput =
  | { kind: 'webhook'; url: string; secret?: string }
  | { kind: 'rabbitmq'; url: string; exchange: string; routingKey?: string }

interface CreateBody { name: string; events: string[]; filter?: unknown; target: TargetInput }

const targetSchema = {
  oneOf: [
    {
      type: 'object', additionalProperties: false, required: ['kind', 'url'],
      properties: {
        kind: { const: 'webhook' },
        url: { type: 'string', pattern: '^https?://[^\\s/?#]+', maxLength: 2000 },
        secret: { type: 'string', pattern: '^whsec_[A-Za-z0-9+/=]{24,}$', description: 'Standard Webhooks signing secret; generated and shown once when omitted' },
      },
    },
    {
      type: 'object', additionalProperties: false, required: ['kind', 'url', 'exchange'],
      properties: {
        kind: { const: 'rabbitmq' },
        url: { type: 'string', pattern: '^amqps?://', maxLength: 2000, description: 'Kept sealed like a secret; answers show it without its password' },
        exchange: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9_.:-]+$' },
        routingKey: { type: 'string', maxLength: 255, description: 'Default order.<kind>' },
      },
    },
  ],
} as const

const subscriptionView = {
  type: 'object', additionalProperties: false, required: ['id', 'name', 'events', 'filter', 'target', 'createdAt', 'createdBy'],
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, events: { type: 'array', items: { type: 'string' } }, filter: {},
    target: {
      type: 'object', additionalProperties: false, required: ['kind'],
      properties: { kind: { type: 'string' }, url: { type: 'string' }, exchange: { type: 'string' }, routingKey: { type: 'string' } },
    },
    createdAt: { type: 'string' }, createdBy: { type: 'string' },
    secret: { type: 'string', description: 'The signing secret, in the creating answer only' },
    stats: {
      type: 'object', additionalProperties: false, required: ['pending', 'dead', 'oldestPendingAt', 'lastDeliveredAt'],
      properties: { pending: { type: 'integer' }, dead: { type: 'integer' }, oldestPendingAt: { type: ['string', 'null'] }, lastDeliveredAt: { type: ['string', 'null'] } },
    },
  },
} as const

function view(row: EventSubscriptionRow) {
  const t = row.target
  return {
    id: row.id, name: row.name, events: row.events, filter: row.filter,
    target: t.kind === 'webhook' ? { kind: t.kind, url: t.url } : { kind: t.kind, url: t.displayUrl, exchange: t.exchange, ...(t.routingKey ? { routingKey: t.routingKey } : {}) },
    createdAt: iso(row.createdAt), createdBy: row.createdBy,
  }
}

/** Registers the /api/subscriptions routes. */
export const subscriptionRoutes: FastifyPluginAsync = async (app) => {
  const { store, clock } = app.engine

  app.post<{ Body: CreateBody }>('/api/subscriptions', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['integrations'],
      summary: 'Subscribe a webhook or a RabbitMQ exchange to order events; a webhook\'s signing secret is in this answer only',
      body: {
        type: 'object', additionalProperties: false, required: ['name', 'events', 'target'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200 },
          events: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...SUBSCRIBABLE_KINDS] } },
          filter: { description: 'JsonLogic over { order, event }: only matching events are sent' },
          target: targetSchema,
        },
      },
      response: { 201: subscriptionView },
    },
  }, async (request, reply) => {
    const body = request.body
    if (body.filter !== undefined) {
      const problem = checkRule(body.filter)
      if (problem) throw badRequest([{ pointer: '/filter', reason: problem }])
    }
    const id = newId('sub', clock.now())
    let sealed: Buffer
    let target: EventSubscriptionRow['target']
    let shownSecret: string | undefined
    if (body.target.kind === 'webhook') {
      const secret = body.target.secret ?? generateWebhookSecret()
      try { parseWebhookSecret(secret) } catch (err) { throw badRequest([{ pointer: '/target/secret', reason: (err as Error).message }]) }
      if (!body.target.secret) shownSecret = secret
      sealed = app.engine.secrets.sealFor(`subscription:${id}`, secret)
      target = { kind: 'webhook', url: body.target.url }
    } else {
      const displayUrl = redactAmqpUrl(body.target.url)
      if (displayUrl === '(invalid AMQP URL)') throw badRequest([{ pointer: '/target/url', reason: 'is not an amqp:// URL' }])
      if (!new URL(body.target.url).hostname) throw badRequest([{ pointer: '/target/url', reason: 'names no broker host (amqp://user:password@host:5672/vhost)' }])
      sealed = app.engine.secrets.sealFor(`subscription:${id}`, body.target.url)
      target = { kind: 'rabbitmq', exchange: body.target.exchange, ...(body.target.routingKey ? { routingKey: body.target.routingKey } : {}), displayUrl }
    }
    const row = await store.createEventSubscription({ id, name: body.name, events: body.events, filter: body.filter ?? null, target, sealedSecret: sealed }, clock.now(), request.principal!.name)
    app.engine.subscriptionsChanged()
    await store.appendAudit({ at: clock.now(), actor: request.principal!.name, action: 'subscription.create', target: id, detail: { name: body.name, kind: target.kind, events: body.events } })
    return reply.code(201).send({ ...view(row), ...(shownSecret ? { secret: shownSecret } : {}) })
  })

  app.get('/api/subscriptions', {
    config: { roles: ['admin', 'designer', 'operator'] },
    schema: {
      tags: ['integrations'], summary: 'Subscriptions with their backlog (pending, dead letters, last delivery)',
      response: { 200: { type: 'object', additionalProperties: false, required: ['subscriptions'], properties: { subscriptions: { type: 'array', items: subscriptionView } } } },
    },
  }, async () => ({
    subscriptions: await Promise.all((await store.listEventSubscriptions()).map(async (row) => {
      const s = await store.subscriptionStats(row.id)
      return { ...view(row), stats: { pending: s.pending, dead: s.dead, oldestPendingAt: iso(s.oldestPendingAt), lastDeliveredAt: iso(s.lastDeliveredAt) } }
    })),
  }))

  app.get<{ Params: { id: string } }>('/api/subscriptions/:id', {
    config: { roles: ['admin', 'designer', 'operator'] },
    schema: { tags: ['integrations'], params: idParams, summary: 'One subscription with its backlog', response: { 200: subscriptionView } },
  }, async (request) => {
    const row = await store.getEventSubscription(request.params.id)
    if (!row) throw new NotFoundError(`subscription ${request.params.id} not found`)
    const s = await store.subscriptionStats(row.id)
    return { ...view(row), stats: { pending: s.pending, dead: s.dead, oldestPendingAt: iso(s.oldestPendingAt), lastDeliveredAt: iso(s.lastDeliveredAt) } }
  })

  app.delete<{ Params: { id: string } }>('/api/subscriptions/:id', {
    config: { roles: ['admin'] },
    schema: { tags: ['integrations'], params: idParams, summary: 'End a subscription; what it had not delivered is dropped' },
  }, async (request, reply) => {
    if (!(await store.deleteEventSubscription(request.params.id, clock.now()))) throw new NotFoundError(`subscription ${request.params.id} not found`)
    app.engine.subscriptionsChanged()
    await store.appendAudit({ at: clock.now(), actor: request.principal!.name, action: 'subscription.delete', target: request.params.id, detail: {} })
    return reply.code(204).send()
  })

  app.get<{ Params: { id: string }; Querystring: { limit: number; cursor?: string } }>('/api/subscriptions/:id/dead-letters', {
    config: { roles: ['admin', 'designer', 'operator'] },
    schema: {
      tags: ['integrations'], params: idParams, querystring: { type: 'object', additionalProperties: false, properties: { ...pageQuery } },
      summary: 'Events the subscription could not deliver after every retry, newest first, with the last error',
    },
  }, async (request) => {
    const row = await store.getEventSubscription(request.params.id)
    if (!row) throw new NotFoundError(`subscription ${request.params.id} not found`)
    const page = await store.deadLetters(row.id, request.query.limit, request.query.cursor)
    const names = new RunNames(store)
    return {
      deadLetters: await Promise.all(page.items.map(async (d) => ({
        id: d.id, eventId: d.eventId, kind: d.kind, orderId: d.orderId, order: await names.order(d.orderId), revision: d.revision,
        attempts: d.attempts, lastError: d.lastError, lastStatus: d.lastStatus, createdAt: iso(d.createdAt), deadAt: iso(d.deliveredAt),
        payload: JSON.parse(d.payload) as unknown,
      }))),
      nextCursor: page.nextCursor,
    }
  })

  app.post<{ Params: { id: string }; Body: { ids?: number[] } }>('/api/subscriptions/:id/dead-letters/replay', {
    config: { roles: ['admin', 'operator'] },
    // No body at all means "all of them", like {}.
    preValidation: async (request) => { request.body ??= {} },
    schema: {
      tags: ['integrations'], params: idParams,
      summary: 'Sends dead letters again (the given ids, or all of them); receivers tell a replayed older event by its revision',
      body: { type: 'object', additionalProperties: false, properties: { ids: { type: 'array', maxItems: 1000, uniqueItems: true, items: { type: 'integer', minimum: 1 } } } },
    },
  }, async (request) => {
    const row = await store.getEventSubscription(request.params.id)
    if (!row) throw new NotFoundError(`subscription ${request.params.id} not found`)
    const replayed = await store.replayDeadLetters(row.id, request.body?.ids, clock.now())
    await store.appendAudit({ at: clock.now(), actor: request.principal!.name, action: 'subscription.replay', target: row.id, detail: { replayed, ids: request.body?.ids ?? 'all' } })
    app.engine.deliverSoon()
    return { replayed }
  })
}
