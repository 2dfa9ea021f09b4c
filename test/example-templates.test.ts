import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createHarness, sampleOrder, type Harness } from './harness.ts'
import { importExamplesIfEmpty } from '../engine/runtime/bootstrap.ts'
import { checkDefinition } from '../engine/core/check-definition.ts'
import { createRegistry } from '../engine/core/registry.ts'
import { builtinNodeTypes } from '../engine/runtime/node-catalog.ts'

const dir = join(import.meta.dirname, '..', 'examples')
const templates = readdirSync(dir).filter((f) => f.endsWith('.workflow.json'))

describe('the template gallery (examples/)', () => {
  // Against every node type Ordo has built in, connectors included (status-sync-recheck pulls from the platform).
  it.each(templates)('%s is a valid workflow named after its file', (file) => {
    const def = JSON.parse(readFileSync(join(dir, file), 'utf8'))
    expect(checkDefinition(def, createRegistry(builtinNodeTypes))).toEqual({ valid: true, errors: [], warnings: [] })
    expect(`${def.id}.workflow.json`).toBe(file)
  })
})

/** Every text of a template an operator reads: names, description, hold reasons, case titles, task titles, levels, messages, edge labels. */
function readableTexts(def: any): string[] {
  const texts: string[] = [def.name, def.description]
  for (const node of def.nodes) {
    const c = node.config ?? {}
    texts.push(node.name, c.reason, c.title, ...(c.cases ?? []).map((x: any) => x.title), ...(c.levels ?? []).map((x: any) => x.name),
      ...(c.escalation ?? []).map((x: any) => x.message), ...(c.steps ?? []).map((x: any) => x.message))
  }
  for (const edge of def.edges) texts.push(edge.label)
  return texts.filter((t): t is string => typeof t === 'string')
}

/** The ids a template's configs use (tags, teams, pools): they stay as they are in any language. */
function configIds(def: any): string[] {
  const ids = new Set<string>()
  const walk = (v: unknown) => {
    if (typeof v === 'string' && /^[a-z0-9][a-z0-9_-]*$/.test(v)) ids.add(v)
    else if (Array.isArray(v)) v.forEach(walk)
    else if (v && typeof v === 'object') Object.values(v).forEach(walk)
  }
  def.nodes.forEach((n: any) => walk(n.config))
  return [...ids].sort((a, b) => b.length - a.length)
}

describe('the templates speak to Chinese operators', () => {
  it.each(templates)('%s names its flow, nodes, holds and branches in Chinese, ids aside', (file) => {
    const def = JSON.parse(readFileSync(join(dir, file), 'utf8'))
    const ids = configIds(def)
    for (const text of readableTexts(def)) {
      expect(text, text).toMatch(/[\u3400-\u9fff]/)
      let rest = text
      for (const id of ids) rest = rest.split(id).join('')
      // Acronyms operators use as they are (VIP) aside, no English word is left.
      expect(rest.replace(/\bVIP\b/g, ''), text).not.toMatch(/[A-Za-z]{2,}/)
    }
  })
})

describe('examples/address-exception-hold and examples/refund-desk-routing', () => {
  let h: Harness
  beforeEach(async () => {
    h = await createHarness()
    await importExamplesIfEmpty(h.engine, dir)
  })
  afterEach(() => h.close())

  async function send(order: ReturnType<typeof sampleOrder>) {
    const res = await h.api('POST', '/api/orders', order)
    expect(res.statusCode).toBe(200)
    await h.engine.idle()
    return (await h.api('GET', `/api/orders/${res.json().results[0].id}`)).json()
  }

  it('holds an order with an address exception and hands it to customer service', async () => {
    const detail = await send(sampleOrder({ platform: 'jd', exception: { type: 'address' } }))
    expect(detail.order.holds.map((hold: { pool: string }) => hold.pool)).toEqual(['address-check'])
    expect(detail.order.tags).toContain('address-check')
    expect(detail.order.assignedTeam).toBe('customer-service')
  })

  it('leaves an order without an exception alone', async () => {
    const detail = await send(sampleOrder({ platform: 'jd' }))
    expect(detail.order.holds).toEqual([])
    expect(detail.runs.filter((r: { workflowId: string }) => r.workflowId === 'address-exception-hold')).toEqual([])
  })

  it('routes a Taobao order that moves to refunding to the Taobao refund desk, others to the general desk', async () => {
    const taobao = sampleOrder({ platform: 'taobao' })
    await send(taobao)
    const refunding = await send({ ...taobao, status: 'refunding', updatedAt: '2026-11-21T10:00:00+08:00' })
    expect(refunding.order.tags).toContain('refund')
    expect(refunding.order.assignedTeam).toBe('refund-taobao')

    const shopify = sampleOrder({ platform: 'shopify', currency: 'USD' })
    await send(shopify)
    const other = await send({ ...shopify, status: 'refunding', updatedAt: '2026-11-21T10:00:00+08:00' })
    expect(other.order.assignedTeam).toBe('refund-desk')
  })
})
