import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHarness, type Harness } from './harness.ts'

const INDEX = '<!doctype html><html><body><div id="app"></div><script src="/assets/app.js"></script></body></html>'

describe('serving the designer', () => {
  let dir: string
  let h: Harness
  let app: Harness['app']
  let token: string
  const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ordo-designer-'))
    writeFileSync(join(dir, 'index.html'), INDEX)
    mkdirSync(join(dir, 'assets'))
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("designer")')
    h = await createHarness({ app: { designerDir: dir } })
    app = h.app
    token = h.adminToken
  })
  afterAll(async () => {
    await h.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves index.html at / without a token, not cached', async () => {
    const res = await app.inject({ method: 'GET', url: '/', headers: html })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.headers['cache-control']).toBe('no-cache')
    expect(res.body).toBe(INDEX)
  })

  it('answers a designer page a browser reloads with index.html', async () => {
    for (const url of ['/orders/abc', '/workflows/douyin-vip-routing?tab=runs']) {
      const res = await app.inject({ method: 'GET', url, headers: html })
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toMatch(/^text\/html/)
      expect(res.headers['cache-control']).toBe('no-cache')
      expect(res.body).toBe(INDEX)
    }
    // not for a client that does not want HTML, nor for another method
    const json = await app.inject({ method: 'GET', url: '/orders/abc', headers: { accept: 'application/json' } })
    expect(json.statusCode).toBe(404)
    expect(json.json()).toMatchObject({ statusCode: 404, error: 'Not Found' })
    expect((await app.inject({ method: 'POST', url: '/orders/abc', headers: html })).statusCode).toBe(404)
  })

  it('serves assets with a year-long immutable cache', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/app.js' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/javascript/)
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(res.body).toBe('console.log("designer")')
    const missing = await app.inject({ method: 'GET', url: '/assets/gone.js' })
    expect(missing.statusCode).toBe(404)
  })

  it('keeps the API behind its token and its JSON errors', async () => {
    for (const headers of [{}, html]) {
      const res = await app.inject({ method: 'GET', url: '/api/nope', headers })
      expect(res.statusCode).toBe(401)
      expect(res.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized', details: [] })
      const encoded = await app.inject({ method: 'GET', url: '/%61pi/orders', headers })
      expect(encoded.statusCode).toBe(401)
    }
    const authed = await app.inject({ method: 'GET', url: '/api/nope', headers: { ...html, authorization: `Bearer ${token}` } })
    expect(authed.statusCode).toBe(404)
    expect(authed.json()).toMatchObject({ statusCode: 404, error: 'Not Found', message: 'no route GET /api/nope' })
    expect((await app.inject({ method: 'GET', url: '/api/orders' })).statusCode).toBe(401)
    expect((await app.inject({ method: 'GET', url: '/metrics', headers: html })).statusCode).toBe(401)
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200)
    // the docs stay where they were, and a webhook path never gets the page
    expect((await app.inject({ method: 'GET', url: '/docs', headers: html })).statusCode).toBeLessThan(400)
    const hook = await app.inject({ method: 'GET', url: '/webhooks/nope', headers: html })
    expect(hook.headers['content-type']).toMatch(/json/)
  })

  it('still redirects / to the docs without a built designer', async () => {
    const h = await createHarness()
    try {
      const res = await h.app.inject({ method: 'GET', url: '/', headers: html })
      expect(res.statusCode).toBe(302)
      expect(res.headers.location).toBe('/docs')
      expect((await h.app.inject({ method: 'GET', url: '/orders/abc', headers: html })).statusCode).toBe(404)
    } finally {
      await h.close()
    }
  })
})
