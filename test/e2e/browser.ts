/**
 * Browser test helpers: a headless Debian Chromium driven by playwright-core (never a downloaded
 * browser), a whole Ordo listening on 127.0.0.1 (temp SQLite file, real clock, automatic timers, the
 * built designer at /), a recorder of everything that went wrong in a page, and numbered screenshots.
 * Used by the e2e tests (test/e2e/*.e2e.test.ts) and by the designer benchmark (bench/designer.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AddressInfo } from 'node:net'
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core'
import { expect } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { openSqliteStore } from '../../engine/store/sqlite/sqlite-store.ts'
import { createRegistry } from '../../engine/core/registry.ts'
import { builtinNodeTypes as builtinNodes } from '../../engine/runtime/node-catalog.ts'
import { OrderEngine } from '../../engine/runtime/order-engine.ts'
import { systemClock } from '../../engine/runtime/clocks.ts'
import { ensureAdminToken } from '../../engine/runtime/bootstrap.ts'
import { buildApp } from '../../engine/http/app.ts'
import type { Role } from '../../engine/store/store.ts'
import type { Clock } from '../../engine/core/clock.ts'

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** The Chromium the tests drive: ORDO_CHROMIUM, else Debian's. */
export const CHROMIUM = process.env.ORDO_CHROMIUM ?? '/usr/bin/chromium'
/** False when that Chromium is missing: the browser tests are skipped, the bench's browser part too. */
export const hasChromium = existsSync(CHROMIUM)
export const NO_CHROMIUM_REASON = `no Chromium at ${CHROMIUM} (set ORDO_CHROMIUM to a Chromium/Chrome executable)`

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
]

export interface Browser {
  context: BrowserContext
  /** Closes the browser and removes its profile folder. */
  close(): Promise<void>
}

/** A fresh headless Chromium with its own temp profile (so every launch is cold: no cache, no storage). */
export async function launchBrowser(options: { viewport?: { width: number; height: number }; locale?: string } = {}): Promise<Browser> {
  if (!hasChromium) throw new Error(NO_CHROMIUM_REASON)
  const profile = mkdtempSync(join(tmpdir(), 'ordo-chromium-'))
  let context: BrowserContext
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: options.viewport ?? { width: 1440, height: 900 },
      locale: options.locale ?? 'en-US',
    })
  } catch (err) {
    rmSync(profile, { recursive: true, force: true })
    throw err
  }
  return {
    context,
    async close() {
      await context.close().catch(() => {})
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

export interface Ordo {
  url: string
  app: FastifyInstance
  engine: OrderEngine
  adminToken: string
  designerToken: string
  operatorToken: string
  /** Calls the API over HTTP (admin unless `token`); `body` is sent as JSON. */
  api(method: string, path: string, body?: unknown, token?: string | null, headers?: Record<string, string>): Promise<{ status: number; body: any }>
  /** Creates a token with `role` through POST /api/tokens and returns its secret. */
  tokenFor(role: Role, name?: string): Promise<string>
  close(): Promise<void>
}

/** The canvas viewport's transform once it stops changing (React Flow animates zoom and fitView). */
export async function viewportSettled(page: Page): Promise<string> {
  let last = ''
  for (;;) {
    const now = await page.locator('.react-flow__viewport').getAttribute('style') ?? ''
    if (now === last) return now
    last = now
    await page.waitForTimeout(150) // poll: stable across two looks means settled
  }
}

/**
 * The wall clock shifted by an offset a test moves forward: real time passes as usual (the server's
 * timers poll it), and `advance` makes a back-off that would take an hour due now. Never goes back.
 */
export class ShiftedClock implements Clock {
  constructor(private offsetMs = 0) {}
  now(): number { return Date.now() + this.offsetMs }
  /** Moves forward by `ms`. */
  advance(ms: number): void { this.offsetMs += Math.max(0, ms) }
  /** Moves forward to `at` (epoch ms) when it is ahead of now. */
  advanceTo(at: number): void { this.advance(at - this.now()) }
}

/**
 * A whole Ordo, as engine/server.ts wires it, on a temp SQLite file, listening on 127.0.0.1 port 0,
 * serving designer/dist (build it first: `ensureDesignerBuilt()`). No example is imported: the canvas
 * starts empty. An admin token (ensureAdminToken), a designer and an operator token (POST /api/tokens).
 * `clock`: the wall clock unless given (a ShiftedClock lets a test skip a retry's back-off).
 */
export async function startOrdo(options: { designerDir?: string; clock?: Clock } = {}): Promise<Ordo> {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-e2e-'))
  const store = openSqliteStore({ path: join(dir, 'ordo.db') })
  const clock = options.clock ?? systemClock
  const engine = new OrderEngine({ store, registry: createRegistry(builtinNodes), clock, autoTimers: true })
  let app: FastifyInstance | null = null
  try {
    app = await buildApp({
      engine, version: 'e2e',
      templatesDir: join(root, 'examples'),
      designerDir: options.designerDir ?? join(root, 'designer', 'dist'),
    })
    const adminToken = 'ordo-e2e-admin-' + Math.random().toString(36).slice(2)
    await ensureAdminToken(store, { token: adminToken, tokenFile: join(dir, 'admin-token.txt'), now: clock.now() })
    await engine.start()
    await app.listen({ port: 0, host: '127.0.0.1' })
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

    const api: Ordo['api'] = async (method, path, body, token = adminToken, headers = {}) => {
      const res = await fetch(url + path, {
        method,
        headers: {
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await res.text()
      let parsed: unknown = text
      try { parsed = text ? JSON.parse(text) : null } catch { /* not JSON */ }
      return { status: res.status, body: parsed }
    }
    const tokenFor: Ordo['tokenFor'] = async (role, name = `e2e ${role}`) => {
      const res = await api('POST', '/api/tokens', { name, role })
      if (res.status !== 201) throw new Error(`token creation failed: ${res.status} ${JSON.stringify(res.body)}`)
      return (res.body as { token: string }).token
    }
    const designerToken = await tokenFor('designer', 'E2E designer')
    const operatorToken = await tokenFor('operator', 'E2E operator')
    const theApp = app
    return {
      url, app: theApp, engine, adminToken, designerToken, operatorToken, api, tokenFor,
      async close() {
        await theApp.close()
        await engine.stop()
        await store.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  } catch (err) {
    await app?.close().catch(() => {})
    await engine.stop().catch(() => {})
    await store.close().catch(() => {})
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
}

/** Everything that went wrong in a page: console errors, uncaught exceptions, failed requests and HTTP errors. */
export interface PageProblems {
  problems: string[]
  /** Lets responses of `status` to URLs matching `url` through (a test that expects them), once per call unless `times`. */
  expect(url: RegExp, status: number, times?: number): void
  /** The problems so far, then forgets them. */
  take(): string[]
}

/** Records console errors, page errors, failed requests and responses >= 400 (except expected ones) of every page of `context`. */
export function recordProblems(context: BrowserContext): PageProblems {
  const problems: string[] = []
  const expected: Array<{ url: RegExp; status: number; left: number }> = []
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() !== 'error') return
      // The browser also logs each error answer; one the test expects is not a problem.
      const status = /^Failed to load resource: the server responded with a status of (\d+)/.exec(m.text())?.[1]
      if (status && expected.some((e) => e.status === Number(status) && e.url.test(m.location().url))) return
      problems.push(`console error: ${m.text()} @ ${m.location().url}:${m.location().lineNumber}`)
    })
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
    page.on('requestfailed', (r) => {
      const reason = r.failure()?.errorText ?? 'failed'
      // The live event stream is a never-ending fetch: leaving the page or signing out aborts it.
      if (reason === 'net::ERR_ABORTED' && new URL(r.url()).pathname === '/api/events') return
      problems.push(`request failed: ${r.method()} ${r.url()} (${reason})`)
    })
    page.on('response', (r) => {
      if (r.status() < 400) return
      const i = expected.findIndex((e) => e.status === r.status() && e.url.test(r.url()) && e.left > 0)
      if (i >= 0) { expected[i].left -= 1; return }
      problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`)
    })
  }
  context.pages().forEach(watch)
  context.on('page', watch)
  return {
    problems,
    expect(url, status, times = 1) { expected.push({ url, status, left: times }) },
    take() { return problems.splice(0) },
  }
}

/** Where screenshots go: test-artifacts/e2e/ (ignored by git); a suite may keep its own in a subfolder. */
export const ARTIFACTS = join(root, 'test-artifacts', 'e2e')

/**
 * Numbered screenshots: `<NN>-<step>.png` in `dir` (test-artifacts/e2e/ unless given). The PNGs a
 * previous run left directly in `dir` go first; subfolders (another suite's screenshots) stay.
 */
export function screenshots(dir = ARTIFACTS) {
  mkdirSync(dir, { recursive: true })
  for (const file of readdirSync(dir)) if (file.endsWith('.png')) rmSync(join(dir, file), { force: true })
  let n = 0
  return async (page: Page, step: string): Promise<string> => {
    n += 1
    const file = join(dir, `${String(n).padStart(2, '0')}-${step}.png`)
    // Made again each time: a suite started meanwhile may have cleared test-artifacts/e2e/.
    mkdirSync(dir, { recursive: true })
    await page.screenshot({ path: file })
    return file
  }
}

/** The text of the Monaco editor inside `editor`, with its non-breaking spaces as the spaces they stand for. */
export async function monacoText(editor: Locator): Promise<string> {
  return ((await editor.locator('.view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ')
}

/** Replaces the text of the Monaco editor inside `editor`, pasted: typed brackets and quotes would be closed by Monaco a second time. */
export async function pasteInMonaco(page: Page, editor: Locator, text: string): Promise<void> {
  await editor.locator('.monaco-editor').waitFor()
  await editor.locator('.view-lines').click()
  await page.keyboard.press('Control+A')
  await page.keyboard.press('Delete')
  await page.evaluate(`(() => {
    const data = new DataTransfer()
    data.setData('text/plain', ${JSON.stringify(text)})
    document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  })()`)
}

/** Switches the designer's language with its selector and waits until the page says it. */
export async function setDesignerLanguage(page: Page, locale: 'zh-CN' | 'en'): Promise<void> {
  await page.locator('[data-testid="language"]').selectOption(locale)
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(locale)
}
