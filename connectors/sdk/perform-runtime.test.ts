/** The perform context's shop access: a shop's secret credentials are redacted like secrets, the fields that only name it are not. */
import { describe, expect, it } from 'vitest'
import { createPerformSession, Redactor } from './perform-runtime.ts'
import type { ShopAccess } from './perform.ts'

const shops: ShopAccess = {
  open: async (shopId) => ({ shopId, platform: 'douyin', credentials: { appKey: '7000000000000000001', appSecret: 'dy-secret-0a1b2c3d', shopId: '1234567' } }),
  ofOrder: async () => { throw new Error('not used') },
}

function session(withShops: boolean) {
  const lines: string[] = []
  const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) }
  const s = createPerformSession<unknown>({
    node: { id: 'n', type: 't' }, runId: 'r', workflowId: 'w', config: {}, order: null, variables: {}, idempotencyKey: 'r:n:1', attempt: 1,
    signal: new AbortController().signal, deadline: Date.now() + 5000, now: () => Date.now(), secrets: { get: async () => '' }, log,
    ...(withShops ? { shops } : {}),
  })
  return { s, lines }
}

describe('the perform context\'s shops', () => {
  it('redacts the secret credentials of a shop it opened from logs and answers, and leaves the names of the shop', async () => {
    const { s, lines } = session(true)
    const shop = await s.ctx.shops!.open('shp_9')
    expect(shop.credentials.appSecret).toBe('dy-secret-0a1b2c3d')
    s.ctx.log.info(`signed with ${shop.credentials.appSecret} for app ${shop.credentials.appKey}, shop 1234567`)
    expect(lines).toEqual(['signed with [secret:shop:shp_9.appSecret] for app 7000000000000000001, shop 1234567'])
    expect(s.redactor.value({ answer: 'dy-secret-0a1b2c3d' })).toEqual({ answer: '[secret:shop:shp_9.appSecret]' })
  })

  it('offers no shops where the engine gave none', () => {
    expect(session(false).s.ctx.shops).toBeUndefined()
  })
})

describe('Redactor.addShopCredentials', () => {
  it('hides a shop\'s secrets and leaves the fields that only name the shop readable', () => {
    const redactor = new Redactor()
    redactor.addShopCredentials({ shopDomain: 'example-store.myshopify.com', accessToken: 'shpat_0123456789', apiBaseUrl: 'http://127.0.0.1:4100' })
    expect(redactor.text('GET http://127.0.0.1:4100/admin/orders.json for example-store.myshopify.com with shpat_0123456789'))
      .toBe('GET http://127.0.0.1:4100/admin/orders.json for example-store.myshopify.com with [secret:accessToken]')
  })
})
