/**
 * The editor as a new operator meets it, in Chinese and English: each test is one thing that used
 * to trip them up (rule.set values stored as text, cards overlapping under a run and the heatmap, a
 * save that sent the wrong flow, amounts in fen, English left in the editor, free-text teams and
 * pools, a Ctrl-click multi-select, a dry run without real orders, runs listed by Ordo order ids, a
 * flow marked unsaved by merely selecting a node whose form has defaults).
 * Screenshots of the editor with a run and the heatmap, and of the version diff, in both languages,
 * go to test-artifacts/e2e/editor-ux/.
 * No console error, page error or failed request is allowed anywhere.
 *
 * Needs Chromium (ORDO_CHROMIUM or /usr/bin/chromium): skipped otherwise. Builds designer/dist first
 * when its sources changed. ORDO_E2E_DESIGNER_DIR serves another built designer instead.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { sampleOrder } from '../harness.ts'
import {
  ARTIFACTS, hasChromium, launchBrowser, monacoText, NO_CHROMIUM_REASON, pasteInMonaco, recordProblems, root, screenshots, startOrdo, viewportSettled,
  type Browser, type Ordo, type PageProblems,
} from './browser.ts'
import { ensureDesignerBuilt } from '../../designer/ensure-built.ts'
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'
import { BUILTIN_NODE_TYPES, EVERY_NODE_FLOW_ID, everyNodeFlow } from '../support/every-node-flow.ts'
import { sortKeys } from '../../designer/src/graph/convert.ts'

const STEP_TIMEOUT = 60_000
const SHOTS = join(ARTIFACTS, 'editor-ux')
const TEMPLATE = JSON.parse(readFileSync(join(root, 'examples', 'douyin-vip-routing.workflow.json'), 'utf8')) as WorkflowDefinition
const FLOW = TEMPLATE.id

type Box = { x: number; y: number; width: number; height: number }

/** Whether two boxes share some area (touching edges do not count). */
function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5
}

if (!hasChromium) console.warn(`editor UX e2e skipped: ${NO_CHROMIUM_REASON}`)

describe.skipIf(!hasChromium)(`editor UX in Chromium${hasChromium ? '' : ` (SKIPPED: ${NO_CHROMIUM_REASON})`}`, () => {
  let ordo: Ordo
  let browser: Browser
  let page: Page
  let rec: PageProblems
  let shot: ReturnType<typeof screenshots>
  const orderNumbers: string[] = []

  beforeAll(async () => {
    if (!process.env.ORDO_E2E_DESIGNER_DIR) await ensureDesignerBuilt()
    ordo = await startOrdo({ designerDir: process.env.ORDO_E2E_DESIGNER_DIR })
    // The Douyin VIP template as version 1 with three real runs; version 2 hands VIP orders to another
    // team under another name (the diff); another flow holds orders in the risk pool (a pool in use).
    const created = await ordo.api('POST', '/api/workflows', TEMPLATE)
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    expect((await ordo.api('POST', `/api/workflows/${FLOW}/publish`)).status).toBe(201)
    for (const [i, presale] of [false, true, false].entries()) {
      const order = sampleOrder({ platform: 'douyin', totalAmount: 200000 + i * 100, currency: 'CNY', presale })
      orderNumbers.push(order.platformOrderId)
      const sent = await ordo.api('POST', '/api/orders', order, ordo.operatorToken)
      expect(sent.status, JSON.stringify(sent.body)).toBeLessThan(300)
    }
    const v2 = structuredClone(TEMPLATE)
    const assign = v2.nodes.find((n) => n.id === 'assign-vip')!
    assign.config = { team: 'gold-service' }
    assign.name = '分配金牌客服 / Assign gold service'
    const current = await ordo.api('GET', `/api/workflows/${FLOW}`)
    expect((await ordo.api('PUT', `/api/workflows/${FLOW}`, v2, undefined, { 'if-match': `"${current.body.draftRevision}"` })).status).toBe(200)
    expect((await ordo.api('POST', `/api/workflows/${FLOW}/publish`)).status).toBe(201)
    const risk: WorkflowDefinition = {
      id: 'risk-hold', name: 'Risk hold', edges: [{ id: 'e1', source: 'start', target: 'hold' }],
      nodes: [
        { id: 'start', type: 'trigger.order-event', position: { x: 0, y: 0 }, config: { events: ['created'] } },
        { id: 'hold', type: 'order.hold', position: { x: 0, y: 140 }, config: { pool: 'risk', reason: 'manual review' } },
      ],
    }
    expect((await ordo.api('POST', '/api/workflows', risk)).status).toBe(201)
    // A copy for the amount test, which edits its rule; its check is named after the amount it compares with.
    const money = structuredClone(TEMPLATE)
    money.nodes.find((n) => n.id === 'vip-check')!.name = '抖音订单 > 1,000 元？'
    expect((await ordo.api('POST', '/api/workflows', { ...money, id: 'douyin-money' })).status).toBe(201)

    browser = await launchBrowser({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
    rec = recordProblems(browser.context)
    page = browser.context.pages()[0] ?? await browser.context.newPage()
    page.setDefaultTimeout(10_000)
    // Leaving an edited flow asks first; the tests move on.
    page.on('dialog', (d) => void d.accept())
    shot = screenshots(SHOTS)
    await page.goto(ordo.url)
    await byTestId('login-token').fill(ordo.designerToken)
    await byTestId('login-submit').click()
    await byTestId('who').waitFor()
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await ordo?.close()
  }, 60_000)

  function expectNoProblems() {
    expect(rec.take()).toEqual([])
  }

  const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`)
  const nodeCard = (id: string) => byTestId(`node-${id}`)

  async function speak(locale: 'zh-CN' | 'en') {
    const select = byTestId('language')
    if ((await select.inputValue()) !== locale) await select.selectOption(locale)
  }

  /**
   * Opens a workflow (or `new`) in the editor, in `locale`, once its cards are drawn. Moves inside the
   * app (as its links do), through the list so that the editor starts afresh: reloading the page would
   * abort the requests still out.
   */
  async function open(id: string, locale: 'zh-CN' | 'en' = 'zh-CN') {
    await speak(locale)
    for (const path of ['/workflows', `/workflows/${id}`]) {
      await page.evaluate(`history.pushState(null, '', ${JSON.stringify(path)})`)
      await expect.poll(() => page.evaluate(() => location.pathname)).toBe(path)
    }
    await byTestId('canvas').waitFor()
    if (id !== 'new') await page.locator('.ordo-node').first().waitFor()
    await viewportSettled(page)
  }

  /** A canvas whose nodes are drawn and whose viewport stopped moving (fitView animates). */
  async function canvasSettled(canvas: Locator) {
    await canvas.locator('.ordo-node').first().waitFor()
    let last = ''
    for (;;) {
      const now = (await canvas.locator('.react-flow__viewport').getAttribute('style')) ?? ''
      if (now === last) return
      last = now
      await page.waitForTimeout(150) // poll: stable across two looks means settled
    }
  }

  /** Selects a node by its title and opens the Node tab. */
  async function select(id: string): Promise<Locator> {
    await nodeCard(id).locator('.node-title').click()
    await byTestId('tab-node').click()
    const panel = byTestId('config-panel')
    await expect.poll(() => panel.locator('input[disabled]').first().inputValue()).toBe(id)
    return panel
  }

  /** Replaces the text of a Monaco editor, as if pasted (no auto-closed brackets). */
  async function typeInMonaco(editor: Locator, text: string) {
    await pasteInMonaco(page, editor, text)
    await expect.poll(() => monacoText(editor)).toBe(text)
  }


  async function savedDraft(id: string): Promise<WorkflowDefinition> {
    const res = await ordo.api('GET', `/api/workflows/${id}`)
    expect(res.status).toBe(200)
    return res.body.draft
  }

  async function boxes(selector: string): Promise<Array<{ id: string; box: Box }>> {
    return page.locator(selector).evaluateAll((els) => els.map((e, i) => {
      const r = e.getBoundingClientRect()
      return { id: e.getAttribute('data-testid') ?? `${e.getAttribute('class')}#${i}`, box: { x: r.x, y: r.y, width: r.width, height: r.height } }
    }))
  }

  /** No two cards share area, and no edge label covers a card, a port label or a port. */
  async function expectNothingOverlaps() {
    const cards = await boxes('.react-flow__node .ordo-node')
    for (const [i, a] of cards.entries()) {
      for (const b of cards.slice(i + 1)) expect(overlap(a.box, b.box), `${a.id} ${JSON.stringify(a.box)} overlaps ${b.id} ${JSON.stringify(b.box)}`).toBe(false)
    }
    const labels = await boxes('.react-flow__edge-textwrapper, .edge-label')
    expect(labels.length).toBeGreaterThan(0)
    const ports = await boxes('.ordo-node .port-label, .ordo-node .react-flow__handle')
    for (const label of labels) {
      for (const c of [...cards, ...ports]) expect(overlap(label.box, c.box), `edge label ${JSON.stringify(label.box)} covers ${c.id} ${JSON.stringify(c.box)}`).toBe(false)
    }
  }

  it('1. a Set variables value is a rule (builder or JSON), stored as JSON, with translated labels', async () => {
    await open('new')
    await byTestId('tab-flow').click()
    await byTestId('flow-id').fill('set-vars-ux')
    await byTestId('palette-rule.set').dblclick()
    const panel = await select('set-1')
    const form = panel.locator('.config-form')
    await form.locator('[id$="_variables__add"]').click()
    const entry = form.locator('[data-testid="rule-map-entry"]').first()
    await entry.waitFor()
    await entry.locator('[data-testid="rule-map-name"]').fill('ratio')
    await entry.locator('[data-testid="rule-tab-json"]').click()
    await typeInMonaco(entry.locator('[data-testid="rule-json"]'), '{"/":[{"var":"order.totalAmount"},100]}')
    await expect.poll(() => nodeCard('set-1').locator('.node-summary').textContent()).toContain('ratio')
    const text = (await form.textContent()) ?? ''
    expect(text).not.toMatch(/newKey|New Value|Key\b/)
    expect(await entry.textContent()).toContain('名称')
    expect(await entry.textContent()).toContain('表达式')
    await shot(page, 'set-variables-zh')
    await byTestId('save').click()
    await expect.poll(() => page.evaluate(() => location.pathname)).toBe('/workflows/set-vars-ux')
    const node = (await savedDraft('set-vars-ux')).nodes.find((n) => n.id === 'set-1')!
    expect(node.config).toEqual({ variables: { ratio: { '/': [{ var: 'order.totalAmount' }, 100] } } })
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('2. a run and the heatmap change no card\'s footprint; edge labels stay clear of cards and ports (zh-CN, en)', async () => {
    await open(FLOW)
    const before = await boxes('.react-flow__node .ordo-node')
    await expectNothingOverlaps()
    await byTestId('tab-run').click()
    await page.locator('[data-testid^="run-run_"]').first().click()
    await page.waitForSelector('[data-testid="node-start"][data-run-status="completed"]')
    await page.waitForSelector('[data-testid="node-assign-vip"][data-run-status="completed"]')
    await expectNothingOverlaps()
    await byTestId('heatmap').check()
    await page.waitForSelector('[data-testid="node-start"] .node-heat')
    await nodeCard('vip-check').locator('.node-title').click()
    await byTestId('node-run-detail').waitFor()
    for (const locale of ['zh-CN', 'en'] as const) {
      await speak(locale)
      await expect.poll(() => byTestId('tab-run').textContent()).toBe(locale === 'en' ? 'Runs' : '运行')
      // The same footprint as without the run and the heatmap, in either language.
      const after = await boxes('.react-flow__node .ordo-node')
      for (const b of before) {
        const a = after.find((x) => x.id === b.id)!
        expect(Math.abs(a.box.width - b.box.width), `${b.id} width (${locale})`).toBeLessThan(1)
        expect(Math.abs(a.box.height - b.box.height), `${b.id} height (${locale})`).toBeLessThan(1)
      }
      await expectNothingOverlaps()
      await shot(page, `run-heatmap-${locale}`)
    }
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('3. saving while the JSON tab does not parse says so, in Chinese, and sends nothing', async () => {
    await open('new')
    await byTestId('tab-json').click()
    const editor = byTestId('definition-json')
    await typeInMonaco(editor, '{ "id": "broken-flow", "name": "坏的", "nodes": [ { "id": "a" ')

    await expect.poll(() => editor.locator('[role="alert"]').textContent()).toMatch(/JSON/)
    expect(await editor.locator('[role="alert"]').textContent()).toMatch(/[\u4e00-\u9fff]/)
    const sent: string[] = []
    const onRequest = (r: { method(): string; url(): string }) => { if (r.method() !== 'GET' && /\/api\/workflows(\/[^/]+)?$/.test(new URL(r.url()).pathname)) sent.push(r.url()) }
    page.on('request', onRequest)
    await byTestId('save').click()
    const message = byTestId('editor-message')
    await expect.poll(() => message.textContent()).toMatch(/JSON/)
    const said = (await message.textContent()) ?? ''
    expect(said).toMatch(/[\u4e00-\u9fff]/)
    expect(said).not.toMatch(/body is invalid|must NOT|\/nodes/)
    await page.keyboard.press('Control+S')
    page.off('request', onRequest)
    expect(sent).toEqual([])
    expect((await ordo.api('GET', '/api/workflows/broken-flow')).status).toBe(404)
    await shot(page, 'save-unparsed-json-zh')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('4. amounts are typed and shown in yuan and stored in fen; a node name left contradicting its rule can be updated', async () => {
    await open('douyin-money')
    const panel = await select('vip-check')
    const amountRule = panel.locator('.rule').filter({ has: page.locator('.rule-fields option:checked[value="order.totalAmount"]') })
    const amount = amountRule.locator('.rule-value')
    await expect.poll(() => amount.inputValue()).toBe('1000.00')
    expect(await amountRule.textContent()).toContain('元')
    await amount.fill('2000')
    const hint = byTestId('rule-amount-hint')
    await expect.poll(() => hint.textContent()).toContain('2,000.00')
    await expect.poll(() => nodeCard('vip-check').locator('.node-summary').textContent()).toContain('2,000.00')
    const offer = byTestId('name-amount-offer')
    await offer.waitFor()
    expect(await offer.textContent()).toContain('2,000')
    await shot(page, 'amount-in-yuan-zh')
    await byTestId('name-amount-apply').click()
    await expect.poll(() => byTestId('node-name').inputValue()).toBe('抖音订单 > 2,000 元？')
    expect(await offer.count()).toBe(0)
    await byTestId('save').click()
    await expect.poll(async () => JSON.stringify((await savedDraft('douyin-money')).nodes.find((n) => n.id === 'vip-check')!.config)).toContain('200000')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('5. cards, rule summaries, defaults and engine errors speak Chinese; the version diff shows old and new values (zh-CN, en)', async () => {
    await open(FLOW)
    expect(await nodeCard('start').locator('.node-summary').textContent()).toBe('事件：新建')
    expect(await nodeCard('assign-vip').locator('.node-summary').textContent()).toBe('团队：gold-service')
    expect(await nodeCard('vip-check').locator('.node-summary').textContent()).toContain('平台 = 抖音')
    expect(await nodeCard('tag-vip').locator('.node-summary').textContent()).toBe('添加标签：vip')

    for (const locale of ['zh-CN', 'en'] as const) {
      await open(FLOW, locale)
      await byTestId('tab-versions').click()
      await byTestId('diff-left').selectOption('1')
      await byTestId('diff-right').selectOption('2')
      await byTestId('diff-open').click()
      const change = byTestId('diff-change-assign-vip')
      await change.waitFor()
      const text = (await change.textContent()) ?? ''
      expect(text).toContain('vip-service')
      expect(text).toContain('gold-service')
      expect(text).toContain('Assign gold service')
      expect(text).not.toMatch(/\bconfig\b/)
      for (const side of ['left', 'right']) await canvasSettled(byTestId(`diff-canvas-${side}`))
      await shot(page, `version-diff-${locale}`)
      await byTestId('diff-close').click()
    }

    await open('new')
    expect(await page.locator('.toolbar .flow-name').textContent()).toBe('新流程')
    await byTestId('palette-rule.condition').dblclick()
    const panel = await select('condition-1')
    await panel.locator('[data-testid="rule-tab-json"]').click()
    await typeInMonaco(panel.locator('[data-testid="rule-json"]'), '{"/":[{"var":"order.totalAmount"},0]}')
    await panel.locator('[data-testid="rule-tab-try"]').click()
    rec.expect(/\/api\/rules\/evaluate$/, 400)
    await byTestId('rule-evaluate').click()
    const result = byTestId('rule-result')
    await expect.poll(() => result.textContent(), { timeout: 10_000 }).toMatch(/[\u4e00-\u9fff]/)
    expect(await result.textContent()).not.toMatch(/division|rule/)
    expect(await result.textContent()).toContain('除以零')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('6. teams, pools and tags are picked from the values in use; a new one only when asked for', async () => {
    await open(FLOW)
    let panel = await select('assign-vip')
    const team = panel.locator('.config-form [role="combobox"]').first()
    await team.click()
    const options = panel.locator('[role="listbox"] [role="option"]')
    await expect.poll(() => options.allTextContents()).toEqual(expect.arrayContaining(['gold-service', 'vip-service']))
    await team.fill('vip-servcie')
    await expect.poll(() => byTestId('pick-add').textContent()).toContain('新建团队')
    await shot(page, 'pick-team-zh')
    await page.keyboard.press('Escape')
    await byTestId('node-name').click()
    // A typo is not a new queue: the team is still the one in use.
    expect(await nodeCard('assign-vip').locator('.node-summary').textContent()).toContain('gold-service')
    await team.fill('vip')
    await options.filter({ hasText: /^vip-service$/ }).click()
    await expect.poll(() => nodeCard('assign-vip').locator('.node-summary').textContent()).toContain('vip-service')
    await team.fill('night-shift')
    await byTestId('pick-add').click()
    await expect.poll(() => nodeCard('assign-vip').locator('.node-summary').textContent()).toContain('night-shift')

    panel = await select('tag-vip')
    const tag = panel.locator('.config-form [role="combobox"]').first()
    await tag.click()
    await expect.poll(() => panel.locator('[role="listbox"] [role="option"]').allTextContents()).toEqual(expect.arrayContaining(['special-fulfillment', 'vip']))

    await open('risk-hold')
    panel = await select('hold')
    const pool = panel.locator('.config-form [role="combobox"]').first()
    await pool.click()
    await expect.poll(() => panel.locator('[role="listbox"] [role="option"]').allTextContents()).toContain('risk')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('7. the trigger\'s events are checkboxes: no Ctrl-click to pick two', async () => {
    await open(FLOW)
    const panel = await select('start')
    const events = panel.locator('.config-form [id="config-start_events"]')
    await expect.poll(() => events.locator('input[type="checkbox"]').count()).toBe(3)
    await events.locator('label').filter({ hasText: '更新' }).locator('input[type="checkbox"]').check()
    await expect.poll(() => nodeCard('start').locator('.node-summary').textContent()).toBe('事件：新建、更新')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('8. the dry run\'s sample order can be picked from recent real orders, shown by platform, number and amount in yuan', async () => {
    await open(FLOW)
    await byTestId('tab-run').click()
    const recent = byTestId('dry-run-recent')
    await expect.poll(async () => (await recent.locator('option').allTextContents()).filter((o) => orderNumbers.some((n) => o.includes(n))).length).toBe(3)
    const label = (await recent.locator('option').allTextContents()).find((o) => o.includes(orderNumbers[1]))!
    expect(label).toBe(`抖音 · ${orderNumbers[1]} · ¥2,001.00`)
    await recent.selectOption({ label })
    await expect.poll(() => monacoText(byTestId('dry-run-order'))).toContain(orderNumbers[1])
    await byTestId('dry-run').click()
    await byTestId('dry-run-result').waitFor()
    // The picked order is a presale: the presale branch runs.
    await page.waitForSelector('[data-testid="node-tag-special"][data-run-status="completed"]')
    await shot(page, 'dry-run-recent-order-zh')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('9. the Runs tab names each run\'s order by its platform and the platform\'s order number, the Ordo id only on hover', async () => {
    const runs = (await ordo.api('GET', `/api/runs?workflowId=${FLOW}`)).body.items as Array<{ id: string; orderId: string; order: { platformOrderId: string } }>
    expect(runs.length).toBe(3)
    await open(FLOW)
    await byTestId('tab-run').click()
    for (const run of runs) {
      const item = byTestId(`run-${run.id}`)
      await item.waitFor()
      const text = (await item.textContent()) ?? ''
      expect(text).toContain(`抖音 · ${run.order.platformOrderId}`)
      expect(text).not.toContain('ord_')
      expect(await item.locator(`[title="${run.orderId}"]`).count()).toBe(1)
    }
    // The run being watched names its order the same way.
    await byTestId(`run-${runs[0].id}`).click()
    const watched = byTestId('watched-run')
    await expect.poll(() => watched.textContent()).toContain(`抖音 · ${runs[0].order.platformOrderId}`)
    expect(await watched.textContent()).not.toContain(runs[0].orderId)
    expect(await watched.locator(`[title="${runs[0].orderId}"]`).count()).toBe(1)
    await shot(page, 'runs-tab-orders-zh')
    expectNoProblems()
  }, STEP_TIMEOUT)

  it('10. selecting a node of any type changes nothing: no unsaved badge, no undo step, no default written; a real edit is unsaved and saves only itself', async () => {
    const flow = everyNodeFlow()
    expect(new Set(flow.nodes.map((n) => n.type))).toEqual(new Set(BUILTIN_NODE_TYPES))
    expect((await ordo.api('POST', '/api/workflows', flow)).status).toBe(201)
    await open(EVERY_NODE_FLOW_ID)
    const badge = byTestId('save-state')
    expect(await badge.getAttribute('class')).toContain('ok')
    // Any moment the badge says unsaved is recorded, however short: the form reports its defaults on mount.
    await page.evaluate(`(() => {
      window.__unsavedSeen = []
      const badge = document.querySelector('[data-testid="save-state"]')
      const look = () => { if (badge.classList.contains('waiting')) window.__unsavedSeen.push(document.querySelector('[data-testid="config-panel"] input[disabled]')?.value ?? '?') }
      new MutationObserver(look).observe(badge, { attributes: true, childList: true, characterData: true, subtree: true })
    })()`)
    const unsavedSeen = () => page.evaluate('window.__unsavedSeen') as Promise<string[]>
    for (const node of flow.nodes) {
      const panel = await select(node.id)
      if (node.type !== 'flow.parallel') await panel.locator('.config-form').waitFor()
      if (node.type === 'human.approval' || node.type === 'time.escalate') await panel.locator('[data-testid="channel-config"]').waitFor()
      expect(await unsavedSeen(), `selecting ${node.id} (${node.type})`).toEqual([])
    }
    // Widgets that load what they offer (teams, secrets, the rule editor) answer late: a second for them
    // to (a wait for nothing to happen; the event stream never lets the network go idle).
    await page.waitForTimeout(1000)
    expect(await unsavedSeen()).toEqual([])
    expect(await badge.getAttribute('class')).toContain('ok')
    expect(await byTestId('undo').isDisabled()).toBe(true)
    await shot(page, 'every-node-selected-zh')

    // One edit, the approval's priority: unsaved at once. Then one in its channel's own form (the IM title).
    const panel = await select('approve')
    await panel.locator('select[id="config-approve_priority"]').selectOption({ label: '高' })
    await expect.poll(() => badge.getAttribute('class')).toContain('waiting')
    expect(await byTestId('undo').isDisabled()).toBe(false)
    await panel.locator('[data-testid="channel-config"] input[id$="_config_title"]').fill('退款待审批')
    await byTestId('save').click()
    await expect.poll(() => badge.getAttribute('class')).toContain('ok')
    // Saved, the two edits are the only change: no default the forms show came with them.
    const expected = structuredClone(flow)
    const approval = expected.nodes.find((n) => n.id === 'approve')!.config as { priority?: string; channels: Array<{ config: Record<string, unknown> }> }
    approval.priority = 'high'
    approval.channels[0].config.title = '退款待审批'
    expect(sortKeys(await savedDraft(EVERY_NODE_FLOW_ID))).toEqual(sortKeys(expected))
    expectNoProblems()
  }, STEP_TIMEOUT)
})
