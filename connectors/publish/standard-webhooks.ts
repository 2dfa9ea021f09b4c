/**
 * Signing webhooks the Standard Webhooks 1.0 way (https://www.standardwebhooks.com), so receivers can
 * verify Ordo's deliveries with that project's libraries (`new Webhook(secret).verify(body, headers)`).
 *
 *   const secret = generateWebhookSecret()            // 'whsec_…', shown to the receiver once
 *   const headers = signWebhook({ id: event.id, timestamp: Math.floor(Date.now() / 1000), body, secret })
 *   await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body })
 *
 * Send `body` byte for byte as signed (serialize once, sign that string, send that string); keep `id`
 * the same across retries of one message so receivers can deduplicate; take `timestamp` at each send
 * (receivers refuse one more than 5 minutes off). Used by publish.webhook and the subscriptions outbox.
 */
import { createHmac, randomBytes } from 'node:crypto'

/** What every signing secret starts with. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_'

/** The three headers a signed delivery carries. */
export interface WebhookHeaders {
  /** The message's id, the same on every retry. */
  'webhook-id': string
  /** Unix seconds when this try was signed. */
  'webhook-timestamp': string
  /** `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`. */
  'webhook-signature': string
}

/** A secret that is not `whsec_` followed by the base64 of 24 to 64 bytes. The message never holds the secret. */
export class WebhookSecretError extends Error {
  constructor(reason: string) {
    super(`a webhook signing secret must be "${WEBHOOK_SECRET_PREFIX}" followed by the base64 of 24 to 64 random bytes: ${reason}`)
    this.name = 'WebhookSecretError'
  }
}

const MIN_KEY_BYTES = 24
const MAX_KEY_BYTES = 64
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/** The key bytes of a `whsec_<base64>` secret; throws a WebhookSecretError saying what is wrong with it. */
export function parseWebhookSecret(secret: string): Buffer {
  if (typeof secret !== 'string' || !secret.startsWith(WEBHOOK_SECRET_PREFIX)) throw new WebhookSecretError(`it does not start with "${WEBHOOK_SECRET_PREFIX}"`)
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length)
  const key = Buffer.from(encoded, 'base64')
  // Node's decoder skips what it cannot read: a secret is valid only when it encodes back to itself.
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0 || key.toString('base64') !== encoded) {
    throw new WebhookSecretError(`what follows "${WEBHOOK_SECRET_PREFIX}" is not base64 (A–Z, a–z, 0–9, + and /, padded with = to a multiple of 4)`)
  }
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) throw new WebhookSecretError(`it holds ${key.length} bytes, not ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES}`)
  return key
}

/** A new signing secret: `whsec_` and the base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(32).toString('base64')
}

/** What one delivery is signed over. */
export interface SignWebhookInput {
  /** The message's id (printable ASCII, no spaces): the same on every retry. */
  id: string
  /** Unix seconds (not milliseconds) of this try. */
  timestamp: number
  /** The raw body exactly as it is sent. */
  body: string
  /** `whsec_<base64>`. */
  secret: string
}

/** The Standard Webhooks headers for one delivery. Throws on a bad secret (WebhookSecretError), id or timestamp (TypeError). */
export function signWebhook({ id, timestamp, body, secret }: SignWebhookInput): WebhookHeaders {
  if (typeof id !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(id)) throw new TypeError('a webhook id must be 1 to 256 printable ASCII characters without spaces')
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new TypeError(`a webhook timestamp must be whole unix seconds, not ${timestamp}`)
  if (timestamp > 100_000_000_000) throw new TypeError(`a webhook timestamp is in seconds: ${timestamp} looks like milliseconds`)
  const key = parseWebhookSecret(secret)
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64')
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` }
}
