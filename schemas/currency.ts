/** ISO 4217 currencies: how many minor-unit digits each has (money is stored in minor units). */

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
