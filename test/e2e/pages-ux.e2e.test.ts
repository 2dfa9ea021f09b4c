/**
 * The operator pages as a new Chinese-speaking operator meets them, in a real browser: names
 * instead of ids (runs, incidents, order history), one word for one thing (运行故障 vs 订单异常),
 * why a run failed in their language (the engine's English on hover), no English left in zh-CN
 * (every page screenshotted in zh-CN is checked for English messages, raw keys and engine reasons),
 * the retry box that starts from the run's variables, the 30-minute staleness filter, flows that
 * write the same field on the same event, and a publish with no change.
 * Screenshots go to test-artifacts/e2e/pages-ux/; no console error, page error or failed request is
 * allowed anywhere.
 *
 * Needs Chromium (ORDO_CHROMIUM or /usr/bin/chromium): skipped otherwise. Builds designer/dist first
 * when its sources changed. ORDO_E2E_DESIGNER_DIR serves another built designer instead.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { sampleOrder } from '../harness.ts'
import {
  ARTIFACTS, hasChromium, launchBrowser, NO_CHROMIUM_REASON, recordProblems, root, screenshots, startOrdo,
  type Browser, type Ordo, type PageProblems,
} from './browser.ts'
import { untranslatedOn } from './untranslated.ts'
import { ensureDesignerBuilt } from '../../designer/ensure-built.ts'

const STEP_TIMEOUT = 120_000
const SHOTS = join(ARTIFACTS, 'pages-ux')

/** A manual flow whose rule divides the order's amount by a run variable: divisor 0 is an incident. */
const splitAmount = {
  id: 'split-amount', name: '金额分摊',
  variables: { divisor: 0, note: '按件分摊' },
  nodes: [
    { id: 'start', type: 'trigger.manual', name: '手动启动', position: { x: 0, y: 0 }, config: {} },
    { id: 'share', type: 'rule.set', name: '计算每份金额', position: { x: 0, y: 140 },
      config: { variables: { share: { '/': [{ var: 'order.totalAmount' }, { var: 'vars.divisor' }] } } } },
  ],
  edges: [{ id: 'e-start-share', source: 'start', target: 'share' }],
}

/** Why split-amount fails with divisor 0: as the engine says it, and as the designer says it in zh-CN and English. */
const DIVISION_ENGINE = 'division by zero or arithmetic on a non-number in rule'
const DIVISION_ZH = '规则除以零，或对不是数字的值做了计算'
const DIVISION_EN = 'the rule divides by zero, or calculates with something that is not a number'

/** A draft that, like the two templates, sets the team when an order is created. */
const teamOverride = {
  id: 'night-shift-team', name: '夜班接单',
  nodes: [
    { id: 'start', type: 'trigger.order-event', name: '新订单', position: { x: 0, y: 0 }, config: { events: ['created'] } },
    { id: 'assign-night', type: 'order.assign', name: '分配夜班客服', position: { x: 0, y: 140 }, config: { team: 'night-shift' } },
  ],
  edges: [{ id: 'e-start-assign', source: 'start', target: 'assign-night' }],
}

/** Resolves once `condition()` holds, looking every 50 ms; throws after `timeoutMs` (outside a test, where expect.poll is not available). */
async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 50))
  }
}

if (!hasChromium) console.warn(`pages e2e skipped: ${NO_CHROMIUM_REASON}`)

describe.skipIf(!hasChromium)(`operator pages in Chromium${hasChromium ? '' : ` (SKIPPED: ${NO_CHROMIUM_REASON})`}`, () => {
  let ordo: Ordo
  let browser: Browser
  let page: Page
  let rec: PageProblems
  let shot: ReturnType<typeof screenshots>
  /** The ids the API gave the orders and runs the scenario made. */
  const ids = { vipOrder: '', addressOrder: '', incidentRun: '', vipRun: '' }
  const VIP_ORDER_NUMBER = '6931234567890123456'
  const ADDRESS_ORDER_NUMBER = '6931234567890654321'

  beforeAll(async () => {
    if (!process.env.ORDO_E2E_DESIGNER_DIR) await ensureDesignerBuilt()
    ordo = await startOrdo({ designerDir: process.env.ORDO_E2E_DESIGNER_DIR })
    // The templates, published as a fresh install has them, and a manual flow that can fail.
    const dir = join(root, 'examples')
    const templates = readdirSync(dir).filter((f) => f.endsWith('.workflow.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
    const imported = await ordo.api('POST', '/api/workflows/import?publish=true', { workflows: [...templates, splitAmount] })
    expect(imported.status, JSON.stringify(imported.body)).toBe(201)

    // A Douyin order of 1,288.00 yuan: the VIP routing tags it and gives it to the VIP service team.
    const vip = await ordo.api('POST', '/api/orders', sampleOrder({ platformOrderId: VIP_ORDER_NUMBER, totalAmount: 128800 }))
    ids.vipOrder = vip.body.results[0].id
    // One with an address problem as well: the VIP routing and the address hold both set its team.
    const address = await ordo.api('POST', '/api/orders', sampleOrder({ platformOrderId: ADDRESS_ORDER_NUMBER, totalAmount: 200000, exception: { type: 'address' } }))
    ids.addressOrder = address.body.results[0].id
    const runs = await ordo.api('GET', `/api/runs?orderId=${ids.vipOrder}`)
    ids.vipRun = runs.body.items.find((r: { workflowId: string }) => r.workflowId === 'douyin-vip-routing').id

    const started = await ordo.api('POST', '/api/runs', { workflowId: 'split-amount', orderId: ids.vipOrder })
    expect(started.status, JSON.stringify(started.body)).toBe(201)
    ids.incidentRun = started.body.id
    await until(async () => (await ordo.api('GET', `/api/runs/${ids.incidentRun}`)).body.status === 'failed')

    browser = await launchBrowser({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ordo.url })
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

  /** Every step ends with no console error, no page error, no failed request. */
  function expectNoProblems() {
    expect(rec.take()).toEqual([])
  }

  /** A zh-CN screenshot, after checking that nothing on the page is an English message or a raw key. */
  async function zhShot(step: string) {
    await shot(page, `${step}-zh`)
    expect(await untranslatedOn(page), `untranslated on ${step}`).toEqual([])
  }

  /** Scrolls the page (main.page scrolls, not the window) to put `testid` at the top, or back to the top. */
  async function scrollTo(testid: string | null) {
    if (testid) await byTestId(testid).evaluate((el) => el.scrollIntoView({ block: 'start' }))
    else await page.locator('main.page').evaluate((el) => el.scrollTo(0, 0))
  }

  async function setLanguage(locale: 'zh-CN' | 'en') {
    await byTestId('language').selectOption(locale)
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(locale)
  }

  it('a. signs in; the designer speaks Chinese', async () => {
    await page.goto(ordo.url)
    await byTestId('login-token').fill(ordo.adminToken)
    await byTestId('login-submit').click()
    await byTestId('who').waitFor()
    await expect.poll(() => byTestId('nav-workflows').textContent()).toBe('流程')
    await zhShot('workflows')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('b. calls failed runs 运行故障 and order exceptions 订单异常, and filters orders by exception type and by 30 minutes without change', async () => {
    const incidentsNav = (await byTestId('nav-incidents').textContent()) ?? ''
    expect(incidentsNav).not.toContain('异常')
    expect(incidentsNav).toContain('故障')
    await byTestId('nav-orders').click()
    await byTestId(`order-row-${ids.addressOrder}`).waitFor()
    const exceptionFilter = page.locator('label', { has: byTestId('filter-exception') })
    expect(await exceptionFilter.locator('span').first().textContent()).toBe('订单异常')
    expect(await byTestId('filter-exception').locator('option').allTextContents()).toContain('地址异常')
    // The order with an address problem says so in the list, in a column of its own, with the same words.
    const headers = await page.locator('table.list th').allTextContents()
    const row = byTestId(`order-row-${ids.addressOrder}`)
    expect(await row.locator('td').nth(headers.indexOf('订单异常')).textContent()).toBe('地址异常')
    expect(await byTestId('filter-stale').locator('option').allTextContents()).toContain('超过 30 分钟')
    await byTestId('filter-stale').selectOption('PT30M')
    await expect.poll(() => page.evaluate(() => location.search)).toContain('staleFor=PT30M')
    await byTestId('filter-stale').selectOption('')
    await byTestId('filter-exception').selectOption('address')
    await expect.poll(() => page.locator('[data-testid^="order-row-"]').count()).toBe(1)
    await zhShot('orders-exception-filter')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('c. lists runs by workflow name and platform order number, started by 订单新建, not by ids and raw event kinds', async () => {
    await byTestId('nav-runs').click()
    const row = byTestId(`run-row-${ids.vipRun}`)
    await row.waitFor()
    const text = (await row.textContent()) ?? ''
    expect(text).toContain('抖音大额订单 VIP 分流')
    expect(text).toContain(VIP_ORDER_NUMBER)
    expect(text).toContain('订单新建')
    expect(text).not.toContain('created')
    expect(text).not.toContain(ids.vipOrder)
    // The ids stay at hand: on hover.
    expect(await row.locator(`[title*="${ids.vipOrder}"]`).count()).toBeGreaterThan(0)
    expect(await row.locator('[title*="douyin-vip-routing"]').count()).toBeGreaterThan(0)
    await zhShot('runs')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('d. shows an incident by the workflow, node and order names, with the run id to copy', async () => {
    await byTestId('nav-incidents').click()
    const card = byTestId(`incident-${ids.incidentRun}`)
    await card.waitFor()
    expect(await page.locator('h1').textContent()).toBe('运行故障')
    const text = (await card.textContent()) ?? ''
    expect(text).toContain('金额分摊')
    expect(text).toContain('在节点「计算每份金额」失败')
    expect(text).toContain(`抖音 · ${VIP_ORDER_NUMBER}`)
    expect(text).not.toContain(ids.incidentRun)
    expect(text).not.toContain(ids.vipOrder)
    await zhShot('incidents')
    await setLanguage('en')
    await expect.poll(() => page.locator('h1').textContent()).toBe('Incidents')
    expect(await card.textContent()).toContain('Failed at node “计算每份金额”')
    await shot(page, 'incidents-en')
    await setLanguage('zh-CN')
    // The id an operator may need for a colleague or a ticket is one click away.
    await card.locator(`[data-testid="copy-${ids.incidentRun}"]`).click()
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(ids.incidentRun)
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('d2. says why the run failed in the operator\'s language, the engine\'s own words on hover', async () => {
    const error = byTestId(`incident-${ids.incidentRun}`).locator('[data-testid="incident-error"]')
    expect(await error.textContent()).toBe(DIVISION_ZH)
    expect(await error.getAttribute('title')).toBe(DIVISION_ENGINE)
    await setLanguage('en')
    await expect.poll(() => error.textContent()).toBe(DIVISION_EN)
    await setLanguage('zh-CN')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('e. offers the run\'s variables to change before a retry, as a form and as JSON', async () => {
    const card = byTestId(`incident-${ids.incidentRun}`)
    await card.locator(`[data-testid="retry-edit-variables-${ids.incidentRun}"]`).click()
    const divisor = card.locator(`[data-testid="retry-var-${ids.incidentRun}-divisor"]`)
    // It starts from what the run has, not from an empty box.
    expect(await divisor.inputValue()).toBe('0')
    expect(await card.locator(`[data-testid="retry-var-${ids.incidentRun}-note"]`).inputValue()).toBe('按件分摊')
    await divisor.fill('2')
    await card.locator(`[data-testid="retry-mode-json-${ids.incidentRun}"]`).click()
    const json = JSON.parse(await card.locator(`[data-testid="retry-variables-${ids.incidentRun}"]`).inputValue())
    expect(json).toEqual({ divisor: 2, note: '按件分摊' })
    await card.locator(`[data-testid="retry-mode-form-${ids.incidentRun}"]`).click()
    expect(await divisor.inputValue()).toBe('2')
    await zhShot('retry-variables')
    await card.locator(`[data-testid="retry-${ids.incidentRun}"]`).click()
    await expect.poll(() => byTestId('retry-notice').textContent()).toContain('已完成')
    expect(await byTestId('retry-notice').textContent()).toContain('金额分摊')
    const run = (await ordo.api('GET', `/api/runs/${ids.incidentRun}`)).body
    expect(run.status).toBe('completed')
    expect(run.variables).toMatchObject({ divisor: 2, share: 64400 })
    await expect.poll(() => byTestId(`incident-${ids.incidentRun}`).count()).toBe(0)
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('e2. shows a run by its workflow, order and node names, the node types by their titles', async () => {
    await page.goto(`${ordo.url}/runs/${encodeURIComponent(ids.incidentRun)}`)
    await byTestId('run-steps').waitFor()
    expect(await page.locator('h1').textContent()).toContain('金额分摊')
    expect(await byTestId('run-order').textContent()).toContain(`抖音 · ${VIP_ORDER_NUMBER}`)
    const steps = (await byTestId('run-steps').textContent()) ?? ''
    expect(steps).toContain('计算每份金额')
    expect(steps).toContain('设置变量')
    expect(steps).not.toContain('rule.set')
    // Ports by their titles, as the canvas shows them: the trigger's 启动, rule.set's 下一步.
    expect(await byTestId('run-steps').locator('tbody td:nth-child(4)').allTextContents()).toEqual(['启动', '—', '下一步'])
    // The failed attempt says why in Chinese; the engine's words stay on hover.
    expect(await byTestId('run-steps').locator('tbody td:nth-child(6)').allTextContents()).toEqual(['', DIVISION_ZH, ''])
    expect(await byTestId('run-steps').locator(`tbody td:nth-child(6) [title="${DIVISION_ENGINE}"]`).count()).toBe(1)
    await zhShot('run-detail')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('f. tells in the order history which workflow and node changed what, from old to new', async () => {
    await page.goto(`${ordo.url}/orders/${encodeURIComponent(ids.addressOrder)}`)
    const history = byTestId('order-history')
    await history.waitFor()
    const text = (await history.textContent()) ?? ''
    expect(text).toContain('工作流「抖音大额订单 VIP 分流」· 节点「分配 VIP 客服」')
    expect(text).toContain('工作流「地址异常拦截」· 节点「拦截发货」')
    expect(text).not.toContain('run:run_')
    // Both flows set the team: the later one shows what it replaced.
    const teamMoves = await history.locator('[data-testid="history-change-assignedTeam"]').allTextContents()
    expect(teamMoves.some((m) => /customer-service\s*→\s*vip-service|vip-service\s*→\s*customer-service/.test(m))).toBe(true)
    expect(text).toContain('+vip')
    // The hold a template adds gives its reason in Chinese.
    expect(await byTestId('order-holds').textContent()).toContain('收货地址')
    expect(await byTestId('order-holds').textContent()).not.toMatch(/[A-Za-z]{4,} [A-Za-z]{4,}/)
    await zhShot('order-detail')
    await scrollTo('order-history')
    await zhShot('order-history')
    await setLanguage('en')
    await expect.poll(() => history.textContent()).toContain('Workflow “抖音大额订单 VIP 分流” · node “分配 VIP 客服”')
    await scrollTo(null)
    await shot(page, 'order-detail-en')
    await scrollTo('order-history')
    await shot(page, 'order-history-en')
    await setLanguage('zh-CN')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('g. names the published flows that set the same field on the same event, in the Flow tab and after publishing', async () => {
    expect((await ordo.api('POST', '/api/workflows', teamOverride)).status).toBe(201)
    await page.goto(`${ordo.url}/workflows/${teamOverride.id}`)
    await byTestId('canvas').waitFor()
    await byTestId('tab-flow').click()
    const conflicts = byTestId('conflict-list')
    await expect.poll(() => conflicts.textContent(), { timeout: 10_000 }).toContain('抖音大额订单 VIP 分流')
    expect(await conflicts.textContent()).toContain('地址异常拦截')
    expect(await conflicts.textContent()).toContain('分配夜班客服')
    await zhShot('flow-conflicts')
    await byTestId('publish').click()
    await expect.poll(() => byTestId('editor-message').textContent()).toContain('已发布为版本 1')
    expect(await byTestId('publish-conflicts').textContent()).toContain('抖音大额订单 VIP 分流')
    await zhShot('published-with-conflicts')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('h. publishing again without a change creates no version and says so', async () => {
    await byTestId('publish').click()
    await expect.poll(() => byTestId('editor-message').textContent()).toContain('没有改动')
    const versions = (await ordo.api('GET', `/api/workflows/${teamOverride.id}/versions`)).body.items
    expect(versions.map((v: { version: number }) => v.version)).toEqual([1])
    await zhShot('publish-unchanged')
    expectNoProblems()
  }, STEP_TIMEOUT)
})
