/**
 * The designer in a real browser (headless Chromium, see test/e2e/browser.ts), each figure beside a
 * bare baseline measured in the same run:
 * - load: navigation → sign-in form visible (production bundle from an in-process Ordo on localhost),
 *   and navigation → a signed-in editor with the example flow fully drawn (all its node cards);
 *   median of 5 cold loads, a fresh browser (new profile: empty cache) each. Bare: a tiny static page
 *   with the same form from a bare node:http server, waited for the same way.
 * - canvas: a generated 200-node flow (trigger → condition → tag → condition …) imported through the
 *   API and opened in the editor; one node dragged, then the canvas panned, with the mouse for ~2 s in
 *   small steps while a requestAnimationFrame counter runs in the page → frames per second. Bare: the
 *   same counter on a bare page while the mouse moves the same way.
 * `tsx bench/designer.ts` runs it alone; `npm run bench` includes it (skipped when Chromium is missing).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { viewportSettled } from '../test/e2e/browser.ts'
import { ensureDesignerBuilt } from '../designer/ensure-built.ts'
import { hasChromium, launchBrowser, NO_CHROMIUM_REASON, root, startOrdo, type Ordo } from '../test/e2e/browser.ts'

export const LOADS = 5
export const NODES = 200
export const MOVE_SECONDS = 2

export interface Fps { fps: number; frames: number; seconds: number; worstFrameMs: number; moves: number }
export interface DesignerFigures {
  skipped: false
  loads: number
  /** Navigation → sign-in form visible, median ms. */
  login: { ours: number; bare: number; oursAll: number[]; bareAll: number[] }
  /** Navigation → signed-in editor with every node card of the example flow drawn, median ms. */
  editor: { ours: number; bare: number; oursAll: number[]; nodes: number }
  nodes: number
  /** The canvas zoom while dragging and panning (the flow fitted, then zoomed in twice). */
  zoom: number
  drag: { ours: Fps; bare: Fps }
  pan: { ours: Fps; bare: Fps }
  /** Transferred by a cold load of the sign-in page: requests and bytes (encoded). */
  transfer: { requests: number; bytes: number }
}
export type DesignerResult = DesignerFigures | { skipped: true; reason: string }

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

const BARE_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>bare</title></head><body>
<form><h1>Sign in</h1><input data-testid="login-token" type="password"><button data-testid="login-submit">Sign in</button></form>
<div id="area" style="position:fixed;inset:60px 0 0 0;background:#f8fafc"></div></body></html>`

/** A bare node:http server answering every GET with the tiny page. */
async function startBare(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' })
    res.end(BARE_HTML)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) }
}

/** Navigation → `ready(page)` resolved, in a fresh browser (cold: new profile, empty cache). */
async function coldLoad(url: string, ready: (page: Page) => Promise<unknown>, token?: string): Promise<{ ms: number; requests: number; bytes: number }> {
  const browser = await launchBrowser()
  try {
    const page = browser.context.pages()[0] ?? await browser.context.newPage()
    if (token) await page.addInitScript((t) => localStorage.setItem('ordo.token', t), token)
    let requests = 0
    let bytes = 0
    page.on('requestfinished', (r) => { requests += 1; void r.sizes().then((s) => { bytes += s.responseBodySize + s.responseHeadersSize }, () => {}) })
    const t0 = performance.now()
    await page.goto(url, { waitUntil: 'commit' })
    await ready(page)
    const ms = performance.now() - t0
    await new Promise((r) => setTimeout(r, 50)) // let the size callbacks land
    return { ms, requests, bytes }
  } finally {
    await browser.close()
  }
}

/** A valid flow of `n` nodes: trigger → condition → tag → condition → tag …, laid out as a snake grid. */
export function generatedFlow(n: number) {
  const cols = 20
  const pos = (i: number) => {
    const row = Math.floor(i / cols)
    const col = row % 2 === 0 ? i % cols : cols - 1 - (i % cols)
    return { x: col * 300, y: row * 200 }
  }
  const nodes: Array<Record<string, unknown>> = [{ id: 'start', type: 'trigger.order-event', position: pos(0), config: { events: ['created'] } }]
  const edges: Array<Record<string, unknown>> = []
  for (let i = 1; i < n; i++) {
    const id = `n${i}`
    nodes.push(i % 2 === 1
      ? { id, type: 'rule.condition', position: pos(i), config: { rule: { '>': [{ var: 'order.totalAmount' }, i * 100] } } }
      : { id, type: 'order.tag', position: pos(i), config: { add: [`t${i}`] } })
    const prev = nodes[i - 1]
    edges.push({ id: `e${i}`, source: prev.id, target: id, ...(prev.type === 'rule.condition' ? { sourceHandle: 'true' } : {}) })
  }
  return { id: 'bench-200', name: `Bench flow (${n} nodes)`, nodes, edges }
}

/** Installs a rAF counter in the page; `stop()` returns frames, seconds and the worst frame gap. */
async function startFrameCounter(page: Page): Promise<{ stop(): Promise<{ frames: number; seconds: number; worstFrameMs: number }> }> {
  // A string, not a function: tsx would wrap named inner functions in a helper the page does not have.
  await page.evaluate(`(() => {
    const fc = window.__fc = { frames: 0, t0: performance.now(), last: performance.now(), worst: 0, on: true }
    function tick(t) {
      if (!fc.on) return
      fc.frames += 1
      fc.worst = Math.max(fc.worst, t - fc.last)
      fc.last = t
      requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  })()`)
  return {
    stop: () => page.evaluate(() => {
      const fc = (window as unknown as { __fc: { frames: number; t0: number; worst: number; on: boolean } }).__fc
      fc.on = false
      return { frames: fc.frames, seconds: (performance.now() - fc.t0) / 1000, worstFrameMs: fc.worst }
    }),
  }
}

/** Presses the mouse at `from` and moves it in small steps along a loop for MOVE_SECONDS, counting frames. */
async function moveAndCount(page: Page, from: { x: number; y: number }): Promise<Fps> {
  await page.mouse.move(from.x, from.y)
  await page.mouse.down()
  const counter = await startFrameCounter(page)
  const t0 = performance.now()
  let moves = 0
  while (performance.now() - t0 < MOVE_SECONDS * 1000) {
    const a = moves / 12
    await page.mouse.move(from.x + 60 * Math.sin(a) + moves * 0.05, from.y + 40 * (1 - Math.cos(a)))
    moves += 1
  }
  const r = await counter.stop()
  await page.mouse.up()
  return { fps: r.frames / r.seconds, frames: r.frames, seconds: r.seconds, worstFrameMs: r.worstFrameMs, moves }
}

async function canvasFps(ordo: Ordo, bareUrl: string): Promise<{ zoom: number; drag: { ours: Fps; bare: Fps }; pan: { ours: Fps; bare: Fps } }> {
  const flow = generatedFlow(NODES)
  const check = await ordo.api('POST', `/api/workflows/${flow.id}/validate`, flow)
  if (check.status !== 200 || !check.body.valid) throw new Error(`generated flow invalid: ${JSON.stringify(check.body).slice(0, 500)}`)
  const created = await ordo.api('POST', '/api/workflows', flow)
  if (created.status !== 201 && created.status !== 200) throw new Error(`import failed: ${created.status} ${JSON.stringify(created.body).slice(0, 300)}`)

  const browser = await launchBrowser()
  try {
    const page = browser.context.pages()[0] ?? await browser.context.newPage()
    await page.addInitScript((t) => localStorage.setItem('ordo.token', t), ordo.designerToken)
    await page.goto(`${ordo.url}/workflows/${flow.id}`)
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="canvas"] .ordo-node').length === n, NODES, { timeout: 60_000 })
    // Zoom in a little so cards are big enough to grab, then let the view settle.
    await page.locator('.react-flow__controls-zoomin').click()
    await page.locator('.react-flow__controls-zoomin').click()
    await viewportSettled(page)
    const zoom = await page.locator('.react-flow__viewport').evaluate((e) => new DOMMatrix(getComputedStyle(e).transform).a)
    // Drag: a node card near the centre of the canvas.
    const box = (await page.locator('[data-testid="canvas"]').boundingBox())!
    const grab = await page.evaluate(({ x, y, w, h }) => {
      const cards = Array.from(document.querySelectorAll('[data-testid="canvas"] .ordo-node')).map((e) => e.getBoundingClientRect())
        .filter((r) => r.width > 0 && r.left > x + 20 && r.right < x + w - 20 && r.top > y + 20 && r.bottom < y + h - 180)
      const cx = x + w / 2, cy = y + h / 2
      cards.sort((a, b) => Math.hypot(a.x - cx, a.y - cy) - Math.hypot(b.x - cx, b.y - cy))
      const r = cards[0]
      return r ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : null
    }, { x: box.x, y: box.y, w: box.width, h: box.height })

    if (!grab) throw new Error('no node card to grab')
    const transform = () => page.locator('.react-flow__viewport').evaluate((e) => getComputedStyle(e).transform)
    const positions = () => page.evaluate(() => Array.from(document.querySelectorAll('.react-flow__node')).map((e) => (e as HTMLElement).style.transform).join(';'))
    const beforeDrag = await positions()
    const drag = await moveAndCount(page, grab)
    if ((await positions()) === beforeDrag) throw new Error('the drag moved no node')
    // Pan: an empty spot of the pane.
    const spot = await page.evaluate(({ x, y, w, h }) => {
      for (let fy = 0.2; fy < 0.8; fy += 0.05) for (let fx = 0.2; fx < 0.8; fx += 0.05) {
        const px = x + w * fx, py = y + h * fy
        if (document.elementFromPoint(px, py)?.classList.contains('react-flow__pane')) return { x: px, y: py }
      }
      return null
    }, { x: box.x, y: box.y, w: box.width, h: box.height })
    if (!spot) throw new Error('no empty spot of the canvas to pan from')
    const beforePan = await transform()
    const pan = await moveAndCount(page, spot)
    if ((await transform()) === beforePan) throw new Error('the pan did not move the canvas')

    await page.goto(bareUrl)
    const area = (await page.locator('#area').boundingBox())!
    const bareDrag = await moveAndCount(page, { x: area.x + area.width / 2, y: area.y + area.height / 2 })
    const barePan = await moveAndCount(page, { x: area.x + area.width / 3, y: area.y + area.height / 3 })
    return { zoom, drag: { ours: drag, bare: bareDrag }, pan: { ours: pan, bare: barePan } }
  } finally {
    await browser.close()
  }
}

/** Runs every designer measurement; `{ skipped }` when Chromium is missing. */
export async function measureDesigner(log: (msg: string) => void = () => {}): Promise<DesignerResult> {
  if (!hasChromium) return { skipped: true, reason: NO_CHROMIUM_REASON }
  await ensureDesignerBuilt()
  const ordo = await startOrdo()
  const bare = await startBare()
  try {
    const example = JSON.parse(readFileSync(join(root, 'examples', 'douyin-vip-routing.workflow.json'), 'utf8'))
    const created = await ordo.api('POST', '/api/workflows', example)
    if (created.status !== 201 && created.status !== 200) throw new Error(`example import failed: ${created.status}`)
    const exampleNodes = example.nodes.length as number
    const loginReady = (page: Page) => page.locator('[data-testid="login-token"]').waitFor({ state: 'visible', timeout: 30_000 })
    const editorReady = (page: Page) => page.waitForFunction((n) => document.querySelectorAll('[data-testid="canvas"] .ordo-node').length === n, exampleNodes, { timeout: 30_000 })

    // Warm the server side once (first requests compile routes, read files), not counted.
    await coldLoad(ordo.url, loginReady)
    const oursAll: number[] = [], bareAll: number[] = [], editorAll: number[] = []
    let transfer = { requests: 0, bytes: 0 }
    for (let i = 0; i < LOADS; i++) {
      const l = await coldLoad(ordo.url, loginReady)
      oursAll.push(l.ms)
      transfer = { requests: l.requests, bytes: l.bytes }
      bareAll.push((await coldLoad(bare.url, loginReady)).ms)
      editorAll.push((await coldLoad(`${ordo.url}/workflows/${example.id}`, editorReady, ordo.designerToken)).ms)
    }
    log(`loads done: login ${oursAll.map((x) => Math.round(x)).join(', ')} ms; editor ${editorAll.map((x) => Math.round(x)).join(', ')} ms`)
    const canvas = await canvasFps(ordo, bare.url)
    return {
      skipped: false, loads: LOADS,
      login: { ours: median(oursAll), bare: median(bareAll), oursAll, bareAll },
      editor: { ours: median(editorAll), bare: median(bareAll), oursAll: editorAll, nodes: exampleNodes },
      nodes: NODES, zoom: canvas.zoom, drag: canvas.drag, pan: canvas.pan, transfer,
    }
  } finally {
    await bare.close()
    await ordo.close()
  }
}

/** The rows `npm run bench` prints (name, ours, bare, target, met). */
export function designerRows(r: DesignerFigures): Array<{ name: string; ours: number; bare: number; target: string; ok: boolean; digits?: number }> {
  return [
    { name: `Designer cold load → sign-in form, ms (median of ${r.loads})`, ours: r.login.ours, bare: r.login.bare, target: '< 2,000', ok: r.login.ours < 2000, digits: 0 },
    // No bare page draws a flow: the editor row has no baseline of its own (printed as —).
    { name: `  → editor with example flow drawn, ms`, ours: r.editor.ours, bare: NaN, target: '< 2,000', ok: r.editor.ours < 2000, digits: 0 },
    { name: `Canvas drag, ${r.nodes} nodes, fps`, ours: r.drag.ours.fps, bare: r.drag.bare.fps, target: '≥ 30', ok: r.drag.ours.fps >= 30, digits: 1 },
    { name: `  worst frame, ms`, ours: r.drag.ours.worstFrameMs, bare: r.drag.bare.worstFrameMs, target: '', ok: true, digits: 0 },
    { name: `Canvas pan, ${r.nodes} nodes, fps`, ours: r.pan.ours.fps, bare: r.pan.bare.fps, target: '≥ 30', ok: r.pan.ours.fps >= 30, digits: 1 },
    { name: `  worst frame, ms`, ours: r.pan.ours.worstFrameMs, bare: r.pan.bare.worstFrameMs, target: '', ok: true, digits: 0 },
  ]
}

/** Notes under the table. */
export function designerNotes(r: DesignerResult): string[] {
  if (r.skipped) return [`- Designer (browser): SKIPPED — ${r.reason}.`]
  const ms = (xs: number[]) => xs.map((x) => Math.round(x)).join(', ')
  return [
    `- Designer load: headless Chromium (${process.env.ORDO_CHROMIUM ?? '/usr/bin/chromium'}), a fresh browser and profile per load (cold cache),`,
    `  Ordo in-process on 127.0.0.1 serving designer/dist; navigation start → [data-testid=login-token] visible: ${ms(r.login.oursAll)} ms.`,
    `  Sign-in page transfer: ${r.transfer.requests} requests, ${Math.round(r.transfer.bytes / 1024)} KiB. Editor: token preset in localStorage,`,
    `  navigation → all ${r.editor.nodes} node cards of douyin-vip-routing drawn: ${ms(r.editor.oursAll)} ms. Bare: a tiny static page with the same`,
    `  form from a bare node:http server (${ms(r.login.bareAll)} ms); no bare page draws a flow, so the editor row has no baseline.`,
    `- Canvas: ${r.nodes}-node generated flow opened in the editor; mouse pressed on a node card (drag) or on empty pane (pan), moved`,
    `  in small steps at zoom ${r.zoom.toFixed(2)} for ~${MOVE_SECONDS} s (${r.drag.ours.moves} / ${r.pan.ours.moves} moves); frames counted with requestAnimationFrame in the page.`,
    `  Bare: the same counter and mouse moves on the bare page (${r.drag.bare.moves} / ${r.pan.bare.moves} moves).`,
  ]
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await measureDesigner((m) => process.stderr.write(`[designer] ${m}\n`))
  if (r.skipped) console.log(designerNotes(r).join('\n'))
  else {
    for (const row of designerRows(r)) console.log(`${row.name.padEnd(52)} ours ${row.ours.toFixed(row.digits ?? 1).padStart(8)}  bare ${row.bare.toFixed(row.digits ?? 1).padStart(8)}  ${row.target} ${row.target ? (row.ok ? 'met' : 'NOT MET') : ''}`)
    console.log(designerNotes(r).join('\n'))
  }
  process.exit(0)
}
