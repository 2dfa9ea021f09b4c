/**
 * The exact JSON text a parsed value was read from, remembered beside the value (by identity, so it
 * travels wherever the value does and is never used for another one). JSON.parse reads a 64-bit id
 * as the nearest double (6931234567890123457 → 6931234567890124000); a payload that must come back
 * as it arrived is stored and served as its text. Values with a text are treated as immutable.
 */
const texts = new WeakMap<object, string>()

/** Remembers that `value` was parsed from `text`, which must be valid JSON of exactly that value. */
export function keepSourceText(value: object, text: string): void {
  texts.set(value, text)
}

/** The text `value` was parsed from, when it was kept. */
export function sourceTextOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? texts.get(value) : undefined
}
