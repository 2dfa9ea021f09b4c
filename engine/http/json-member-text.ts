/**
 * Finds the exact source text of one member of each top-level item of a JSON text, without parsing
 * it again: a scan over text that JSON.parse has already accepted, so it need not check anything.
 */

/** The structural characters a skip jumps between (native search, not a loop over every character). */
const STRUCTURAL = /["{}[\]]/g
const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d])
const END_OF_SCALAR = /[,}\]\s]/g

/**
 * For valid JSON `text`: the source text of member `name` of the top-level object, or of each
 * element of a top-level array (undefined where an element is not an object or has no such member).
 * A repeated member gives its last text, as JSON.parse keeps its last value.
 */
export function memberTextOfItems(text: string, name: string): Array<string | undefined> {
  let i = skipSpace(text, 0)
  if (text[i] === '{') return [memberText(text, i, name).text]
  if (text[i] !== '[') return []
  const out: Array<string | undefined> = []
  i = skipSpace(text, i + 1)
  if (text[i] === ']') return out
  for (;;) {
    if (text[i] === '{') {
      const member = memberText(text, i, name)
      out.push(member.text)
      i = member.end
    } else {
      out.push(undefined)
      i = skipValue(text, i)
    }
    i = skipSpace(text, i)
    if (text[i] !== ',') return out
    i = skipSpace(text, i + 1)
  }
}

/** The text of member `name` of the object opening at `start`, and the index after that object. */
function memberText(text: string, start: number, name: string): { text: string | undefined; end: number } {
  let found: string | undefined
  let i = skipSpace(text, start + 1)
  if (text[i] === '}') return { text: found, end: i + 1 }
  for (;;) {
    const keyEnd = skipString(text, i)
    const key = text.slice(i + 1, keyEnd - 1)
    // A key written with escapes ("r\u0061w") is the same key; decoding it is the rare case.
    const matches = key.includes('\\') ? JSON.parse(text.slice(i, keyEnd)) === name : key === name
    const valueStart = skipSpace(text, skipSpace(text, keyEnd) + 1)
    const valueEnd = skipValue(text, valueStart)
    if (matches) found = text.slice(valueStart, valueEnd)
    i = skipSpace(text, valueEnd)
    if (text[i] !== ',') return { text: found, end: i + 1 }
    i = skipSpace(text, i + 1)
  }
}

/** The index after the value starting at `i`. */
function skipValue(text: string, i: number): number {
  const c = text[i]
  if (c === '"') return skipString(text, i)
  if (c !== '{' && c !== '[') {
    END_OF_SCALAR.lastIndex = i
    return END_OF_SCALAR.exec(text)?.index ?? text.length
  }
  let depth = 0
  STRUCTURAL.lastIndex = i
  for (let m = STRUCTURAL.exec(text); m; m = STRUCTURAL.exec(text)) {
    const ch = m[0]
    if (ch === '"') {
      STRUCTURAL.lastIndex = skipString(text, m.index)
    } else if (ch === '{' || ch === '[') {
      depth += 1
    } else if (--depth === 0) {
      return m.index + 1
    }
  }
  return text.length
}

/** The index after the string whose opening quote is at `i`. */
function skipString(text: string, i: number): number {
  let from = i + 1
  for (;;) {
    const quote = text.indexOf('"', from)
    if (quote < 0) return text.length
    // A quote is escaped when an odd number of backslashes precede it.
    let backslashes = 0
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes += 1
    if (backslashes % 2 === 0) return quote + 1
    from = quote + 1
  }
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && SPACE.has(text.charCodeAt(i))) i += 1
  return i
}
