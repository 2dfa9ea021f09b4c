import { describe, expect, it } from 'vitest'
import { decimalToMinor } from './money-input.ts'

describe('money typed in yuan, kept in fen', () => {
  it('reads whole yuan, decimals, thousands separators and a currency sign exactly', () => {
    expect(decimalToMinor('6500', 2)).toBe(650000)
    expect(decimalToMinor('6,500.5', 2)).toBe(650050)
    expect(decimalToMinor('¥ 0.07', 2)).toBe(7)
    expect(decimalToMinor('.5', 2)).toBe(50)
    // 0.1 + 0.2 style float error never happens: 1.15 yuan is 115 fen, not 114.99999.
    expect(decimalToMinor('1.15', 2)).toBe(115)
  })

  it('refuses what is no amount, or has more fraction digits than the currency', () => {
    expect(decimalToMinor('abc', 2)).toBeNull()
    expect(decimalToMinor('', 2)).toBeNull()
    expect(decimalToMinor('.', 2)).toBeNull()
    expect(decimalToMinor('1.234', 2)).toBeNull()
    expect(decimalToMinor('12.5', 0)).toBeNull()
    expect(decimalToMinor('1e3', 2)).toBeNull()
  })
})
