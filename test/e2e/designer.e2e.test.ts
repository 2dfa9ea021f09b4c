/**
 * The designer in a real browser, one sequential scenario: sign in, build the Douyin VIP routing flow
 * (examples/douyin-vip-routing.workflow.json) on an empty canvas by drag and drop, configure it (the
 * vip rule in the visual rule builder), see a dangling node flagged, save, publish, watch a real
 * order's run on the canvas; then an operator may not publish. A screenshot after each step goes to
 * test-artifacts/e2e/; no console error, page error or failed request is allowed anywhere.
 *
 * Needs Chromium (ORDO_CHROMIUM or /usr/bin/chromium): skipped otherwise. Builds designer/dist first
 * when its sources changed (about a minute). ORDO_E2E_DESIGNER_DIR serves another built designer instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { sampleOrder } from '../harness.ts'
import {
  hasChromium, launchBrowser, NO_CHROMIUM_REASON, recordProblems, screenshots, startOrdo, viewportSettled,
  type Browser, type Ordo, type PageProblems,
} from './browser.ts'
import { ensureDesignerBuilt } from '../../designer/ensure-built.ts'

const STEP_TIMEOUT = 120_000
const FLOW_ID = 'vip-routing-e2e'

if (!hasChromium) console.warn(`designer e2e skipped: ${NO_CHROMIUM_REASON}`)

describe.skipIf(!hasChromium)(`designer in Chromium${hasChromium ? '' : ` (SKIPPED: ${NO_CHROMIUM_REASON})`}`, () => {
  let ordo: Ordo
  let browser: Browser
  let page: Page
  let rec: PageProblems
  let shot: ReturnType<typeof screenshots>

  beforeAll(async () => {
    if (!process.env.ORDO_E2E_DESIGNER_DIR) await ensureDesignerBuilt()
    ordo = await startOrdo({ designerDir: process.env.ORDO_E2E_DESIGNER_DIR })
    browser = await launchBrowser({ viewport: { width: 1440, height: 900 }, locale: 'en-US' })
    rec = recordProblems(browser.context)
    page = browser.context.pages()[0] ?? await browser.context.newPage()
    page.setDefaultTimeout(15_000)
    shot = screenshots()
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await ordo?.close()
  }, 60_000)

  /** Every step ends with no console error, no page error, no failed request. */
  function expectNoProblems() {
    expect(rec.take()).toEqual([])
  }

  const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`)
  const canvas = () => byTestId('canvas')
  const nodeCard = (id: string) => byTestId(`node-${id}`)

  /** The ids of the node cards on the canvas, in DOM order. */
  async function nodeIds(): Promise<string[]> {
    return canvas().locator('[data-testid^="node-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('node-'.length)))
  }

  /** Drags a palette item onto the canvas at (x, y) relative to the canvas; returns the new node's id. */
  async function dropNode(type: string, x: number, y: number): Promise<string> {
    const before = new Set(await nodeIds())
    await byTestId(`palette-${type}`).dragTo(canvas(), { targetPosition: { x, y } })
    await expect.poll(async () => (await nodeIds()).length).toBe(before.size + 1)
    const added = (await nodeIds()).filter((id) => !before.has(id))
    expect(added).toHaveLength(1)
    return added[0]
  }

  async function center(locator: Locator): Promise<{ x: number; y: number }> {
    const box = await locator.boundingBox()
    if (!box) throw new Error(`not visible: ${locator}`)
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 }
  }

  /** Draws an edge with the mouse: from the source's output handle to the target's input handle. */
  async function connect(source: string, port: string, target: string): Promise<void> {
    const edgesBefore = await page.locator('.react-flow__edge').count()
    const from = await center(byTestId(`port-${source}-${port}`))
    const to = await center(nodeCard(target).locator('.react-flow__handle.target'))
    await page.mouse.move(from.x, from.y)
    await page.mouse.down()
    await page.mouse.move(from.x + 10, from.y + 10, { steps: 3 })
    await page.mouse.move(to.x, to.y, { steps: 15 })
    await page.mouse.up()
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(edgesBefore + 1).catch(async (e) => { await shot(page, `connect-failed-${source}-${target}`); throw e })
    await expect(page.locator(`.react-flow__edge[data-id^="e-${source}-${port}-${target}"]`).count()).resolves.toBe(1)
  }

  /** Selects a node by clicking its title and opens the Node tab. */
  async function select(id: string): Promise<Locator> {
    await nodeCard(id).locator('.node-title').click()
    await byTestId('tab-node').click()
    const panel = byTestId('config-panel')
    await expect.poll(() => panel.locator('input[data-testid="node-name"]').count()).toBe(1)
    await expect.poll(() => panel.locator('input[disabled]').first().inputValue()).toBe(id)
    return panel
  }

  async function rename(id: string, name: string): Promise<Locator> {
    const panel = await select(id)
    await byTestId('node-name').fill(name)
    await expect.poll(() => nodeCard(id).locator('.node-title').textContent()).toBe(name)
    return panel
  }

  async function problemCount(): Promise<number> {
    const text = (await byTestId('validation-state').textContent()) ?? ''
    return /\d+/.test(text) ? Number(/\d+/.exec(text)![0]) : 0
  }

  /** Node ids as the editor assigns them, read from the DOM once the nodes are dropped. */
  const ids: Record<string, string> = {}

  it('a. signs in with a designer token; the shell speaks English and Chinese', async () => {
    await page.goto(ordo.url)
    await byTestId('login-token').waitFor()
    await shot(page, 'login')
    await byTestId('login-token').fill(ordo.designerToken)
    await byTestId('login-submit').click()
    await byTestId('who').waitFor()
    expect(await byTestId('who').textContent()).toContain('E2E designer')
    await expect.poll(() => page.evaluate(() => location.pathname)).toBe('/workflows')
    await byTestId('new-workflow').waitFor()
    await shot(page, 'workflows-en')
    await byTestId('language').selectOption('zh-CN')
    await expect.poll(() => byTestId('nav-workflows').textContent()).not.toBe('Workflows')
    await shot(page, 'workflows-zh')
    await byTestId('language').selectOption('en')
    await expect.poll(() => byTestId('new-workflow').textContent()).toMatch(/new/i)
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('b. starts a new workflow and names it in the Flow tab', async () => {
    await byTestId('new-workflow').click()
    await expect.poll(() => page.evaluate(() => location.pathname)).toBe('/workflows/new')
    await canvas().waitFor()
    await byTestId('tab-flow').click()
    await byTestId('flow-id').fill(FLOW_ID)
    await byTestId('flow-name').fill('Douyin VIP routing (e2e)')
    await expect.poll(() => page.locator('.toolbar .flow-name').textContent()).toBe('Douyin VIP routing (e2e)')
    expect(await nodeIds()).toEqual([])
    await shot(page, 'new-workflow')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('c. builds the routing flow by dragging from the palette and drawing edges', async () => {
    const box = (await canvas().boundingBox())!
    const col = (f: number) => Math.round(box.width * f)
    // Rows ~130 px apart, the two branches left and right, clear of the minimap (bottom right).
    ids.trigger = await dropNode('trigger.order-event', col(0.42), 50)
    // The first node lands where it was dropped: the empty canvas is not re-fitted around it.
    await viewportSettled(page)
    const dropped = (await nodeCard(ids.trigger).boundingBox())!
    expect(Math.abs(dropped.x + 110 - (box.x + col(0.42)))).toBeLessThan(20)
    expect(Math.abs(dropped.y + 30 - (box.y + 50))).toBeLessThan(20)
    ids.parallel = await dropNode('flow.parallel', col(0.42), 190)
    ids.vip = await dropNode('rule.condition', col(0.22), 320)
    ids.presale = await dropNode('rule.condition', col(0.62), 320)
    ids.tagVip = await dropNode('order.tag', col(0.22), 465)
    ids.tagSpecial = await dropNode('order.tag', col(0.62), 465)
    ids.assign = await dropNode('order.assign', col(0.22), 610)
    expect(ids).toEqual({
      trigger: 'order-event-1', parallel: 'parallel-1', vip: 'condition-1', presale: 'condition-2',
      tagVip: 'tag-1', tagSpecial: 'tag-2', assign: 'assign-1',
    })
    await shot(page, 'nodes-dropped')

    await connect(ids.trigger, 'out', ids.parallel)
    await connect(ids.parallel, 'out', ids.vip)
    await connect(ids.parallel, 'out', ids.presale)
    await connect(ids.vip, 'true', ids.tagVip)
    await connect(ids.presale, 'true', ids.tagSpecial)
    await connect(ids.tagVip, 'out', ids.assign)
    expect(await page.locator('.react-flow__edge').count()).toBe(6)
    await shot(page, 'nodes-connected')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('d. configures each node; the vip rule is built in the rule builder and tried on the sample order', async () => {
    // Trigger: on "created".
    let panel = await rename(ids.trigger, 'Order created')
    await panel.locator(`.config-form [id="config-${ids.trigger}_events"] label`).filter({ hasText: 'created' }).locator('input').check()
    await expect.poll(() => nodeCard(ids.trigger).getAttribute('data-problems')).toBe('0')
    await shot(page, 'config-trigger')

    await rename(ids.parallel, 'Check both')

    // Tags and team.
    panel = await rename(ids.tagVip, 'Tag vip')
    await addArrayItem(panel, 'add', 'vip')
    panel = await rename(ids.tagSpecial, 'Tag special-fulfillment')
    await addArrayItem(panel, 'add', 'special-fulfillment')
    panel = await rename(ids.assign, 'Assign VIP service')
    await panel.locator(`.config-form input[id="config-${ids.assign}_team"]`).fill('vip-service')
    // Teams are picked from those in use; a first one is added explicitly.
    await panel.locator('[data-testid="pick-add"]').click()
    await expect.poll(() => nodeCard(ids.assign).getAttribute('data-problems')).toBe('0')
    await shot(page, 'config-assign')

    // The vip condition, in the visual rule builder: platform = douyin AND totalAmount > 1,000.00 yuan (100000 fen) AND currency = CNY.
    panel = await rename(ids.vip, 'Douyin, > 1,000 CNY?')
    await byTestId('rule-tab-builder').click()
    const builder = panel.locator('.queryBuilder').first()
    await builder.waitFor()
    await setRule(builder, 0, 'order.platform', '=', 'douyin')
    await setRule(builder, 1, 'order.totalAmount', '>', '1000')
    await setRule(builder, 2, 'order.currency', '=', 'CNY')
    await expect.poll(() => builder.locator('.ruleGroup-combinators').first().inputValue()).toBe('and')
    // The live validation accepts the rule once the builder has written it.
    await expect.poll(() => nodeCard(ids.vip).getAttribute('data-problems'), { timeout: 10_000 }).toBe('0')
    await shot(page, 'rule-builder')
    await byTestId('rule-tab-json').click()
    await expect.poll(() => page.locator('[data-testid="rule-json"] .view-lines').textContent()).toContain('order.platform')
    await shot(page, 'rule-json')
    await byTestId('rule-tab-try').click()
    await byTestId('rule-evaluate').click()
    await expect.poll(() => byTestId('rule-result').locator('.badge').getAttribute('data-result')).toBe('true')
    expect(await byTestId('rule-result').textContent()).toMatch(/true/i)
    await shot(page, 'rule-try')

    // The presale condition: presale == true.
    panel = await rename(ids.presale, 'Presale?')
    await byTestId('rule-tab-builder').click()
    const presale = panel.locator('.queryBuilder').first()
    await presale.waitFor()
    await setRule(presale, 0, 'order.presale', '=', 'true')

    await expect.poll(() => problemCount(), { timeout: 10_000 }).toBe(0)
    for (const id of Object.values(ids)) expect(await nodeCard(id).getAttribute('data-problems')).toBe('0')
    await shot(page, 'configured')
    expectNoProblems()
  }, STEP_TIMEOUT)

  /** Adds one string to an rjsf array field (ids `config-<nodeId>_<field>_<i>`). */
  async function addArrayItem(panel: Locator, field: string, value: string) {
    const form = panel.locator('.config-form')
    const inputs = form.locator(`input[id^="config-"][id*="_${field}_"]`)
    const n = await inputs.count()
    await form.locator(`[id^="config-"][id$="_${field}__add"]`).click()
    await expect.poll(() => inputs.count()).toBe(n + 1)
    await inputs.nth(n).fill(value)
    // Tags are picked from those in use; a new one is added explicitly.
    await form.locator('[data-testid="pick-add"]').click()
    await expect.poll(() => inputs.nth(n).inputValue()).toBe(value)
  }

  /** Sets rule `i` of a react-querybuilder group (adding it when missing): field, operator, value. */
  async function setRule(builder: Locator, i: number, field: string, operator: string, value: string) {
    const rules = builder.locator('.rule')
    while ((await rules.count()) <= i) {
      const n = await rules.count()
      await builder.locator('.ruleGroup-addRule').first().click()
      await expect.poll(() => rules.count()).toBe(n + 1)
    }
    const rule = rules.nth(i)
    await rule.locator('.rule-fields').selectOption(field)
    await rule.locator('.rule-operators').selectOption(operator)
    const input = rule.locator('.rule-value')
    const tag = await input.evaluate((e) => e.tagName)
    if (tag === 'SELECT') await input.selectOption(value)
    else if ((await input.getAttribute('type')) === 'checkbox') { if (value === 'true') await input.check(); else await input.uncheck() }
    else await input.fill(value)
  }

  it('e. a dangling node is flagged on its card and in the badge, and deleting it clears the problems', async () => {
    const box = (await canvas().boundingBox())!
    ids.hold = await dropNode('order.hold', Math.round(box.width * 0.58), 610)
    expect(ids.hold).toBe('hold-1')
    await expect.poll(() => problemCount(), { timeout: 10_000 }).toBeGreaterThan(0)
    await expect.poll(async () => Number(await nodeCard(ids.hold).getAttribute('data-problems'))).toBeGreaterThan(0)
    expect(await byTestId('validation-state').getAttribute('class')).toContain('bad')
    // The dropped node is selected; the Flow tab stays open anyway (it does not bounce back to Node).
    await expect.poll(() => page.locator('.ordo-node.selected').count()).toBe(1)
    await byTestId('tab-flow').click()
    await expect.poll(() => byTestId('tab-flow').getAttribute('aria-selected')).toBe('true')
    await expect.poll(() => byTestId('problem-list').textContent()).toContain(ids.hold)
    await shot(page, 'dangling-node')

    await nodeCard(ids.hold).locator('.node-title').click()
    await page.keyboard.press('Delete')
    await expect.poll(() => nodeIds()).not.toContain(ids.hold)
    await expect.poll(() => problemCount(), { timeout: 10_000 }).toBe(0)
    expect(await byTestId('validation-state').getAttribute('class')).toContain('ok')
    await shot(page, 'dangling-removed')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('f. saves the draft and publishes it', async () => {
    await byTestId('save').click()
    await expect.poll(() => page.evaluate(() => location.pathname)).toBe(`/workflows/${FLOW_ID}`)
    await expect.poll(() => byTestId('save-state').textContent()).toMatch(/rev/i)
    await expect.poll(async () => (await nodeIds()).length).toBe(7)
    await byTestId('publish').click()
    await expect.poll(() => byTestId('editor-message').textContent()).toMatch(/published as version 1/i)
    const saved = await ordo.api('GET', `/api/workflows/${FLOW_ID}`)
    expect(saved.status).toBe(200)
    expect(saved.body.latestVersion).toBe(1)
    expect(saved.body.draft.nodes).toHaveLength(7)
    expect(saved.body.draft.edges).toHaveLength(6)
    const vip = saved.body.draft.nodes.find((n: { id: string }) => n.id === ids.vip)
    expect(vip.config.rule).toEqual({
      and: [
        { '==': [{ var: 'order.platform' }, 'douyin'] },
        { '>': [{ var: 'order.totalAmount' }, 100000] },
        { '==': [{ var: 'order.currency' }, 'CNY'] },
      ],
    })
    await shot(page, 'published')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('g. follows a real Douyin order of 2,000.00 CNY through the flow on the canvas', async () => {
    await byTestId('tab-run').click()
    const follow = byTestId('follow-runs')
    if (!(await follow.isChecked())) await follow.check()
    const order = sampleOrder({ platform: 'douyin', totalAmount: 200000, currency: 'CNY', presale: false })
    const sent = await ordo.api('POST', '/api/orders', order, ordo.operatorToken)
    expect(sent.status, JSON.stringify(sent.body)).toBeLessThan(300)
    for (const id of [ids.trigger, ids.parallel, ids.vip, ids.presale, ids.tagVip, ids.assign]) {
      await page.waitForSelector(`[data-testid="node-${id}"][data-run-status="completed"]`, { timeout: 15_000 })
    }
    expect(await nodeCard(ids.tagSpecial).getAttribute('data-run-status')).toBeNull()
    await expect.poll(() => byTestId('watched-run-status').textContent()).toMatch(/completed|完成/i)
    const orders = await ordo.api('GET', '/api/orders?limit=5')
    const stored = orders.body.items.find((o: { platformOrderId: string }) => o.platformOrderId === order.platformOrderId)
    expect(stored.tags).toContain('vip')
    expect(stored.assignedTeam).toBe('vip-service')
    await shot(page, 'run-on-canvas')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('h. refuses a save over a colleague\'s newer draft, and saves it over theirs once the designer chooses so', async () => {
    await byTestId('tab-node').click()
    // A colleague saves the draft meanwhile (through the API, as the admin).
    const current = (await ordo.api('GET', `/api/workflows/${FLOW_ID}`)).body
    const theirs = await ordo.api('PUT', `/api/workflows/${FLOW_ID}`, { ...current.draft, name: 'Renamed by a colleague' })
    expect(theirs.status).toBe(200)
    // This tab, still on the older revision, renames a node and saves.
    await nodeCard(ids.tagVip).click()
    await byTestId('node-name').fill('Tag vip (mine)')
    rec.expect(new RegExp(`/api/workflows/${FLOW_ID}$`), 409)
    await byTestId('save').click()
    await byTestId('conflict-notice').waitFor()
    await shot(page, 'save-conflict')
    await byTestId('conflict-mine').click()
    await expect.poll(async () => (await ordo.api('GET', `/api/workflows/${FLOW_ID}`)).body.draft.nodes.find((n: { id: string }) => n.id === ids.tagVip).name).toBe('Tag vip (mine)')
    expect(await byTestId('conflict-notice').count()).toBe(0)
    await expect.poll(() => byTestId('save-state').textContent()).toMatch(/rev/i)
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('i. an operator is not offered publish, and the API refuses it', async () => {
    await page.locator('header.topbar button.link').click()
    await byTestId('login-token').fill(ordo.operatorToken)
    await byTestId('login-submit').click()
    await expect.poll(() => byTestId('who').textContent()).toContain('E2E operator')
    // Signing out keeps the address: the operator lands on the same workflow.
    expect(await page.evaluate(() => location.pathname)).toBe(`/workflows/${FLOW_ID}`)
    await expect.poll(async () => (await nodeIds()).length).toBe(7)
    expect(await byTestId('publish').count()).toBe(0)
    expect(await byTestId('save').count()).toBe(0)
    expect(await page.locator('[data-testid^="palette-"]').count()).toBe(0)
    await shot(page, 'operator-view')
    const refused = await ordo.api('POST', `/api/workflows/${FLOW_ID}/publish`, undefined, ordo.operatorToken)
    expect(refused.status).toBe(403)
    expectNoProblems()
  }, STEP_TIMEOUT)
})
