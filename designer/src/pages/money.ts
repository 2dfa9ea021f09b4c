/**
 * Money as the API sends it: an integer amount of minor units (fen, cents) with an ISO 4217
 * currency. Formatted with Intl in the reader's locale; the minor-unit exponent comes from Intl
 * (JPY 0, CNY 2, BHD 3), and the amount never passes through a lossy float division.
 */

const formatters = new Map<string, Intl.NumberFormat>()

function formatterFor(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`
  let f = formatters.get(key)
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency })
    formatters.set(key, f)
  }
  return f
}

/** How many minor-unit digits the currency has (2 for CNY/USD, 0 for JPY, 3 for BHD). */
export function minorDigits(currency: string): number {
  try {
    return formatterFor('en', currency).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    return 2
  }
}

/** An exact decimal string for `minor` minor units with `digits` fraction digits: (12345, 2) → "123.45". */
export function minorToDecimal(minor: number | bigint, digits: number): string {
  const n = BigInt(minor)
  const negative = n < 0n
  const abs = (negative ? -n : n).toString()
  if (digits <= 0) return (negative ? '-' : '') + abs
  const padded = abs.padStart(digits + 1, '0')
  return `${negative ? '-' : ''}${padded.slice(0, -digits)}.${padded.slice(-digits)}`
}

/**
 * Formats integer minor units of `currency` for `locale`: (12345, 'CNY', 'zh-CN') → "¥123.45",
 * (1234, 'JPY', 'en') → "¥1,234". An unknown currency code falls back to "123.45 XXX".
 */
export function formatMoney(minor: number | null | undefined, currency: string | null | undefined, locale: string): string {
  if (minor === null || minor === undefined || !Number.isFinite(minor)) return '—'
  const whole = Number.isInteger(minor) ? minor : Math.round(minor)
  let f: Intl.NumberFormat
  try {
    f = formatterFor(locale, currency ?? '')
  } catch {
    return `${minorToDecimal(whole, 2)} ${currency ?? ''}`.trim()
  }
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2
  // A decimal string is formatted exactly (Intl.NumberFormat v3), even beyond 2^53 / 100.
  return f.format(minorToDecimal(whole, digits) as Intl.StringNumericLiteral)
}
