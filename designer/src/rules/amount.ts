/**
 * Amounts as operators type and read them: in the currency's major unit (1,000.00 元), while rules
 * and orders hold integer minor units (100000 fen). Exact both ways: no float ever holds the amount.
 * Formatting is pages/money.ts's; this adds reading what was typed.
 */
import { minorDigits, minorToDecimal } from '../pages/money.ts'

/** The amount in major units as an input shows it: (100000, 'CNY') → "1000.00", (500, 'JPY') → "500". */
export function amountToText(minor: number, currency: string): string {
  return minorToDecimal(Math.round(minor), minorDigits(currency))
}

/**
 * Minor units from text typed in major units: "1000", "1,000.5", "1 000.50" → 100050 for CNY. Null
 * when it is no amount: not a plain decimal, more decimals than the currency has, negative, or
 * beyond what a JSON number holds exactly.
 */
export function parseAmount(text: string, currency: string): number | null {
  const digits = minorDigits(currency)
  const plain = text.trim().replace(/[\s,，_]/g, '')
  const m = /^(\d+)(?:\.(\d*))?$/.exec(plain)
  if (!m) return null
  const fraction = m[2] ?? ''
  if (fraction.length > digits) return null
  const minor = BigInt(m[1]) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0')
  return minor <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(minor) : null
}
