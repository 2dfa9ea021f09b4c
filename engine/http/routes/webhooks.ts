/**
 * POST /webhooks/:platform/:shopId: a platform's push, as it sends it. Authenticated by the
 * platform's signature over the raw bytes instead of a bearer token, so this plugin reads every
 * body as bytes (its own content-type parser, in its own encapsulation: the API keeps its JSON
 * parser). The push is committed to the shop's inbox before the answer; processing comes after.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { ShopPushReceipt } from '../../../schemas/generated/shop.ts'
import { NotFoundError } from '../../store/store.ts'
import { HttpError, badRequest } from '../errors.ts'
import { describeDetails } from '../../runtime/shops.ts'

/** The largest push body taken (bytes); a larger one is a 413. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024

/** Registers the webhook route. Not wrapped in fastify-plugin: its parser stays its own. */
export const webhookRoutes: FastifyPluginAsync = async (app) => {
  const { shops } = app
  app.removeAllContentTypeParsers()
  // Any content type (Shopify and WooCommerce send JSON, WooCommerce's ping is a form): the bytes as they came.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))

  app.post<{ Params: { platform: string; shopId: string } }>('/webhooks/:platform/:shopId', {
    // The platform's signature authenticates the push: no bearer token (auth.ts lets `public` routes through).
    config: { public: true },
    bodyLimit: WEBHOOK_BODY_LIMIT,
    schema: {
      tags: ['shops'],
      summary: 'A platform\'s raw push (Shopify, WooCommerce, Douyin), signature checked, kept durably before the answer, deduplicated; processed after',
      security: [],
      params: {
        type: 'object', additionalProperties: false, required: ['platform', 'shopId'],
        properties: { platform: { type: 'string', minLength: 1, maxLength: 64 }, shopId: { type: 'string', minLength: 1, maxLength: 128 } },
      },
      response: { 200: { $ref: 'https://ordo.dev/schemas/shop.schema.json#/definitions/pushReceipt' } },
    },
  }, async (request) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
    const receipt = await shops.receivePush(request.params.platform, request.params.shopId, raw, request.headers)
    switch (receipt.kind) {
      case 'not-found': throw new NotFoundError(receipt.reason)
      case 'unauthorized': throw new HttpError(401, `push refused: ${receipt.reason}`, [{ pointer: '/', in: 'header', reason: receipt.reason }])
      case 'unreadable':
        throw badRequest(receipt.details, `the push cannot be read; it is kept as push ${receipt.pushId} for a replay: ${describeDetails(receipt.details)}`)
      case 'taken': return { received: true, pushId: receipt.pushId, duplicate: receipt.duplicate, ping: receipt.ping } satisfies ShopPushReceipt
    }
  })
}
