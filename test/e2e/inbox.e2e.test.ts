/**
 * The approval inbox in a real browser, one sequential scenario: a refund flow with a human.approval
 * (a form, a required comment, a deadline) beside a wait for the buyer's address confirmation is
 * published; the approver signs in, an order arrives through the API and its task appears in the
 * inbox live, with the badge; a second one is decided elsewhere and is marked live; the approver
 * opens the task (order, history by name, the run on a read-only canvas with the waiting nodes
 * saying what they wait for), is refused without a comment (translated, under the comment box),
 * fills the form and approves; the run goes on (the node completed, the order tagged). An approver
 * who is not an assignee sees no task and no buttons. Screenshots of the inbox and the task page in
 * zh-CN and English go to test-artifacts/e2e/inbox/; every step fails on a console error, a page
 * error, a failed request, or (in zh-CN) an English label left on the page.
 *
 * Needs Chromium (ORDO_CHROMIUM or /usr/bin/chromium): skipped otherwise. Builds designer/dist first
 * when its sources changed. ORDO_E2E_DESIGNER_DIR serves another built designer instead.
 */
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { ARTIFACTS, hasChromium, launchBrowser, NO_CHROMIUM_REASON, recordProblems, startOrdo, type Browser, type Ordo, type PageProblems } from './browser.ts'
import { ensureDesignerBuilt } from '../../designer/ensure-built.ts'
import { ASSIGNEE, englishLeftIn, OUTSIDER, refundFlow, refundOrder } from './inbox-scenario.ts'

const STEP_TIMEOUT = 120_000
const SHOTS = join(ARTIFACTS, 'inbox')

if (!hasChromium) console.warn(`inbox e2e skipped: ${NO_CHROMIUM_REASON}`)

describe.skipIf(!hasChromium)(`inbox in Chromium${hasChromium ? '' : ` (SKIPPED: ${NO_CHROMIUM_REASON})`}`, () => {
  let ordo: Ordo
  let browser: Browser
  let page: Page
  let rec: PageProblems
  let shots = 0
  const tokens: Record<string, string> = {}
  let taskId = ''
  let orderId = ''

  beforeAll(async () => {
    if (!process.env.ORDO_E2E_DESIGNER_DIR) await ensureDesignerBuilt()
    ordo = await startOrdo({ designerDir: process.env.ORDO_E2E_DESIGNER_DIR })
    const imported = await ordo.api('POST', '/api/workflows/import?publish=true', refundFlow)
    expect(imported.status, JSON.stringify(imported.body)).toBe(201)
    tokens[ASSIGNEE] = await ordo.tokenFor('approver', ASSIGNEE)
    tokens[OUTSIDER] = await ordo.tokenFor('approver', OUTSIDER)
    browser = await launchBrowser({ viewport: { width: 1440, height: 900 }, locale: 'en-US' })
    rec = recordProblems(browser.context)
    page = browser.context.pages()[0] ?? await browser.context.newPage()
    page.setDefaultTimeout(15_000)
    // Only this suite's pictures: the other suites keep theirs.
    rmSync(SHOTS, { recursive: true, force: true })
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await ordo?.close()
  }, 60_000)

  /** A numbered screenshot in test-artifacts/e2e/inbox/; `tall` grows the window to show a whole page. */
  async function shot(step: string, tall = false): Promise<void> {
    shots += 1
    // Made again each time: another suite starting meanwhile may clear test-artifacts/e2e/.
    mkdirSync(SHOTS, { recursive: true })
    if (tall) await page.setViewportSize({ width: 1440, height: 1700 })
    await page.screenshot({ path: join(SHOTS, `${String(shots).padStart(2, '0')}-${step}.png`) })
    if (tall) await page.setViewportSize({ width: 1440, height: 900 })
  }

  /** A picture of one element (a node card), to see its text at full size. */
  async function shotOf(testid: string, step: string): Promise<void> {
    shots += 1
    mkdirSync(SHOTS, { recursive: true })
    await byTestId(testid).screenshot({ path: join(SHOTS, `${String(shots).padStart(2, '0')}-${step}.png`) })
  }

  /** Every step ends with no console error, no page error, no failed request. */
  function expectNoProblems() {
    expect(rec.take()).toEqual([])
  }

  /** A zh-CN page shows no English label of the designer (data such as names may be anything). */
  async function expectNoEnglish() {
    const text = await page.locator('body').innerText()
    expect(englishLeftIn(text)).toEqual([])
  }

  const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`)

  async function setLanguage(locale: 'zh-CN' | 'en') {
    await byTestId('language').selectOption(locale)
    await expect.poll(() => byTestId('nav-inbox').textContent()).toMatch(locale === 'zh-CN' ? /待办/ : /Inbox/)
  }

  async function signIn(name: string) {
    if (await byTestId('who').count()) await page.locator('header.topbar button.link').click()
    await byTestId('login-token').fill(tokens[name])
    await byTestId('login-submit').click()
    await expect.poll(() => byTestId('who').textContent()).toContain(name)
  }

  /** The count the navigation's badge shows (0 when hidden). */
  async function badge(): Promise<number> {
    const el = byTestId('inbox-count')
    await el.waitFor({ state: 'attached' })
    return Number(await el.getAttribute('data-count'))
  }

  it('a. an approver signs in and lands in an empty inbox, with no badge', async () => {
    await page.goto(ordo.url)
    await byTestId('login-token').waitFor()
    await signIn(ASSIGNEE)
    await expect.poll(() => page.evaluate(() => location.pathname)).toBe('/inbox')
    await byTestId('inbox').waitFor()
    await expect.poll(() => page.locator('.inbox .empty').count()).toBe(1)
    await byTestId('no-notifications').waitFor()
    expect(await badge()).toBe(0)
    expect(await byTestId('inbox-count').isVisible()).toBe(false)
    await shot('inbox-empty-en')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('b. shows a new task live without a reload, with the badge count and a message', async () => {
    await page.evaluate(() => { (window as unknown as { inboxMarker: number }).inboxMarker = 1 })
    const sent = await ordo.api('POST', '/api/orders', refundOrder('6931000000000000001'), ordo.operatorToken)
    expect(sent.status, JSON.stringify(sent.body)).toBeLessThan(300)
    orderId = sent.body.results[0].id
    const row = page.locator('[data-testid^="task-row-"]')
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1)
    taskId = (await row.first().getAttribute('data-testid'))!.slice('task-row-'.length)
    await expect.poll(() => badge()).toBe(1)
    expect(await byTestId('inbox-count').isVisible()).toBe(true)
    // Still the same page: the task came over the event stream.
    expect(await page.evaluate(() => (window as unknown as { inboxMarker?: number }).inboxMarker)).toBe(1)
    const text = await row.first().innerText()
    expect(text).toContain('退款超过 5,000 元')
    expect(text).toContain('Douyin 6931000000000000001')
    expect(text).toContain('CN¥6,500.00')
    expect(text).toContain('大额退款审批（e2e）')
    expect(await row.first().locator('[data-priority="high"]').textContent()).toBe('High')
    await expect.poll(() => byTestId(`task-due-${taskId}`).textContent()).toMatch(/^due in 7 h 5\d min$/)
    expect(await byTestId(`task-due-${taskId}`).getAttribute('data-urgency')).toBe('later')
    await expect.poll(() => page.locator('[data-testid^="notification-"][data-kind="task"]').count()).toBe(1)
    expect(await page.locator('[data-testid^="notification-"]').first().innerText()).toContain('New task')
    await shot('inbox-en')
    await setLanguage('zh-CN')
    expect(await row.first().locator('[data-priority="high"]').textContent()).toBe('高')
    await expect.poll(() => byTestId(`task-due-${taskId}`).textContent()).toMatch(/^剩余 7 小时 5\d 分$/)
    await shot('inbox-zh')
    await expectNoEnglish()
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('c. marks a task decided elsewhere live, and counts it off the badge', async () => {
    const sent = await ordo.api('POST', '/api/orders', refundOrder('6931000000000000002'), ordo.operatorToken)
    expect(sent.status).toBeLessThan(300)
    await expect.poll(() => page.locator('[data-testid^="task-row-"]').count()).toBe(2)
    await expect.poll(() => badge()).toBe(2)
    const other = (await ordo.api('GET', `/api/tasks?orderId=${sent.body.results[0].id}`, undefined, tokens[ASSIGNEE])).body.tasks[0]
    // The approver decides it in another tab (through the API): this one marks it without a reload.
    const done = await ordo.api('POST', `/api/tasks/${other.id}/complete`, { decision: 'reject', comment: '重复申请', data: { refundFen: 1, reason: 'other' } }, tokens[ASSIGNEE])
    expect(done.status, JSON.stringify(done.body)).toBe(200)
    await expect.poll(() => byTestId(`task-status-${other.id}`).getAttribute('data-status')).toBe('completed')
    expect(await byTestId(`task-status-${other.id}`).textContent()).toBe('已驳回')
    await expect.poll(() => badge()).toBe(1)
    await shot('inbox-decided-elsewhere-zh')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('d. opens the task: the order with its items, address, customer and history by name, and the run on a canvas saying what it waits for', async () => {
    await byTestId(`task-link-${taskId}`).click()
    await byTestId('task-page').waitFor()
    expect(await byTestId('task-title').textContent()).toBe('退款超过 5,000 元')
    expect(await byTestId('task-order-number').textContent()).toBe('抖音 · 6931000000000000001')
    expect(await byTestId('task-order-amount').textContent()).toBe('¥6,500.00')
    expect(await byTestId('task-order-customer').textContent()).toContain('王小明')
    expect(await byTestId('task-order-address').textContent()).toContain('杭州市 西湖区 文三路 100 号 2 单元 501')
    expect(await byTestId('task-order-items').innerText()).toContain('55 英寸 4K 电视')
    expect(await byTestId('task-where').textContent()).toBe('流程「大额退款审批（e2e）」· 节点「退款审批」')
    await expect.poll(() => byTestId('task-order-history').innerText()).toContain('API（E2E operator）')
    // The run: the approval and the address wait both wait, each saying for what and until when.
    await page.waitForSelector('[data-testid="node-approve"][data-run-status="waiting"]')
    await page.waitForSelector('[data-testid="node-confirm"][data-run-status="waiting"]')
    await page.waitForSelector('[data-testid="node-split"][data-run-status="completed"]')
    expect(await byTestId('wait-approve').textContent()).toMatch(/^审批「退款超过 5,000 元」 · 截止 \d\d-\d\d \d\d:\d\d$/)
    expect(await byTestId('wait-confirm').textContent()).toMatch(/^信号 address_confirmed · 截止 \d\d-\d\d \d\d:\d\d$/)
    expect(await byTestId('wait-confirm').getAttribute('title')).toMatch(/^等待信号 address_confirmed\n自 .+ 起\n截止 .+$/)
    // The text sits in the card's run row, cut to one line: the row is as high as a run row without a wait, the card keeps its size.
    const rowHeight = (id: string) => byTestId(`node-${id}`).locator('.node-run').evaluate((e) => (e as HTMLElement).offsetHeight)
    expect(await rowHeight('confirm')).toBe(await rowHeight('split'))
    expect(await rowHeight('approve')).toBe(await rowHeight('split'))
    expect(await byTestId('approve').count()).toBe(1)
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(8)
    await shot('task-zh', true)
    await shotOf('node-approve', 'card-approve-waiting-zh')
    await shotOf('node-confirm', 'card-confirm-waiting-zh')
    await expectNoEnglish()
    await setLanguage('en')
    expect(await byTestId('wait-confirm').textContent()).toMatch(/^signal address_confirmed · until [A-Z][a-z]{2} \d{1,2}, \d\d:\d\d$/)
    expect(await byTestId('wait-confirm').getAttribute('title')).toMatch(/^waiting for signal address_confirmed\nsince .+\nuntil .+$/)
    expect(await byTestId('task-where').textContent()).toBe('Workflow “大额退款审批（e2e）” · node “退款审批”')
    await shot('task-en', true)
    await shotOf('node-confirm', 'card-confirm-waiting-en')
    await setLanguage('zh-CN')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('e. takes the task and gives it back; checks the form first, then shows the API\'s refusal of a missing comment under the comment box, translated', async () => {
    await byTestId('claim').click()
    await expect.poll(() => byTestId('claimed-by').textContent()).toBe('此任务由你处理中。')
    expect((await ordo.api('GET', `/api/tasks/${encodeURIComponent(taskId)}`)).body.task.claimedBy).toBe(ASSIGNEE)
    await byTestId('release').click()
    await byTestId('claim').waitFor()
    expect(await byTestId('claimed-by').count()).toBe(0)

    await byTestId('approve').click()
    // The form's own check: both answers are required; nothing is sent.
    await expect.poll(() => byTestId('task-form').locator('.error-detail li').count()).toBeGreaterThan(0)
    expect(await byTestId('task-form').innerText()).not.toMatch(/required|must/i)
    await byTestId('task-form').locator('input[id="task-form_refundFen"]').fill('6,500')
    await expect.poll(() => byTestId('task-form_refundFen-amount').textContent()).toBe('= ¥6,500.00')
    await byTestId('task-form').locator('select[id="task-form_reason"]').selectOption({ label: '商品破损' })
    rec.expect(/\/api\/tasks\/[^/]+\/complete$/, 400)
    await byTestId('approve').click()
    await expect.poll(() => byTestId('comment-error').textContent()).toBe('此任务必须填写审批意见。')
    expect(await byTestId('task-refusal').count()).toBe(0)
    expect(await byTestId('task-status').getAttribute('data-status')).toBe('open')
    await shot('task-refused-zh')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('f. approves with the form and a comment; the run goes on: the node completes and the order is tagged', async () => {
    await byTestId('task-comment').fill('商品破损属实，全额退款')
    await byTestId('approve').click()
    await byTestId('task-outcome').waitFor()
    expect(await byTestId('task-outcome').getAttribute('data-decision')).toBe('approve')
    expect(await byTestId('task-answers').innerText()).toContain('¥6,500.00')
    expect(await byTestId('task-answers').innerText()).toContain('商品破损')
    await page.waitForSelector('[data-testid="node-approve"][data-run-status="completed"]', { timeout: 15_000 })
    await page.waitForSelector('[data-testid="node-ok"][data-run-status="completed"]', { timeout: 15_000 })
    expect(await byTestId('node-no').getAttribute('data-run-status')).toBeNull()
    // The address wait still waits: the run is not over.
    expect(await byTestId('node-confirm').getAttribute('data-run-status')).toBe('waiting')
    await expect.poll(() => byTestId('task-order-tags').textContent()).toContain('refund-approved')
    await expect.poll(() => byTestId('task-order-history').innerText()).toContain('流程「大额退款审批（e2e）」· 节点「标记退款已批准」')
    await expect.poll(() => badge()).toBe(0)
    const stored = await ordo.api('GET', `/api/orders/${orderId}`)
    expect(stored.body.order.tags).toContain('refund-approved')
    const run = await ordo.api('GET', `/api/runs/${stored.body.runs[0].id}`)
    expect(run.body.variables.refund).toMatchObject({ decision: 'approve', data: { refundFen: 650000, reason: 'damaged' }, comment: '商品破损属实，全额退款' })
    await shot('task-approved-zh', true)
    await expectNoEnglish()
    await setLanguage('en')
    await shot('task-approved-en', true)
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('g. an approver who is not an assignee sees no task, no badge and no buttons, and the API refuses them', async () => {
    // Signing out keeps the address: leave the task first, which is not theirs.
    await byTestId('nav-inbox').click()
    await byTestId('inbox').waitFor()
    await signIn(OUTSIDER)
    await setLanguage('en')
    await expect.poll(() => page.locator('.inbox .empty').count()).toBe(1)
    expect(await page.locator('[data-testid^="task-row-"]').count()).toBe(0)
    expect(await badge()).toBe(0)
    await shot('outsider-inbox-en')
    rec.expect(new RegExp(`/api/tasks/${encodeURIComponent(taskId).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), 403)
    await page.goto(`${ordo.url}/inbox/${taskId}`)
    await byTestId('task-forbidden').waitFor()
    expect(await byTestId('task-forbidden').textContent()).toBe(`This task is not assigned to you (${OUTSIDER}).`)
    expect(await byTestId('approve').count()).toBe(0)
    expect(await byTestId('reject').count()).toBe(0)
    await shot('outsider-task-en')
    const refused = await ordo.api('POST', `/api/tasks/${taskId}/complete`, { decision: 'approve', comment: 'x' }, tokens[OUTSIDER])
    expect(refused.status).toBe(403)
    expectNoProblems()
  }, STEP_TIMEOUT)
})
