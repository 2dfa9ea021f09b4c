/**
 * Money from a platform's decimal text to integer minor units of an ISO 4217 currency, read digit by
 * digit: never through a float, so "13.30" is 1330 fen and three of them are 3990, not 3989.9999….
 */

import { minorUnitDigits } from '../../schemas/currency.ts'

export { minorUnitDigits }

/** An amount read, or why it could not be. */
export type MoneyReading = { ok: true; minor: number } | { ok: false; reason: string }

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/

/**
 * Integer minor units of decimal `text` in `currency` ("59.38" EUR → 5938, "1500" JPY → 1500,
 * "1.234" KWD → 1234, "-5.00" → -500). Refused: exponents ("1e3"), signs other than a leading
 * minus, more decimals than the currency has unless they are zeros ("13.300" is fine, "13.305" is
 * not), and amounts beyond Number.MAX_SAFE_INTEGER minor units.
 */
export function toMinorUnits(text: string, currency: string): MoneyReading {
  const digits = minorUnitDigits(currency)
  if (digits === null) return { ok: false, reason: `${currency} is not an ISO 4217 currency code` }
  const m = DECIMAL.exec(text)
  if (!m) {
    const why = /[eE]/.test(text) ? 'is written with an exponent' : 'is not a decimal amount'
    return { ok: false, reason: `"${text}" ${why}; amounts are plain decimals such as "13.30"` }
  }
  const [, sign, whole, fraction = ''] = m
  if (fraction.length > digits && /[^0]/.test(fraction.slice(digits))) {
    return { ok: false, reason: `"${text}" has ${fraction.length} decimals; ${currency} has ${digits}` }
  }
  const minor = BigInt(whole + fraction.slice(0, digits).padEnd(digits, '0'))
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: `"${text}" is too large an amount` }
  const value = Number(minor)
  return { ok: true, minor: sign === '-' && value !== 0 ? -value : value }
}

/**
 * `total` minor units shared over `quantity` units, rounded half up: a line's price per unit when the
 * platform gives only the line's sum (WooCommerce subtotal "10.00" for 3 is 333 cents a unit).
 */
export function perUnit(total: number, quantity: number): number {
  return Number((2n * BigInt(total) + BigInt(quantity)) / (2n * BigInt(quantity)))
}
