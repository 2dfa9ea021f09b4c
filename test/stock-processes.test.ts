/** Two processes reserving from one SQLite file at the same moment never take more than is in stock. */
import { afterEach, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqliteStore } from '../engine/store/sqlite/sqlite-store.ts'

const script = join(import.meta.dirname, 'support', 'reserve-stock-process.ts')

function start(args: string[]): { child: ChildProcess; lines: string[]; next(): Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines: string[] = []
  const waiting: Array<(line: string) => void> = []
  let buffer = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8')
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i)
      buffer = buffer.slice(i + 1)
      const w = waiting.shift()
      if (w) w(line)
      else lines.push(line)
    }
  })
  return { child, lines, next: () => (lines.length ? Promise.resolve(lines.shift()!) : new Promise((resolve) => waiting.push(resolve))) }
}

describe('stock across processes', () => {
  const dirs: string[] = []
  const children: ChildProcess[] = []
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill()
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  it('reserves exactly the units in stock when two processes race for them', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ordo-stock-procs-'))
    dirs.push(dir)
    const path = join(dir, 'ordo.db')
    const store = openSqliteStore({ path })
    await store.putStock('CUP-500', { onHand: 200 }, { idempotencyKey: 'api:1', orderId: null, runId: null, source: 'api:test' }, Date.now())
    await store.close()
    const procs = ['a', 'b'].map((name) => start([path, 'CUP-500', name, '150']))
    children.push(...procs.map((p) => p.child))
    expect(await Promise.all(procs.map((p) => p.next()))).toEqual(['ready', 'ready'])
    for (const p of procs) p.child.stdin!.write('go\n')
    const results = (await Promise.all(procs.map((p) => p.next()))).map((line) => JSON.parse(line) as { reserved: number; short: number })
    expect(results.reduce((n, r) => n + r.reserved, 0)).toBe(200)
    expect(results.reduce((n, r) => n + r.short, 0)).toBe(100)
    const after = openSqliteStore({ path })
    expect(await after.getStock('CUP-500')).toMatchObject({ onHand: 200, reserved: 200, available: 0 })
    const ledger = await after.stockLedger('CUP-500', 500)
    expect(ledger.items.filter((r) => r.kind === 'reservation')).toHaveLength(200)
    await after.close()
  })
})
