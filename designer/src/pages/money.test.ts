import { describe, expect, it } from 'vitest'
import { formatMoney, minorDigits, minorToDecimal } from './money.ts'

/** Intl puts narrow no-break spaces in some locales; compare with plain spaces. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ')

describe('minorToDecimal', () => {
  it('places the decimal point by the digit count', () => {
    expect(minorToDecimal(12345, 2)).toBe('123.45')
    expect(minorToDecimal(5, 2)).toBe('0.05')
    expect(minorToDecimal(0, 2)).toBe('0.00')
    expect(minorToDecimal(1234, 0)).toBe('1234')
    expect(minorToDecimal(1, 3)).toBe('0.001')
    expect(minorToDecimal(-250, 2)).toBe('-2.50')
  })
  it('is exact for the largest safe integer', () => {
    expect(minorToDecimal(9007199254740991, 2)).toBe('90071992547409.91')
  })
})

describe('minorDigits', () => {
  it('comes from Intl per currency', () => {
    expect(minorDigits('CNY')).toBe(2)
    expect(minorDigits('USD')).toBe(2)
    expect(minorDigits('JPY')).toBe(0)
    expect(minorDigits('BHD')).toBe(3)
  })
})

describe('formatMoney', () => {
  it('divides CNY fen by 100', () => {
    expect(formatMoney(12345, 'CNY', 'zh-CN')).toBe('¥123.45')
    expect(formatMoney(12345, 'CNY', 'en')).toBe('CN¥123.45')
    expect(formatMoney(199, 'CNY', 'en')).toBe('CN¥1.99')
  })
  it('does not divide JPY (no minor unit)', () => {
    expect(formatMoney(1234, 'JPY', 'en')).toBe('¥1,234')
    expect(formatMoney(1234, 'JPY', 'zh-CN')).toBe('JP¥1,234')
  })
  it('uses three digits for BHD', () => {
    expect(plain(formatMoney(1234, 'BHD', 'en'))).toBe('BHD 1.234')
  })
  it('formats USD cents with grouping', () => {
    expect(formatMoney(123456789, 'USD', 'en')).toBe('$1,234,567.89')
    expect(formatMoney(0, 'USD', 'en')).toBe('$0.00')
  })
  it('keeps every digit of huge amounts', () => {
    expect(formatMoney(9007199254740991, 'CNY', 'en')).toBe('CN¥90,071,992,547,409.91')
  })
  it('falls back for an unknown or missing currency and a missing amount', () => {
    expect(formatMoney(12345, 'not a code', 'en')).toBe('123.45 not a code')
    expect(formatMoney(null, 'CNY', 'en')).toBe('—')
    expect(formatMoney(undefined, 'CNY', 'en')).toBe('—')
  })
})
