/**
 * A node named after its rule's amount ("Douyin, > 1,000 CNY?") contradicts the rule once the amount
 * changes. This finds the amounts a rule compares order amounts with, the amounts a name mentions
 * (a number beside a comparison or a currency), and the name with them updated, in the name's style.
 */
import { minorDigits, minorToDecimal } from '../pages/money.ts'
import { isAmountField } from './order-fields.ts'

const COMPARISONS = new Set(['==', '===', '!=', '!==', '>', '>=', '<', '<='])

function varPath(rule: unknown): string | null {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule) || Object.keys(rule).length !== 1 || !('var' in rule)) return null
  const arg = (rule as { var: unknown }).var
  const path = Array.isArray(arg) ? arg[0] : arg
  return typeof path === 'string' ? path : null
}

/** The amounts (minor units) the rules in `config` compare amount fields with, in the order they appear. */
export function ruleAmounts(config: unknown): number[] {
  const out: number[] = []
  const visit = (r: unknown) => {
    if (Array.isArray(r)) { r.forEach(visit); return }
    if (typeof r !== 'object' || r === null) return
    for (const [op, raw] of Object.entries(r)) {
      const args = Array.isArray(raw) ? raw : [raw]
      const amountOf = (i: number) => { const p = varPath(args[i]); return p !== null && isAmountField(p) }
      if (COMPARISONS.has(op) && args.length === 2) {
        if (amountOf(0) && typeof args[1] === 'number') out.push(args[1])
        else if (amountOf(1) && typeof args[0] === 'number') out.push(args[0])
      } else if ((op === '<' || op === '<=') && args.length === 3 && amountOf(1)) {
        for (const bound of [args[0], args[2]]) if (typeof bound === 'number') out.push(bound)
      } else if (op === 'in' && args.length === 2 && amountOf(0) && Array.isArray(args[1])) {
        for (const v of args[1]) if (typeof v === 'number') out.push(v)
      }
      args.forEach(visit)
    }
  }
  visit(config)
  return out
}

/** A number in a name that reads as an amount: beside a comparison, a currency sign, or a unit after it. */
const AMOUNT_IN_TEXT = /(?<pre>(?:[><≥≤]=?|[¥￥$]|超过|大于|高于|满|不低于|低于|小于|少于|不超过|over|above|under|below)\s*)?(?<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?<frac>\d+))?(?<post>\s*(?:万|元|块|CNY|RMB|USD|yuan)\b|\s*(?:万|元|块))?/giu

interface Mention { start: number; end: number; minor: number; grouped: boolean; decimals: boolean; wan: boolean; pre: string; post: string }

function mentions(name: string, digits: number): Mention[] {
  const out: Mention[] = []
  for (const m of name.matchAll(AMOUNT_IN_TEXT)) {
    const { pre = '', int, frac, post = '' } = m.groups as Record<string, string | undefined>
    if (!pre && !post) continue
    const wan = post.trim() === '万'
    const scale = 10n ** BigInt(digits)
    const fraction = BigInt(((frac ?? '').slice(0, digits)).padEnd(digits, '0') || '0')
    let minor = BigInt(int!.replace(/,/g, '')) * scale + fraction
    if (wan) minor *= 10_000n
    out.push({ start: m.index!, end: m.index! + m[0].length, minor: Number(minor), grouped: int!.includes(','), decimals: frac !== undefined, wan, pre, post })
  }
  return out
}

/** `minor` written as the name wrote the amount it replaces: grouped or not, with decimals or not, in 万 or not. */
function written(minor: number, like: Mention, digits: number): string {
  const wanUnit = 10_000n * 10n ** BigInt(digits)
  if (like.wan && BigInt(minor) % wanUnit === 0n) return String(BigInt(minor) / wanUnit)
  let text = minorToDecimal(minor, digits)
  if (!like.decimals && digits > 0 && text.endsWith(`.${'0'.repeat(digits)}`)) text = text.slice(0, -(digits + 1))
  if (!like.grouped) return text
  const [whole, part] = text.split('.')
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (part ? `.${part}` : '')
}

/**
 * `name` with the amounts it mentions changed to those the rule in `config` compares with, or null
 * when the name mentions none, all it mentions are in the rule, or which to change is unclear.
 */
export function nameForAmounts(name: string | undefined, config: unknown, currency: string): string | null {
  if (!name) return null
  const amounts = ruleAmounts(config)
  if (amounts.length === 0) return null
  const digits = minorDigits(currency)
  const found = mentions(name, digits)
  if (found.length === 0 || found.every((m) => amounts.includes(m.minor))) return null
  // In order when the name mentions as many amounts as the rule has; the one amount everywhere else.
  const target = (i: number) => (found.length === amounts.length ? amounts[i] : amounts.length === 1 ? amounts[0] : null)
  let out = ''
  let at = 0
  for (const [i, m] of found.entries()) {
    const minor = target(i)
    if (minor === null) return null
    const wan = m.wan && minor % (10_000 * 10 ** digits) !== 0
    const text = `${m.pre}${written(minor, m, digits)}${wan ? m.post.replace('万', '元') : m.post}`
    out += name.slice(at, m.start) + text
    at = m.end
  }
  out += name.slice(at)
  return out === name ? null : out
}
