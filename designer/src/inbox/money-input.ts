/**
 * Money typed by a person: "1,234.5" yuan read as integer fen, exactly (a decimal string, never a
 * float multiplication), with the currency's minor digits from money.ts.
 */

/**
 * The minor units `text` stands for with `digits` fraction digits: ("1,234.5", 2) → 123450, ("¥12", 2) → 1200;
 * null when it is not an amount or has more fraction digits than the currency.
 */
export function decimalToMinor(text: string, digits: number): number | null {
  const clean = text.trim().replace(/[,\s，]/g, '').replace(/^[¥￥$]/, '')
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(clean)
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null
  const fraction = m[3] ?? ''
  if (fraction.length > digits) return null
  const minor = BigInt((m[2] || '0') + fraction.padEnd(digits, '0'))
  const value = Number(m[1] === '-' ? -minor : minor)
  return Number.isSafeInteger(value) ? value : null
}

/** The `$comment` that marks a form field as money in minor units, and the rjsf field that draws it. */
export const MONEY_FIELD = 'money'
