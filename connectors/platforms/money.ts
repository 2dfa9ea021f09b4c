/**
 * Money from a platform's decimal text to integer minor units of an ISO 4217 currency, read digit by
 * digit: never through a float, so "13.30" is 1330 fen and three of them are 3990, not 3989.9999….
 */

/**
 * ISO 4217 minor units of the currencies that do not have two (ISO 4217 list one, "Minor unit"
 * column). Every other current code has two.
 */
const MINOR_UNITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
}

// The codes the runtime's ICU knows (the current ISO 4217 list) and the fund codes above it leaves out,
// to refuse a code that names no currency.
const KNOWN = new Set([...Intl.supportedValuesOf('currency'), ...Object.keys(MINOR_UNITS)])

/** The number of minor-unit digits of `currency`, or null when it is not an ISO 4217 code. */
export function minorUnitDigits(currency: string): number | null {
  if (!/^[A-Z]{3}$/.test(currency) || !KNOWN.has(currency)) return null
  return MINOR_UNITS[currency] ?? 2
}

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
