import { describe, expect, it } from 'vitest'
import { amountToText, parseAmount } from './amount.ts'

describe('amounts typed in yuan, kept in fen', () => {
  it('shows minor units in the major unit with the currency\'s decimals', () => {
    expect(amountToText(100000, 'CNY')).toBe('1000.00')
    expect(amountToText(5, 'CNY')).toBe('0.05')
    expect(amountToText(500, 'JPY')).toBe('500')
  })

  it('reads what an operator types, grouping separators included, exactly', () => {
    expect(parseAmount('1000', 'CNY')).toBe(100000)
    expect(parseAmount('1,000.5', 'CNY')).toBe(100050)
    expect(parseAmount(' 2 000.00 ', 'CNY')).toBe(200000)
    expect(parseAmount('0.1', 'CNY')).toBe(10)
    expect(parseAmount('90071992547409.91', 'CNY')).toBe(9007199254740991)
    expect(parseAmount('500', 'JPY')).toBe(500)
  })

  it('refuses text that is no amount of that currency', () => {
    for (const text of ['', 'abc', '1.234', '-5', '1e5', '90071992547409.92', '1.5']) {
      expect(parseAmount(text, text === '1.5' ? 'JPY' : 'CNY'), text).toBeNull()
    }
  })
})
