/**
 * What the rule budget costs per evaluation: typical order rules run through Ordo's budgeted
 * interpreter, beside the same logic written as plain JavaScript (the bare baseline) and beside
 * json-logic-engine's compiled functions (the engine Ordo used before the budget), on one order.
 */
import { performance } from 'node:perf_hooks'
import { LogicEngine } from 'json-logic-engine'
import { compileRule } from '../engine/core/json-logic.ts'

/** ns per evaluation of the mix, each way. */
export interface RuleCostResult { ordoNs: number; bareNs: number; libraryNs: number; rules: number }

const order = {
  platform: 'douyin', totalAmount: 128_800, currency: 'CNY', status: 'paid', presale: false, tags: ['vip', 'repeat'],
  items: [{ sku: 'CUP-500-WHT', quantity: 2, unitPrice: 64_400 }, { sku: 'LID-1', quantity: 1, unitPrice: 0 }],
  exception: null, healthScore: { score: 82, band: 'good' },
}
const data = { order, vars: { threshold: 100_000 }, input: {} }

/** The rules and their plain-JavaScript twins. */
const MIX: Array<[unknown, (d: typeof data) => unknown]> = [
  [{ '>': [{ var: 'order.totalAmount' }, 100000] }, (d) => d.order.totalAmount > 100000],
  [{ and: [{ '==': [{ var: 'order.platform' }, 'douyin'] }, { in: ['vip', { var: 'order.tags' }] }] }, (d) => d.order.platform === 'douyin' && d.order.tags.includes('vip')],
  [{ or: [{ '<': [{ var: 'order.healthScore.score' }, 50] }, { '!!': [{ var: 'order.exception.type' }] }] }, (d) => d.order.healthScore.score < 50 || Boolean(d.order.exception)],
  [{ some: [{ var: 'order.items' }, { '==': [{ var: 'unitPrice' }, 0] }] }, (d) => d.order.items.some((i) => i.unitPrice === 0)],
  [{ '*': [{ var: 'order.totalAmount' }, 0.05] }, (d) => d.order.totalAmount * 0.05],
  [{ '>': [{ var: 'order.totalAmount' }, { var: 'vars.threshold' }] }, (d) => d.order.totalAmount > d.vars.threshold],
]

function nsPerEval(fns: Array<(d: typeof data) => unknown>, seconds: number): number {
  let sink = 0
  const run = (n: number) => { for (let i = 0; i < n; i++) for (const f of fns) if (f(data)) sink++ }
  run(20_000) // warm up the JIT
  let n = 10_000
  let elapsed = 0
  const until = performance.now() + seconds * 1000
  let total = 0
  while (performance.now() < until) {
    const t0 = performance.now()
    run(n)
    elapsed += performance.now() - t0
    total += n
    n = Math.min(n * 2, 1_000_000)
  }
  if (sink < 0) console.log(sink)
  return (elapsed * 1e6) / (total * fns.length)
}

/** Measures each way for about `seconds` s. */
export function measureRuleCost(seconds = 1): RuleCostResult {
  const library = new LogicEngine()
  const ordo = MIX.map(([rule]) => compileRule(rule) as (d: typeof data) => unknown)
  const lib = MIX.map(([rule]) => library.build(rule as never) as (d: typeof data) => unknown)
  const bare = MIX.map(([, fn]) => fn)
  return { ordoNs: nsPerEval(ordo, seconds), bareNs: nsPerEval(bare, seconds), libraryNs: nsPerEval(lib, seconds), rules: MIX.length }
}
