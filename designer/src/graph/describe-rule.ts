/** A JsonLogic rule in short infix form (`order.totalAmount > 100000 and …`) for cards and lists. */

const INFIX: Record<string, string> = {
  '==': '=', '===': '=', '!=': '≠', '!==': '≠', '>': '>', '>=': '≥', '<': '<', '<=': '≤',
  '+': '+', '-': '−', '*': '×', '/': '÷', '%': 'mod', in: 'in',
}

export function describeRule(rule: unknown): string {
  if (rule === null || typeof rule !== 'object') return JSON.stringify(rule)
  if (Array.isArray(rule)) return `[${rule.map(describeRule).join(', ')}]`
  const [op] = Object.keys(rule)
  if (op === undefined) return '{}'
  const raw = (rule as Record<string, unknown>)[op]
  const args = Array.isArray(raw) ? raw : [raw]
  if (op === 'var') return String(args[0])
  if (op === 'and' || op === 'or') return args.map((a) => wrap(a)).join(` ${op} `)
  if (op === '!') return `not ${wrap(args[0])}`
  if (op === '!!') return describeRule(args[0])
  if (INFIX[op] && args.length === 2) return `${describeRule(args[0])} ${INFIX[op]} ${describeRule(args[1])}`
  if (INFIX[op] && args.length === 3 && (op === '<' || op === '<=')) return `${describeRule(args[0])} ${INFIX[op]} ${describeRule(args[1])} ${INFIX[op]} ${describeRule(args[2])}`
  return `${op}(${args.map(describeRule).join(', ')})`
}

function wrap(rule: unknown): string {
  const text = describeRule(rule)
  const op = rule && typeof rule === 'object' && !Array.isArray(rule) ? Object.keys(rule)[0] : ''
  return op === 'and' || op === 'or' ? `(${text})` : text
}
