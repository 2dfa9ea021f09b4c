/**
 * Custom nodes from ORDO_NODES_DIR in the real server: the good ones join the palette and run, each
 * broken one is reported with its file and reason, and none takes Ordo down.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, freePort, spawnServer, stopServer, waitForHealth } from './support/server-process.ts'
import { startTestServer, type TestServer } from '../connectors/sdk/testing.ts'
import { sampleOrder } from './harness.ts'
import { loadCustomNodes } from '../engine/runtime/node-catalog.ts'

const TOKEN = 'custom-nodes-admin-token-0123456789'
const root = join(import.meta.dirname, '..')

function writeNodes(dir: string): void {
  copyFileSync(join(root, 'examples/nodes/wms-ship-notice.node.ts'), join(dir, 'wms-ship-notice.node.ts'))
  writeFileSync(join(dir, 'broken.node.ts'), 'export default defineNode({ manifest: { type: "acme.broken" ,, } })\n')
  writeFileSync(join(dir, 'nothing.node.js'), 'export const answer = 42\n')
  writeFileSync(join(dir, 'throws.node.mjs'), 'throw new Error("the ERP client needs ERP_HOST")\n')
  writeFileSync(join(dir, 'twin.node.ts'), `import { defineNode, next } from 'ordo/sdk'
export default defineNode({ manifest: { type: 'http.request', title: 'Twin', description: 'x', category: 'connector', inputs: 1, outputs: [{ name: 'ok' }], configSchema: { type: 'object' } }, run: () => next() })
`)
  writeFileSync(join(dir, 'bad-manifest.node.ts'), `import { defineNode, next } from 'ordo/sdk'
export default defineNode({ manifest: { type: 'acme.bad', title: 'Bad', description: 'x', category: 'connector', inputs: 3, outputs: [], configSchema: { type: 'object' } } as never, run: () => next() })
`)
  writeFileSync(join(dir, 'helper.ts'), 'export const notANode = true\n')
}

describe('custom nodes from ORDO_NODES_DIR', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ordo-nodes-'))
    writeNodes(dir)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('loads the good node and names each broken file with its reason', async () => {
    const { modules, problems } = await loadCustomNodes(dir, new Set(['http.request']))
    expect(modules.map((m) => m.module.manifest.type)).toEqual(['wms.ship-notice'])
    const byFile = Object.fromEntries(problems.map((p) => [p.file.split('/').at(-1), p.reason]))
    expect(Object.keys(byFile).sort()).toEqual(['bad-manifest.node.ts', 'broken.node.ts', 'nothing.node.js', 'throws.node.mjs', 'twin.node.ts'])
    expect(byFile['broken.node.ts']).toMatch(/^cannot be loaded:/)
    expect(byFile['throws.node.mjs']).toContain('the ERP client needs ERP_HOST')
    expect(byFile['nothing.node.js']).toContain('exports no node')
    expect(byFile['twin.node.ts']).toContain('http.request exists already')
    expect(byFile['bad-manifest.node.ts']).toContain('/inputs')
  })

  describe('in the real server', () => {
    let wms: TestServer
    let stop: () => Promise<void>
    let port: number
    let stderr: () => string
    beforeAll(async () => {
      wms = await startTestServer((req) => (req.headers['x-api-key'] === 'k-7781-secret' ? { status: 201, json: { id: 'SN-42' } } : { status: 401 }))
      port = await freePort()
      const db = join(dir, 'ordo.db')
      const spawned = spawnServer({ dbPath: db, port, token: TOKEN, env: { ORDO_NODES_DIR: dir, ORDO_LOG: 'info' }, stdout: true })
      stderr = () => spawned.stdout() + spawned.stderr()
      stop = () => stopServer(spawned.child)
      await waitForHealth(spawned.child, port, 30_000)
    }, 60_000)
    afterAll(async () => { await stop?.(); await wms?.close() })

    it('starts, shows the custom node in the palette and reports the broken ones to builders', async () => {
      const api = apiClient(port, TOKEN)
      const types = await api('GET', '/api/node-types')
      expect(types.status).toBe(200)
      const manifest = types.json.nodeTypes.find((m: { type: string }) => m.type === 'wms.ship-notice')
      expect(manifest).toMatchObject({ category: 'connector', i18n: { 'zh-CN': { title: 'WMS 发货通知' } } })
      expect(types.json.customNodes.loaded).toEqual([{ file: 'wms-ship-notice.node.ts', type: 'wms.ship-notice' }])
      expect(types.json.customNodes.problems).toHaveLength(5)
      expect(stderr()).toContain('custom node not loaded')
      expect(stderr()).toContain('throws.node.mjs')
    })

    it('runs a flow through the custom connector, its secret set over the API', async () => {
      const api = apiClient(port, TOKEN)
      expect((await api('POST', '/api/secrets', { name: 'wms-api-key', value: 'k-7781-secret' })).status).toBe(201)
      const flow = {
        id: 'wms-ship', name: '通知仓库发货', edges: [{ id: 'e1', source: 'start', target: 'ship' }],
        nodes: [
          { id: 'start', type: 'trigger.order-event', position: { x: 0, y: 0 }, config: { events: ['created'] } },
          { id: 'ship', type: 'wms.ship-notice', name: 'WMS 发货通知', position: { x: 0, y: 120 }, config: { baseUrl: wms.url, warehouse: 'HZ-01', apiKey: 'wms-api-key' } },
        ],
      }
      expect((await api('POST', '/api/workflows', flow)).status).toBe(201)
      expect((await api('POST', '/api/workflows/wms-ship/publish')).status).toBe(201)
      // The first try fails with an answer that echoes the key: it goes through the error paths and the log.
      let tries = 0
      wms.reply((req) => (++tries === 1
        ? { status: 503, body: `overloaded (key ${String(req.headers['x-api-key'])})` }
        : req.headers['x-api-key'] === 'k-7781-secret' ? { status: 201, json: { id: 'SN-42' } } : { status: 401 }))
      const sent = await api('POST', '/api/orders', sampleOrder())
      const orderId = sent.json.results[0].id
      await expect.poll(async () => JSON.stringify((await api('GET', `/api/orders/${orderId}`)).json), { timeout: 15_000 }).toContain('wms-notified')
      expect(tries).toBe(2)
      expect(wms.requests.at(-1)!.headers['idempotency-key']).toMatch(/^run_.*:ship:1$/)
      // Not in the log of the whole scenario (info level), nor in what the API says about it.
      expect(stderr()).toContain('outside call failed')
      expect(stderr()).not.toContain('k-7781-secret')
      const log = await api('GET', '/api/integrations/log?limit=50')
      expect(JSON.stringify(log.json)).toContain('503')
      expect(JSON.stringify(log.json)).not.toContain('k-7781-secret')
    })
  })
})
