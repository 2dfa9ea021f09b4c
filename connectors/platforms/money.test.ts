import { describe, expect, it } from 'vitest'
import { minorUnitDigits, perUnit, toMinorUnits } from './money.ts'

const minor = (text: string, currency = 'CNY') => {
  const r = toMinorUnits(text, currency)
  if (!r.ok) throw new Error(r.reason)
  return r.minor
}
const reason = (text: string, currency = 'CNY') => {
  const r = toMinorUnits(text, currency)
  return r.ok ? null : r.reason
}

describe('money from decimal text', () => {
  it('reads "13.30" as 1330 fen, so three of them are exactly 3990 (floats say 3990.0000000000005)', () => {
    expect(minor('13.30')).toBe(1330)
    expect(minor('13.30') * 3).toBe(3990)
    expect(13.3 * 3 * 100).not.toBe(3990)
    expect(minor('1.005', 'KWD')).toBe(1005) // a float reads 1.005 × 100 as 100.49999999999999
  })

  it('adds "0.10" and "0.20" to exactly 30 fen (0.1 + 0.2 never appears)', () => {
    expect(minor('0.10') + minor('0.20')).toBe(30)
    expect(0.1 + 0.2).not.toBe(0.3)
  })

  it('reads whole amounts, one decimal and trailing zeros beyond the currency\'s digits', () => {
    expect(minor('548')).toBe(54800)
    expect(minor('39.8')).toBe(3980)
    expect(minor('13.300')).toBe(1330)
    expect(minor('0.00')).toBe(0)
  })

  it('keeps amounts past a double\'s exact integers exact', () => {
    expect(minor('90071992547409.91')).toBe(9007199254740991)
    expect(reason('90071992547409.92')).toMatch(/too large/)
  })

  it('refuses an exponent, signs, spaces and more decimals than the currency has', () => {
    expect(reason('1e3')).toMatch(/"1e3" is written with an exponent/)
    expect(reason('1.5E2')).toMatch(/exponent/)
    expect(reason('+1.00')).toMatch(/not a decimal amount/)
    expect(reason(' 1.00')).toMatch(/not a decimal amount/)
    expect(reason('1,00')).toMatch(/not a decimal amount/)
    expect(reason('.5')).toMatch(/not a decimal amount/)
    expect(reason('5.')).toMatch(/not a decimal amount/)
    expect(reason('')).toMatch(/not a decimal amount/)
    expect(reason('13.305')).toBe('"13.305" has 3 decimals; CNY has 2')
  })

  it('reads a negative amount (a refund line) as negative minor units', () => {
    expect(minor('-5.00', 'EUR')).toBe(-500)
    expect(minor('-0.00', 'EUR')).toBe(0)
  })

  it('uses ISO 4217 minor units: JPY has none, KWD three', () => {
    expect(minorUnitDigits('JPY')).toBe(0)
    expect(minor('1500', 'JPY')).toBe(1500)
    expect(minor('1500.00', 'JPY')).toBe(1500)
    expect(reason('1500.5', 'JPY')).toBe('"1500.5" has 1 decimals; JPY has 0')
    expect(minorUnitDigits('KWD')).toBe(3)
    expect(minor('1.234', 'KWD')).toBe(1234)
    expect(minor('1.2', 'KWD')).toBe(1200)
    expect(minor('59.38', 'EUR')).toBe(5938)
  })

  it('refuses a code that names no currency', () => {
    expect(minorUnitDigits('XYZ')).toBeNull()
    expect(minorUnitDigits('usd')).toBeNull()
    expect(reason('1.00', 'XYZ')).toBe('XYZ is not an ISO 4217 currency code')
  })

  it('shares a line total over its units, rounding half up', () => {
    expect(perUnit(5000, 2)).toBe(2500)
    expect(perUnit(1000, 3)).toBe(333)
    expect(perUnit(1001, 2)).toBe(501)
    expect(perUnit(9007199254740991, 1)).toBe(9007199254740991)
  })
})
