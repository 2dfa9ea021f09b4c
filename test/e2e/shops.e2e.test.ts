/**
 * The shops pages in a real browser, against a whole Ordo: an admin adds a Shopify shop through the
 * form generated from its credential schema (secrets in password boxes, never on the page again),
 * the shop takes a signed push and an unreadable one, its health and push inbox show them (the raw
 * body in a read-only editor), a replay says how it went, "pull now" pulls from the platform
 * simulator and says what it took in, the shop is renamed, disabled, re-keyed and another deleted after a
 * confirmation; the normalizer reads a pasted Taobao payload and names a broken one's problems by
 * pointer; an order shows its platform and its raw payload beside it, its 19-digit id whole; an
 * operator sees the shops, pulls and replays, and is offered no change. Every page is screenshotted
 * in zh-CN (checked for English left in it) and in English: test-artifacts/e2e/shops/.
 *
 * Needs Chromium (ORDO_CHROMIUM or /usr/bin/chromium): skipped otherwise.
 */
import { createHmac, randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { fixture } from '../../connectors/platforms/fixtures/fixtures.ts'
import { memberTextOfItems } from '../../engine/http/json-member-text.ts'
import {
  ARTIFACTS, hasChromium, launchBrowser, monacoText, NO_CHROMIUM_REASON, pasteInMonaco, recordProblems, screenshots, startOrdo,
  type Browser, type Ordo, type PageProblems,
} from './browser.ts'
import { shotInBothLanguages, untranslatedOn } from './untranslated.ts'
import { ensureDesignerBuilt } from '../../designer/ensure-built.ts'
import { startSimulator } from '../../connectors/simulator/simulator.ts'
import { platformApi } from '../../connectors/platforms/api/index.ts'
import { ShopPuller } from '../../engine/runtime/shop-puller.ts'

const STEP_TIMEOUT = 120_000
const SHOTS = join(ARTIFACTS, 'shops')
const SHOPIFY = { shopDomain: 'example-store.myshopify.com', accessToken: 'shpat_e2e_access_token_0001', webhookSecret: 'shopify-e2e-webhook-secret-01' }
const NEW_TOKEN = 'shpat_e2e_access_token_0002'
const TAOBAO_TID = '3921847562019384756'
const SHOPIFY_ORDER = '5940139491234'

const hmac = (secret: string, body: string) => createHmac('sha256', secret).update(Buffer.from(body)).digest('base64')

if (!hasChromium) console.warn(`shops e2e skipped: ${NO_CHROMIUM_REASON}`)

describe.skipIf(!hasChromium)(`shops pages in Chromium${hasChromium ? '' : ` (SKIPPED: ${NO_CHROMIUM_REASON})`}`, () => {
  let ordo: Ordo
  let browser: Browser
  let page: Page
  let rec: PageProblems
  let shot: ReturnType<typeof screenshots>
  const ids = { shopify: '', jd: '', taobaoOrder: '' }

  beforeAll(async () => {
    if (!process.env.ORDO_E2E_DESIGNER_DIR) await ensureDesignerBuilt()
    ordo = await startOrdo({ designerDir: process.env.ORDO_E2E_DESIGNER_DIR })
    browser = await launchBrowser({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
    rec = recordProblems(browser.context)
    page = browser.context.pages()[0] ?? await browser.context.newPage()
    page.setDefaultTimeout(15_000)
    shot = screenshots(SHOTS)
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await ordo?.close()
  }, 60_000)

  const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`)
  function expectNoProblems() { expect(rec.take()).toEqual([]) }
  const pageText = () => page.evaluate(() => document.documentElement.outerHTML)


  const shotBoth = (step: string) => shotInBothLanguages(page, shot, step)


  async function shopifyPush(body: string): Promise<number> {
    const res = await fetch(`${ordo.url}/webhooks/shopify/${ids.shopify}`, {
      method: 'POST', body,
      headers: {
        'content-type': 'application/json', 'x-shopify-hmac-sha256': hmac(SHOPIFY.webhookSecret, body), 'x-shopify-topic': 'orders/updated',
        'x-shopify-webhook-id': randomUUID(), 'x-shopify-shop-domain': SHOPIFY.shopDomain,
      },
    })
    return res.status
  }

  it('a. signs in; admins find the shops in the navigation, none yet', async () => {
    await page.goto(ordo.url)
    await byTestId('login-token').fill(ordo.adminToken)
    await byTestId('login-submit').click()
    await byTestId('who').waitFor()
    expect(await byTestId('nav-shops').textContent()).toBe('店铺')
    await byTestId('nav-shops').click()
    await byTestId('shops-page').waitFor()
    await expect.poll(() => byTestId('shops-page').textContent()).toContain('还没有店铺')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('b. adds a Shopify shop through the form its credential schema draws; secrets are password boxes and never shown again', async () => {
    await byTestId('shop-add').click()
    await byTestId('shop-add-form').waitFor()
    await byTestId('shop-platform').selectOption('shopify')
    const form = byTestId('credentials-shopify')
    await form.waitFor()
    // Sending nothing: the name and every required credential are asked for, in Chinese.
    await byTestId('shop-save').click()
    await expect.poll(() => byTestId('shop-add-form').textContent()).toContain('请填写店铺名称')
    expect(await form.locator('.error-detail').count()).toBeGreaterThanOrEqual(3)
    expect(await untranslatedOn(page)).toEqual([])

    await byTestId('shop-name').fill('美国独立站')
    await page.locator('#cred-shopify_shopDomain').fill(SHOPIFY.shopDomain)
    await page.locator('#cred-shopify_accessToken').fill(SHOPIFY.accessToken)
    await page.locator('#cred-shopify_webhookSecret').fill(SHOPIFY.webhookSecret)
    expect(await page.locator('#cred-shopify_accessToken').getAttribute('type')).toBe('password')
    expect(await page.locator('#cred-shopify_webhookSecret').getAttribute('type')).toBe('password')
    expect(await page.locator('#cred-shopify_shopDomain').getAttribute('type')).toBe('text')
    expect(await form.textContent()).toContain('访问令牌（Access Token）')
    await shotBoth('add-shop')
    await byTestId('shop-save').click()
    await expect.poll(() => byTestId('shop-notice').textContent()).toContain('已添加店铺「美国独立站」（Shopify）。')
    const list = await ordo.api('GET', '/api/shops')
    ids.shopify = list.body.items.find((s: { name: string }) => s.name === '美国独立站').id
    await byTestId(`shop-${ids.shopify}`).waitFor()
    expect(await pageText()).not.toContain(SHOPIFY.accessToken)
    expect(await pageText()).not.toContain(SHOPIFY.webhookSecret)

    // A second shop to delete later, added through the API.
    const jd = await ordo.api('POST', '/api/shops', { platform: 'jd', name: '京东自营店', credentials: { appKey: 'jd-key', appSecret: 'jd-secret-0001', accessToken: 'jd-token-0001' } })
    expect(jd.status, JSON.stringify(jd.body)).toBe(201)
    ids.jd = jd.body.id
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('c. the list shows a shop\'s health after a push and an unreadable one, as people read it', async () => {
    expect(await shopifyPush(fixture('shopify'))).toBe(200)
    expect(await shopifyPush(`{"id": ${SHOPIFY_ORDER}`)).toBe(400)
    await ordo.app.shops.drain()
    await byTestId('refresh').click()
    const row = byTestId(`shop-${ids.shopify}`)
    await expect.poll(() => row.textContent()).toContain('现在')
    const text = (await row.textContent()) ?? ''
    expect(text).toContain('Shopify')
    expect(text).toMatch(/\d+(\.\d)?%/)
    expect(await byTestId(`shop-${ids.jd}`).textContent()).toContain('京东')
    expect(await byTestId(`shop-${ids.jd}`).textContent()).toContain('暂无数据')
    await shotBoth('shops-list')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('d. a shop\'s page lists its pushes newest first with the raw body, and a replay says how it went', async () => {
    await byTestId(`shop-open-${ids.shopify}`).click()
    await byTestId('shop-detail').waitFor()
    expect(await page.locator('h1').textContent()).toBe('Shopify · 美国独立站')
    const pushes = await ordo.api('GET', `/api/shops/${ids.shopify}/pushes?limit=10`)
    const [unreadable, processed] = pushes.body.items as Array<{ id: number; status: string }>
    expect([unreadable.status, processed.status]).toEqual(['unreadable', 'processed'])
    const rows = page.locator('[data-testid="pushes-list"] tbody tr[data-testid^="push-"]')
    await expect.poll(() => rows.count()).toBe(2)
    expect(await rows.nth(0).getAttribute('data-testid')).toBe(`push-${unreadable.id}`)
    expect(await byTestId(`push-${unreadable.id}`).textContent()).toContain('无法读取')
    expect(await byTestId(`push-${processed.id}`).textContent()).toContain('已处理')

    await byTestId(`push-body-${processed.id}`).click()
    const editor = byTestId(`push-raw-${processed.id}`).locator('[data-testid="push-body-editor"]')
    await expect.poll(() => monacoText(editor)).toContain(`"id": ${SHOPIFY_ORDER}`)
    expect(await byTestId(`push-raw-${processed.id}`).textContent()).toContain('x-shopify-topic')

    await byTestId(`push-replay-${processed.id}`).click()
    await expect.poll(() => byTestId('replay-outcome').textContent()).toContain('重放结果：已处理')
    expect(await byTestId('replay-outcome').textContent()).toContain(`Shopify · ${SHOPIFY_ORDER}`)
    expect(await byTestId('replay-outcome').textContent()).toContain('无变化')
    await byTestId(`push-replay-${unreadable.id}`).click()
    await expect.poll(() => page.locator('[data-testid="replay-outcome"]').count()).toBe(2)
    expect(await page.locator('[data-testid="replay-outcome"]').first().textContent()).toContain('重放结果：无法读取')
    await shotBoth('shop-detail')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('e. "pull now" pulls the shop from its platform and says what it took in', async () => {
    // The shop's API is the platform simulator's (its Shopify orders API, its access token); the
    // webhook secret stays, so the pushes of the other steps still verify.
    const sim = await startSimulator({ initialOrders: 3 })
    try {
      const credentials = { ...sim.shops().shopify, webhookSecret: SHOPIFY.webhookSecret }
      expect((await ordo.api('PATCH', `/api/shops/${ids.shopify}`, { credentials })).status).toBe(200)
      const puller = new ShopPuller({ store: ordo.app.engine.store, directory: ordo.app.shops, platformApi, clock: ordo.app.engine.clock })
      ordo.app.shops.attachPuller((shopId) => puller.pullNow(shopId))
      const answered = page.waitForResponse((r) => r.url().endsWith(`/api/shops/${ids.shopify}/pull`))
      await byTestId('shop-pull').click()
      expect((await answered).status()).toBe(200)
      await byTestId('pull-outcome').waitFor()
      expect(await byTestId('pull-outcome').textContent()).toMatch(/拉取 3 个订单，共 1 页。/)
      expect(await untranslatedOn(page)).toEqual([])
      expectNoProblems()
    } finally {
      await sim.stop()
    }
  }, STEP_TIMEOUT)

  it('f. renames, disables, re-keys a shop and deletes another after asking', async () => {
    await byTestId('shop-rename').click()
    await byTestId('shop-rename-input').fill('美国独立站（主）')
    await byTestId('shop-rename-save').click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Shopify · 美国独立站（主）')
    await byTestId('shop-toggle').click()
    await expect.poll(() => byTestId('shop-notice').textContent()).toContain('已停用')
    expect(await byTestId('shop-pull').isDisabled()).toBe(true)
    expect((await ordo.api('GET', `/api/shops/${ids.shopify}`)).body.enabled).toBe(false)
    await byTestId('shop-toggle').click()
    await expect.poll(() => byTestId('shop-notice').textContent()).toContain('已启用')

    // Replacing credentials starts from empty fields: nothing stored comes back.
    await byTestId('shop-credentials').click()
    const form = byTestId('credentials-shopify')
    await form.waitFor()
    expect(await page.locator('#cred-shopify_accessToken').inputValue()).toBe('')
    await page.locator('#cred-shopify_shopDomain').fill(SHOPIFY.shopDomain)
    await page.locator('#cred-shopify_accessToken').fill(NEW_TOKEN)
    await page.locator('#cred-shopify_webhookSecret').fill(SHOPIFY.webhookSecret)
    await byTestId('shop-save').click()
    await expect.poll(() => byTestId('shop-notice').textContent()).toContain('凭证已更换')
    expect(await pageText()).not.toContain(NEW_TOKEN)
    // The new credentials are the shop's: a push signed with the webhook secret is still taken.
    expect(await shopifyPush(fixture('shopify'))).toBe(200)

    await byTestId('nav-shops').click()
    await byTestId(`shop-delete-${ids.jd}`).click()
    await expect.poll(() => byTestId('shop-edit-delete').textContent()).toContain('删除店铺「京东自营店」？')
    await shot(page, 'delete-confirm-zh')
    await byTestId('shop-delete-yes').click()
    await expect.poll(() => byTestId('shop-notice').textContent()).toContain('已删除店铺「京东自营店」。')
    await expect.poll(() => byTestId(`shop-${ids.jd}`).count()).toBe(0)
    expect((await ordo.api('GET', `/api/shops/${ids.jd}`)).status).toBe(404)
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('g. the normalizer reads a pasted Taobao payload, amounts in yuan, and names a broken one\'s problems by pointer', async () => {
    await byTestId('tab-normalize').click()
    await byTestId('normalize').waitFor()
    await byTestId('normalize-platform').selectOption('taobao')
    await byTestId('normalize-example').click()
    await expect.poll(() => monacoText(byTestId('normalize-editor'))).toContain(TAOBAO_TID)
    await byTestId('normalize-run').click()
    const order = byTestId(`normalized-${TAOBAO_TID}`)
    await order.waitFor()
    const text = (await order.textContent()) ?? ''
    expect(text).toContain(`淘宝 · ${TAOBAO_TID}`)
    expect(await order.locator('[data-testid="normalized-amount"]').textContent()).toMatch(/^¥\d{1,3}(,\d{3})*\.\d{2}$/)
    await shotBoth('normalize')

    await pasteInMonaco(page, byTestId('normalize-editor'), '{"trade_fullinfo_get_response":{"trade":{"tid":1}}}')
    rec.expect(/\/api\/platforms\/taobao\/normalize$/, 400)
    await byTestId('normalize-run').click()
    const errors = byTestId('normalize-errors')
    await errors.waitFor()
    expect(await errors.locator('code').first().textContent()).toMatch(/^\/trade_fullinfo_get_response\/trade/)
    await shot(page, 'normalize-refused-zh')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('h. an order shows its platform by name, and its raw payload beside it with the 19-digit id whole', async () => {
    // Normalized and ingested as a pull would: the raw text goes on as the server wrote it.
    const normalized = await fetch(`${ordo.url}/api/platforms/taobao/normalize`, { method: 'POST', body: fixture('taobao'), headers: { 'content-type': 'application/json', authorization: `Bearer ${ordo.adminToken}` } })
    const orders = memberTextOfItems(await normalized.text(), 'orders')[0]!
    const ingested = await fetch(`${ordo.url}/api/orders`, { method: 'POST', body: orders, headers: { 'content-type': 'application/json', authorization: `Bearer ${ordo.adminToken}` } })
    expect(ingested.status).toBeLessThan(300)
    const list = await ordo.api('GET', '/api/orders?platform=taobao&limit=10')
    ids.taobaoOrder = list.body.items.find((o: { platformOrderId: string }) => o.platformOrderId === TAOBAO_TID).id

    await byTestId('nav-orders').click()
    const row = byTestId(`order-row-${ids.taobaoOrder}`)
    await row.waitFor()
    expect(await row.textContent()).toContain('淘宝')
    await row.locator('a').first().click()
    await byTestId('order-detail').waitFor()
    expect(await byTestId('order-platform').textContent()).toBe('淘宝')
    await byTestId('order-raw').waitFor()
    await expect.poll(() => monacoText(byTestId('order-raw-json'))).toContain(`"tid": ${TAOBAO_TID}`)
    await expect.poll(() => monacoText(byTestId('order-normalized-json'))).toContain(`"platformOrderId": "${TAOBAO_TID}"`)
    await byTestId('order-raw').scrollIntoViewIfNeeded()
    await shotBoth('order-raw')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('i. an operator sees the shops and can replay, pull and normalize, but is offered no change', async () => {
    await page.locator('header.topbar button.link').click()
    await byTestId('login-token').fill(ordo.operatorToken)
    await byTestId('login-submit').click()
    await expect.poll(() => byTestId('who').textContent()).toContain('E2E operator')
    await byTestId('nav-shops').click()
    await byTestId('shops-read-only').waitFor()
    const row = byTestId(`shop-${ids.shopify}`)
    await row.waitFor()
    expect(await byTestId('shop-add').count()).toBe(0)
    expect(await byTestId(`shop-rename-${ids.shopify}`).count()).toBe(0)
    expect(await byTestId(`shop-delete-${ids.shopify}`).count()).toBe(0)
    expect(await byTestId(`shop-pull-${ids.shopify}`).count()).toBe(1)
    await shotBoth('operator-shops')

    await byTestId(`shop-open-${ids.shopify}`).click()
    await byTestId('shop-detail').waitFor()
    expect(await byTestId('shop-rename').count()).toBe(0)
    const first = page.locator('[data-testid="pushes-list"] tbody tr[data-testid^="push-"]').first()
    await first.waitFor()
    const pushId = ((await first.getAttribute('data-testid')) ?? '').slice('push-'.length)
    await byTestId(`push-replay-${pushId}`).click()
    await expect.poll(() => byTestId('replay-outcome').textContent()).toContain('重放结果')
    // What the page hides the API refuses.
    const refused = await ordo.api('PATCH', `/api/shops/${ids.shopify}`, { name: 'x' }, ordo.operatorToken)
    expect(refused.status).toBe(403)
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('j. a designer, who has no shops in the navigation, is told plainly when opening the page', async () => {
    await page.locator('header.topbar button.link').click()
    // Signing in keeps the address: the designer lands on the shop's page.
    rec.expect(/\/api\/shops\/[^/]+$/, 403)
    rec.expect(/\/api\/shops\/[^/]+\/pushes/, 403)
    await byTestId('login-token').fill(ordo.designerToken)
    await byTestId('login-submit').click()
    await expect.poll(() => byTestId('who').textContent()).toContain('E2E designer')
    expect(await byTestId('nav-shops').count()).toBe(0)
    await expect.poll(() => byTestId('forbidden').textContent()).toBe('你的角色无权执行此操作。')
    rec.expect(/\/api\/shops$/, 403)
    await page.goto(`${ordo.url}/shops`)
    await expect.poll(() => byTestId('forbidden').textContent()).toBe('你的角色无权执行此操作。')
    expect(await untranslatedOn(page)).toEqual([])
    await shot(page, 'designer-forbidden-zh')
    expectNoProblems()
  }, STEP_TIMEOUT)
})
