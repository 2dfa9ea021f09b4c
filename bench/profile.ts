/** Reads V8 .cpuprofile files (node --cpu-prof) and names the functions with the most self time. */
import { readdirSync, readFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join, relative } from 'node:path'
import { root } from './resources.ts'

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** The `n` functions with the most self time over every profile in `dir`, as "name (file:line) share%" (idle excluded). */
export function topSelfTime(dir: string, n: number): string[] {
  return summarize(readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile), n)
}

/** Runs `fn` under this process's CPU profiler; returns its result and the `n` top self-time functions. */
export async function profileInProcess<T>(fn: () => Promise<T>, n: number): Promise<{ result: T; top: string[] }> {
  const session = new Session()
  session.connect()
  try {
    await session.post('Profiler.enable')
    await session.post('Profiler.start')
    const result = await fn()
    const { profile } = await session.post('Profiler.stop')
    return { result, top: summarize([profile as CpuProfile], n) }
  } finally { session.disconnect() } // also stops a profile left running by a throw
}

function summarize(profiles: CpuProfile[], n: number): string[] {
  const self = new Map<string, number>()
  let total = 0
  for (const p of profiles) {
    const byId = new Map(p.nodes.map((node) => [node.id, node]))
    p.samples.forEach((id, i) => {
      const { functionName, url, lineNumber } = byId.get(id)!.callFrame
      if (functionName === '(idle)') return
      const where = url ? ` (${relative(root, url.replace(/^file:\/\//, ''))}:${lineNumber + 1})` : ''
      const key = `${functionName || '(anonymous)'}${where}`
      const dt = Math.max(0, p.timeDeltas[i] ?? 0)
      self.set(key, (self.get(key) ?? 0) + dt)
      total += dt
    })
  }
  if (total === 0) return ['(no profile written)']
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, t]) => `${k} ${((100 * t) / total).toFixed(1)}%`)
}
